package org.dorametrics.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.table.TableSchemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The baseline of the metrics case: DuckDB computing the core weekly team metrics (deployments, median lead time,
 * change failure rate, median time to restore) from the same Parquet tables with the definitions of the README's
 * "How each metric is computed": production successful deployments, non-baseline production changes, incidents
 * resolved, each on its local day in the reporting time zone, owned by a team on that day; medians interpolated
 * (quantile_cont, as PERCENTILE_CONT) and rounded to the millisecond. Plain JDBC: the DuckDB driver is on the class path at run time only
 * (scripts/bench resolves it with Maven), never in the job's jar.
 */
public final class DuckDbMetrics {
    /** Weekly rows whose metrics differ by more than this many seconds disagree. */
    static final double SECONDS_TOLERANCE = 0.001;
    /** A row of view owners (alias o) owns the local_date's row on that day; the same SQL in DuckDB and in Spark. */
    static final String OWNED_ON_LOCAL_DATE =
            "(o.valid_from IS NULL OR local_date >= o.valid_from) AND (o.valid_until IS NULL OR local_date < o.valid_until)";

    private DuckDbMetrics() {}

    /** Computes table duck_weekly (team, period_start, deployments, lead_time_p50_seconds, change_failure_rate, time_to_restore_p50_seconds). */
    public static void computeWeekly(Connection duck, DoraConfig config, Path tables) throws SQLException {
        try (Statement sql = duck.createStatement()) {
            sql.execute("SET TimeZone = '" + config.reporting().timezone().getId() + "'");
            sql.execute("CREATE OR REPLACE TABLE owners (team VARCHAR, service VARCHAR, valid_from DATE, valid_until DATE)");
        }
        try (PreparedStatement insert = duck.prepareStatement("INSERT INTO owners VALUES (?, ?, ?, ?)")) {
            for (DoraConfig.Team team : config.teams()) {
                for (DoraConfig.Membership membership : team.memberships()) {
                    insert.setString(1, team.name());
                    insert.setString(2, membership.service());
                    insert.setObject(3, membership.from());
                    insert.setObject(4, membership.until());
                    insert.addBatch();
                }
            }
            for (DoraConfig.Service service : config.services()) {
                insert.setString(1, DoraConfig.ORGANISATION);
                insert.setString(2, service.name());
                insert.setObject(3, null);
                insert.setObject(4, null);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        String weekStart = "local_date - CAST((isodow(local_date) - " + config.reporting().weekStart().getValue() + " + 7) % 7 AS INTEGER)";
        try (Statement sql = duck.createStatement()) {
            sql.execute("""
                    CREATE OR REPLACE TABLE duck_weekly AS
                    WITH deploys AS (
                      SELECT o.team, d.is_failed, local_date
                      FROM (SELECT *, CAST(finished_at AS DATE) AS local_date FROM read_parquet('%1$s', hive_partitioning = true)
                            WHERE is_production AND status = 'success') d
                      JOIN owners o ON d.service = o.service AND %4$s
                    ),
                    lead_times AS (
                      SELECT o.team, c.lead_time_seconds, local_date
                      FROM (SELECT *, CAST(deployed_at AS DATE) AS local_date FROM read_parquet('%2$s', hive_partitioning = true)
                            WHERE is_production AND NOT is_baseline) c
                      JOIN owners o ON c.service = o.service AND %4$s
                    ),
                    restores AS (
                      SELECT DISTINCT o.team, i.incident_id, i.restore_seconds, local_date
                      FROM (SELECT incident_id, restore_seconds, unnest(services) AS service, CAST(resolved_at AS DATE) AS local_date
                            FROM read_parquet('%3$s', hive_partitioning = true) WHERE resolved_at IS NOT NULL) i
                      JOIN owners o ON i.service = o.service AND %4$s
                      UNION
                      SELECT '%6$s', incident_id, restore_seconds, CAST(resolved_at AS DATE)
                      FROM read_parquet('%3$s', hive_partitioning = true) WHERE resolved_at IS NOT NULL AND len(services) = 0
                    ),
                    weekly_deploys AS (
                      SELECT team, %5$s AS period_start, count(*) AS deployments,
                             sum(CAST(is_failed AS BIGINT)) / CAST(count(*) AS DOUBLE) AS change_failure_rate
                      FROM deploys GROUP BY ALL
                    ),
                    weekly_lead_times AS (
                      SELECT team, %5$s AS period_start, round(quantile_cont(lead_time_seconds, 0.5), 3) AS lead_time_p50_seconds
                      FROM lead_times GROUP BY ALL
                    ),
                    weekly_restores AS (
                      SELECT team, %5$s AS period_start, round(quantile_cont(restore_seconds, 0.5), 3) AS time_to_restore_p50_seconds
                      FROM restores GROUP BY ALL
                    )
                    SELECT team, period_start, coalesce(deployments, 0) AS deployments, lead_time_p50_seconds,
                           change_failure_rate, time_to_restore_p50_seconds
                    FROM weekly_deploys FULL JOIN weekly_lead_times USING (team, period_start)
                                        FULL JOIN weekly_restores USING (team, period_start)
                    """.formatted(parquet(tables, TableSchemas.DEPLOYMENTS), parquet(tables, TableSchemas.DEPLOYMENT_CHANGES),
                    parquet(tables, TableSchemas.INCIDENTS), OWNED_ON_LOCAL_DATE, weekStart, DoraConfig.ORGANISATION));
        }
    }

    /** How our weekly team rows compare with DuckDB's. */
    public record Agreement(long duckRows, long compared, long disagreeing, double maxSecondsApart) {}

    /**
     * Compares duck_weekly with the team_metrics table under {@code tables}: every week DuckDB has a row for must be
     * in ours with the same figures, and every week of ours with events must be in DuckDB's.
     */
    public static Agreement compare(Connection duck, Path tables) throws SQLException {
        return compareWith(duck, """
                SELECT team, period_start, deployments, lead_time_p50_seconds, change_failure_rate, time_to_restore_p50_seconds
                FROM read_parquet('%s', hive_partitioning = true)
                WHERE period_type = 'week' AND (deployments > 0 OR lead_time_n > 0 OR restore_n > 0)
                """.formatted(parquet(tables, TableSchemas.TEAM_METRICS)));
    }

    /** Compares duck_weekly with the rows {@link SparkBaseline} wrote to {@code folder} as Parquet, as {@link #compare}. */
    public static Agreement compareWithSparkBaseline(Connection duck, Path folder) throws SQLException {
        return compareWith(duck, "SELECT * FROM read_parquet('" + folder.toAbsolutePath() + "/*.parquet')");
    }

    /** Compares duck_weekly with the rows of a query of the same columns, week by week. */
    private static Agreement compareWith(Connection duck, String ours) throws SQLException {
        try (Statement sql = duck.createStatement();
             ResultSet result = sql.executeQuery("""
                     WITH ours AS (%1$s),
                     pairs AS (
                       SELECT d.team IS NOT NULL AS in_duck,
                              d.team IS NULL OR o.team IS NULL OR d.deployments <> o.deployments
                                OR d.change_failure_rate IS DISTINCT FROM o.change_failure_rate AND abs(d.change_failure_rate - o.change_failure_rate) > 1e-9
                                OR (d.lead_time_p50_seconds IS NULL) <> (o.lead_time_p50_seconds IS NULL)
                                OR (d.time_to_restore_p50_seconds IS NULL) <> (o.time_to_restore_p50_seconds IS NULL)
                                OR abs(d.lead_time_p50_seconds - o.lead_time_p50_seconds) > %2$s
                                OR abs(d.time_to_restore_p50_seconds - o.time_to_restore_p50_seconds) > %2$s AS disagrees,
                              greatest(coalesce(abs(d.lead_time_p50_seconds - o.lead_time_p50_seconds), 0),
                                       coalesce(abs(d.time_to_restore_p50_seconds - o.time_to_restore_p50_seconds), 0)) AS apart
                       FROM duck_weekly d FULL JOIN ours o USING (team, period_start)
                     )
                     SELECT count(*) FILTER (WHERE in_duck), count(*), count(*) FILTER (WHERE disagrees), coalesce(max(apart), 0)
                     FROM pairs
                     """.formatted(ours, SECONDS_TOLERANCE))) {
            result.next();
            return new Agreement(result.getLong(1), result.getLong(2), result.getLong(3), result.getDouble(4));
        }
    }

    private static String parquet(Path tables, String table) {
        return tables.resolve(table).toAbsolutePath() + "/**/*.parquet";
    }

    /** A command on a config's tables and a DuckDB database file. */
    abstract static class DuckDbCommand implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "The config file whose output holds the tables.")
        Path config;

        @Option(names = "--result", required = true, description = "The DuckDB database file of the weekly rows.")
        Path result;

        @Override
        public Integer call() throws SQLException {
            DoraConfig loaded = ConfigLoader.load(config);
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + result.toAbsolutePath())) {
                return run(duck, loaded);
            }
        }

        abstract int run(Connection duck, DoraConfig config) throws SQLException;
    }

    @Command(name = "duckdb-metrics", description = "The baseline: DuckDB's core weekly team metrics on the same tables.")
    static final class Baseline extends DuckDbCommand {
        @Override
        int run(Connection duck, DoraConfig config) throws SQLException {
            long start = System.nanoTime();
            computeWeekly(duck, config, tables(config));
            try (Statement sql = duck.createStatement(); ResultSet rows = sql.executeQuery("SELECT count(*) FROM duck_weekly")) {
                rows.next();
                Bench.figure("weekly_rows", rows.getLong(1));
            }
            Bench.figure("duckdb_ms", Bench.millisSince(start));
            return 0;
        }
    }

    @Command(name = "agreement", description = "Compare our team_metrics, and the spark-baseline rows, with the weekly rows duckdb-metrics kept.")
    static final class AgreementCheck extends DuckDbCommand {
        @Option(names = "--spark-result", description = "The folder spark-baseline wrote its weekly rows to.")
        Path sparkResult;

        @Override
        int run(Connection duck, DoraConfig config) throws SQLException {
            Agreement agreement = compare(duck, tables(config));
            Bench.figure("duck_rows", agreement.duckRows());
            Bench.figure("compared_rows", agreement.compared());
            Bench.figure("disagreeing_rows", agreement.disagreeing());
            Bench.figure("max_seconds_apart", agreement.maxSecondsApart());
            boolean agrees = agreement.disagreeing() == 0 && agreement.compared() > 0;
            if (sparkResult != null) {
                Agreement spark = compareWithSparkBaseline(duck, sparkResult);
                Bench.figure("spark_compared_rows", spark.compared());
                Bench.figure("spark_disagreeing_rows", spark.disagreeing());
                agrees &= spark.disagreeing() == 0 && spark.compared() > 0;
            }
            return agrees ? 0 : 1;
        }
    }

    /** The tables folder of a config's output, which the bench always keeps on the local file system. */
    static Path tables(DoraConfig config) {
        return Path.of(java.net.URI.create(config.output().contains("://") ? config.output() : "file://" + config.output())).resolve("tables");
    }
}
