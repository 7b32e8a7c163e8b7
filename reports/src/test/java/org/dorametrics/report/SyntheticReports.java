package org.dorametrics.report;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Weekly reports made up in code, each number known: the tests' input, no Spark and no tables needed. */
final class SyntheticReports {

    static final LocalDate AS_OF = LocalDate.of(2025, 6, 5); // a Thursday: the week of 2 June is partial
    static final LocalDate REPORT_WEEK = LocalDate.of(2025, 5, 26);
    static final ReportHeader HEADER = new ReportHeader("Acme & Co delivery", AS_OF, "2024", "Europe/Berlin",
        "MONDAY", 12, 5, "1.2.3");
    static final String[] LEVELS = {"elite", "high", "medium", "low", "insufficient data"};

    private SyntheticReports() {}

    /** The 2024 edition as benchmarks/2024.json has it. */
    static BenchmarkTable edition2024() {
        long hour = 3600;
        long day = 24 * hour;
        return new BenchmarkTable("2024", "secondary summaries of the DORA 2024 report",
            BenchmarkTable.FAILED_DEPLOYMENT_RECOVERY_TIME, List.of(
                new BenchmarkLevel("elite", "on demand", 6, "median deploy days per week >= 5 and median deploys per deploy day >= 2",
                    "< 1 day", 5, day, "< 1 hour", 6, hour, "5%", 0.05),
                new BenchmarkLevel("high", "once per day \u2013 once per week", 4, "median deploy days per week >= 1",
                    "1 day \u2013 1 week", 4, 7 * day, "< 1 day", 5, day, "20%", 0.20),
                new BenchmarkLevel("medium", "once per week \u2013 once per month", 3, "median deploy days per 4 weeks >= 1",
                    "1 week \u2013 1 month", 3, 30 * day, "< 1 day", 5, day, "10%", 0.10),
                new BenchmarkLevel("low", "once per month \u2013 once every 6 months", 2, "deploys in 26 weeks >= 1",
                    "1 \u2013 6 months", 2, 180 * day, "1 week \u2013 1 month", 3, 30 * day, "40%", 0.40)));
    }

    /** {@code teams} teams (team-01 ...) and the organisation, each with {@code weeks} complete weeks and a partial one. */
    static WeeklyReport report(int teams, int weeks) {
        List<String> names = new ArrayList<>();
        for (int t = 1; t <= teams; t++) {
            names.add(String.format("team-%02d", t));
        }
        return report(HEADER, names, weeks);
    }

    static WeeklyReport report(ReportHeader header, List<String> teamNames, int weeks) {
        List<TeamReport> teams = new ArrayList<>();
        for (int t = 0; t < teamNames.size(); t++) {
            teams.add(team(teamNames.get(t), false, t, weeks));
        }
        teams.add(team("(organisation)", true, teamNames.size(), weeks));
        return report(header, teams);
    }

    static WeeklyReport report(ReportHeader header, List<TeamReport> teams) {
        List<DataQualityFinding> rejects = List.of(new DataQualityFinding(
            "file:data/deployments.jsonl \u00B7 rejected \u00B7 finished_at", "timestamp has no UTC offset", 2,
            List.of("d7 line 7: timestamp '2025-05-27T10:00' has no UTC offset", "d9 line 9: same")));
        List<DataQualityFinding> checks = List.of(
            new DataQualityFinding("Incidents with no service", "kept for the organisation only", 1, List.of("INC-9")),
            new DataQualityFinding("Deployments with no known commit", "they count, with no changes", 0, List.of()));
        List<AlertLine> alerts = List.of(
            new AlertLine("core", "api", "change_failure_rate", "critical", AlertLine.RATE, 0.5, 0.0, 0.2,
                LocalDate.of(2025, 6, 3), "core / api's change failure rate is 50% over the 7 days to 2025-06-05"),
            new AlertLine("team-02", null, "lead_time_p50", "warning", AlertLine.SECONDS, 172_800, 21_600.0, 64_800,
                LocalDate.of(2025, 6, 5), "team-02's lead time p50 is 2.0 d"),
            new AlertLine(null, "github:github", "source_silence", "warning", "working_days", 4, null, 2,
                LocalDate.of(2025, 6, 4), "source github:github sent no records dated in the last 4 working days"));
        return new WeeklyReport(header, edition2024(), REPORT_WEEK, teams, rejects, checks, alerts);
    }

