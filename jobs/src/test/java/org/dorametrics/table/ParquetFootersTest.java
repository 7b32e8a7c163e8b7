package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.RowGroup;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another JVM lists a column's encodings in another order (they come from a HashSet of enums); here a footer is put
 * in the other order on purpose, and canonicalizing gives back the very bytes of the canonical file.
 */
class ParquetFootersTest {
    @TempDir
    Path folder;

    @Test
    void aFooterWhoseEncodingsComeInAnotherOrderIsRewrittenToTheSameBytes() throws Exception {
        SparkSession spark = TestSpark.session();
        // Repeated strings are dictionary encoded: their chunks list several encodings, so the order can differ.
        Dataset<Row> rows = spark.range(2000).selectExpr("id", "concat('team-', id % 7) AS team", "id % 3 = 0 AS flag");
        rows.coalesce(1).write().parquet(folder.resolve("table").toString());
        Path part;
        try (var files = Files.list(folder.resolve("table"))) {
            part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        // As OutputLocation opens it: the local file system without .crc side files, which a rewrite would leave stale.
        FileSystem fs = OutputLocation.open(folder.toString(), spark.sparkContext().hadoopConfiguration()).fileSystem();
        try (var crcs = Files.list(folder.resolve("table"))) {
            for (Path crc : crcs.filter(f -> f.getFileName().toString().endsWith(".crc")).toList()) {
                Files.delete(crc);
            }
        }
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(part.toUri());

        ParquetFooters.canonicalize(fs, file);
        byte[] canonical = Files.readAllBytes(part);
        ParquetFooters.canonicalize(fs, file);
        assertArrayEquals(canonical, Files.readAllBytes(part), "canonical already: left as it is");

        List<Integer> listSizes = new ArrayList<>();
        ParquetFooters.rewriteFooter(fs, file, metadata -> {
            for (RowGroup group : metadata.getRow_groups()) {
                for (ColumnChunk column : group.getColumns()) {
                    List<Encoding> reversed = new ArrayList<>(column.getMeta_data().getEncodings());
                    Collections.reverse(reversed);
                    column.getMeta_data().setEncodings(reversed);
                    listSizes.add(reversed.size());
                }
            }
        });
        byte[] otherOrder = Files.readAllBytes(part);
        assertTrue(listSizes.stream().anyMatch(size -> size > 1), "some column lists several encodings: " + listSizes);
        assertEquals(canonical.length, otherOrder.length);
        assertFalse(Arrays.equals(canonical, otherOrder), "the other order is other bytes");
        assertEquals(2000, spark.read().parquet(part.toString()).count(), "the reordered file still reads");

        ParquetFooters.canonicalize(fs, file);

        assertArrayEquals(canonical, Files.readAllBytes(part));
        assertEquals(rows.collectAsList(), spark.read().parquet(part.toString()).orderBy("id").collectAsList());
    }
}
