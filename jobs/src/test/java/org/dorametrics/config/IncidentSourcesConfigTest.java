package org.dorametrics.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dorametrics.config.DoraConfig.OpsgenieKind;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sources.pagerduty and sources.opsgenie: their defaults, and the mapping rules checked when the config loads. */
class IncidentSourcesConfigTest {
    private static final String ORGANISATION = """
            repos: [{name: payments, path: git/payments.git}]
            services: [{name: payments-api, repo: payments}, {name: payments-worker, repo: payments}]
            teams: [{name: payments, services: [payments-api, payments-worker]}]
            sources:
            """;

    @TempDir
    Path folder;

    @Test
    void pagerDutyGetsItsDocumentedDefaults() throws IOException {
        PagerDutySource source = load("""
                  pagerduty:
                    - token_env: PAGERDUTY_TOKEN
                      services: [{id: PIJ90N7, service: payments-api}, {id: PWEB001}]
                """).sources().pagerduty().get(0);
        assertEquals("pagerduty", source.name());
        assertEquals("pagerduty:pagerduty", source.sourceName());
        assertEquals(URI.create("https://api.pagerduty.com"), source.baseUrl());
        assertEquals("PAGERDUTY_TOKEN", source.tokenEnv());
        assertEquals(List.of(new PagerDutyService("PIJ90N7", "payments-api"), new PagerDutyService("PWEB001", null)), source.services());
        assertEquals(List.of("high", "low"), source.urgencies());
        assertEquals(Map.of(), source.prioritySeverity());
        assertEquals(Map.of("high", "high", "low", "low"), source.urgencySeverity());
        assertEquals(Duration.ofDays(365), source.lookback());
        assertEquals(Duration.ofDays(1), source.overlap());
        assertEquals(100, source.pageSize());
    }

    @Test
    void pagerDutyMapsAreMergedOverTheDefaults() throws IOException {
        PagerDutySource source = load("""
                  pagerduty:
                    - name: eu
                      base_url: https://api.eu.pagerduty.com/
                      token_file: pd.key
                      services: [{id: PIJ90N7, service: payments-api}]
                      urgencies: [high]
                      priority_severity: {P1: sev1, P2: sev2}
                      urgency_severity: {low: sev4}
                      lookback: 30d
                      overlap: 6h
                """).sources().pagerduty().get(0);
        assertEquals("pagerduty:eu", source.sourceName());
        assertEquals(URI.create("https://api.eu.pagerduty.com"), source.baseUrl());
        assertEquals(folder.resolve("pd.key"), source.tokenFile());
        assertNull(source.tokenEnv());
        assertEquals(List.of("high"), source.urgencies());
        assertEquals(Map.of("P1", "sev1", "P2", "sev2"), source.prioritySeverity());
        assertEquals(Map.of("high", "high", "low", "sev4"), source.urgencySeverity());
        assertEquals(Duration.ofDays(30), source.lookback());
        assertEquals(Duration.ofHours(6), source.overlap());
    }

    @Test
    void opsgenieGetsItsDocumentedDefaults() throws IOException {
        OpsgenieSource source = load("""
                  opsgenie:
                    - token_env: OPSGENIE_API_KEY
                      services: {695bce3d-4621-4630-8ae1-24eb89c22d6e: payments-api, checkout: payments-worker}
                      teams: {Payments: payments}
                """).sources().opsgenie().get(0);
        assertEquals("opsgenie:opsgenie", source.sourceName());
        assertEquals(URI.create("https://api.opsgenie.com"), source.baseUrl());
        assertEquals(OpsgenieKind.INCIDENTS, source.kind());
        assertEquals("", source.query());
        assertEquals(Map.of("695bce3d-4621-4630-8ae1-24eb89c22d6e", "payments-api", "checkout", "payments-worker"), source.services());
        assertEquals(Map.of("Payments", "payments"), source.teams());
        assertEquals(Map.of("P1", "P1", "P2", "P2", "P3", "P3", "P4", "P4", "P5", "P5"), source.prioritySeverity());
        assertEquals(Duration.ofDays(365), source.lookback());
        assertEquals(Duration.ofDays(1), source.overlap());
        assertEquals(100, source.pageSize());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pagerduty: [{token_env: PD, services: [{id: PIJ90N7, service: payment-api}]}]|sources.pagerduty[0].services[0].service|expected the name of one of services [payments-api, payments-worker], got 'payment-api'",
            "pagerduty: [{token_env: PD, services: [{id: 'pij 90'}]}]|sources.pagerduty[0].services[0].id|expected a PagerDuty service id",
            "pagerduty: [{token_env: PD, services: [{id: PIJ90N7}, {id: PIJ90N7}]}]|sources.pagerduty[0].services[1].id|'PIJ90N7' is listed twice",
            "pagerduty: [{token_env: PD, services: []}]|sources.pagerduty[0].services|expected at least one entry",
            "pagerduty: [{token_env: PD, services: [{id: PIJ90N7}], urgencies: [medium]}]|sources.pagerduty[0].urgencies[0]|expected high or low, got 'medium'",
            "pagerduty: [{token_env: PD, services: [{id: PIJ90N7}], urgency_severity: {urgent: sev1}}]|sources.pagerduty[0].urgency_severity.urgent|unknown urgency",
            "pagerduty: [{token_env: PD, token_file: pd.key, services: [{id: PIJ90N7}]}]|sources.pagerduty[0]|expected exactly one of token_env",
            "pagerduty: [{token_env: PD, services: [{id: PIJ90N7}], overlap: 1y}]|sources.pagerduty[0].overlap|expected a duration",
            "pagerduty: [{token_env: PD, services: [{id: PIJ90N7}], schedules: []}]|sources.pagerduty[0].schedules|unknown key",
            "pagerduty: [{token_env: PD, base_url: 'https://user:pw@api.pagerduty.com', services: [{id: PIJ90N7}]}]|sources.pagerduty[0].base_url|credentials do not belong in the URL",
            "opsgenie: [{token_env: OG, kind: tickets}]|sources.opsgenie[0].kind|expected incidents or alerts, got 'tickets'",
            "opsgenie: [{token_env: OG, services: {checkout: shop}}]|sources.opsgenie[0].services.checkout|expected the name of one of services",
            "opsgenie: [{token_env: OG, teams: {Payments: billing}}]|sources.opsgenie[0].teams.Payments|expected the name of one of teams [payments], got 'billing'",
            "opsgenie: [{token_env: OG, priority_severity: {P0: sev0}}]|sources.opsgenie[0].priority_severity.P0|unknown priority",
            "opsgenie: [{token_env: OG}, {token_env: OG2}]|sources.opsgenie[1].name|'opsgenie' is defined twice",
    })
    void mappingRulesAreCheckedAtLoad(String yaml, String keyPath, String message) {
        DoraException error = assertThrows(DoraException.class, () -> load("  " + yaml + "\n"));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        assertTrue(error.getMessage().contains(keyPath + ": "), error.getMessage());
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }

    private DoraConfig load(String sources) throws IOException {
        return ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(folder.resolve("dora.yaml"), ORGANISATION + sources));
    }
}
