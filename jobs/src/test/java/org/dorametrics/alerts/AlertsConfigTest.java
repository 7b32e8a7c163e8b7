package org.dorametrics.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dorametrics.config.DoraConfig.Alerts;
import org.dorametrics.config.DoraConfig.Route;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alerts section: its defaults, a full one, and each mistake stopping the load with the key and what is expected. */
class AlertsConfigTest {
    @TempDir
    Path folder;

    @Test
    void withoutASectionEveryDefaultAndNoRoute() throws IOException {
        Alerts alerts = AlertConfigs.load(folder, "", Map.of()).alerts();
        assertEquals(8, alerts.windowWeeks());
        assertEquals(4, alerts.minHistoryWeeks());
        assertEquals(Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
                alerts.workingDays());
        assertEquals(3.0, alerts.sensitivity());
        assertEquals(3, alerts.deploySilence().minDays());
        assertEquals(5, alerts.changeFailureRate().minSamples());
        assertEquals(0.10, alerts.changeFailureRate().minRise());
        assertEquals(0.5, alerts.leadTime().minRise());
        assertNull(alerts.absolute().noProductionDeployWorkingDays());
        assertNull(alerts.webhook());
        assertEquals(List.of(), alerts.routes());
        assertEquals(3, alerts.attempts());
        assertEquals(Duration.ofSeconds(2), alerts.backoff());
        assertFalse(alerts.dryRun());
    }

    @Test
    void fullSectionFromTheReadmeIsRead() throws IOException {
        Alerts alerts = AlertConfigs.load(folder, """
                alerts:
                  window_weeks: 12
                  min_history_weeks: 6
                  working_days: [monday, tuesday, wednesday, thursday]
                  sensitivity: 2.5
                  deploy_silence: {min_working_days: 2}
                  source_silence: {enabled: false}
                  change_failure_rate: {min_deployments: 8, min_rise: 0.15}
                  lead_time: {min_changes: 10, min_rise: 1.0}
                  absolute: {no_production_deploy_working_days: 5, change_failure_rate_above: 0.30}
                  team_link: "https://dora.example.com/teams/{team}?as_of={as_of}"
                  webhook: {url_env: DORA_ALERTS_WEBHOOK}
                  email: {host: smtp.example.com, from: dora@example.com, user: dora, password_file: smtp.txt}
                  routes:
                    - {team: payments, channel: "#payments", email: [leads@example.com]}
                    - {team: "*", email: [delivery@example.com]}
                  retry: {attempts: 5, backoff: 1m}
                  dry_run: true
                """, Map.of()).alerts();
        assertEquals(12, alerts.windowWeeks());
        assertEquals(4, alerts.workingDays().size());
        assertFalse(alerts.sourceSilence().enabled());
        assertEquals(30, Math.round(alerts.absolute().changeFailureRateAbove() * 100));
        assertEquals("DORA_ALERTS_WEBHOOK", alerts.webhook().urlEnv());
        assertEquals(587, alerts.email().port());
        assertTrue(alerts.email().starttls());
        assertEquals(folder.resolve("smtp.txt"), alerts.email().passwordFile());
        assertEquals(new Route("payments", "#payments", List.of("leads@example.com")), alerts.route("payments").orElseThrow());
        assertEquals("*", alerts.route("identity").orElseThrow().team(), "a team without a route takes the * route");
        assertEquals(Duration.ofMinutes(1), alerts.backoff());
        assertTrue(alerts.dryRun());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{windows_weeks: 8}|alerts.windows_weeks|unknown key",
        "{window_weeks: 1}|alerts.window_weeks|expected a whole number from 2 to 52, got '1'",
        "{min_history_weeks: 9}|alerts.min_history_weeks|expected a whole number from 1 to 8",
        "{working_days: [MONDAY, FUNDAY]}|alerts.working_days|expected day names (MONDAY .. SUNDAY), got 'FUNDAY'",
        "{deploy_silence: {min_days: 3}}|alerts.deploy_silence.min_days|unknown key",
        "{change_failure_rate: {min_rise: 2}}|alerts.change_failure_rate.min_rise|expected a number from 0.0 to 1.0",
        "{absolute: {change_failure_rate_above: 30%}}|alerts.absolute.change_failure_rate_above|expected a number from 0.0 to 1.0",
        "{team_link: 'dora.example.com/{team}'}|alerts.team_link|expected an http(s) URL",
        "{webhook: {url: 'https://hooks.slack.com/services/T/B/x'}}|alerts.webhook.url|unknown key",
        "{webhook: {}}|alerts.webhook|expected exactly one of url_env",
        "{webhook: {url_env: 'https://hooks.slack.com/x'}}|alerts.webhook.url_env|the value is not shown",
        "{email: {host: smtp.example.com, from: dora}}|alerts.email.from|expected an e-mail address",
        "{email: {host: smtp.example.com, from: d@example.com, user: dora}}|alerts.email|expected user with exactly one of",
        "{routes: [{team: billing, email: [a@example.com]}]}|alerts.routes[0].team|expected a team of teams[] or \"*\"",
        "{routes: [{team: payments}]}|alerts.routes[0]|expected a channel (webhook), email addresses, or both",
        "{routes: [{team: payments, channel: '#p'}]}|alerts.routes[0].channel|a channel needs alerts.webhook",
        "{routes: [{team: payments, email: [a@example.com]}]}|alerts.routes[0].email|e-mail addresses need alerts.email",
        "{retry: {attempts: 0}}|alerts.retry.attempts|expected a whole number from 1 to 10",
        "{dry_run: maybe}|alerts.dry_run|expected true or false"})
    void mistakesStopTheLoadNamingTheKey(String section, String key, String expected) {
        DoraException e = assertThrows(DoraException.class, () -> AlertConfigs.load(folder, "alerts: " + section + "\n", Map.of()));
        assertEquals(ExitCode.USAGE_OR_CONFIG, e.exitCode());
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("hooks.slack.com"), "a webhook URL is never echoed: " + e.getMessage());
    }
}
