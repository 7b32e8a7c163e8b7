package org.dorametrics.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.table.TableSchemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The metrics case's baseline query run by Spark instead of DuckDB: the same four core weekly team figures from the
 * same Parquet tables, with the same definitions, written as Spark writes a table. It does a small part of the metrics
 * stage's work, so the time it takes is what the engine alone costs on this machine, before any of the stage's own
 * work (every owner, period and trailing window, levels, data quality, publishing): the floor under the ratio of the
 * stage to DuckDB.
 */
@Command(name = "spark-baseline", description = "The baseline's core weekly team metrics, computed by Spark SQL.")
final class SparkBaseline implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The config file whose output holds the tables.")
    Path config;

    @Option(names = "--result", required = true, description = "A folder to write the weekly rows to, as Parquet.")
    Path result;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        DoraConfig loaded = ConfigLoader.load(config);
        Dataset<Row> weekly = computeWeekly(SparkSessions.getOrCreate(null), loaded, DuckDbMetrics.tables(loaded));
        weekly.write().parquet(result.toString());
        Bench.figure("weekly_rows", weekly.sparkSession().read().parquet(result.toString()).count());
        Bench.figure("spark_baseline_ms", Bench.millisSince(start));
        return 0;
    }

    /**
     * {@link DuckDbMetrics#computeWeekly}'s rows (team, period_start, deployments, lead_time_p50_seconds,
     * change_failure_rate, time_to_restore_p50_seconds) from the deployments, deployment_changes and incidents under
     * {@code tables}; registers temp views of those names and owners.
     */
    static Dataset<Row> computeWeekly(SparkSession spark, DoraConfig config, Path tables) {
        for (String table : List.of(TableSchemas.DEPLOYMENTS, TableSchemas.DEPLOYMENT_CHANGES, TableSchemas.INCIDENTS)) {
            spark.read().parquet(tables.resolve(table).toString()).createOrReplaceTempView(table);
        }
        spark.createDataFrame(owners(config), new StructType()
                .add("team", DataTypes.StringType).add("service", DataTypes.StringType)
                .add("valid_from", DataTypes.DateType).add("valid_until", DataTypes.DateType))
                .createOrReplaceTempView("owners");
        return spark.sql(weeklyQuery(config));
    }

    /** The (team, service, valid_from, valid_until) rows of DuckDbMetrics.computeWeekly, the organisation a team. */
    private static List<Row> owners(DoraConfig config) {
        List<Row> rows = new ArrayList<>();
        config.teams().forEach(t -> t.memberships().forEach(m -> rows.add(RowFactory.create(t.name(), m.service(), m.from(), m.until()))));
        config.services().forEach(s -> rows.add(RowFactory.create(DoraConfig.ORGANISATION, s.name(), null, null)));
        return rows;
    }

    /**
     * quantile_cont's median of a group's {@code sorted} whole seconds: the middle one, or the mean of the two middle
     * ones, exact in a double as Spark's percentile interpolates it. Spark's percentile itself keeps each distinct value
     * in a hash map, which it serializes between the aggregation's two halves: at ten million changes it took twice as
     * long as collecting and sorting each week's values, which would have put its slowness under the stage's ratio.
     */
    private static final String SORTED_MEDIAN =
            "round((CAST(sorted[(size(sorted) - 1) DIV 2] AS DOUBLE) + sorted[size(sorted) DIV 2]) / 2, 3)";

    /**
     * {@link DuckDbMetrics#computeWeekly}'s query in Spark's dialect: a sorted array's middle for quantile_cont, explode
     * for unnest, and the local date by from_utc_timestamp, where DuckDB sets its session's time zone.
     */
    private static String weeklyQuery(DoraConfig config) {
        String localDate = "to_date(from_utc_timestamp(%s, '" + config.reporting().timezone().getId() + "'))";
        // weekday() is 0 for Monday, DuckDB's isodow 1.
        String weekStart = "date_sub(local_date, (weekday(local_date) + 1 - " + config.reporting().weekStart().getValue() + " + 7) % 7)";
        return """
                WITH deploys AS (
                  SELECT o.team, d.is_failed, local_date
                  FROM (SELECT *, %4$s AS local_date FROM deployments
                        WHERE is_production AND status = 'success') d
                  JOIN owners o ON d.service = o.service AND %1$s
                ),
                lead_times AS (
                  SELECT o.team, c.lead_time_seconds, local_date
                  FROM (SELECT *, %5$s AS local_date FROM deployment_changes
                        WHERE is_production AND NOT is_baseline) c
                  JOIN owners o ON c.service = o.service AND %1$s
                ),
                restores AS (
                  SELECT DISTINCT o.team, i.incident_id, i.restore_seconds, local_date
                  FROM (SELECT incident_id, restore_seconds, explode(services) AS service, %6$s AS local_date
                        FROM incidents WHERE resolved_at IS NOT NULL) i
                  JOIN owners o ON i.service = o.service AND %1$s
                  UNION
                  SELECT '%3$s', incident_id, restore_seconds, %6$s
                  FROM incidents WHERE resolved_at IS NOT NULL AND size(services) = 0
                ),
                weekly_deploys AS (
                  SELECT team, %2$s AS period_start, count(*) AS deployments,
                         sum(CAST(is_failed AS BIGINT)) / CAST(count(*) AS DOUBLE) AS change_failure_rate
                  FROM deploys GROUP BY 1, 2
                ),
                weekly_lead_times AS (
                  SELECT team, period_start, %7$s AS lead_time_p50_seconds
                  FROM (SELECT team, %2$s AS period_start, array_sort(collect_list(lead_time_seconds)) AS sorted
                        FROM lead_times GROUP BY 1, 2)
                ),
                weekly_restores AS (
                  SELECT team, period_start, %7$s AS time_to_restore_p50_seconds
                  FROM (SELECT team, %2$s AS period_start, array_sort(collect_list(restore_seconds)) AS sorted
                        FROM restores GROUP BY 1, 2)
                )
                SELECT team, period_start, coalesce(deployments, 0) AS deployments, lead_time_p50_seconds,
                       change_failure_rate, time_to_restore_p50_seconds
                FROM weekly_deploys FULL JOIN weekly_lead_times USING (team, period_start)
                                    FULL JOIN weekly_restores USING (team, period_start)
                """.formatted(DuckDbMetrics.OWNED_ON_LOCAL_DATE, weekStart, DoraConfig.ORGANISATION, localDate.formatted("finished_at"),
                localDate.formatted("deployed_at"), localDate.formatted("resolved_at"), SORTED_MEDIAN);
    }
}
