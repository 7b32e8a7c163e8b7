package org.dorametrics.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.catalyst.expressions.KnownNullable;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;

/**
 * Publishes tables as Parquet under {@code <output>/tables/<name>/}: checked against the table's schema file,
 * partitioned by the column analysts filter on (one directory per value, one file per directory), sorted by its
 * key so that the same inputs give the same bytes, written to a staging directory with {@code _SCHEMA.json} and
 * {@code _RUN.json} beside the data, then moved into place in one rename.
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
            Map.entry(TableSchemas.TEAM_METRICS_HISTORY, List.of("team", "period_type", "period_start")),
            Map.entry(TableSchemas.ALERTS, List.of("alert_id")));

    /** The partition column of each partitioned table: metric tables by period type, large fact tables by month. */
    private static final Map<String, String> PARTITION_COLUMNS = Map.of(
            TableSchemas.CHANGES, "committer_month",
            TableSchemas.PULL_REQUESTS, "merged_month",
            TableSchemas.DEPLOYMENTS, "finished_month",
            TableSchemas.DEPLOYMENT_CHANGES, "deployed_month",
            TableSchemas.INCIDENTS, "opened_month",
            TableSchemas.TEAM_METRICS, "period_type",
            TableSchemas.SERVICE_METRICS, "period_type",
            TableSchemas.DATA_QUALITY, "period_type",
            TableSchemas.TEAM_METRICS_HISTORY, "as_of");

    /** The instant column each month partition column is derived from; the stages do not produce these columns. */
    private static final Map<String, String> MONTH_OF = Map.of(
            "committer_month", "committer_time",
            "merged_month", "merged_at",
            "finished_month", "finished_at",
            "deployed_month", "deployed_at",
            "opened_month", "opened_at");

    /**
     * Bytes of rows per task of a write from the driver. The rows travel inside the task, and a cluster refuses a task
     * over spark.rpc.message.maxSize (128 MiB by default); each task also generates the code converting its rows,
     * which costs about as much as converting thousands of them, so a slice should not be much smaller.
     */
    private static final long SLICE_BYTES = 4L << 20;
    /** Rows or groups whose serialized size is sampled to size the slices. */
    private static final int SIZE_SAMPLE = 100;
    /** From this many rows, the partitions of a partitioned table are written in parallel. */
    private static final int PARALLEL_WRITE_ROWS = 200_000;

    private final SparkSession spark;
    private final OutputLocation output;
    private final Map<String, Object> runFacts;
    private final ZoneId reportingZone;

    /**
     * @param runFacts what every _RUN.json says about the run (as-of, config digest, version, rejects)
     * @param reportingZone the zone whose months the month partitions are
     */
    public TableWriter(SparkSession spark, OutputLocation output, Map<String, Object> runFacts, ZoneId reportingZone) {
        this.spark = spark;
        this.output = output;
        this.runFacts = runFacts;
        this.reportingZone = reportingZone;
    }

    public long write(String table, List<Row> rows) {
        int slices = slices(rows);
        // Spark's lists are converted in the tasks: a converted copy of every row would double the rows on the driver.
        StructType produced = producedSchema(table);
        JavaRDD<Row> distributed = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices)
                .map(row -> encodable(table, row, produced));
        return write(table, distributed, rows.size(), slices);
    }

    /**
     * Rows the driver holds in a compact form, made in the tasks: a table of millions of rows held as Rows of boxed
     * values takes several times the memory of what they are made from, which the driver mostly holds anyway.
     */
    public interface RowGroup extends Serializable {
        /** The number of rows of the group. */
        int size();

        /** The rows, made where they are written. */
        List<Row> rows();
    }

    /** Writes the rows of the groups, each task making those of about {@link #SLICE_BYTES} of groups. */
    public long writeGroups(String table, List<? extends RowGroup> groups) {
        List<List<RowGroup>> slices = groupSlices(groups);
        StructType produced = producedSchema(table);
        JavaRDD<Row> distributed = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(slices, slices.size())
                .flatMap(slice -> slice.stream().flatMap(group -> group.rows().stream()).map(row -> encodable(table, row, produced)).iterator());
        return write(table, distributed, groups.stream().mapToLong(RowGroup::size).sum(), slices.size());
    }

    private long write(String table, JavaRDD<Row> rows, long rowCount, int slices) {
        boolean parallel = parallelPays(rowCount);
        // Nullable as written (conform): the rows were checked against the schema file's non-null columns as they were made.
        Dataset<Row> data = spark.createDataFrame(rows, allNullable(producedSchema(table)));
        // Rows written by one task come to it through a shuffle: merged into it as they are, its slices would all
        // travel inside that one task.
        return write(table, !parallel && slices > 1 ? data.repartition(1) : data, parallel);
    }

    /** How many tasks carry these rows: about {@link #SLICE_BYTES} each, as an evenly spaced sample serializes. */
    static int slices(List<Row> rows) {
        if (rows.isEmpty()) {
            return 1;
        }
        List<Row> sample = evenlySpaced(rows);
        double total = (double) serializedSize(sample) / sample.size() * rows.size();
        return (int) Math.max(1, Math.ceil(total / SLICE_BYTES));
    }

    /**
     * The groups in consecutive slices of about {@link #SLICE_BYTES}, by their rows' count and the bytes per row of an
     * evenly spaced sample: groups differ in size too much for Spark's slices of as many groups each.
     */
    static List<List<RowGroup>> groupSlices(List<? extends RowGroup> groups) {
        List<? extends RowGroup> sample = evenlySpaced(groups);
        long sampleRows = sample.stream().mapToLong(RowGroup::size).sum();
        double bytesPerRow = sampleRows == 0 ? 1 : (double) serializedSize(sample) / sampleRows;
        long rowsPerSlice = Math.max(1, (long) (SLICE_BYTES / bytesPerRow));
        List<List<RowGroup>> slices = new ArrayList<>();
        List<RowGroup> slice = new ArrayList<>();
        long sliceRows = 0;
        for (RowGroup group : groups) {
            if (!slice.isEmpty() && sliceRows + group.size() > rowsPerSlice) {
                slices.add(slice);
                slice = new ArrayList<>();
                sliceRows = 0;
            }
            slice.add(group);
            sliceRows += group.size();
        }
        slices.add(slice);
        return slices;
    }

    /** At most {@link #SIZE_SAMPLE} of the items, evenly spaced. */
    private static <T> List<T> evenlySpaced(List<T> items) {
        int step = Math.max(1, items.size() / SIZE_SAMPLE);
        List<T> sample = new ArrayList<>();
        for (int i = 0; i < items.size(); i += step) {
            sample.add(items.get(i));
        }
        return sample;
    }

    private static int serializedSize(List<?> items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(items));
        } catch (IOException e) {
            throw new UncheckedIOException("rows that do not serialize cannot be written", e);
        }
        return bytes.size();
    }

    /** The columns a stage produces: those of the schema file but a month partition column, which is derived here. */
    private static StructType producedSchema(String table) {
        StructType schema = TableSchemas.load(table);
        String month = PARTITION_COLUMNS.get(table);
        if (month == null || !MONTH_OF.containsKey(month)) {
            return schema;
        }
        return new StructType(Arrays.stream(schema.fields()).filter(f -> !f.name().equals(month)).toArray(StructField[]::new));
    }

    public long write(String table, Dataset<Row> data) {
        return write(table, data, false);
    }

    /** Whether a partitioned table of this many rows is written faster by one task per partition ({@link #writeSorted}). */
    public static boolean parallelPays(long rows) {
        return rows >= PARALLEL_WRITE_ROWS;
    }

    /** @param parallel whether the partitions of a partitioned table are written by as many tasks ({@link #writeSorted}) */
    public long write(String table, Dataset<Row> data, boolean parallel) {
        StructType schema = TableSchemas.load(table);
        Dataset<Row> conforming = conform(table, withMonthPartition(table, data), schema);
        Path finalPath = output.table(table);
        Path staging = new Path(finalPath.getParent(), "._staging-" + UUID.randomUUID() + "-" + table);
        try {
            FileSystem fs = output.fileSystem();
            writeSorted(table, conforming, staging, parallel);
            long rows = rowCount(fs, staging);
            writeText(fs, new Path(staging, "_SCHEMA.json"), TableSchemas.json(table));
            writeText(fs, new Path(staging, "_RUN.json"), runJson(table, Map.of("rows", rows)));
            output.replace(staging, finalPath);
            return rows;
        } catch (IOException e) {
            output.delete(staging);
            throw failure(table, finalPath, e);
        }
    }

    /**
     * Publishes one partition of a table whose other partitions stay as they are (a table of snapshots): the rows,
     * all of one partition value, are written to staging like a whole table, then their partition directory is moved
     * into place in one rename, replacing the directory of the same value. _RUN.json names the partition last written.
     */
    public long replacePartition(String table, Dataset<Row> data) {
        Dataset<Row> conforming = conform(table, data, TableSchemas.load(table));
        Path tablePath = output.table(table);
        Path staging = new Path(tablePath.getParent(), "._staging-" + UUID.randomUUID() + "-" + table);
        try {
            FileSystem fs = output.fileSystem();
            writeSorted(table, conforming, staging, false);
            FileStatus[] partitions = fs.listStatus(staging, p -> p.getName().startsWith(PARTITION_COLUMNS.get(table) + "="));
            if (partitions.length != 1) {
                throw new IllegalStateException("table " + table + ": expected the rows of one partition, got "
                        + Arrays.stream(partitions).map(p -> p.getPath().getName()).toList());
            }
            Path partition = partitions[0].getPath();
            long rows = rowCount(fs, partition);
            output.replace(partition, new Path(tablePath, partition.getName()));
            output.delete(staging);
            output.writeAtomically(new Path(tablePath, "_SCHEMA.json"), out -> out.write(TableSchemas.json(table).getBytes(StandardCharsets.UTF_8)));
            String run = runJson(table, Map.of("partition", partition.getName(), "rows", rows));
            output.writeAtomically(new Path(tablePath, "_RUN.json"), out -> out.write(run.getBytes(StandardCharsets.UTF_8)));
            return rows;
        } catch (IOException e) {
            output.delete(staging);
            throw failure(table, tablePath, e);
        }
    }

    private String runJson(String table, Map<String, Object> written) throws IOException {
        Map<String, Object> run = new LinkedHashMap<>(runFacts);
        run.put("table", table);
        run.putAll(written);
        return JSON.writeValueAsString(run) + "\n";
    }

    private static DoraException failure(String table, Path path, IOException e) {
        return new DoraException(ExitCode.OUTPUT_FAILED, "table " + table + ": cannot write " + Redaction.redact(path.toString())
                + " (" + Redaction.redact(e.getMessage()) + ")", e);
    }

    /**
     * Writes the rows in key order, one file per partition directory: the rows are sorted by the partition column first,
     * so that Spark's partitioned writer adds no sort of its own (which need not be stable), in one task, or with
     * {@code parallel} in one task per partition value (a shuffle, which pays only for many rows). The files are the
     * same either way.
     */
    private void writeSorted(String table, Dataset<Row> data, Path directory, boolean parallel) throws IOException {
        String partition = PARTITION_COLUMNS.get(table);
        List<String> order = new ArrayList<>();
        if (partition != null) {
            order.add(partition);
        }
        order.addAll(KEYS.get(table));
        Dataset<Row> grouped = partition != null && parallel ? data.repartition(functions.col(partition)) : data.coalesce(1);
        DataFrameWriter<Row> writer = grouped.sortWithinPartitions(order.stream().map(functions::col).toArray(Column[]::new))
                .write().mode(SaveMode.ErrorIfExists);
        if (partition != null) {
            writer = writer.partitionBy(partition);
        }
        writer.parquet(directory.toString());
        FileSystem fs = output.fileSystem();
        if (partition != null && parquetFiles(fs, directory).isEmpty()) {
            // No rows, no partition directory: one empty file with every column keeps the schema readable to
            // readers that glob the Parquet files (DuckDB), as an unpartitioned empty table always was.
            data.limit(0).coalesce(1).write().mode(SaveMode.Overwrite).parquet(directory.toString());
        }
        renamePartFiles(fs, directory);
    }

    /** Adds the month partition column a fact table declares, from its instant column in the reporting time zone. */
    private Dataset<Row> withMonthPartition(String table, Dataset<Row> data) {
        String partition = PARTITION_COLUMNS.get(table);
        if (partition == null || !MONTH_OF.containsKey(partition)) {
            return data;
        }
        // The session time zone is UTC: shifting the instant to the zone's wall clock gives the local month.
        return data.withColumn(partition, functions.date_format(
                functions.from_utc_timestamp(functions.col(MONTH_OF.get(partition)), reportingZone.getId()), "yyyy-MM"));
    }

    /** The columns of the schema file, in its order and types; a missing or mistyped column is a bug, named here. */
    static Dataset<Row> conform(String table, Dataset<Row> data, StructType schema) {
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
            columns.add(markedNullable(functions.col(field.name())).as(field.name(), field.metadata()));
        }
        if (available.size() != schema.fields().length) {
            List<String> extra = new ArrayList<>(available);
            extra.removeAll(Arrays.asList(schema.fieldNames()));
            throw new IllegalStateException("table " + table + ": the job produces columns " + extra
                    + " that schemas/" + table + ".json does not declare");
        }
        // Every column is written nullable: Spark's nullability follows the plan (a kept row read back from Parquet is
        // nullable, a computed zero-filled count is not), and the files must not depend on which rows were recomputed.
        // The projection marks the columns, and a file takes the optimized plan's flags of the columns it holds (not
        // the partition column's, whose values name the directories). Where the optimizer folded a marked constant
        // into a non-null value, or an element or field inside a column is non-null, the rows take a pass through Row
        // objects instead, which costs about half as much again as writing them.
        Dataset<Row> selected = data.select(columns.toArray(Column[]::new));
        StructType written = new StructType(Arrays.stream(selected.queryExecution().optimizedPlan().schema().fields())
                .filter(f -> !f.name().equals(PARTITION_COLUMNS.get(table))).toArray(StructField[]::new));
        return written.equals(allNullable(written)) ? selected
                : data.sparkSession().createDataFrame(selected.javaRDD(), allNullable(selected.schema()));
    }

    /** The column, nullable for the plan: nothing to evaluate, and only constant folding takes the mark away. */
    private static Column markedNullable(Column column) {
        return ExpressionUtils.column(new KnownNullable(ExpressionUtils.expression(column)));
    }

    /** The same columns, comments and types, every column and array element nullable. */
    private static StructType allNullable(StructType schema) {
        return new StructType(Arrays.stream(schema.fields())
                .map(f -> new StructField(f.name(), nullable(f.dataType()), true, f.metadata()))
                .toArray(StructField[]::new));
    }

    private static DataType nullable(DataType type) {
        if (type instanceof ArrayType array) {
            return DataTypes.createArrayType(nullable(array.elementType()), true);
        }
        if (type instanceof StructType struct) {
            return allNullable(struct);
        }
        return type;
    }

    /** Types equal, ignoring nullability flags inside arrays and structs (Spark does not keep them through Parquet). */
    static boolean sameType(DataType a, DataType b) {
        return a.asNullable().sameType(b.asNullable());
    }

    /** Names the files of each directory part-00000.parquet, part-00001.parquet, ...: Spark's names hold a random id. */
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
        for (FileStatus partition : fs.listStatus(directory, p -> p.getName().contains("="))) {
            if (partition.isDirectory()) {
                renamePartFiles(fs, partition.getPath());
            }
        }
    }

    /** The Parquet files of a table directory, its partition directories included. */
    private static List<FileStatus> parquetFiles(FileSystem fs, Path directory) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> listed = fs.listFiles(directory, true);
        while (listed.hasNext()) {
            LocatedFileStatus file = listed.next();
            if (file.getPath().getName().endsWith(".parquet")) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * A row built in Java as Spark's row encoder takes it (java.util.List arrays as Scala sequences), refused when it
     * holds a null where the schema file declares none. The check is made here, in the pass that converts the lists,
     * because the rows go to Spark as nullable: every column is written nullable ({@link #conform}), and dropping
     * Spark's non-null flags afterwards would convert every row twice more.
     */
    private static Row encodable(String table, Row row, StructType schema) {
        return encodable(table, null, row, schema);
    }

    /** @param parent the column holding the struct, or null for a table's row (named so only when refused: rows are many) */
    private static Row encodable(String table, String parent, Row row, StructType schema) {
        StructField[] fields = schema.fields();
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            String column = parent == null ? fields[i].name() : parent + "." + fields[i].name();
            values[i] = encodable(table, column, row.get(i), fields[i].dataType(), fields[i].nullable());
        }
        return RowFactory.create(values);
    }

    private static Object encodable(String table, String column, Object value, DataType type, boolean nullable) {
        if (value == null) {
            if (!nullable) {
                throw new IllegalStateException("table " + table + ": the job made a row with no " + column
                        + ", which schemas/" + table + ".json declares non-null");
            }
            return null;
        }
        if (value instanceof Row struct && type instanceof StructType structType) {
            return encodable(table, column, struct, structType);
        }
        if (value instanceof List<?> list && type instanceof ArrayType array) {
            return CollectionConverters.asScala(list.stream()
                    .map(e -> encodable(table, column + "[]", e, array.elementType(), array.containsNull())).toList()).toSeq();
        }
        return value;
    }

    /** Rows of the written files, from their Parquet footers: no second Spark job over the data. */
    private static long rowCount(FileSystem fs, Path directory) throws IOException {
        long rows = 0;
        for (FileStatus part : parquetFiles(fs, directory)) {
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
