package org.dorametrics.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the published tables in Spark's catalog as external Parquet tables of one database ({@code run --catalog
 * NAME}), so that {@code spark-sql} users query {@code NAME.team_metrics} without knowing where the files are. The
 * files stay where the job wrote them; the catalog only points at them, so dropping a table there loses no data.
 */
public final class CatalogRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogRegistration.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String HIVE_SESSION_STATE = "org.apache.spark.sql.hive.HiveSessionStateBuilder";

    private final String database;

    private CatalogRegistration(String database) {
        this.database = database;
    }

    /**
     * Checks the option before any work: a name Spark SQL takes without quoting, and a catalog that outlives the run
     * (Hive's metastore) on the classpath.
     */
    public static CatalogRegistration forDatabase(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, "--catalog: expected a database name of letters, digits and"
                    + " underscores, not starting with a digit (e.g. dora); got '" + database + "'");
        }
        if (!hiveOnClasspath()) {
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, "--catalog needs Spark's Hive support (spark-hive and its"
                    + " metastore) on the classpath: scripts/dora adds jobs/target/hive-lib; with spark-submit, use a Spark"
                    + " distribution built with Hive");
        }
        return new CatalogRegistration(database);
    }

    public static boolean hiveOnClasspath() {
        try {
            Class.forName(HIVE_SESSION_STATE, false, CatalogRegistration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public String database() {
        return database;
    }

    /**
     * Creates the database when missing and points one table at each published table directory. A table that is
     * already there and has the schema file's columns is refreshed (new partitions found); one whose columns differ
     * is recreated; a table of that name that is not an external table over our directory is never touched.
     *
     * @return the registered tables, qualified ({@code NAME.team_metrics})
     */
    public List<String> register(SparkSession spark, OutputLocation output) {
        if ("in-memory".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory"))) {
            LOG.warn("catalog {}: Spark's catalog is in-memory here, so the tables registered in it vanish when this run"
                    + " ends; use Hive's metastore (spark.sql.catalogImplementation=hive) to keep them", database);
        }
        spark.sql("CREATE DATABASE IF NOT EXISTS " + database + " COMMENT 'dora-metrics tables (external Parquet)'");
        List<String> registered = new ArrayList<>();
        for (String table : TableSchemas.ALL) {
            Path location = output.table(table);
            if (!output.exists(location)) {
                LOG.warn("catalog {}: table {} is not published under {} yet; not registered", database, table,
                        Redaction.redact(output.tables().toString()));
                continue;
            }
            String qualified = database + "." + table;
            List<String> partitionColumns = partitionColumns(output, location);
            StructType schema = TableSchemas.load(table);
            if (spark.catalog().tableExists(database, table)) {
                requireOurs(spark, qualified, location);
                if (sameColumns(spark.table(qualified).schema(), schema)) {
                    refresh(spark, qualified, partitionColumns);
                    registered.add(qualified);
                    continue;
                }
                LOG.info("catalog {}: the columns of {} changed; registering it again", database, table);
                spark.sql("DROP TABLE " + qualified);
            }
            spark.sql("CREATE TABLE " + qualified + " (" + columnsDdl(schema) + ") USING parquet"
                    + (partitionColumns.isEmpty() ? "" : " PARTITIONED BY (" + String.join(", ", partitionColumns) + ")")
                    + " LOCATION '" + location.toString().replace("'", "\\'") + "'");
            refresh(spark, qualified, partitionColumns);
            registered.add(qualified);
        }
        LOG.info("catalog {}: {} tables registered", database, registered.size());
        return registered;
    }

    private static void refresh(SparkSession spark, String qualified, List<String> partitionColumns) {
        if (!partitionColumns.isEmpty()) {
            spark.sql("ALTER TABLE " + qualified + " RECOVER PARTITIONS");
        }
        spark.sql("REFRESH TABLE " + qualified);
    }

    /** Refuses to replace a table someone else made: only an external table over our directory is ours to redefine. */
    private void requireOurs(SparkSession spark, String qualified, Path location) {
        Map<String, String> details = Arrays.stream((Row[]) spark.sql("DESCRIBE TABLE EXTENDED " + qualified).collect())
                .filter(row -> row.get(0) != null && row.get(1) != null)
                .collect(Collectors.toMap(row -> row.getString(0).trim(), row -> row.getString(1).trim(), (first, later) -> first));
        String type = details.getOrDefault("Type", "");
        String registeredLocation = details.getOrDefault("Location", "");
        if (!"EXTERNAL".equals(type) || !new Path(registeredLocation).equals(location)) {
            throw new DoraException(ExitCode.OUTPUT_FAILED, "catalog: " + qualified + " already exists and is not this"
                    + " job's table (" + type.toLowerCase() + " table at " + Redaction.redact(registeredLocation) + ", expected an"
                    + " external table at " + Redaction.redact(location.toString()) + "); drop it or choose another --catalog");
        }
    }

    /** Partition columns from the directory layout (col=value/ folders, outermost first). */
    private static List<String> partitionColumns(OutputLocation output, Path table) {
        List<String> columns = new ArrayList<>();
        Path level = table;
        while (true) {
            List<Path> partitions = output.listDirectories(level).stream().filter(p -> p.getName().contains("=")).toList();
            if (partitions.isEmpty()) {
                return columns;
            }
            columns.add(partitions.get(0).getName().substring(0, partitions.get(0).getName().indexOf('=')));
            level = partitions.get(0);
        }
    }

    /** The schema file's columns as DDL with their comments, nullable: Parquet tables do not enforce NOT NULL. */
    private static String columnsDdl(StructType schema) {
        StructType nullable = new StructType(Arrays.stream(schema.fields())
                .map(field -> new StructField(field.name(), field.dataType(), true, field.metadata()))
                .toArray(StructField[]::new));
        return nullable.toDDL();
    }

    private static boolean sameColumns(StructType registered, StructType expected) {
        if (registered.fields().length != expected.fields().length) {
            return false;
        }
        for (StructField field : expected.fields()) {
            if (!Arrays.asList(registered.fieldNames()).contains(field.name())
                    || !TableWriter.sameType(registered.apply(field.name()).dataType(), field.dataType())) {
                return false;
            }
        }
        return true;
    }
}
