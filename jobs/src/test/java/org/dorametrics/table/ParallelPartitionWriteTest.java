package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dorametrics.bench.SyntheticOrganisation;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partitioned table written one task per partition value, or from rows the driver holds in several tasks, has the
 * very files one task writes.
 */
class ParallelPartitionWriteTest {
    @TempDir
    Path folder;

    @Test
    void partitionsWrittenInParallelAreTheFilesOfOneTask() throws Exception {
        Dataset<Row> changes = generatedDeploymentChanges(600, 1800);

        List<Path> oneTask = written(changes, "one-task", false);
        List<Path> parallel = written(changes, "parallel", true);
        assertTrue(oneTask.size() > 12, "two years of month partitions, got " + oneTask);
        assertSameFiles("one-task", oneTask, "parallel", parallel);
    }

    @Test
    void rowsFromTheDriverInSeveralTasksAreTheFilesOfOneTask() throws Exception {
        Dataset<Row> changes = generatedDeploymentChanges(4000, 60000);
        List<Row> rows = changes.collectAsList();
        // Too many bytes for one task of a cluster's liking, too few rows to be written one task per partition.
        assertTrue(TableWriter.slices(rows) > 1, "slices of " + rows.size() + " rows");
        assertFalse(TableWriter.parallelPays(rows.size()));

        List<Path> fromDriver = written(rows, "from-driver");
        List<Path> oneTask = written(changes, "one-task", false);
        assertSameFiles("one-task", oneTask, "from-driver", fromDriver);
    }

    @Test
    void eachTaskCarriesAboutFourMebibytesOfRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(RowFactory.create("deployment-" + i, "x".repeat(i % 2_000), List.of("a", "b")));
        }
        int slices = TableWriter.slices(rows);
        // Spark slices a list evenly: every slice, serialized as a task carries it, stays near the target.
        for (int slice = 0; slice < slices; slice++) {
            List<Row> part = rows.subList(rows.size() * slice / slices, rows.size() * (slice + 1) / slices);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(new ArrayList<>(part));
            }
            assertTrue(bytes.size() > 3 << 20 && bytes.size() < 5 << 20, "slice " + slice + " of " + slices + ": " + bytes.size() + " bytes");
        }
        assertEquals(1, TableWriter.slices(rows.subList(0, 10)));
        assertEquals(1, TableWriter.slices(List.of()));
    }

    @Test
    void groupsMadeIntoRowsInTheTasksAreTheFilesOfTheirRows() throws Exception {
        List<Row> rows = generatedDeploymentChanges(4000, 60000).collectAsList();
        // Groups of one to a few thousand rows, as a deployment's changes are.
        List<RowsOf> groups = new ArrayList<>();
        for (int from = 0, size = 1; from < rows.size(); from += size, size = size * 7 % 4099) {
            groups.add(new RowsOf(new ArrayList<>(rows.subList(from, Math.min(rows.size(), from + size)))));
        }
        assertTrue(TableWriter.groupSlices(groups).size() > 1, "slices of " + groups.size() + " groups");

        new TableWriter(TestSpark.session(), output("groups"), Map.of(), ZoneId.of("Europe/Berlin"))
                .writeGroups(TableSchemas.DEPLOYMENT_CHANGES, groups);
        assertSameFiles("from-driver", written(rows, "from-driver"), "groups", parquetFiles("groups"));
    }

    @Test
    void eachTaskCarriesAboutFourMebibytesOfGroupsWhateverTheirSizes() throws IOException {
        List<RowsOf> groups = new ArrayList<>();
        int row = 0;
        for (int group = 0; group < 600; group++) {
            // Mostly small groups, every tenth one large: Spark's slices of as many groups each would differ tenfold.
            int size = group % 10 == 0 ? 4_000 + group : 1 + group % 50;
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < size; i++, row++) {
                rows.add(RowFactory.create("deployment-" + group, "x".repeat(row % 150), (long) row));
            }
            groups.add(new RowsOf(rows));
        }
        List<List<TableWriter.RowGroup>> slices = TableWriter.groupSlices(groups);
        assertEquals(groups, slices.stream().flatMap(List::stream).toList(), "every group once, in order");
        for (int slice = 0; slice < slices.size(); slice++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(slices.get(slice));
            }
            boolean last = slice == slices.size() - 1;
            assertTrue((last || bytes.size() > 5 << 19) && bytes.size() < 5 << 20,
                    "slice " + slice + " of " + slices.size() + ": " + bytes.size() + " bytes");
        }
        assertEquals(1, TableWriter.groupSlices(groups.subList(0, 3)).size());
        assertEquals(1, TableWriter.groupSlices(List.of()).size());
    }

    /** Rows held as they are, in groups. */
    private record RowsOf(List<Row> rows) implements TableWriter.RowGroup {
        @Override
        public int size() {
            return rows.size();
        }
    }

    /** deployment_changes of a synthetic organisation of this many deployments and changes, without its partition column. */
    private Dataset<Row> generatedDeploymentChanges(long deployments, long changes) {
        OutputLocation generated = OutputLocation.open(folder.resolve("generated").toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        new SyntheticOrganisation(TestSpark.session(), new SyntheticOrganisation.Size(3, 6, deployments, changes, 50, 2, LocalDate.of(2026, 3, 1)))
                .writeTables(generated);
        return TableReader.read(TestSpark.session(), generated, TableSchemas.DEPLOYMENT_CHANGES).drop("deployed_month");
    }

    /** The same relative paths under FOLDER/expectedName and FOLDER/actualName, with the same bytes. */
    private void assertSameFiles(String expectedName, List<Path> expected, String actualName, List<Path> actual) throws IOException {
        assertEquals(expected.stream().map(p -> folder.resolve(expectedName).relativize(p)).toList(),
                actual.stream().map(p -> folder.resolve(actualName).relativize(p)).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(Files.readAllBytes(expected.get(i)), Files.readAllBytes(actual.get(i)), expected.get(i).toString());
        }
    }

    /** The Parquet files of the table written under FOLDER/name, in path order. */
    private List<Path> written(Dataset<Row> rows, String name, boolean parallel) throws Exception {
        new TableWriter(TestSpark.session(), output(name), Map.of(), ZoneId.of("Europe/Berlin")).write(TableSchemas.DEPLOYMENT_CHANGES, rows, parallel);
        return parquetFiles(name);
    }

    /** The same, for rows the driver holds. */
    private List<Path> written(List<Row> rows, String name) throws Exception {
        new TableWriter(TestSpark.session(), output(name), Map.of(), ZoneId.of("Europe/Berlin")).write(TableSchemas.DEPLOYMENT_CHANGES, rows);
        return parquetFiles(name);
    }

    private OutputLocation output(String name) {
        return OutputLocation.open(folder.resolve(name).toString(), TestSpark.session().sparkContext().hadoopConfiguration());
    }

    private List<Path> parquetFiles(String name) throws IOException {
        try (Stream<Path> files = Files.walk(folder.resolve(name))) {
            return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }
}
