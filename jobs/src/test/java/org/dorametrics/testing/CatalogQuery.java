package org.dorametrics.testing;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An analyst's Spark SQL session in its own process, as {@code spark-sql} starts one: Hive's catalog, with the
 * metastore in the working directory. Prints each query's rows as {@code row: [a, b]}.
 */
public final class CatalogQuery {
    private CatalogQuery() {}

    public static void main(String[] queries) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("analyst")
                .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                .enableHiveSupport().getOrCreate();
        for (String query : queries) {
            for (Row row : spark.sql(query).collectAsList()) {
                System.out.println("row: " + row.mkString("[", ", ", "]"));
            }
        }
        spark.stop();
    }
}