    /**
     * Team "core", every number chosen by hand: three weeks before the week before, the week before, the report week
     * and the partial week. Deployments 2, 4, 4, then 6 (up 2 on the week before, up 2.67 on the average 3.33); lead
     * time p50 2 h, 1 h, 2 h, then 3 h (up 50%, up 80% on the 6,000 s average); change failure rate 25% the week
     * before, 10% in the report week (down 15 points). Its levels: frequency high at a median of 4 deploy days a week,
     * lead time high at 31 h, change failure rate low at 30%, restore insufficient data (3 of 5), recovery low.
     */
    static TeamReport handMade() {
        List<WeekMetrics> weeks = List.of(
            week(REPORT_WEEK.minusWeeks(3), false, 2, 7200.0, 0.0),
            week(REPORT_WEEK.minusWeeks(2), false, 4, 3600.0, 0.0),
            week(REPORT_WEEK.minusWeeks(1), false, 4, 7200.0, 0.25),
            week(REPORT_WEEK, false, 6, 10_800.0, 0.10),
            week(REPORT_WEEK.plusWeeks(1), true, 1, null, 0.0));
        TeamSummary current = new TeamSummary("core", REPORT_WEEK.plusWeeks(1), true, 1, 1, 0, null, 0.0, null,
            4.0, 4, "high", 31 * 3600.0, 40L, "high", 0.30, 20L, "low", 5400.0, 3L, "insufficient data",
            20 * 86_400.0, 6L, "low", 0.05, 6.5);
        LocalDateTime monday = REPORT_WEEK.atTime(9, 30);
        return new TeamReport("core", false, current, weeks,
            List.of(new DeploymentLine(monday, "d1", "api", 2, 5400.0, true, "incident", "hotfix")),
            List.of(new IncidentLine("i1", "Checkout down", "api", monday.plusHours(1), monday.plusHours(3), 7200, "d1",
                "window")),
            List.of(new ChangeLine("c0ffee1", "Add retries", "d1", monday, 2700)));
    }

    private static WeekMetrics week(LocalDate start, boolean partial, long deployments, Double leadTime, Double rate) {
        return new WeekMetrics(start, partial, deployments, (int) Math.min(5, deployments), 0, deployments * 2, leadTime,
            leadTime == null ? null : leadTime * 2, Math.round(rate * deployments), rate, 1, 3600.0, 1, 1800.0, 0, 0.0,
            6.0);
    }

    /**
     * A team whose numbers follow its index: team 0 deploys 10 times a week and is elite on lead time, team 1 is
     * high, and so on round the levels; the report week and the week before differ in a known way.
     */
    static TeamReport team(String name, boolean rollUp, int index, int weeks) {
        Random random = new Random(index);
        List<WeekMetrics> history = new ArrayList<>();
        LocalDate first = REPORT_WEEK.minusWeeks(weeks - 1);
        for (int w = 0; w <= weeks; w++) {
            LocalDate start = first.plusWeeks(w);
            boolean partial = w == weeks;
            long deployments = Math.max(0, 10 - index % 10 + random.nextInt(3) - (partial ? 5 : 0));
            double leadTime = 3600 * (2 + index * 5 + random.nextInt(4));
            Double rate = deployments == 0 ? null : Math.min(1, (index % 4) * 0.05 + random.nextInt(3) * 0.01);
            history.add(new WeekMetrics(start, partial, deployments, (int) Math.min(5, deployments), index % 3,
                deployments * 3, deployments == 0 ? null : leadTime, deployments == 0 ? null : leadTime * 3,
                rate == null ? 0 : Math.round(rate * deployments), rate,
                2, 1800.0 * (1 + index), 1, 2400.0 * (1 + index), 1, deployments == 0 ? null : 1.0 / deployments,
                5.0 + index % 5));
        }
        String level = LEVELS[index % LEVELS.length];
        TeamSummary current = new TeamSummary(name, REPORT_WEEK.plusWeeks(1), true, 3, 2, 0, 7200.0, 0.0, null,
            4.0 + index % 2, 4, index % 2 == 0 ? "high" : "elite",
            3600.0 * (31 + index), 40L, level, 0.08, 48L, "high",
            1800.0, 3L, "insufficient data", 2400.0 * (1 + index), 6L, "high", 0.1, 7.8 - index % 4);
        LocalDateTime monday = REPORT_WEEK.atTime(10, 0);
        List<DeploymentLine> deployments = List.of(
            new DeploymentLine(monday, "d-" + index + "-1", "api", 3, 7200.0, false, "", ""),
            new DeploymentLine(monday.plusDays(1), "d-" + index + "-2", "api", 1, 3600.0, true, "incident, rollback", "hotfix"));
        List<IncidentLine> incidents = List.of(new IncidentLine("INC-" + index, "Checkout errors after release", "api",
            monday.plusHours(1), monday.plusHours(5), 14_400, "d-" + index + "-2", "rollback"));
        List<ChangeLine> changes = List.of(
            new ChangeLine("abc1234", "Speed up search", "d-" + index + "-1", monday, 90_000),
            new ChangeLine("def5678", "Fix typo", "d-" + index + "-2", monday.plusDays(1), 3_600));
        return new TeamReport(name, rollUp, current, history, deployments, incidents, changes);
    }
}
