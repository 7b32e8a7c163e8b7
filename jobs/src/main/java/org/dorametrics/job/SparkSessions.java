package org.dorametrics.job;

import java.security.CodeSource;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.table.NioLocalFileSystem;

/**
 * The SparkSession of a run: local mode unless a master is given (or spark-submit set one), always in UTC; with Hive's
 * catalog when the run registers its tables ({@code --catalog}) and spark-submit did not choose a catalog. On a
 * cluster the executors need this application's classes: started from the jar (java -jar, scripts/dora), the jar
 * ships itself to them, as spark-submit would; executors run in UTC too.
 */
public final class SparkSessions {
    static final String RUNTIME_BLOOM_FILTER = "spark.sql.optimizer.runtime.bloomFilter.enabled";
    /** The rows from which a stage's queries are compiled ({@link #fitCodeGeneration}); a Spark property, to tune. */
    public static final String COMPILED_FROM_ROWS = "spark.dora.compiledFromRows";
    static final long DEFAULT_COMPILED_FROM_ROWS = 100_000;
    public static final String WHOLE_STAGE_CODEGEN = "spark.sql.codegen.wholeStage";
    static final String CODEGEN_FACTORY_MODE = "spark.sql.codegen.factoryMode";
    static final String PAGE_SIZE = "spark.buffer.pageSize";
    /**
     * The memory page of a task's sorts, aggregations and hash joins in local mode. Spark sizes it from the heap, 64 MiB
     * with a 6 GiB heap, and every such operator takes a page however few its rows: the demo's weekly run peaked at
     * 2 GiB of memory for tables of some thousand rows, and fresh memory is a page fault per 4 KiB, slow in a virtual
     * machine. With 8 MiB pages it peaked at 1.1 GiB and ran 2 s sooner; the metrics of a million deployment changes
     * took as long as with 64 MiB pages (2 MiB pages took longer). A record larger than a page gets a page of its own.
     */
    static final String LOCAL_PAGE_SIZE = "8m";
    static final String PARALLEL_LISTING_THRESHOLD = "spark.sql.sources.parallelPartitionDiscovery.threshold";
    /**
     * The partition directories from which a table read lists them with a Spark job in local mode, where Spark's 32
     * would list every fact table (one directory a month) of an organisation with three years of history by a job:
     * its tasks run on the very cores the driver would list with, and each job cost 0.7 s of a table of 61 months on
     * 2 cores, where the driver lists them in milliseconds. Ten thousand is a table's months over 800 years, or its
     * weekly snapshots over 190.
     */
    static final String LOCAL_PARALLEL_LISTING_THRESHOLD = "10000";

    private SparkSessions() {}

    public static SparkSession getOrCreate(String master) {
        return getOrCreate(master, false);
    }

    public static SparkSession getOrCreate(String master, boolean persistentCatalog) {
        NioLocalFileSystem.register();
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName("dora-metrics");
        if (persistentCatalog && !conf.contains("spark.sql.catalogImplementation")) {
            builder.enableHiveSupport();
        }
        String effectiveMaster = master != null ? master : conf.get("spark.master", "local[*]");
        builder.master(effectiveMaster);
        if (effectiveMaster.startsWith("local")) {
            // One executor: waiting for a "better" locality only delays tasks, and with the tables on HDFS (block
            // locations naming a host that is not the local executor's) metrics stages waited forever.
            builder.config("spark.locality.wait", conf.get("spark.locality.wait", "0"));
            // Shuffle checksums tell which machine's disk or network corrupted a block; within one process they only
            // cost: a sixth of the CPU of writing the metrics' events.
            builder.config("spark.shuffle.checksum.enabled", conf.get("spark.shuffle.checksum.enabled", "false"));
            builder.config(PAGE_SIZE, conf.get(PAGE_SIZE, LOCAL_PAGE_SIZE));
            builder.config(PARALLEL_LISTING_THRESHOLD, conf.get(PARALLEL_LISTING_THRESHOLD, LOCAL_PARALLEL_LISTING_THRESHOLD));
        } else if (!conf.contains("spark.jars")) {
            applicationJar().ifPresent(jar -> builder.config("spark.jars", jar));
        }
        SparkSession spark = builder
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.executor.extraJavaOptions", (conf.get("spark.executor.extraJavaOptions", "") + " -Duser.timezone=UTC").strip())
                .config("spark.executorEnv.TZ", "UTC")
                .config("spark.sql.datetime.java8API.enabled", "true")
                .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
                .config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "8"))
                .config("spark.sql.adaptive.enabled", conf.get("spark.sql.adaptive.enabled", "true"))
                // No join of the stages gains from a runtime bloom filter: each keeps nearly all its rows, while a filter
                // costs a job and ships its bits in every task (56 to 75 MiB each at ten million changes, in a plan of
                // an earlier version whose constant key Spark could not even compile).
                .config(RUNTIME_BLOOM_FILTER, conf.get(RUNTIME_BLOOM_FILTER, "false"))
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                .config("spark.sql.debug.maxToStringFields", "500")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /**
     * Compiles the queries of a stage over this many rows, or interprets them. Spark compiles each query's generated
     * code on the driver, one query at a time, tens of milliseconds each on 2 cores, and a stage runs dozens of queries:
     * over a small organisation the compiling outweighs the rows, while from some hundred thousand rows the compiled
     * code pays back. Measured on 2 cores (README, "Sizing"): the demo's weekly run 27 to 30 s compiled, 22 to 24 s
     * interpreted; the metrics of 100,000 deployment changes 22.8 s and 21.2 s, of 300,000 21.6 s and 24.4 s, of
     * a million 34 s and 56 s. The results are the same either way.
     */
    public static void fitCodeGeneration(SparkSession spark, long rows) {
        boolean compiled = rows >= Long.parseLong(spark.conf().get(COMPILED_FROM_ROWS, Long.toString(DEFAULT_COMPILED_FROM_ROWS)));
        spark.conf().set(WHOLE_STAGE_CODEGEN, compiled);
        // Spark's default: generated code, interpreted where code cannot be generated.
        spark.conf().set(CODEGEN_FACTORY_MODE, compiled ? "FALLBACK" : "NO_CODEGEN");
    }

    /** The jar these classes were loaded from; none when they come from a classes folder (tests, IDE). */
    private static Optional<String> applicationJar() {
        CodeSource source = SparkSessions.class.getProtectionDomain().getCodeSource();
        if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
            return Optional.empty();
        }
        return Optional.of(source.getLocation().toString());
    }
}
