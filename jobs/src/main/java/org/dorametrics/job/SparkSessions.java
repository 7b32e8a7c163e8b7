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

    /** The jar these classes were loaded from; none when they come from a classes folder (tests, IDE). */
    private static Optional<String> applicationJar() {
        CodeSource source = SparkSessions.class.getProtectionDomain().getCodeSource();
        if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
            return Optional.empty();
        }
        return Optional.of(source.getLocation().toString());
    }
}
