package org.dorametrics.sources.pagerduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableReader;
import org.dorametrics.testing.FakeApiServer;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.LogCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's collect and normalize on a git repository built with JGit, a deployments file, and PagerDuty served by a
 * local server: PagerDuty's incidents in the incidents table, with their services and times, attributed to the
 * deployment before them.
 */
class PagerDutyEndToEndTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-08");

    @TempDir
    Path work;

    private FakeApiServer pagerduty;
    private String deployed;

    @BeforeEach
    void build() throws IOException {
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", at("2026-03-02T08:00:00Z"), at("2026-03-02T08:00:00Z"), "README.md", List.of());
            git.commit("c2", "Card form", at("2026-03-03T08:00:00Z"), at("2026-03-03T08:00:00Z"), "card.js", List.of("c1"));
            git.branch("main", "c2");
            deployed = git.id("c2").name();
        }
        Files.writeString(work.resolve("deployments.jsonl"), "{\"id\": \"d1\", \"service\": \"payments-api\", \"environment\": \"production\","
                + " \"status\": \"success\", \"finished_at\": \"2026-03-04T10:00:00Z\", \"commit_sha\": \"" + deployed + "\"}\n");
        Files.writeString(work.resolve("pagerduty-key"), FakePagerDuty.KEY + "\n");
        pagerduty = FakePagerDuty.start();
        // The run's own time is in the query (since/until): answer the listing whatever it holds, page after page.
        pagerduty.onAnyQuery("/incidents", FakePagerDuty.json("incidents-1.json"), FakePagerDuty.json("incidents-2.json"));
        pagerduty.on(FakePagerDuty.LOG_ENTRIES_Q3, FakePagerDuty.json("log-entries-Q3REFUND.json"));
    }

    @AfterEach
    void stop() {
        pagerduty.close();
    }

    @Test
    void pagerDutyIncidentsFlowIntoTheIncidentsTable() throws IOException {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  deployments: [{file: deployments.jsonl}]
                  pagerduty:
                    - base_url: %s
                      token_file: pagerduty-key
                      services: [{id: PAY0001, service: payments-api}]
                      priority_severity: {P1: sev1}
                      page_size: 3
                """.formatted(pagerduty.baseUrl()));
        RunContext context = new RunContext(ConfigLoader.load(config), AS_OF, TestSpark::session);
        String log;
        try (LogCapture capture = new LogCapture()) {
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            log = capture.text();
        }

        Map<String, Row> incidents = table(context, "incidents", "true", "incident_id", "source", "services", "severity", "opened_at",
                "resolved_at", "title", "restore_seconds").stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
        assertEquals(List.of("pagerduty:Q1CARDS", "pagerduty:Q2SLOW", "pagerduty:Q3REFUND", "pagerduty:Q4LOGS"),
                incidents.keySet().stream().sorted().toList());
        Row q1 = incidents.get("pagerduty:Q1CARDS");
        assertEquals("pagerduty:pagerduty", q1.getString(1));
        assertEquals(List.of("payments-api"), q1.getList(2));
        assertEquals("sev1", q1.getString(3));
        assertEquals(at("2026-03-04T11:30:00Z"), q1.get(4));
        assertEquals(at("2026-03-04T15:30:00Z"), q1.get(5));
        assertEquals(14400L, ((Number) q1.get(7)).longValue());
        Row q3 = incidents.get("pagerduty:Q3REFUND");
        assertEquals(at("2026-03-05T12:40:00Z"), q3.get(5), "resolved at its resolve log entry");
        assertEquals("high", q3.getString(3), "the default severity of urgency high");
        assertNull(incidents.get("pagerduty:Q2SLOW").get(5));

        List<Row> links = table(context, "incident_deployments", "incident_id = 'pagerduty:Q1CARDS'", "deployment_id", "method");
        assertEquals(1, links.size());
        assertEquals("d1", links.get(0).getString(0));
        assertEquals("window", links.get(0).getString(1));

        assertFalse(log.contains(FakePagerDuty.KEY), log);
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(FakePagerDuty.KEY), file + " holds the key");
            }
        }
        assertTrue(pagerduty.requests().stream().allMatch(r -> ("Token token=" + FakePagerDuty.KEY).equals(r.header("Authorization"))));
    }

    private static List<Row> table(RunContext context, String table, String where, String... columns) {
        return TableReader.read(TestSpark.session(), context.output(), table).where(where).selectExpr(columns).collectAsList();
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
