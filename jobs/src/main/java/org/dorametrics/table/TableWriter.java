package org.dorametrics.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;

/**
 * Publishes tables as Parquet under {@code <output>/tables/<name>/}: checked against the table's schema file,
 * sorted by its key so that the same inputs give the same bytes, written to a staging directory with
 * {@code _SCHEMA.json} and {@code _RUN.json} beside the data, then moved into place in one rename.
 */
public final class TableWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static final Map<String, List<String>> KEYS = Map.ofEntries(
            Map.entry(TableSchemas.CHANGES, List.of("repo", "sha")),
            Map.entry(TableSchemas.PULL_REQUESTS, List.of("repo", "pr_number")),
            Map.entry(TableSchemas.DEPLOYMENTS, List.of("deployment_id")),
            Map.entry(TableSchemas.DEPLOYMENT_CHANGES, List.of("deployment_id", "repo", "sha")),
            Map.entry(TableSchemas.INCIDENTS, List.of("incident_id")),
            Map.entry(TableSchemas.INCIDENT_DEPLOYMENTS, List.of("incident_id", "deployment_id")),
            Map.entry(TableSchemas.REJECTS, List.of("source", "line", "record_id", "field", "action", "reason")),
            Map.entry(TableSchemas.TEAM_METRICS, List.of("team", "period_type", "period_start")),
            Map.entry(TableSchemas.SERVICE_METRICS, List.of("service", "period_type", "period_start")),
            Map.entry(TableSchemas.DATA_QUALITY, List.of("team", "period_type", "period_start")),
            Map.entry(TableSchemas.ALERTS, List.of("alert_id")));

    private static final int ROWS_PER_SLICE = 100;

    private final SparkSession spark;
    private final OutputLocation output;
    private final Map<String, Object> runFacts;

    /** @param runFacts what every _RUN.json says about the run (as-of, config digest, version, rejects) */
    public TableWriter(SparkSession spark, OutputLocation output, Map<String, Object> runFacts) {
        this.spark = spark;
        this.output = output;
        this.runFacts = runFacts;
    }

    public long write(String table, List<Row> rows) {
        // Slices keep each task small: one task carrying every row would be shipped to a single executor whole.
        int slices = Math.max(1, Math.min(1000, rows.size() / ROWS_PER_SLICE + 1));
        JavaRDD<Row> distributed = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows.stream().map(TableWriter::withScalaLists).toList(), slices);
        return write(table, spark.createDataFrame(distributed, TableSchemas.load(table)));
    }

    public long write(String table, Dataset<Row> data) {
        StructType schema = TableSchemas.load(table);
        Dataset<Row> conforming = conform(table, data, schema);
        Path finalPath = output.table(table);
        Path staging = new Path(finalPath.getParent(), "._staging-" + UUID.randomUUID() + "-" + table);
        Column[] keys = KEYS.get(table).stream().map(functions::col).toArray(Column[]::new);
        try {
            conforming.coalesce(1).sortWithinPartitions(keys).write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
            FileSystem fs = output.fileSystem();
            renamePartFiles(fs, staging);
            long rows = rowCount(fs, staging);
            writeText(fs, new Path(staging, "_SCHEMA.json"), TableSchemas.json(table));
            Map<String, Object> run = new LinkedHashMap<>(runFacts);
            run.put("table", table);
            run.put("rows", rows);
            writeText(fs, new Path(staging, "_RUN.json"), JSON.writeValueAsString(run) + "\n");
            output.replace(staging, finalPath);
            return rows;
        } catch (IOException e) {
            output.delete(staging);
            throw new DoraException(ExitCode.OUTPUT_FAILED, "table " + table + ": cannot write " + Redaction.redact(finalPath.toString()) + " (" + Redaction.redact(e.getMessage()) + ")", e);
        }
    }

    /** The columns of the schema file, in its order and types; a missing or mistyped column is a bug, named here. */
    private static Dataset<Row> conform(String table, Dataset<Row> data, StructType schema) {
        List<Column> columns = new ArrayList<>();
        List<String> available = Arrays.asList(data.columns());
        for (StructField field : schema.fields()) {
            if (!available.contains(field.name())) {
                throw new IllegalStateException("table " + table + ": the job does not produce column " + field.name()
                        + " of schemas/" + table + ".json (it has " + available + ")");
            }
            DataType produced = data.schema().apply(field.name()).dataType();
            if (!sameType(produced, field.dataType())) {
                throw new IllegalStateException("table " + table + ": column " + field.name() + " is " + produced.simpleString()
                        + " but schemas/" + table + ".json says " + field.dataType().simpleString());
            }
            columns.add(functions.col(field.name()).as(field.name(), field.metadata()));
        }
        if (available.size() != schema.fields().length) {
            List<String> extra = new ArrayList<>(available);
            extra.removeAll(Arrays.asList(schema.fieldNames()));
            throw new IllegalStateException("table " + table + ": the job produces columns " + extra
                    + " that schemas/" + table + ".json does not declare");
        }
        return data.select(columns.toArray(Column[]::new));
    }

    /** Types equal, ignoring nullability flags inside arrays and structs (Spark does not keep them through Parquet). */
    static boolean sameType(DataType a, DataType b) {
        return a.asNullable().sameType(b.asNullable());
    }

    private static void renamePartFiles(FileSystem fs, Path directory) throws IOException {
        int index = 0;
        List<FileStatus> parts = new ArrayList<>(Arrays.asList(fs.listStatus(directory,
                p -> p.getName().startsWith("part-") && p.getName().endsWith(".parquet"))));
        parts.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        for (FileStatus part : parts) {
            Path renamed = new Path(directory, String.format("part-%05d.parquet", index++));
            fs.rename(part.getPath(), renamed);
            ParquetFooters.canonicalize(fs, renamed);
        }
        for (FileStatus other : fs.listStatus(directory, p -> p.getName().equals("_SUCCESS") || p.getName().endsWith(".crc"))) {
            fs.delete(other.getPath(), false);
        }
    }

    /** Rows built in Java carry java.util.List for arrays; Spark's row encoder takes Scala sequences. */
    private static Row withScalaLists(Row row) {
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            Object value = row.get(i);
            if (value instanceof List<?> list) {
                value = CollectionConverters.asScala(list.stream().map(e -> e instanceof Row r ? withScalaLists(r) : e).toList()).toSeq();
            }
            values[i] = value;
        }
        return RowFactory.create(values);
    }

    /** Rows of the written files, from their Parquet footers: no second Spark job over the data. */
    private static long rowCount(FileSystem fs, Path directory) throws IOException {
        long rows = 0;
        for (FileStatus part : fs.listStatus(directory, p -> p.getName().endsWith(".parquet"))) {
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(part, fs.getConf()))) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }

    private static void writeText(FileSystem fs, Path path, String text) throws IOException {
        try (var out = fs.create(path, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
