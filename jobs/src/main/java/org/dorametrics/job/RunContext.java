package org.dorametrics.job;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.table.TableWriter;

/**
 * What every stage of one run shares: the config, the report date and its cutoff, the output location, and a
 * SparkSession started only when a stage needs one.
 */
public final class RunContext {
    private final DoraConfig config;
    private final LocalDate asOf;
    private final Supplier<SparkSession> sparkSupplier;
    private final boolean fullRefresh;
    private OutputLocation output;
    private SparkSession spark;

    public RunContext(DoraConfig config, LocalDate asOf, Supplier<SparkSession> sparkSupplier) {
        this(config, asOf, sparkSupplier, false);
    }

    private RunContext(DoraConfig config, LocalDate asOf, Supplier<SparkSession> sparkSupplier, boolean fullRefresh) {
        this.config = config;
        this.asOf = asOf;
        this.sparkSupplier = sparkSupplier;
        this.fullRefresh = fullRefresh;
    }

    /**
     * The same run, reading API sources from the start instead of since their watermarks and recomputing every
     * metric period instead of the recompute window ({@code --full}).
     */
    public RunContext withFullRefresh() {
        return new RunContext(config, asOf, sparkSupplier, true);
    }

    public boolean fullRefresh() {
        return fullRefresh;
    }

    public DoraConfig config() {
        return config;
    }

    public LocalDate asOf() {
        return asOf;
    }

    /** The first instant after the report date in the reporting time zone: nothing at or after it is used. */
    public Instant cutoff() {
        return asOf.plusDays(1).atStartOfDay(config.reporting().timezone()).toInstant();
    }

    public SparkSession spark() {
        if (spark == null) {
            spark = sparkSupplier.get();
        }
        return spark;
    }

    /** Fits the session's code generation to a stage over this many rows ({@link SparkSessions#fitCodeGeneration}). */
    public void fitCodeGeneration(long rows) {
        SparkSessions.fitCodeGeneration(spark(), rows);
    }

    /**
     * Fits it to a stage that reads the published tables, by the organisation's size: its deployment changes, the
     * largest table; compiled when the table does not say.
     */
    public void fitCodeGenerationToPublishedTables() {
        fitCodeGeneration(output().publishedRows(TableSchemas.DEPLOYMENT_CHANGES).orElse(Long.MAX_VALUE));
    }

    public OutputLocation output() {
        if (output == null) {
            // Before Spark starts (the output lock is taken first), the spark.hadoop.* settings (s3a keys) still apply.
            Configuration hadoop = spark != null ? spark.sparkContext().hadoopConfiguration()
                    : SparkHadoopUtil.get().newConfiguration(new SparkConf());
            output = OutputLocation.open(config.output(), hadoop);
        }
        return output;
    }

    public TableWriter tableWriter(Map<String, Long> rejectsBySource) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("as_of", asOf.toString());
        facts.put("config_digest", config.configDigest());
        facts.put("project_version", ProjectVersion.get());
        facts.put("rejects_by_source", rejectsBySource);
        return new TableWriter(spark(), output(), facts, config.reporting().timezone());
    }
}
