package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dorametrics.bench.SyntheticOrganisation;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partitioned table written one task per partition value has the very files one task writes. */
class ParallelPartitionWriteTest {
    @TempDir
    Path folder;

    @Test
    void partitionsWrittenInParallelAreTheFilesOfOneTask() throws Exception {
        OutputLocation generated = OutputLocation.open(folder.resolve("generated").toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        new SyntheticOrganisation(TestSpark.session(), new SyntheticOrganisation.Size(3, 6, 600, 1800, 50, 2, LocalDate.of(2026, 3, 1)))
                .writeTables(generated);
        Dataset<Row> changes = TableReader.read(TestSpark.session(), generated, TableSchemas.DEPLOYMENT_CHANGES).drop("deployed_month");

        List<Path> oneTask = written(changes, "one-task", false);
        List<Path> parallel = written(changes, "parallel", true);
        assertTrue(oneTask.size() > 12, "two years of month partitions, got " + oneTask);
        assertEquals(oneTask.stream().map(p -> folder.resolve("one-task").relativize(p)).toList(),
                parallel.stream().map(p -> folder.resolve("parallel").relativize(p)).toList());
        for (int i = 0; i < oneTask.size(); i++) {
            assertArrayEquals(Files.readAllBytes(oneTask.get(i)), Files.readAllBytes(parallel.get(i)), oneTask.get(i).toString());
        }
    }

    /** The Parquet files of the table written under FOLDER/name, in path order. */
    private List<Path> written(Dataset<Row> rows, String name, boolean parallel) throws Exception {
        OutputLocation output = OutputLocation.open(folder.resolve(name).toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        new TableWriter(TestSpark.session(), output, Map.of(), ZoneId.of("Europe/Berlin")).write(TableSchemas.DEPLOYMENT_CHANGES, rows, parallel);
        try (Stream<Path> files = Files.walk(folder.resolve(name))) {
            return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }
}
