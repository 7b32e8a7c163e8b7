package org.dorametrics.cli;

import static org.dorametrics.cli.TeamSummaryTable.duration;
import static org.dorametrics.cli.TeamSummaryTable.percent;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.dorametrics.metrics.MetricEvidence;
import org.dorametrics.metrics.MetricEvidence.ChangeLeadTime;
import org.dorametrics.metrics.MetricEvidence.DeploymentEvent;
import org.dorametrics.metrics.MetricEvidence.IncidentLink;
import org.dorametrics.metrics.MetricEvidence.ResolvedIncident;

/** The text of {@code dora explain}: each figure of one team's week as team_metrics has it, followed by the rows behind it. */
final class ExplainReport {
    // ASCII only ("->", "to"): on Java 17 stdout's encoding follows the locale, and a C locale prints arrows as '?'.
    private static final DateTimeFormatter IN_WEEK = DateTimeFormatter.ofPattern("EEE MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter OTHER_DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final int SHORT_SHA = 7;
    private static final int SUBJECT_WIDTH = 50;

    /** What the report says beside the rows: whose figures, local to which zone, as of when. */
    record Facts(String team, ZoneId zone, LocalDate asOf, int minSamples, String tables) {}

    private final Facts facts;
    private final Row figures;
    private final Row quality;
    private final MetricEvidence evidence;
    private final LocalDate weekStart;
    private final LocalDate weekEnd;
    private final StringBuilder text = new StringBuilder();

    private ExplainReport(Facts facts, Row figures, Row quality, MetricEvidence evidence) {
        this.facts = facts;
        this.figures = figures;
        this.quality = quality;
        this.evidence = evidence;
        this.weekStart = figures.getAs("period_start");
        this.weekEnd = figures.getAs("period_end");
    }

    /**
     * @param figures the team_metrics row of the team and week
     * @param quality the data_quality row of the same team and week
     */
    static String format(Facts facts, Row figures, Row quality, MetricEvidence evidence) {
        ExplainReport report = new ExplainReport(facts, figures, quality, evidence);
        report.header();
        report.deployments();
        report.failedAttempts();
        report.leadTime();
        report.changeFailureRate();
        report.timeToRestore();
        report.recovery();
        report.rework();
        report.levels();
        report.dataQuality();
        report.text.append("\nRead from ").append(facts.tables())
                .append("\n(the README's table reference describes every column)\n");
        return report.text.toString();
    }

    private void header() {
        text.append(String.format(Locale.ROOT, "Team %s, week %s to %s%s, time zone %s, as of %s, benchmark edition %s%n",
                facts.team(), weekStart, weekEnd.minusDays(1), this.<Boolean>value("partial") ? " (partial)" : "",
                facts.zone().getId(), facts.asOf(), this.<String>value("benchmark_edition")));
    }

    private void deployments() {
        heading(String.format(Locale.ROOT, "Deployment frequency: %s on %s, %.2f a day", plural(value("deployments"), "deployment"),
                plural(this.<Integer>value("deploy_days"), "deploy day"), this.<Double>value("deploys_per_day")));
        List<String[]> rows = new ArrayList<>();
        for (DeploymentEvent d : evidence.deployments()) {
            rows.add(new String[] {time(d.finishedAt()), d.id(), d.service(), shortSha(d.revision()),
                    plural(d.changeCount(), "change"), String.join(", ", flags(d))});
        }
        lines(rows);
        mismatch("deployments", value("deployments"), rows.size());
    }

    private static List<String> flags(DeploymentEvent d) {
        List<String> flags = d.flags();
        if (d.failed()) {
            flags.add("FAILED: " + String.join(", ", d.failureReasons()));
        }
        return flags;
    }

    private void failedAttempts() {
        heading("Failed deploy attempts (neither deployments nor change failures): " + value("failed_deploy_attempts"));
        List<String[]> rows = new ArrayList<>();
        for (DeploymentEvent d : evidence.failedAttempts()) {
            rows.add(new String[] {time(d.finishedAt()), d.id(), d.service(), shortSha(d.revision())});
        }
        lines(rows);
        mismatch("failed deploy attempts", value("failed_deploy_attempts"), rows.size());
    }

    private void leadTime() {
        heading(String.format(Locale.ROOT, "Lead time for changes: n %d, p50 %s, p75 %s, p90 %s, mean %s%s",
                this.<Long>value("lead_time_n"), duration(value("lead_time_p50_seconds")), duration(value("lead_time_p75_seconds")),
                duration(value("lead_time_p90_seconds")), duration(value("lead_time_mean_seconds")),
                this.<Long>value("lead_time_clamped") > 0 ? ", " + value("lead_time_clamped") + " clamped to 0" : ""));
        List<String[]> rows = new ArrayList<>();
        for (ChangeLeadTime c : evidence.leadTimes()) {
            rows.add(new String[] {duration((double) c.seconds()), shortSha(c.sha()), truncate(c.subject()), c.deploymentId(),
                    c.clamped() ? "clamped to 0: dated after its deploy" : ""});
        }
        lines(rows);
        mismatch("changes", value("lead_time_n"), rows.size());
    }

    private void changeFailureRate() {
        heading(String.format(Locale.ROOT, "Change failure rate: %s (%d failed of %s)",
                percent(value("change_failure_rate")), this.<Long>value("failed_deployments"), plural(value("deployments"), "deployment")));
        List<DeploymentEvent> failed = evidence.failedDeployments();
        for (DeploymentEvent d : failed) {
            text.append(String.format(Locale.ROOT, "  %s  %s  %s  FAILED: %s%n", time(d.finishedAt()), d.id(), d.service(),
                    String.join(", ", d.failureReasons())));
            for (IncidentLink link : evidence.linksOfDeployment(d.id())) {
                text.append(String.format(Locale.ROOT, "      %s -> %s (%s)%n", link.incidentId(), link.deploymentId(), link.method()));
            }
        }
        mismatch("failed deployments", value("failed_deployments"), failed.size());
    }

    private void timeToRestore() {
        heading(String.format(Locale.ROOT, "Time to restore service: n %d, p50 %s, p75 %s, p90 %s, mean %s (incidents resolved)",
                this.<Long>value("restore_n"), duration(value("time_to_restore_p50_seconds")), duration(value("time_to_restore_p75_seconds")),
                duration(value("time_to_restore_p90_seconds")), duration(value("time_to_restore_mean_seconds"))));
        List<String[]> rows = new ArrayList<>();
        for (ResolvedIncident i : evidence.restores()) {
            List<IncidentLink> links = evidence.linksOfIncident(i.id());
            String causes = links.isEmpty() ? "no link" : "-> " + String.join(", ",
                    links.stream().map(l -> l.deploymentId() + " (" + l.method() + ")").toList());
            rows.add(new String[] {i.id(), i.services().isEmpty() ? "(no service)" : String.join(", ", i.services()),
                    time(i.openedAt()) + " to " + time(i.resolvedAt()), duration((double) i.restoreSeconds()), causes,
                    truncate(i.title() == null ? "" : i.title())});
        }
        lines(rows);
        mismatch("incidents", value("restore_n"), rows.size());
    }

    private void recovery() {
        heading(String.format(Locale.ROOT, "Failed deployment recovery time: n %d, p50 %s, p75 %s, p90 %s, mean %s (failed deployments recovered)",
                this.<Long>value("recovery_n"), duration(value("recovery_p50_seconds")), duration(value("recovery_p75_seconds")),
                duration(value("recovery_p90_seconds")), duration(value("recovery_mean_seconds"))));
        List<String[]> rows = new ArrayList<>();
        for (DeploymentEvent d : evidence.failedDeployments()) {
            rows.add(d.recoverySeconds() == null
                    ? new String[] {d.id(), d.service(), time(d.finishedAt()) + " to -", "not recovered"}
                    : new String[] {d.id(), d.service(), time(d.finishedAt()) + " to " + time(d.recoveredAt()),
                            duration((double) d.recoverySeconds()), d.recoveryClamped() ? "clamped to 0: recovered before it finished" : ""});
        }
        lines(rows);
        mismatch("recovered failed deployments", value("recovery_n"),
                evidence.failedDeployments().stream().filter(d -> d.recoverySeconds() != null).count());
    }

    private void rework() {
        heading(String.format(Locale.ROOT, "Deployment rework rate: %s (%d of %s)",
                percent(value("rework_rate")), this.<Long>value("rework_deployments"), plural(value("deployments"), "deployment")));
        List<String[]> rows = new ArrayList<>();
        for (DeploymentEvent d : evidence.reworkDeployments()) {
            List<String> why = new ArrayList<>();
            if (d.rollback()) {
                why.add("rollback");
            }
            if (d.hotfix()) {
                why.add("hotfix");
            }
            if (why.isEmpty()) {
                why.add("delivers a commit naming an incident");
            }
            rows.add(new String[] {time(d.finishedAt()), d.id(), d.service(), String.join(", ", why)});
        }
        lines(rows);
        mismatch("rework deployments", value("rework_deployments"), rows.size());
    }

    private void levels() {
        LocalDate windowStart = value("window_start");
        // The window ends with the week, or with the report date for the week holding it; window_start counts back from there.
        LocalDate windowEnd = weekEnd.isAfter(facts.asOf()) ? facts.asOf().plusDays(1) : weekEnd;
        heading(String.format(Locale.ROOT, "Levels over %s to %s (%d weeks); below %d samples a level is insufficient data",
                windowStart, windowEnd.minusDays(1), (windowEnd.toEpochDay() - windowStart.toEpochDay()) / 7, facts.minSamples()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"deployment frequency", value("deployment_frequency_level"), String.format(Locale.ROOT,
                "medians %.1f deploy days/wk, %.1f deploys/deploy day, %.1f deploy days/4 wk; %d deploys in 26 wk",
                this.<Double>value("window_median_deploy_days_per_week"), this.<Double>value("window_median_deploys_per_deploy_day"),
                this.<Double>value("window_median_deploy_days_per_4_weeks"), this.<Long>value("deployments_26_weeks"))});
        rows.add(new String[] {"lead time", value("lead_time_level"),
                "p50 " + duration(value("window_lead_time_p50_seconds")) + " over " + plural(value("window_lead_time_n"), "change")});
        rows.add(new String[] {"change failure rate", value("change_failure_rate_level"),
                percent(value("window_change_failure_rate")) + " over " + plural(value("window_deployments"), "deployment")});
        rows.add(new String[] {"time to restore", value("time_to_restore_level"),
                "p50 " + duration(value("window_time_to_restore_p50_seconds")) + " over " + plural(value("window_restore_n"), "incident")});
        rows.add(new String[] {"recovery time", value("recovery_level"),
                "p50 " + duration(value("window_recovery_p50_seconds")) + " over " + plural(value("window_recovery_n"), "recovered failed deployment")});
        rows.add(new String[] {"rework rate", "no level", percent(value("window_rework_rate")) + " over " + plural(value("window_deployments"), "deployment")});
        Double score = value("quick_check_score");
        rows.add(new String[] {"quick check score", score == null ? "-" : String.format(Locale.ROOT, "%.1f / 10", score), ""});
        lines(rows);
    }

    private void dataQuality() {
        List<String[]> counts = new ArrayList<>();
        String[][] findings = {
            {"negative_lead_times", "changes with a negative lead time, clamped to 0"},
            {"negative_recoveries", "failed deployments recovered before they finished, clamped to 0"},
            {"deployments_unknown_revision", "deployments of a revision the repository lacks (counted, with no changes)"},
            {"incidents_without_service", "incidents opened this week naming no service"},
            {"changes_never_deployed", "commits of this week no production deployment contains yet"}};
        for (String[] finding : findings) {
            long count = quality.<Long>getAs(finding[0]);
            if (count > 0) {
                counts.add(new String[] {Long.toString(count), finding[1]});
            }
        }
        heading(counts.isEmpty() ? "Data quality: nothing flagged" : "Data quality (the non-zero counts of data_quality):");
        lines(counts);
    }

    private void heading(String line) {
        text.append('\n').append(line).append('\n');
    }

    /** Rows as aligned columns under the heading. */
    private void lines(List<String[]> rows) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < row.length; i++) {
                line.append(' ').append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 1));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** The rows are read back, not recomputed: a count that differs means the tables come from different runs or configs. */
    private void mismatch(String what, long figure, long listed) {
        if (figure != listed) {
            text.append(String.format(Locale.ROOT, "  ! team_metrics counts %d %s but the tables list %d: were they written by "
                    + "different runs, or has the config changed since?%n", figure, what, listed));
        }
    }

    /** A column of the team_metrics row. */
    private <T> T value(String column) {
        return figures.getAs(column);
    }

    /** Local time of an instant: weekday and day within the week, the full date outside it. */
    private String time(Instant instant) {
        LocalDate day = instant.atZone(facts.zone()).toLocalDate();
        boolean inWeek = !day.isBefore(weekStart) && day.isBefore(weekEnd);
        return (inWeek ? IN_WEEK : OTHER_DAY).format(instant.atZone(facts.zone()));
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static String shortSha(String sha) {
        return sha.length() > SHORT_SHA ? sha.substring(0, SHORT_SHA) : sha;
    }

    private static String truncate(String subject) {
        return subject.length() > SUBJECT_WIDTH ? subject.substring(0, SUBJECT_WIDTH - 3) + "..." : subject;
    }
}
