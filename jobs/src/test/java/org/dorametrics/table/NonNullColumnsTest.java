package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Rows a stage makes in Java reach Spark as nullable, as every column is written; a null where the schema file
 * declares none is still refused, naming the table and the column, at any depth, and nothing is published. A query's
 * columns are written nullable too.
 */
class NonNullColumnsTest {
    @TempDir
    Path folder;

    @Test
    void aNullInANonNullColumnFailsTheWriteNamingTableAndColumn() {
        assertRefused(TableSchemas.DEPLOYMENTS, column(TableSchemas.DEPLOYMENTS, "deployment_id", v -> null), "deployment_id");
        assertRefused(TableSchemas.CHANGES, column(TableSchemas.CHANGES, "services", v -> Arrays.asList("api", null)), "services[]");
        assertRefused(TableSchemas.CHANGES, column(TableSchemas.CHANGES, "trailers",
                v -> List.of(RowFactory.create("Change-Id", "I1"), RowFactory.create(null, "I2"))), "trailers[].key");
    }

    @Test
    void aNullInANonNullColumnOfRowsMadeInTheTasksFailsTheWriteToo() {
        Row row = column(TableSchemas.DEPLOYMENT_CHANGES, "sha", v -> null);
        TableWriter writer = new TableWriter(TestSpark.session(), output(), Map.of(), ZoneId.of("UTC"));
        Exception refused = assertThrows(Exception.class,
                () -> writer.writeGroups(TableSchemas.DEPLOYMENT_CHANGES, List.of(new OneRow(row))));
        assertTrue(messages(refused).contains("table deployment_changes: the job made a row with no sha, which "
                + "schemas/deployment_changes.json declares non-null"), messages(refused));
        assertFalse(Files.exists(folder.resolve("out/tables/deployment_changes")), "nothing published");
    }

    @Test
    void nullsWhereTheSchemaAllowsThemAreWrittenAndEveryColumnIsNullable() throws IOException {
        Row row = column(TableSchemas.CHANGES, "changed_paths", v -> null);
        OutputLocation output = output();
        assertEquals(1, new TableWriter(TestSpark.session(), output, Map.of(), ZoneId.of("UTC")).write(TableSchemas.CHANGES, List.of(row)));

        Row written = TableReader.read(TestSpark.session(), output, TableSchemas.CHANGES).collectAsList().get(0);
        assertNull(written.getAs("changed_paths"));
        List<Row> trailers = written.getList(written.fieldIndex("trailers"));
        assertEquals("I1", trailers.get(0).getString(1));
        // Spark reads every column as nullable whatever the file says: the file's own schema shows how it was written.
        MessageType file = fileSchema(folder.resolve("out/tables/changes"));
        assertEquals(TableSchemas.load(TableSchemas.CHANGES).fields().length - 1, file.getFieldCount(), file.toString());
        assertAllOptional(file);
    }

    /**
     * A query's computed columns are non-null to Spark, and would be written as required Parquet columns, unlike the
     * same rows read back and kept: the written columns are optional, marked so in the plan, the rows never turned
     * into Java objects. Constant columns, which the optimizer folds whatever the mark, are written optional too, by
     * that pass.
     */
    @Test
    void aTableFromAQueryIsWrittenNullableWithoutTurningItsRowsIntoJavaObjects() throws IOException {
        Dataset<Row> query = TestSpark.session().sql("""
                SELECT concat('team-', id) AS team, 'week' AS period_type, date_add(DATE'2026-11-23', CAST(id AS INT) * 7) AS period_start,
                       date_add(DATE'2026-11-29', CAST(id AS INT) * 7) AS period_end, id > 0 AS partial, id AS negative_lead_times,
                       id + 1 AS negative_recoveries, id + 2 AS deployments_unknown_revision, id + 3 AS incidents_without_service,
                       id + 4 AS changes_never_deployed
                FROM range(3)
                """);
        assertTrue(Arrays.stream(query.schema().fields()).noneMatch(StructField::nullable), query.schema().treeString());

        Dataset<Row> conformed = TableWriter.conform(TableSchemas.DATA_QUALITY, query, TableSchemas.load(TableSchemas.DATA_QUALITY));
        // All but the partition column: a constant, folded, which no file holds.
        assertTrue(Arrays.stream(conformed.queryExecution().optimizedPlan().schema().fields())
                .allMatch(f -> f.nullable() || f.name().equals("period_type")), conformed.queryExecution().optimizedPlan().toString());
        assertEquals(leaves(query), leaves(conformed), "the plan reads what the query read");
        assertAllOptional(writtenSchema("computed", query));

        Dataset<Row> constant = TestSpark.session().sql("""
                SELECT 'team-a' AS team, 'week' AS period_type, DATE'2026-11-23' AS period_start,
                       DATE'2026-11-29' AS period_end, false AS partial, 0L AS negative_lead_times, 1L AS negative_recoveries,
                       2L AS deployments_unknown_revision, 3L AS incidents_without_service, 4L AS changes_never_deployed
                """);
        assertAllOptional(writtenSchema("constant", constant));
    }

