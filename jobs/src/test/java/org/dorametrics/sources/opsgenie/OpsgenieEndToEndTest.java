package org.dorametrics.sources.opsgenie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

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
 * The job's collect and normalize on a git repository built with JGit, a deployments file, and Opsgenie served by a
 * local server: Opsgenie's incidents in the incidents table, on the services their teams, tags and impacted services
 * map to, attributed to the deployment before them.
 */
class OpsgenieEndToEndTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-08");

    @TempDir
    Path work;

    private FakeApiServer opsgenie;

    @BeforeEach
    void build() throws IOException {
        String deployed;
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", at("2026-03-02T08:00:00Z"), at("2026-03-02T08:00:00Z"), "README.md", List.of());
            git.branch("main", "c1");
            deployed = git.id("c1").name();
        }
        Files.writeString(work.resolve("deployments.jsonl"), "{\"id\": \"d1\", \"service\": \"payments-api\", \"environment\": \"production\","
                + " \"status\": \"success\", \"finished_at\": \"2026-03-04T10:00:00Z\", \"commit_sha\": \"" + deployed + "\"}\n");
        Files.writeString(work.resolve("opsgenie-key"), FakeOpsgenie.KEY + "\n");
        opsgenie = FakeOpsgenie.start();
        opsgenie.on(FakeOpsgenie.INCIDENTS, FakeOpsgenie.json("incidents-1.json"));
        opsgenie.on(FakeOpsgenie.INCIDENTS_2, FakeOpsgenie.json("incidents-2.json"));
        // How far back the listing reads depends on today's date: a last, empty page ends it whatever the date.
        opsgenie.on(FakeOpsgenie.INCIDENTS_3, FakeApiServer.text(200, "{\"data\":[],\"paging\":{},\"took\":0.0,\"requestId\":\"end\"}"));
        opsgenie.on("/v2/teams", FakeOpsgenie.json("teams.json"));
    }

    @AfterEach
    void stop() {
        opsgenie.close();
    }

    @Test
    void opsgenieIncidentsFlowIntoTheIncidentsTable() throws IOException {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}, {name: payments-worker, repo: payments}]
                teams: [{name: payments, services: [payments-api, payments-worker]}]
                sources:
                  deployments: [{file: deployments.jsonl}]
                  opsgenie:
                    - base_url: %s
                      token_file: opsgenie-key
                      query: "priority: (P1 OR P2 OR P3 OR P4 OR P5)"
                      services: {%s: payments-api, checkout: payments-worker}
                      teams: {Payments: payments}
                      page_size: 3
                """.formatted(opsgenie.baseUrl(), FakeOpsgenie.SVC));
        RunContext context = new RunContext(ConfigLoader.load(config), AS_OF, TestSpark::session);
        String log;
        try (LogCapture capture = new LogCapture()) {
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            log = capture.text();
        }

        Map<String, Row> incidents = table(context, "incidents", "true", "substring(incident_id, 10, 2)", "source", "services", "severity",
                "opened_at", "resolved_at", "restore_seconds").stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
        assertEquals(List.of("i0", "i1", "i2", "i3"), incidents.keySet().stream().sorted().toList());
        Row i1 = incidents.get("i1");
        assertEquals("opsgenie:opsgenie", i1.getString(1));
        assertEquals(List.of("payments-api", "payments-worker"), i1.getList(2), "the services of our team payments");
        assertEquals("P1", i1.getString(3));
        assertEquals(at("2026-03-04T11:15:00Z"), i1.get(4));
        assertEquals(at("2026-03-04T15:30:00Z"), i1.get(5));
        assertEquals(15300L, ((Number) i1.get(6)).longValue());
        assertEquals(List.of("payments-worker"), incidents.get("i2").getList(2));
        assertNull(incidents.get("i3").get(5));

        List<Row> links = table(context, "incident_deployments", "incident_id like 'opsgenie:i111%'", "deployment_id", "method");
        assertEquals(1, links.size());
        assertEquals("d1", links.get(0).getString(0));

        assertFalse(log.contains(FakeOpsgenie.KEY), log);
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(FakeOpsgenie.KEY), file + " holds the key");
            }
        }
    }

    private static List<Row> table(RunContext context, String table, String where, String... columns) {
        return TableReader.read(TestSpark.session(), context.output(), table).where(where).selectExpr(columns).collectAsList();
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
