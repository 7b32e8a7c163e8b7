package org.dorametrics.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a run: local mode unless a master is given (or spark-submit set one), always in UTC; with Hive's
 * catalog when the run registers its tables ({@code --catalog}) and spark-submit did not choose a catalog.
 */
public final class SparkSessions {
    private SparkSessions() {}

    public static SparkSession getOrCreate(String master) {
        return getOrCreate(master, false);
    }

    public static SparkSession getOrCreate(String master, boolean persistentCatalog) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName("dora-metrics");
        if (persistentCatalog && !conf.contains("spark.sql.catalogImplementation")) {
            builder.enableHiveSupport();
        }
        if (master != null) {
            builder.master(master);
        } else if (!conf.contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.datetime.java8API.enabled", "true")
                .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
                .config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "8"))
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                .config("spark.sql.debug.maxToStringFields", "500")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