    private static List<String> leaves(Dataset<Row> data) {
        return CollectionConverters.asJava(data.queryExecution().analyzed().collectLeaves()).stream()
                .map(leaf -> leaf.getClass().getSimpleName()).toList();
    }

    /**
     * The Parquet schema of the file a data_quality table of these rows is written to, under out-NAME: every column
     * but the partition column, period_type, which is in the directory's name.
     */
    private MessageType writtenSchema(String name, Dataset<Row> rows) throws IOException {
        OutputLocation output = OutputLocation.open(folder.resolve("out-" + name).toString(),
                TestSpark.session().sparkContext().hadoopConfiguration());
        new TableWriter(TestSpark.session(), output, Map.of(), ZoneId.of("UTC")).write(TableSchemas.DATA_QUALITY, rows, false);
        MessageType file = fileSchema(folder.resolve("out-" + name + "/tables/data_quality"));
        assertEquals(9, file.getFieldCount(), file.toString());
        return file;
    }

    /** The schema in the footer of the table's one Parquet file. */
    private static MessageType fileSchema(Path table) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(table)) {
            files = walk.filter(f -> f.toString().endsWith(".parquet")).toList();
        }
        assertEquals(1, files.size(), files.toString());
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(files.get(0).toUri()), TestSpark.session().sparkContext().hadoopConfiguration()))) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    /** Every column optional, and every element and field inside one (a list's repeated group is its structure). */
    private static void assertAllOptional(MessageType written) {
        List<Type> fields = new ArrayList<>(written.getFields());
        while (!fields.isEmpty()) {
            Type field = fields.remove(fields.size() - 1);
            assertTrue(field.isRepetition(Type.Repetition.OPTIONAL) || field.isRepetition(Type.Repetition.REPEATED),
                    field + " in " + written);
            if (!field.isPrimitive()) {
                fields.addAll(field.asGroupType().getFields());
            }
        }
    }

    private void assertRefused(String table, Row row, String column) {
        TableWriter writer = new TableWriter(TestSpark.session(), output(), Map.of(), ZoneId.of("UTC"));
        Exception refused = assertThrows(Exception.class, () -> writer.write(table, List.of(row)));
        String expected = "table " + table + ": the job made a row with no " + column + ", which schemas/" + table
                + ".json declares non-null";
        assertTrue(messages(refused).contains(expected), messages(refused));
        assertFalse(Files.exists(folder.resolve("out/tables/" + table)), "nothing published");
    }

    private OutputLocation output() {
        return OutputLocation.open(folder.resolve("out").toString(), TestSpark.session().sparkContext().hadoopConfiguration());
    }

    /** A row of every column the stage produces (not the month partition), one of them changed. */
    private static Row column(String table, String name, UnaryOperator<Object> change) {
        List<Object> values = new ArrayList<>();
        for (StructField field : TableSchemas.load(table).fields()) {
            if (field.name().endsWith("_month")) {
                continue;
            }
            Object value = sample(field.dataType());
            values.add(field.name().equals(name) ? change.apply(value) : value);
        }
        return RowFactory.create(values.toArray());
    }

    private static Object sample(DataType type) {
        if (type instanceof ArrayType array) {
            return List.of(sample(array.elementType()));
        }
        if (type instanceof StructType struct) {
            return RowFactory.create(Arrays.stream(struct.fields()).map(f -> f.name().equals("key") ? "Change-Id" : "I1").toArray());
        }
        if (type.equals(DataTypes.StringType)) {
            return "x";
        }
        if (type.equals(DataTypes.TimestampType)) {
            return Timestamp.valueOf("2026-11-23 10:00:00");
        }
        if (type.equals(DataTypes.BooleanType)) {
            return false;
        }
        if (type.equals(DataTypes.IntegerType)) {
            return 1;
        }
        if (type.equals(DataTypes.LongType)) {
            return 1L;
        }
        throw new IllegalArgumentException("no sample value of " + type);
    }

    /** The messages of the exception and its causes: Spark wraps what a task threw in a SparkException. */
    private static String messages(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private record OneRow(Row row) implements TableWriter.RowGroup {
        @Override
        public int size() {
            return 1;
        }

        @Override
        public List<Row> rows() {
            return List.of(row);
        }
    }
}
