package org.dorametrics.export;

import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dorametrics.benchmark.Answers;
import org.dorametrics.benchmark.BenchmarkEdition;
import org.dorametrics.benchmark.BenchmarkMetric;
import org.dorametrics.benchmark.Level;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.ProjectVersion;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricEvidence;
import org.dorametrics.report.AlertLine;
import org.dorametrics.report.BenchmarkLevel;
import org.dorametrics.report.BenchmarkTable;
import org.dorametrics.report.ChangeLine;
import org.dorametrics.report.DataQualityFinding;
import org.dorametrics.report.DeploymentLine;
import org.dorametrics.report.IncidentLine;
import org.dorametrics.report.ReportHeader;
import org.dorametrics.report.TeamReport;
import org.dorametrics.report.TeamSummary;
import org.dorametrics.report.WeekMetrics;
import org.dorametrics.report.WeeklyReport;
import org.dorametrics.report.WeeklyReportWorkbook;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;

/**
 * Stage 4, report: reads team_metrics, data_quality, rejects, alerts and the domain tables behind the report week, and writes
 * {@code <output>/reports/dora-<as-of>.xlsx} (and with {@code perTeam} one workbook per team under
 * {@code <output>/reports/<as-of>/}), each published atomically.
 */
public final class ReportStage {

    /** Weeks of history on each team sheet and in the trend charts. */
    public static final int WEEKS = 26;
    /** How many of the report week's changes the team sheets list, slowest first. */
    public static final int SLOWEST_CHANGES = 10;
    /** How many examples the data quality sheet gives for each finding. */
    public static final int EXAMPLES = 3;

    /** Writes the organisation's workbook and returns its path. */
    public Path run(RunContext context) {
        return run(context, false).get(0);
    }

    /** Writes the organisation's workbook, then with {@code perTeam} one per team; returns their paths, in that order. */
    public List<Path> run(RunContext context, boolean perTeam) {
        context.fitCodeGenerationToPublishedTables();
        WeeklyReport report = weeklyReport(context);
        List<Path> written = new ArrayList<>();
        Path workbook = new Path(context.output().reports(), "dora-" + context.asOf() + ".xlsx");
        context.output().writeAtomically(workbook, out -> WeeklyReportWorkbook.write(report, out));
        written.add(workbook);
        if (perTeam) {
            Path folder = new Path(context.output().reports(), context.asOf().toString());
            for (TeamReport team : report.teams()) {
                Path teamWorkbook = new Path(folder, "dora-" + context.asOf() + "-" + fileName(team) + ".xlsx");
                WeeklyReport teamReport = report.forTeam(team.team());
                context.output().writeAtomically(teamWorkbook, out -> WeeklyReportWorkbook.write(teamReport, out));
                written.add(teamWorkbook);
            }
        }
        return written;
    }

