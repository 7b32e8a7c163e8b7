package org.dorametrics.export;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.ProjectVersion;
import org.dorametrics.job.RunContext;
import org.dorametrics.report.ReportHeader;
import org.dorametrics.report.SummaryWorkbook;
import org.dorametrics.report.TeamSummary;
import org.dorametrics.table.TableSchemas;

/** Stage 4, report: reads team_metrics and writes {@code <output>/reports/dora-<as-of>.xlsx}, published atomically. */
public final class ReportStage {

    public Path run(RunContext context) {
        List<TeamSummary> teams = teamSummaries(context);
        DoraConfig config = context.config();
        ReportHeader header = new ReportHeader("DORA metrics", context.asOf(), config.reporting().benchmark(),
                config.reporting().timezone().getId(), config.reporting().weekStart().name(),
                config.reporting().trailingWeeks(), config.reporting().minSamples(), ProjectVersion.get());
        Path workbook = new Path(context.output().reports(), "dora-" + context.asOf() + ".xlsx");
        context.output().writeAtomically(workbook, out -> SummaryWorkbook.write(header, teams, out));
        return workbook;
    }

    /** Each configured team's row for the week that holds the report date, in config order, then the organisation's. */
    public static List<TeamSummary> teamSummaries(RunContext context) {
        context.output().requireTable(TableSchemas.TEAM_METRICS, "metrics");
        List<Row> rows = context.spark().read().parquet(context.output().table(TableSchemas.TEAM_METRICS).toString())
                .where("period_type = 'week'")
                .where(org.apache.spark.sql.functions.col("period_start").leq(context.asOf()))
                .where(org.apache.spark.sql.functions.col("period_end").gt(context.asOf()))
                .collectAsList();
        List<String> teams = new ArrayList<>(context.config().teams().stream().map(DoraConfig.Team::name).toList());
        teams.add(DoraConfig.ORGANISATION);
        List<TeamSummary> summaries = new ArrayList<>();
        for (String team : teams) {
            rows.stream().filter(r -> team.equals(r.getAs("team"))).findFirst()
                    .map(ReportStage::toSummary).ifPresent(summaries::add);
        }
        return summaries;
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
