package org.dorametrics.report;

import java.time.LocalDate;
import java.util.List;

/**
 * Everything one weekly report shows, as plain data: what produced it, the edition's benchmark table, the week the
 * figures are read for, one entry per team in report order (the organisation roll-up last), and data quality.
 * {@code reportWeekStart} is the last complete week on the report date: the current week when the report date is its
 * last day, else the week before. {@code alerts} are the alerts open on the report date.
 */
public record WeeklyReport(ReportHeader header, BenchmarkTable benchmarks, LocalDate reportWeekStart,
                           List<TeamReport> teams, List<DataQualityFinding> rejects,
                           List<DataQualityFinding> checks, List<AlertLine> alerts) {

    public WeeklyReport {
        teams = List.copyOf(teams);
        rejects = List.copyOf(rejects);
        checks = List.copyOf(checks);
        alerts = List.copyOf(alerts);
    }

    /** The same report for one team only (and nothing of the others, alerts included), for the one-workbook-per-team option. */
    public WeeklyReport forTeam(String team) {
        List<TeamReport> only = teams.stream().filter(t -> t.team().equals(team)).toList();
        if (only.isEmpty()) {
            throw new IllegalArgumentException("no team '" + team + "' in the report");
        }
        return new WeeklyReport(header, benchmarks, reportWeekStart, only, rejects, checks,
            alerts.stream().filter(a -> team.equals(a.team())).toList());
    }
}