    /** A team name as a file name: letters, digits, dot, dash and underscore kept, anything else an underscore. */
    static String fileName(TeamReport team) {
        return team.rollUp() ? "organisation" : team.team().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Everything the workbook shows, read from the tables of {@code context}'s output. */
    public static WeeklyReport weeklyReport(RunContext context) {
        DoraConfig config = context.config();
        context.output().requireTable(TableSchemas.TEAM_METRICS, "metrics", context.asOf());
        context.output().requireTable(TableSchemas.DATA_QUALITY, "metrics", context.asOf());
        MetricEvidence.PeriodRows.requireTables(context.output(), context.asOf());
        ReportHeader header = new ReportHeader("DORA metrics", context.asOf(), config.reporting().benchmark(),
                config.reporting().timezone().getId(), config.reporting().weekStart().name(),
                config.reporting().trailingWeeks(), config.reporting().minSamples(), ProjectVersion.get());

        List<Row> weekRows = weekRows(context);
        LocalDate reportWeek = reportWeekStart(weekRows, context.asOf());
        Map<String, TeamSummary> current = new HashMap<>();
        summaries(weekRows, context).forEach(s -> current.put(s.team(), s));

        Map<String, List<Row>> weekRowsByTeam = weekRows.stream().collect(Collectors.groupingBy(r -> r.<String>getAs("team")));
        List<TeamReport> teams = new ArrayList<>();
        MetricEvidence.PeriodRows reportWeekRows = MetricEvidence.PeriodRows.read(context, reportWeek, reportWeek.plusDays(7));
        for (String team : teamOrder(config)) {
            TeamSummary summary = current.get(team);
            if (summary == null) {
                continue;
            }
            List<WeekMetrics> weeks = weekRowsByTeam.getOrDefault(team, List.of()).stream().map(ReportStage::toWeek).toList();
            // The 26 weeks ending with the report week, and the partial week after it when there is one.
            int last = weeks.size() - 1;
            while (last >= 0 && weeks.get(last).weekStart().isAfter(reportWeek)) {
                last--;
            }
            int first = Math.max(0, last + 1 - WEEKS);
            List<WeekMetrics> shown = weeks.subList(first, weeks.size());
            MetricEvidence evidence = reportWeekRows.of(team);
            teams.add(new TeamReport(team, DoraConfig.ORGANISATION.equals(team), summary, shown,
                    deployments(evidence, config.reporting().timezone()),
                    incidents(evidence, config.reporting().timezone()),
                    slowestChanges(evidence, config.reporting().timezone())));
        }
        return new WeeklyReport(header, benchmarkTable(config.reporting().benchmark()), reportWeek, teams,
                rejectFindings(context), dataQualityFindings(context), openAlerts(context));
    }

    /** The alerts open on the report date, by team in config order (sources last), then whom and which rule. */
    static List<AlertLine> openAlerts(RunContext context) {
        if (!context.output().exists(context.output().table(TableSchemas.ALERTS))) {
            return List.of();
        }
        List<String> order = teamOrder(context.config());
        Comparator<AlertLine> byTeam = Comparator.comparingInt(a -> a.team() == null ? order.size() : order.indexOf(a.team()));
        return table(context, TableSchemas.ALERTS).where("open").collectAsList().stream()
                .map(r -> new AlertLine(r.getAs("team"), r.getAs("service") != null ? r.getAs("service") : r.getAs("source"),
                        r.getAs("rule"), r.getAs("severity"), r.getAs("unit"), r.<Double>getAs("observed"), r.getAs("expected_low"),
                        r.<Double>getAs("expected_high"), r.getAs("first_seen"), r.getAs("message")))
                .sorted(byTeam.thenComparing(a -> String.valueOf(a.subject())).thenComparing(AlertLine::rule))
                .toList();
    }

    /** Each configured team's row for the week that holds the report date, in config order, then the organisation's. */
    public static List<TeamSummary> teamSummaries(RunContext context) {
        context.output().requireTable(TableSchemas.TEAM_METRICS, "metrics");
        return summaries(weekRows(context), context);
    }

    /** Every team's weekly rows of team_metrics that start on or before the report date, by team and week. */
    private static List<Row> weekRows(RunContext context) {
        return table(context, TableSchemas.TEAM_METRICS)
                .where("period_type = 'week'").where(col("period_start").leq(context.asOf()))
                .orderBy("team", "period_start").collectAsList();
    }

    /** {@link #teamSummaries} from the weekly rows of {@link #weekRows}. */
    private static List<TeamSummary> summaries(List<Row> weekRows, RunContext context) {
        Map<String, Row> byTeam = new HashMap<>();
        weekRows.stream().filter(r -> r.<LocalDate>getAs("period_end").isAfter(context.asOf()))
                .forEach(r -> byTeam.putIfAbsent(r.getAs("team"), r));
        return teamOrder(context.config()).stream().filter(byTeam::containsKey).map(team -> toSummary(byTeam.get(team))).toList();
    }

    /** The last complete week on the report date: the week holding it when it is the week's last day, else the one before. */
    static LocalDate reportWeekStart(List<Row> weekRows, LocalDate asOf) {
        return weekRows.stream().filter(r -> !r.<Boolean>getAs("partial")).map(r -> r.<LocalDate>getAs("period_start"))
                .max(Comparator.naturalOrder())
                .orElseGet(() -> weekRows.stream().map(r -> r.<LocalDate>getAs("period_start"))
                        .max(Comparator.naturalOrder()).orElse(asOf).minusWeeks(1));
    }

    private static List<String> teamOrder(DoraConfig config) {
        List<String> teams = new ArrayList<>(config.teams().stream().map(DoraConfig.Team::name).toList());
        teams.add(DoraConfig.ORGANISATION);
        return teams;
    }

    private static Dataset<Row> table(RunContext context, String name) {
        return TableReader.read(context.spark(), context.output(), name);
    }

    /** The edition's published table as plain data, with what each level takes as this project measures it. */
    static BenchmarkTable benchmarkTable(String edition) {
        BenchmarkEdition benchmark = BenchmarkEdition.load(edition);
        List<BenchmarkLevel> levels = new ArrayList<>();
        for (Level level : benchmark.levels()) {
            int frequency = benchmark.answer(level, BenchmarkMetric.DEPLOYMENT_FREQUENCY);
            int leadTime = benchmark.answer(level, BenchmarkMetric.LEAD_TIME);
            int restore = benchmark.answer(level, BenchmarkMetric.RESTORE_TIME);
            levels.add(new BenchmarkLevel(level.label(),
                    benchmark.published(level, BenchmarkMetric.DEPLOYMENT_FREQUENCY), frequency,
                    Answers.frequencyRule(frequency),
                    benchmark.published(level, BenchmarkMetric.LEAD_TIME), leadTime, Answers.durationUpperBound(leadTime),
                    benchmark.published(level, BenchmarkMetric.RESTORE_TIME), restore, Answers.durationUpperBound(restore),
                    benchmark.published(level, BenchmarkMetric.CHANGE_FAILURE_RATE), benchmark.changeFailureRateMax(level)));
        }
        return new BenchmarkTable(benchmark.edition(), benchmark.source(), benchmark.restoreMetric(), levels);
    }

    private static List<DeploymentLine> deployments(MetricEvidence evidence, ZoneId zone) {
        Map<String, List<Long>> leadTimes = new HashMap<>();
        evidence.leadTimes().forEach(c -> leadTimes.computeIfAbsent(c.deploymentId(), k -> new ArrayList<>()).add(c.seconds()));
        return evidence.deployments().stream().map(d -> {
            return new DeploymentLine(local(d.finishedAt(), zone), d.id(), d.service(), d.changeCount(),
                    median(leadTimes.getOrDefault(d.id(), List.of())), d.failed(), String.join(", ", d.failureReasons()),
                    String.join(", ", d.flags()));
        }).toList();
    }

    private static List<IncidentLine> incidents(MetricEvidence evidence, ZoneId zone) {
        return evidence.restores().stream().map(i -> {
            List<MetricEvidence.IncidentLink> links = evidence.linksOfIncident(i.id());
            return new IncidentLine(i.id(), i.title(), String.join(", ", i.services()), local(i.openedAt(), zone),
                    local(i.resolvedAt(), zone), i.restoreSeconds(),
                    links.stream().map(MetricEvidence.IncidentLink::deploymentId).distinct().collect(Collectors.joining(", ")),
                    links.stream().map(MetricEvidence.IncidentLink::method).distinct().collect(Collectors.joining(", ")));
        }).toList();
    }

    private static List<ChangeLine> slowestChanges(MetricEvidence evidence, ZoneId zone) {
        Map<String, Instant> deployedAt = new HashMap<>();
        evidence.deployments().forEach(d -> deployedAt.put(d.id(), d.finishedAt()));
        return evidence.leadTimes().stream()
                .sorted(Comparator.comparingLong(MetricEvidence.ChangeLeadTime::seconds).reversed()
                        .thenComparing(MetricEvidence.ChangeLeadTime::deploymentId).thenComparing(MetricEvidence.ChangeLeadTime::sha))
                .limit(SLOWEST_CHANGES)
                .map(c -> new ChangeLine(c.sha().substring(0, Math.min(7, c.sha().length())), c.subject(), c.deploymentId(),
                        local(deployedAt.get(c.deploymentId()), zone), c.seconds()))
                .toList();
    }

    /** The interpolated median (PERCENTILE_CONT 0.5), as team_metrics computes it; null for no value. */
    static Double median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }

    private static LocalDateTime local(Instant instant, ZoneId zone) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, zone);
    }

    /** Rejects grouped by source, action and field, most first; examples in line order. */
    private static List<DataQualityFinding> rejectFindings(RunContext context) {
        if (!context.output().exists(context.output().table(TableSchemas.REJECTS))) {
            return List.of();
        }
        List<Row> rows = table(context, TableSchemas.REJECTS).orderBy("source", "action", "field", "line", "record_id")
                .collectAsList();
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            String field = r.getAs("field") == null ? "(record)" : r.getAs("field");
            groups.computeIfAbsent(r.getAs("source") + " \u00B7 " + r.getAs("action") + " \u00B7 " + field,
                    k -> new ArrayList<>()).add(r);
        }
        return groups.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<Row>> e) -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .map(e -> new DataQualityFinding(e.getKey(), e.getValue().get(0).getAs("reason"), e.getValue().size(),
                        e.getValue().stream().limit(EXAMPLES).map(ReportStage::rejectExample).toList()))
                .toList();
    }

    private static String rejectExample(Row r) {
        List<String> where = new ArrayList<>();
        if (r.getAs("record_id") != null) {
            where.add("record " + r.getAs("record_id"));
        }
        if (r.getAs("line") != null) {
            where.add("line " + r.getAs("line"));
        }
        return (where.isEmpty() ? "" : String.join(" ", where) + ": ") + r.getAs("reason");
    }

    /** The data_quality counts of the organisation over the whole calendar, each with its first examples. */
    private static List<DataQualityFinding> dataQualityFindings(RunContext context) {
        Row totals = table(context, TableSchemas.DATA_QUALITY)
                .where(col("team").equalTo(DoraConfig.ORGANISATION)).where("period_type = 'week'")
                .where(col("period_start").leq(context.asOf()))
                .selectExpr("coalesce(sum(negative_lead_times), 0)", "coalesce(sum(negative_recoveries), 0)",
                        "coalesce(sum(deployments_unknown_revision), 0)", "coalesce(sum(incidents_without_service), 0)",
                        "coalesce(sum(changes_never_deployed), 0)")
                .first();
        String deployments = "is_production AND status = 'success'";
        return List.of(
                new DataQualityFinding("Incidents with no service", "kept: they count for the organisation's time to "
                        + "restore, for no team", totals.getLong(3),
                        examples(context, TableSchemas.INCIDENTS, "size(services) = 0", "opened_at",
                                "concat(incident_id, ' opened ', opened_at, ': ', coalesce(title, ''))")),
                new DataQualityFinding("Deployments with no known commit", "the repository lacks the deployed revision: "
                        + "the deployment counts, with no changes", totals.getLong(2),
                        examples(context, TableSchemas.DEPLOYMENTS, deployments + " AND NOT revision_found", "finished_at",
                                "concat(deployment_id, ' ', service, ' revision ', revision_sha)")),
                new DataQualityFinding("Negative lead times", "a commit dated after its deployment (clock skew): "
                        + "clamped to 0", totals.getLong(0),
                        examples(context, TableSchemas.DEPLOYMENT_CHANGES, "lead_time_clamped", "deployed_at",
                                "concat(substr(sha, 1, 7), ' in ', deployment_id, ' (', service, ')')")),
                new DataQualityFinding("Negative recovery times", "a failed deployment recovered before it finished: "
                        + "clamped to 0", totals.getLong(1),
                        examples(context, TableSchemas.DEPLOYMENTS, deployments + " AND recovery_clamped", "finished_at",
                                "concat(deployment_id, ' ', service)")),
                new DataQualityFinding("Changes never deployed", "commits no production deployment of their service "
                        + "contains as of the report date", totals.getLong(4),
                        examples(context, TableSchemas.CHANGES, "size(in_production_services) < size(services)",
                                "committer_time", "concat(substr(sha, 1, 7), ' ', repo, ': ', subject)")));
    }

    private static List<String> examples(RunContext context, String tableName, String where, String orderBy,
                                         String text) {
        return table(context, tableName).where(where).selectExpr(orderBy, text + " AS example")
                .orderBy(orderBy, "example").limit(EXAMPLES).collectAsList().stream().map(r -> r.getString(1)).toList();
    }

    private static WeekMetrics toWeek(Row r) {
        return new WeekMetrics(r.getAs("period_start"), r.getAs("partial"),
                r.<Long>getAs("deployments"), r.<Integer>getAs("deploy_days"), r.<Long>getAs("failed_deploy_attempts"),
                r.<Long>getAs("lead_time_n"), r.getAs("lead_time_p50_seconds"), r.getAs("lead_time_p90_seconds"),
                r.<Long>getAs("failed_deployments"), r.getAs("change_failure_rate"),
                r.<Long>getAs("restore_n"), r.getAs("time_to_restore_p50_seconds"),
                r.<Long>getAs("recovery_n"), r.getAs("recovery_p50_seconds"),
                r.<Long>getAs("rework_deployments"), r.getAs("rework_rate"),
                r.getAs("quick_check_score"));
    }

    private static TeamSummary toSummary(Row r) {
        return new TeamSummary(
                r.getAs("team"),
                r.<LocalDate>getAs("period_start"), r.<Boolean>getAs("partial"),
                r.<Long>getAs("deployments"), r.<Integer>getAs("deploy_days"), r.<Long>getAs("failed_deploy_attempts"),
                r.getAs("lead_time_p50_seconds"), r.getAs("change_failure_rate"), r.getAs("time_to_restore_p50_seconds"),
                r.getAs("window_median_deploy_days_per_week"), r.getAs("deployment_frequency_answer"), r.getAs("deployment_frequency_level"),
                r.getAs("window_lead_time_p50_seconds"), r.<Long>getAs("window_lead_time_n"), r.getAs("lead_time_level"),
                r.getAs("window_change_failure_rate"), r.<Long>getAs("window_deployments"), r.getAs("change_failure_rate_level"),
                r.getAs("window_time_to_restore_p50_seconds"), r.<Long>getAs("window_restore_n"), r.getAs("time_to_restore_level"),
                r.getAs("window_recovery_p50_seconds"), r.<Long>getAs("window_recovery_n"), r.getAs("recovery_level"),
                r.getAs("window_rework_rate"),
                r.getAs("quick_check_score"));
    }
}
