package org.dorametrics.metrics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.benchmark.Answers;
import org.dorametrics.benchmark.BenchmarkEdition;
import org.dorametrics.benchmark.BenchmarkMetric;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.RunContext;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.table.TableWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 3, metrics: reads deployments, deployment_changes and incidents and writes team_metrics,
 * service_metrics and data_quality: one row per owner × period type (week, month, quarter) × period, zero-filled,
 * with every metric of DORA.md §2 and the benchmark levels of §3 over the trailing window ending with the period;
 * and a snapshot of team_metrics in team_metrics_history.
 */
public final class MetricsStage {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsStage.class);
    public static final String TEAM = "team";
    public static final String SERVICE = "service";
    /** The owner of the organisation's roll-up. */
    private static final String ORGANISATION = TEAM + ":" + DoraConfig.ORGANISATION;

    /**
     * Publishes the metric tables, recomputing the periods of the recompute window (every period on a full refresh
     * or when {@link RecomputeWindow#decide} finds the published rows untrustworthy), then appends the published
     * team_metrics to team_metrics_history as the snapshot of this report date.
     */
    public void run(RunContext context) {
        SparkSession spark = context.spark();
        OutputLocation output = context.output();
        for (String table : List.of(TableSchemas.CHANGES, TableSchemas.DEPLOYMENTS, TableSchemas.DEPLOYMENT_CHANGES, TableSchemas.INCIDENTS)) {
            output.requireTable(table, "normalize", context.asOf());
            TableReader.read(spark, output, table).createOrReplaceTempView(table);
        }
        context.fitCodeGenerationToPublishedTables();
        RecomputeWindow window = RecomputeWindow.decide(context, context.fullRefresh());
        LOG.info("metrics as of {}: {}", context.asOf(), window.reason());
        Map<String, Long> rejectedBySource = rejectedBySource(spark, output);
        TableWriter writer = context.tableWriter(rejectedBySource);
        Metrics metrics = compute(spark, context.config(), context.asOf(), ownership(context.config()));
        // A table has a row per owner and period of the calendar.
        boolean teamsInParallel = TableWriter.parallelPays((context.config().teams().size() + 1L) * metrics.periods());
        boolean servicesInParallel = TableWriter.parallelPays((long) context.config().services().size() * metrics.periods());
        writer.write(TableSchemas.TEAM_METRICS, window.merge(spark, output, TableSchemas.TEAM_METRICS, TEAM,
                ofKind(metrics.rows(), TEAM)), teamsInParallel);
        writer.write(TableSchemas.SERVICE_METRICS, window.merge(spark, output, TableSchemas.SERVICE_METRICS, SERVICE,
                ofKind(metrics.rows(), SERVICE)), servicesInParallel);
        writer.write(TableSchemas.DATA_QUALITY, window.merge(spark, output, TableSchemas.DATA_QUALITY, TEAM,
                ofKind(spark.sql(MetricsSql.DATA_QUALITY), TEAM)), teamsInParallel);
        // What was published, read back: the snapshot holds the kept old rows as well as the recomputed ones.
        writer.replacePartition(TableSchemas.TEAM_METRICS_HISTORY, TableReader.read(spark, output, TableSchemas.TEAM_METRICS)
                .withColumn("as_of", functions.lit(context.asOf())));
    }

    /**
     * (owner, service, valid_from, valid_until) rows for teams, the organisation and services at once: owner is
     * "team:NAME" or "service:NAME", so that one pass of the metric queries serves both tables. A service may belong
     * to several teams, and to a team only between two dates; the organisation roll-up owns every service once.
     */
    static List<Row> ownership(DoraConfig config) {
        List<Row> rows = new ArrayList<>();
        config.teams().forEach(t -> t.memberships().forEach(m ->
                rows.add(RowFactory.create(TEAM + ":" + t.name(), m.service(), m.from(), m.until()))));
        config.services().forEach(s -> rows.add(RowFactory.create(ORGANISATION, s.name(), null, null)));
        config.services().forEach(s -> rows.add(RowFactory.create(SERVICE + ":" + s.name(), s.name(), null, null)));
        return rows;
    }

    /** The rows of one kind of owner, with the owner column named after the kind (team or service). */
    static Dataset<Row> ofKind(Dataset<Row> metrics, String kind) {
        String prefix = kind + ":";
        return metrics.where(functions.col("owner").startsWith(prefix))
                .withColumn(kind, functions.expr("substring(owner, " + (prefix.length() + 1) + ")"))
                .drop("owner");
    }

    /** The metric rows of every owner, in a column named owner, and the number of periods of the calendar (all types). */
    record Metrics(Dataset<Row> rows, int periods) {}

    /**
     * The metric rows of every owner; leaves the data-quality counts in temp view period_quality. Expects temp views
     * changes, deployments, deployment_changes and incidents.
     *
     * @param ownership (owner, service) rows
     */
    static Metrics compute(SparkSession spark, DoraConfig config, LocalDate asOf, List<Row> ownership) {
        StructType ownershipSchema = new StructType()
                .add("owner", DataTypes.StringType, false)
                .add("owner_id", DataTypes.IntegerType, false)
                .add("service", DataTypes.StringType, false)
                .add("valid_from", DataTypes.DateType, true)
                .add("valid_until", DataTypes.DateType, true);
        // Owners are numbered for the figures' events: owner names share their first bytes ("service:", "team:"),
        // which would leave a sort by name comparing whole strings; a number sorts by its bits alone.
        List<String> owners = Stream.concat(Stream.of(ORGANISATION), ownership.stream().map(r -> r.getString(0)))
                .distinct().sorted().toList();
        Map<String, Integer> ownerIds = new HashMap<>();
        owners.forEach(owner -> ownerIds.put(owner, ownerIds.size()));
        List<Row> numbered = ownership.stream()
                .map(r -> RowFactory.create(r.getString(0), ownerIds.get(r.getString(0)), r.get(1), r.get(2), r.get(3)))
                .toList();
        spark.createDataFrame(numbered, ownershipSchema).createOrReplaceTempView("owners");
        MetricsSql sql = new MetricsSql(config, asOf, ownerIds.get(ORGANISATION));
        materialize(spark, sql.eventViews());
        long start = System.nanoTime();
        List<PeriodFigures.Period> periods = spark.sql(MetricsSql.PERIODS).collectAsList().stream()
                .map(r -> new PeriodFigures.Period(r.getString(0), r.getAs(1), r.getInt(2), r.getInt(3), r.getInt(4)))
                .toList();
        JavaRDD<InternalRow> events = spark.sql(MetricsSql.FIGURE_EVENTS).repartition(PeriodFigures.EVENT_OWNER)
                .sortWithinPartitions("owner_day").queryExecution().toRdd().toJavaRDD();
        spark.createDataFrame(events.mapPartitions(new PeriodFigures(owners, periods, config.reporting().trailingWeeks())),
                PeriodFigures.FIGURES).localCheckpoint().createOrReplaceTempView("period_figures");
        LOG.debug("metrics step period_figures: {} ms", (System.nanoTime() - start) / 1_000_000);
        materialize(spark, sql.metricViews());
        // Whole-stage code generation makes the metric rows' projection (some fifty columns of levels and answers)
        // one method too large for the JIT, which compiles no method of more than 8,000 bytes of bytecode: it ran in
        // the bytecode interpreter. Without it Spark splits the expressions into small methods, which are compiled.
        String wholeStage = spark.conf().get(SparkSessions.WHOLE_STAGE_CODEGEN);
        spark.conf().set(SparkSessions.WHOLE_STAGE_CODEGEN, "false");
        try {
            return new Metrics(spark.sql(sql.finalSelect()).localCheckpoint(), periods.size());
        } finally {
            spark.conf().set(SparkSessions.WHOLE_STAGE_CODEGEN, wholeStage);
        }
    }

    /**
     * Registers the views in order. Each step is materialized once, so that later steps reuse it instead of
     * recomputing one ever-growing plan; but a filter or projection of a materialized step, or a step read once, is
     * left to the step that reads it: materializing it would cost a Spark job (a good part of a second on a small
     * organisation) and save nothing.
     */
    private static void materialize(SparkSession spark, Map<String, String> views) {
        for (Map.Entry<String, String> view : views.entrySet()) {
            long start = System.nanoTime();
            Dataset<Row> step = spark.sql(view.getValue());
            (INLINED_STEPS.contains(view.getKey()) ? step : step.localCheckpoint()).createOrReplaceTempView(view.getKey());
            LOG.debug("metrics step {}: {} ms", view.getKey(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static final Set<String> INLINED_STEPS = Set.of("prod_deploys", "failed_attempts", "delivered_changes",
            "lead_times", "recoveries", "quality_events", "quality_counts", "period_quality", "daily_deploys",
            "metrics_base", "metrics_answers", "metrics_levels");

    private static Map<String, Long> rejectedBySource(SparkSession spark, OutputLocation output) {
        Map<String, Long> counts = new TreeMap<>();
        if (output.exists(output.table(TableSchemas.REJECTS))) {
            for (Row row : TableReader.read(spark, output, TableSchemas.REJECTS).where("action = 'rejected'").groupBy("source").count().collectAsList()) {
                counts.put(row.getString(0), row.getLong(1));
            }
        }
        return counts;
    }

    /** The SQL of the metrics, one readable query per step, parameterised by the config. */
    static final class MetricsSql {
        private final DoraConfig config;
        private final LocalDate asOf;
        private final BenchmarkEdition edition;
        private final int organisationId;

        /** @param organisationId the owner_id of the organisation's roll-up in view owners */
        MetricsSql(DoraConfig config, LocalDate asOf, int organisationId) {
            this.config = config;
            this.asOf = asOf;
            this.organisationId = organisationId;
            this.edition = BenchmarkEdition.load(config.reporting().benchmark());
        }

        /** Temp views in dependency order: the events of each metric, the calendar and the per-period aggregates. */
        Map<String, String> eventViews() {
            Map<String, String> views = new java.util.LinkedHashMap<>();
            // By owner number: the figures need no name. Read twice (recoveries, daily counts) yet not kept: a row per
            // owner is three rows per deployment, slower to keep and read back than the deployments are to scan again.
            views.put("prod_deploys", fill("""
                    SELECT o.owner_id, d.is_failed, d.is_rework, d.recovery_seconds, d.recovery_clamped, d.revision_found,
                           d.local_date
                    FROM (SELECT *, {local_date(finished_at)} AS local_date FROM deployments
                          WHERE is_production AND status = 'success') d
                    JOIN owners o ON d.service = o.service AND {owned_on(d.local_date)}
                    """));
            views.put("failed_attempts", fill("""
                    SELECT o.owner_id, d.local_date
                    FROM (SELECT *, {local_date(finished_at)} AS local_date FROM deployments
                          WHERE is_production AND status = 'failure') d
                    JOIN owners o ON d.service = o.service AND {owned_on(d.local_date)}
                    """));
            // Each delivered change once, its owners joined where it is read: the rows of every owner (team,
            // organisation, service) are three times as many. Every row comes from a successful deployment, and carries
            // whether it went to production.
            views.put("delivered_changes", fill("""
                    SELECT service, lead_time_seconds, lead_time_clamped, {local_date(deployed_at)} AS local_date
                    FROM deployment_changes WHERE is_production AND NOT is_baseline
                    """));
            views.put("lead_times", fill("""
                    SELECT o.owner_id, c.lead_time_seconds, c.lead_time_clamped, c.local_date
                    FROM delivered_changes c JOIN owners o ON c.service = o.service AND {owned_on(c.local_date)}
                    """));
            // DISTINCT: two services of one owner make one restore. The incidents without a service are others
            // (incident_id is the table's key), so the union need not deduplicate again: that was a second shuffle of
            // every owner's restores.
            views.put("restores", fill("""
                    SELECT DISTINCT o.owner_id, i.incident_id, i.restore_seconds, i.local_date
                    FROM (SELECT *, explode(services) AS service, {local_date(resolved_at)} AS local_date
                          FROM incidents WHERE resolved_at IS NOT NULL) i
                    JOIN owners o ON o.service = i.service AND {owned_on(i.local_date)}
                    UNION ALL
                    SELECT {organisation_id}, incident_id, restore_seconds, {local_date(resolved_at)}
                    FROM incidents WHERE resolved_at IS NOT NULL AND size(services) = 0
                    """));
            // A clamped recovery is a recovery (of 0 seconds), so the recoveries carry the count of negative ones.
            views.put("recoveries", """
                    SELECT owner_id, recovery_seconds, recovery_clamped, local_date FROM prod_deploys
                    WHERE is_failed AND recovery_seconds IS NOT NULL
                    """);
            // The calendar starts at the first event. A delivered change is delivered on the day of its deployment,
            // and every production deployment, successful or failed, is an event of the organisation (its service is
            // always configured): the changes, the largest table by far, need not be read for their first day.
            views.put("calendar", fill("""
                    WITH bounds AS (
                      SELECT coalesce(min(local_date), DATE'{as_of}') AS first_day FROM (
                        SELECT min({local_date(finished_at)}) AS local_date FROM deployments
                        WHERE is_production AND status IN ('success', 'failure')
                        UNION ALL SELECT local_date FROM restores)
                    ),
                    periods AS (
                      SELECT 'week' AS period_type, explode(sequence({week_start(least(first_day, DATE'{as_of}'))},
                             {week_start(DATE'{as_of}')}, INTERVAL 7 DAYS)) AS period_start FROM bounds
                      UNION ALL
                      SELECT 'month', explode(sequence(trunc(least(first_day, DATE'{as_of}'), 'MM'),
                             trunc(DATE'{as_of}', 'MM'), INTERVAL 1 MONTH)) FROM bounds
                      UNION ALL
                      SELECT 'quarter', explode(sequence(trunc(least(first_day, DATE'{as_of}'), 'QUARTER'),
                             trunc(DATE'{as_of}', 'QUARTER'), INTERVAL 3 MONTHS)) FROM bounds
                    )
                    SELECT period_type, period_start, period_end, least(period_end, date_add(DATE'{as_of}', 1)) AS window_end
                    FROM (SELECT period_type, period_start,
                                 CASE period_type WHEN 'week' THEN date_add(period_start, 7)
                                                  WHEN 'month' THEN add_months(period_start, 1)
                                                  ELSE add_months(period_start, 3) END AS period_end
                          FROM periods)
                    """));
            // One row per data-quality finding the figures do not count (they count clamped lead and recovery times
            // and deployments of unknown revisions as their events go by): the owner and local day it belongs to, and
            // what it is about, so that a commit two services of one team own is one finding for that team (UNION
            // drops the repeat). An item has one day, so the findings are counted, not deduplicated, once per period
            // type. A change's services not in production are found by array_contains, which Spark compiles, where
            // array_except runs interpreted, row by row: it was most of the time of reading the changes.
            views.put("quality_events", fill("""
                    SELECT '{organisation}' AS owner, {local_date(opened_at)} AS local_date, 'incident_without_service' AS finding,
                           incident_id AS item
                    FROM incidents WHERE size(services) = 0
                    UNION
                    SELECT o.owner, c.local_date, 'undeployed_change', concat(c.repo, '/', c.sha)
                    FROM (SELECT repo, sha, explode(services) AS service, in_production_services,
                                 {local_date(committer_time)} AS local_date FROM changes) c
                    JOIN owners o ON c.service = o.service AND {owned_on(c.local_date)}
                    WHERE NOT array_contains(c.in_production_services, c.service)
                    """));
            views.put("quality_counts", periodAggregate("quality_events", "finding", "count(*) AS items"));
            views.put("period_quality", """
                    SELECT owner, period_type, period_start,
                           sum(CASE WHEN finding = 'incident_without_service' THEN items ELSE 0L END) AS incidents_without_service,
                           sum(CASE WHEN finding = 'undeployed_change' THEN items ELSE 0L END) AS changes_never_deployed
                    FROM quality_counts GROUP BY owner, period_type, period_start
                    """);
            views.put("daily_deploys", """
                    SELECT owner_id, local_date,
                           CASE WHEN count(*) <= %d THEN count(*)
                                ELSE raise_error(concat('more than %d production deployments on ', local_date,
                                                        ' for one owner: the metrics stage cannot count them')) END AS deploys,
                           sum(CAST(is_failed AS BIGINT)) AS failed, sum(CAST(is_rework AS BIGINT)) AS rework,
                           sum(CAST(NOT revision_found AS BIGINT)) AS unknown_revision
                    FROM prod_deploys GROUP BY owner_id, local_date
                    """.formatted(PeriodFigures.MAX_COUNT, PeriodFigures.MAX_COUNT));
            return views;
        }

        /**
         * The events of {@link PeriodFigures} ({@link PeriodFigures#EVENTS}): every lead time, restore and recovery
         * time, every owner's daily counts of deployments and of failed attempts, on days since 1970-01-01, and each
         * owner once, so that every owner has its rows; run after {@link #eventViews()}.
         */
        static final String FIGURE_EVENTS = PeriodFigures.eventsOf("""
                SELECT owner_id, unix_date(local_date) AS day, %d AS kind, lead_time_seconds AS value,
                       0L AS failed, 0L AS rework, CAST(lead_time_clamped AS BIGINT) AS flagged FROM lead_times
                UNION ALL SELECT owner_id, unix_date(local_date), %d, restore_seconds, 0L, 0L, 0L FROM restores
                UNION ALL SELECT owner_id, unix_date(local_date), %d, recovery_seconds, 0L, 0L, CAST(recovery_clamped AS BIGINT)
                          FROM recoveries
                UNION ALL SELECT owner_id, unix_date(local_date), %d, deploys, failed, rework, unknown_revision FROM daily_deploys
                UNION ALL SELECT owner_id, unix_date(local_date), %d, count(*), 0L, 0L, 0L FROM failed_attempts
                          GROUP BY owner_id, local_date
                UNION ALL SELECT DISTINCT owner_id, 0, %d, 0L, 0L, 0L, 0L FROM owners
                """.formatted(PeriodFigures.LEAD_TIME, PeriodFigures.RESTORE, PeriodFigures.RECOVERY, PeriodFigures.DAILY_DEPLOYS,
                PeriodFigures.FAILED_ATTEMPTS, PeriodFigures.OWNER));

        /** The calendar's periods in the order {@link PeriodFigures} takes them; run after {@link #eventViews()}. */
        static final String PERIODS = """
                SELECT period_type, period_start, start, end, window_end FROM (
                  SELECT period_type, period_start, unix_date(period_start) AS start,
                         unix_date(period_end) AS end, unix_date(window_end) AS window_end
                  FROM calendar)
                ORDER BY greatest(end, window_end), period_type, period_start
                """;

        /** Temp views in dependency order, after {@link #eventViews()} and the figures of {@link PeriodFigures} (view period_figures). */
        Map<String, String> metricViews() {
            Map<String, String> views = new java.util.LinkedHashMap<>();
            // The figures' rows are the grid: every owner and period, zero-filled.
            views.put("metrics_base", fill("""
                    SELECT owner, period_type, period_start, period_end,
                           period_end > date_add(DATE'{as_of}', 1) AS partial,
                           deployments, deploy_days,
                           deployments / CAST(datediff(window_end, period_start) AS DOUBLE) AS deploys_per_day,
                           failed_deploy_attempts, lead_time_n,
                           {millis(lead_time_p50)} AS lead_time_p50_seconds, {millis(lead_time_p75)} AS lead_time_p75_seconds,
                           {millis(lead_time_p90)} AS lead_time_p90_seconds, {millis(lead_time_mean)} AS lead_time_mean_seconds,
                           lead_time_clamped,
                           failed_deployments,
                           CASE WHEN deployments > 0 THEN failed_deployments / CAST(deployments AS DOUBLE) END AS change_failure_rate,
                           restore_n,
                           {millis(restore_p50)} AS time_to_restore_p50_seconds, {millis(restore_p75)} AS time_to_restore_p75_seconds,
                           {millis(restore_p90)} AS time_to_restore_p90_seconds, {millis(restore_mean)} AS time_to_restore_mean_seconds,
                           recovery_n,
                           {millis(recovery_p50)} AS recovery_p50_seconds, {millis(recovery_p75)} AS recovery_p75_seconds,
                           {millis(recovery_p90)} AS recovery_p90_seconds, {millis(recovery_mean)} AS recovery_mean_seconds,
                           rework_deployments,
                           CASE WHEN deployments > 0 THEN rework_deployments / CAST(deployments AS DOUBLE) END AS rework_rate,
                           window_start,
                           median_days_per_week AS window_median_deploy_days_per_week,
                           coalesce(median_deploys_per_day, 0D) AS window_median_deploys_per_deploy_day,
                           median_days_per_4_weeks AS window_median_deploy_days_per_4_weeks,
                           deployments_26_weeks,
                           window_deployments,
                           window_lead_time_n,
                           {millis(window_lead_time_p50)} AS window_lead_time_p50_seconds,
                           CASE WHEN window_deployments > 0 THEN window_failed / CAST(window_deployments AS DOUBLE) END
                             AS window_change_failure_rate,
                           window_restore_n,
                           {millis(window_restore_p50)} AS window_time_to_restore_p50_seconds,
                           window_recovery_n,
                           {millis(window_recovery_p50)} AS window_recovery_p50_seconds,
                           CASE WHEN window_deployments > 0 THEN window_rework / CAST(window_deployments AS DOUBLE) END
                             AS window_rework_rate
                    FROM period_figures
                    """));
            views.put("metrics_answers", "SELECT *, "
                    + Answers.frequencyAnswerSql("window_median_deploy_days_per_week", "window_median_deploys_per_deploy_day",
                            "window_median_deploy_days_per_4_weeks", "deployments_26_weeks") + " AS deployment_frequency_answer, "
                    + Answers.durationAnswerSql("window_lead_time_p50_seconds") + " AS lead_time_answer, "
                    + Answers.durationAnswerSql("window_time_to_restore_p50_seconds") + " AS time_to_restore_answer, "
                    + Answers.durationAnswerSql("window_recovery_p50_seconds") + " AS recovery_answer "
                    + "FROM metrics_base");
            int minSamples = config.reporting().minSamples();
            views.put("metrics_levels", "SELECT *, "
                    + edition.answerLevelSql(BenchmarkMetric.DEPLOYMENT_FREQUENCY, "deployment_frequency_answer") + " AS deployment_frequency_level, "
                    + sufficient("window_lead_time_n", minSamples, edition.answerLevelSql(BenchmarkMetric.LEAD_TIME, "lead_time_answer")) + " AS lead_time_level, "
                    + sufficient("window_deployments", minSamples, edition.changeFailureRateLevelSql("window_change_failure_rate")) + " AS change_failure_rate_level, "
                    + sufficient("window_restore_n", minSamples, edition.answerLevelSql(BenchmarkMetric.RESTORE_TIME, "time_to_restore_answer")) + " AS time_to_restore_level, "
                    + sufficient("window_recovery_n", minSamples, edition.answerLevelSql(BenchmarkMetric.RESTORE_TIME, "recovery_answer")) + " AS recovery_level "
                    + "FROM metrics_answers");
            return views;
        }

        /**
         * Data-quality counts per owner and period, zero-filled over the calendar: those of the figures' events and
         * the other findings; run after {@link #metricViews()}.
         */
        static final String DATA_QUALITY = """
                SELECT /*+ SHUFFLE_HASH(q) */ f.owner, f.period_type, f.period_start, f.period_end,
                       f.window_end < f.period_end AS partial,
                       f.lead_time_clamped AS negative_lead_times,
                       f.recovery_clamped AS negative_recoveries,
                       f.deployments_unknown_revision,
                       coalesce(q.incidents_without_service, 0L) AS incidents_without_service,
                       coalesce(q.changes_never_deployed, 0L) AS changes_never_deployed
                FROM period_figures f
                LEFT JOIN period_quality q USING (owner, period_type, period_start)
                """;

        /** The metric rows: the Quick Check score over the components with enough samples, and the edition. */
        String finalSelect() {
            int minSamples = config.reporting().minSamples();
            List<String> components = List.of(
                    "(deployment_frequency_answer - 1) * 2.0D",
                    "CASE WHEN window_lead_time_n >= " + minSamples + " THEN (lead_time_answer - 1) * 2.0D END",
                    "CASE WHEN window_recovery_n >= " + minSamples + " THEN (recovery_answer - 1) * 2.0D END",
                    "CASE WHEN window_deployments >= " + minSamples + " THEN 10 * (1 - window_change_failure_rate) END",
                    "CASE WHEN window_deployments >= " + minSamples + " THEN 10 * (1 - window_rework_rate) END");
            // The mean of the components there are, summed in order: plain arithmetic, which Spark compiles, where a
            // higher-order function over an array of them (aggregate, filter) runs interpreted, row by row.
            String sum = components.stream().map(c -> "coalesce(" + c + ", 0D)").collect(Collectors.joining(" + "));
            String count = components.stream().map(c -> "CASE WHEN " + c + " IS NULL THEN 0 ELSE 1 END")
                    .collect(Collectors.joining(" + "));
            return "SELECT *, "
                    + "CASE WHEN " + count + " > 0 THEN (" + sum + ") / (" + count + ") END AS quick_check_score, "
                    + "'" + edition.edition() + "' AS benchmark_edition "
                    + "FROM metrics_levels";
        }

        private static String sufficient(String countColumn, int minSamples, String levelSql) {
            return "CASE WHEN " + countColumn + " < " + minSamples + " THEN 'insufficient data' ELSE " + levelSql + " END";
        }

        /**
         * An aggregate of an event view per owner, period and a further column, for weeks, months and quarters alike.
         */
        private String periodAggregate(String eventView, String alsoBy, String aggregates) {
            String groups = "owner, period_type, period_start, " + alsoBy;
            // Each event is read once and counted in its week, month and quarter: a union of three reads would
            // compute an inlined event view three times.
            return fill("""
                    SELECT %1$s, %2$s FROM %3$s
                    LATERAL VIEW inline(array(struct('week', {week_start(local_date)}), struct('month', trunc(local_date, 'MM')),
                                              struct('quarter', trunc(local_date, 'QUARTER')))) periods AS period_type, period_start
                    GROUP BY %1$s
                    """.formatted(groups, aggregates, eventView));
        }

        /**
         * A duration in seconds rounded to the millisecond exactly as Spark's {@code round(seconds, 3)}, which goes
         * through a BigDecimal made from the number's text and was most of the time of the metric rows' projection.
         * A multiple of an eighth, which percentiles of whole seconds mostly are (medians are whole or halves), has
         * at most three decimals, so that rounding leaves it as it is; {@code + 0D} turns -0 into 0, as round does.
         */
        static String roundedToMillisecond(String seconds) {
            return "CASE WHEN %1$s * 8D = rint(%1$s * 8D) THEN %1$s + 0D ELSE round(%1$s, 3) END".formatted(seconds);
        }

        /** Replaces the {placeholders} of a query: rounding, time-zone conversion, ownership, week start, report date, owners. */
        private String fill(String sql) {
            String zone = config.reporting().timezone().getId();
            // weekday() is 0 for Monday; the configured week start shifts it so that the week's first day is 0.
            int startOffset = config.reporting().weekStart().getValue() - 1;
            return Pattern.compile("\\{millis\\((\\w+)\\)}").matcher(sql).replaceAll(m -> roundedToMillisecond(m.group(1)))
                    .replaceAll("\\{local_date\\(([^)]*)\\)}", "to_date(from_utc_timestamp($1, '" + zone + "'))")
                    .replaceAll("\\{owned_on\\(([^)]*)\\)}",
                            "(o.valid_from IS NULL OR $1 >= o.valid_from) AND (o.valid_until IS NULL OR $1 < o.valid_until)")
                    .replaceAll("\\{week_start\\((.*?)\\)}(?=[ ,)\\n])",
                            "date_sub($1, (weekday($1) - " + startOffset + " + 7) % 7)")
                    .replace("{as_of}", asOf.toString())
                    .replace("{organisation}", ORGANISATION)
                    .replace("{organisation_id}", Integer.toString(organisationId));
        }
    }
}
