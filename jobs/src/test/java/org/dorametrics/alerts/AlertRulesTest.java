package org.dorametrics.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.alerts.AlertInputs.DeliveredChange;
import org.dorametrics.alerts.AlertInputs.ProductionDeployment;
import org.dorametrics.alerts.AlertInputs.SourceRecord;
import org.dorametrics.config.DoraConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule on constructed histories: it fires just past its boundary and not at it, and waits for enough history. */
class AlertRulesTest {
    /** A Monday; the daily history runs from it to FRIDAY_BEFORE. */
    private static final LocalDate HISTORY_START = LocalDate.parse("2026-01-05");
    private static final LocalDate FRIDAY_BEFORE = LocalDate.parse("2026-02-27");

    @TempDir
    Path folder;

    private List<Finding> evaluate(String alerts, AlertInputs inputs, LocalDate asOf) throws IOException {
        DoraConfig config = AlertConfigs.load(folder, alerts, Map.of());
        return new AlertRules(config).evaluate(inputs, asOf);
    }

    private static Optional<Finding> teamFinding(List<Finding> findings, AlertRule rule) {
        return findings.stream().filter(f -> f.rule() == rule && f.service() == null && f.source() == null).findFirst();
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
    }

    /** A production deployment on every working day from {@code from} to {@code through}. */
    private static List<ProductionDeployment> everyWorkingDay(LocalDate from, LocalDate through) {
        List<ProductionDeployment> deployments = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(through); d = d.plusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                deployments.add(new ProductionDeployment(AlertConfigs.SERVICE, at(d, 12), false));
            }
        }
        return deployments;
    }

    private static AlertInputs deployments(List<ProductionDeployment> deployments) {
        return new AlertInputs(deployments, List.of(), List.of());
    }

    @Test
    void aDailyDeployerSilentForThreeWorkingDaysIsFlaggedButNotAfterTwo() throws IOException {
        AlertInputs inputs = deployments(everyWorkingDay(HISTORY_START, FRIDAY_BEFORE));
        assertEquals(Optional.empty(), teamFinding(evaluate("", inputs, LocalDate.parse("2026-03-03")), AlertRule.DEPLOY_SILENCE),
                "Mon and Tue without a deployment: 2 working days, the most minimum 3 allows");
        Finding finding = teamFinding(evaluate("", inputs, LocalDate.parse("2026-03-04")), AlertRule.DEPLOY_SILENCE).orElseThrow();
        assertEquals(3.0, finding.observed());
        assertEquals(2.0, finding.expectedHigh());
        assertEquals(Finding.Severity.WARNING, finding.severity());
        assertTrue(finding.message().contains("payments has not deployed to production for 3 working days (last on 2026-02-27)"),
                finding.message());
        assertTrue(evaluate("", inputs, LocalDate.parse("2026-03-04")).stream()
                .anyMatch(f -> f.rule() == AlertRule.DEPLOY_SILENCE && AlertConfigs.SERVICE.equals(f.service())), "and the service");
    }

    @Test
    void aWeekendIsNotSilence() throws IOException {
        AlertInputs inputs = deployments(everyWorkingDay(HISTORY_START, FRIDAY_BEFORE));
        List<Finding> sunday = evaluate("alerts: {deploy_silence: {min_working_days: 1}}", inputs, LocalDate.parse("2026-03-01"));
        assertEquals(Optional.empty(), teamFinding(sunday, AlertRule.DEPLOY_SILENCE), "Saturday and Sunday are not working days");
        List<Finding> monday = evaluate("alerts: {deploy_silence: {min_working_days: 1}}", inputs, LocalDate.parse("2026-03-03"));
        assertEquals(2.0, teamFinding(monday, AlertRule.DEPLOY_SILENCE).orElseThrow().observed());
        List<Finding> weekendWorkers = evaluate("alerts: {deploy_silence: {min_working_days: 1}, working_days: [MONDAY, TUESDAY,"
                + " WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]}", inputs, LocalDate.parse("2026-03-01"));
        assertEquals(2.0, teamFinding(weekendWorkers, AlertRule.DEPLOY_SILENCE).orElseThrow().observed(),
                "where the weekend is worked, it counts");
    }

    @Test
    void aWeeklyDeployerIsJudgedByItsOwnGap() throws IOException {
        List<ProductionDeployment> mondays = new ArrayList<>();
        for (LocalDate d = HISTORY_START; d.isBefore(LocalDate.parse("2026-03-01")); d = d.plusWeeks(1)) {
            mondays.add(new ProductionDeployment(AlertConfigs.SERVICE, at(d, 9), false));
        }
        AlertInputs inputs = deployments(mondays);
        assertEquals(Optional.empty(), teamFinding(evaluate("", inputs, LocalDate.parse("2026-03-02")), AlertRule.DEPLOY_SILENCE),
                "5 working days since Monday 02-23, its usual gap");
        Finding late = teamFinding(evaluate("", inputs, LocalDate.parse("2026-03-03")), AlertRule.DEPLOY_SILENCE).orElseThrow();
        assertEquals(6.0, late.observed());
        assertEquals(5.0, late.expectedHigh());
    }

    @Test
    void silenceWaitsForTheMinimumHistory() throws IOException {
        AlertInputs young = deployments(everyWorkingDay(LocalDate.parse("2026-02-09"), FRIDAY_BEFORE));
        assertEquals(Optional.empty(), teamFinding(evaluate("", young, LocalDate.parse("2026-03-06")), AlertRule.DEPLOY_SILENCE),
                "first deployment 3 weeks and 4 days before: below min_history_weeks 4");
        assertTrue(teamFinding(evaluate("alerts: {min_history_weeks: 3}", young, LocalDate.parse("2026-03-06")),
                AlertRule.DEPLOY_SILENCE).isPresent(), "with min_history_weeks 3 it is judged");
    }

    /** Ten deployments in each of the nine weeks to {@code asOf}, {@code failed[i]} of them failed in week i (0: current). */
    private static List<ProductionDeployment> weeklyFailures(LocalDate asOf, int... failed) {
        List<ProductionDeployment> deployments = new ArrayList<>();
        for (int week = 0; week < failed.length; week++) {
            for (int j = 0; j < 10; j++) {
                LocalDate day = asOf.minusDays(7L * week + j % 7);
                deployments.add(new ProductionDeployment(AlertConfigs.SERVICE, at(day, 8 + j), j < failed[week]));
            }
        }
        return deployments;
    }

    @Test
    void changeFailureRateFiresAboveMedianPlusItsMinimumRise() throws IOException {
        LocalDate asOf = LocalDate.parse("2026-03-08");
        assertEquals(Optional.empty(), teamFinding(evaluate("", deployments(weeklyFailures(asOf, 2, 1, 1, 1, 1, 1, 1, 1, 1)), asOf),
                AlertRule.CHANGE_FAILURE_RATE), "20% against a steady 10%: at the edge, 10% + min_rise 10 points");
        Finding finding = teamFinding(evaluate("", deployments(weeklyFailures(asOf, 3, 1, 1, 1, 1, 1, 1, 1, 1)), asOf),
                AlertRule.CHANGE_FAILURE_RATE).orElseThrow();
        assertEquals(0.3, finding.observed(), 1e-9);
        assertEquals(0.2, finding.expectedHigh(), 1e-9);
        assertEquals(0.0, finding.expectedLow(), 1e-9);
        assertTrue(finding.message().startsWith("payments' change failure rate is 30% over the 7 days to 2026-03-08 (3 of 10"
                + " deployments failed), against a usual 10% (expected at most 20%): up 20 points"), finding.message());
        assertEquals(Finding.Severity.WARNING, finding.severity());
        Finding critical = teamFinding(evaluate("", deployments(weeklyFailures(asOf, 5, 1, 1, 1, 1, 1, 1, 1, 1)), asOf),
                AlertRule.CHANGE_FAILURE_RATE).orElseThrow();
        assertEquals(Finding.Severity.CRITICAL, critical.severity(), "50% is past twice the band");
    }

    @Test
    void changeFailureRateUsesTheSpreadOfItsHistoryAndNeedsEnoughOfIt() throws IOException {
        LocalDate asOf = LocalDate.parse("2026-03-08");
        // Weekly rates 0..40%: median 20%, MAD 10 points, band 3 x 1.4826 x 10 = 44.5 points.
        assertEquals(Optional.empty(), teamFinding(evaluate("", deployments(weeklyFailures(asOf, 6, 0, 1, 2, 3, 4, 2, 1, 3)), asOf),
                AlertRule.CHANGE_FAILURE_RATE), "60% is inside a noisy team's range");
        assertTrue(teamFinding(evaluate("", deployments(weeklyFailures(asOf, 7, 0, 1, 2, 3, 4, 2, 1, 3)), asOf),
                AlertRule.CHANGE_FAILURE_RATE).isPresent(), "70% is not");
        assertEquals(Optional.empty(), teamFinding(evaluate("", deployments(weeklyFailures(asOf, 9, 1, 1, 1)), asOf),
                AlertRule.CHANGE_FAILURE_RATE), "three weeks of history: below min_history_weeks 4");
        List<ProductionDeployment> few = weeklyFailures(asOf, 0, 1, 1, 1, 1, 1, 1, 1, 1);
        few.addAll(List.of(new ProductionDeployment(AlertConfigs.SERVICE, at(asOf.minusDays(1), 23), true)));
        few.removeIf(d -> !d.failed() && !d.finishedAt().isBefore(at(asOf.minusDays(6), 0)));
        assertEquals(Optional.empty(), teamFinding(evaluate("", deployments(few), asOf), AlertRule.CHANGE_FAILURE_RATE),
                "one deployment, failed: below min_deployments 5");
    }

    @Test
    void leadTimeP50FiresPastHalfAgainItsUsualMedian() throws IOException {
        LocalDate asOf = LocalDate.parse("2026-03-08");
        List<ProductionDeployment> deployments = everyWorkingDay(HISTORY_START, asOf);
        assertEquals(Optional.empty(), teamFinding(evaluate("", new AlertInputs(deployments, changes(asOf, 1.5), List.of()), asOf),
                AlertRule.LEAD_TIME_P50), "1.5 days against a steady day: the edge");
        Finding finding = teamFinding(evaluate("", new AlertInputs(deployments, changes(asOf, 1.6), List.of()), asOf),
                AlertRule.LEAD_TIME_P50).orElseThrow();
        assertEquals(1.6 * 86_400, finding.observed(), 1e-6);
        assertEquals(1.5 * 86_400, finding.expectedHigh(), 1e-6);
        assertTrue(finding.message().startsWith("payments' lead time p50 is 38.4 h over the 7 days to 2026-03-08 (5 changes), against a usual"
                + " 24.0 h (expected at most 36.0 h): 14.4 h longer (+60%)"), finding.message());
    }

    /** Five changes a week of one day's lead time for eight weeks, and five of {@code currentDays} in the current week. */
    private static List<DeliveredChange> changes(LocalDate asOf, double currentDays) {
        List<DeliveredChange> changes = new ArrayList<>();
        for (int week = 0; week <= 8; week++) {
            for (int j = 0; j < 5; j++) {
                long lead = Math.round((week == 0 ? currentDays : 1.0) * 86_400);
                changes.add(new DeliveredChange(AlertConfigs.SERVICE, at(asOf.minusDays(7L * week + j), 12), lead));
            }
        }
        return changes;
    }

    @Test
    void aSourceThatStopsSendingIsFlagged() throws IOException {
        List<SourceRecord> records = new ArrayList<>();
        everyWorkingDay(HISTORY_START, FRIDAY_BEFORE).forEach(d -> records.add(new SourceRecord("github:github", d.finishedAt())));
        AlertInputs inputs = new AlertInputs(List.of(), List.of(), records);
        assertEquals(List.of(), evaluate("", inputs, LocalDate.parse("2026-03-03")));
        Finding finding = evaluate("", inputs, LocalDate.parse("2026-03-04")).get(0);
        assertEquals(AlertRule.SOURCE_SILENCE, finding.rule());
        assertEquals("github:github", finding.source());
        assertTrue(finding.message().startsWith("source github:github sent no records dated in the last 3 working days"), finding.message());
        assertEquals(List.of(), evaluate("alerts: {source_silence: {enabled: false}}", inputs, LocalDate.parse("2026-03-04")));
    }

    @Test
    void absoluteRulesNeedNoHistory() throws IOException {
        String absolute = "alerts: {absolute: {no_production_deploy_working_days: 5, change_failure_rate_above: 0.3}}";
        AlertInputs oneWeek = deployments(everyWorkingDay(LocalDate.parse("2026-02-23"), FRIDAY_BEFORE));
        assertEquals(Optional.empty(), teamFinding(evaluate(absolute, oneWeek, LocalDate.parse("2026-03-05")), AlertRule.NO_PRODUCTION_DEPLOY));
        Finding silent = teamFinding(evaluate(absolute, oneWeek, LocalDate.parse("2026-03-06")), AlertRule.NO_PRODUCTION_DEPLOY).orElseThrow();
        assertEquals(5.0, silent.observed());
        assertTrue(silent.message().endsWith("the limit is 5."), silent.message());

        LocalDate asOf = LocalDate.parse("2026-03-08");
        assertEquals(Optional.empty(), teamFinding(evaluate(absolute, deployments(weeklyFailures(asOf, 3)), asOf),
                AlertRule.CHANGE_FAILURE_RATE_ABOVE), "30% is not above 30%");
        Finding above = teamFinding(evaluate(absolute, deployments(weeklyFailures(asOf, 4)), asOf),
                AlertRule.CHANGE_FAILURE_RATE_ABOVE).orElseThrow();
        assertEquals(0.4, above.observed(), 1e-9);
        assertEquals(Optional.empty(), teamFinding(evaluate(absolute, deployments(weeklyFailures(asOf, 4)), asOf),
                AlertRule.CHANGE_FAILURE_RATE), "one week: no history for the robust rule");
    }
}
