package org.dorametrics.sources.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
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
 * Collect and normalize with incidents from a Jira Cloud site served locally and deployments from a file: the
 * incidents table gets Jira's issues with their services, severities and open and resolve times, the deployment an
 * issue names is linked explicitly, and a bad issue is a rejects row with its text (one of the six issues read: the ratio
 * allowed is raised for it).
 */
class JiraEndToEndTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-09");

    @TempDir
    Path work;

    private FakeApiServer jira;
    private String sha;

    @BeforeEach
    void build() throws IOException {
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", at("2026-03-02T08:00:00Z"), at("2026-03-02T08:00:00Z"), "README.md", List.of());
            git.commit("c2", "Card timeout to 5 s", at("2026-03-03T08:00:00Z"), at("2026-03-03T08:00:00Z"), "pay.js", List.of("c1"));
            git.branch("main", "c2");
            sha = git.commits().get("c2").name();
        }
        Files.writeString(work.resolve("deployments.jsonl"), "{\"id\": \"pay-0042\", \"service\": \"payments-api\", \"environment\":"
                + " \"production\", \"status\": \"success\", \"finished_at\": \"2026-03-04T11:00:00Z\", \"commit_sha\": \"" + sha + "\"}\n");
        jira = FakeJira.startCloud();
    }

    @AfterEach
    void stop() {
        jira.close();
    }

    private RunContext context(String token) throws IOException {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  deployments: [{file: deployments.jsonl}]
                  jira:
                %s
                rules: {max_reject_ratio: 0.2}
                """.formatted(FakeJira.cloudSource(jira.baseUrl()).replace("token_env: JIRA_TOKEN", "token_file: jira-token")));
        Files.writeString(work.resolve("jira-token"), token + "\n");
        return new RunContext(ConfigLoader.load(config), AS_OF, TestSpark::session);
    }

    @Test
    void jiraIncidentsFlowIntoTheTables() throws IOException {
        RunContext context = context(FakeJira.TOKEN);
        FakeJira.serveCloud(jira, context.config().sources().jira().get(0));
        String log;
        try (LogCapture capture = new LogCapture()) {
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            log = capture.text();
        }

        Map<String, Row> incidents = table(context, "incidents", "true", "incident_id", "source", "services", "severity", "opened_at",
                "resolved_at", "deployment_ref", "restore_seconds").stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
        assertEquals(List.of("OPS-1", "OPS-2", "OPS-3"), incidents.keySet().stream().sorted().toList());
        Row one = incidents.get("OPS-1");
        assertEquals("jira:jira", one.getString(1));
        assertEquals(List.of("payments-api"), one.getList(2));
        assertEquals("sev2", one.getString(3));
        assertEquals(at("2026-03-04T11:30:00Z"), one.get(4));
        assertEquals(at("2026-03-04T15:30:00Z"), one.get(5));
        assertEquals("pay-0042", one.getString(6));
        assertEquals(14400L, one.getLong(7));
        assertNull(incidents.get("OPS-2").get(5), "reopened: open");
        assertEquals(at("2026-03-06T10:00:00Z"), incidents.get("OPS-3").get(5), "resolved by its move into done, from the whole changelog");

        List<Row> links = table(context, "incident_deployments", "incident_id = 'OPS-1'", "deployment_id", "method");
        assertEquals(1, links.size());
        assertEquals("pay-0042", links.get(0).getString(0));
        assertEquals("explicit", links.get(0).getString(1));

        List<Row> rejected = table(context, "rejects", "source = 'jira:jira' AND action = 'rejected'", "record_id", "field", "raw_payload");
        assertEquals(1, rejected.size());
        assertEquals("OPS-5", rejected.get(0).getString(0));
        assertEquals("fields.created", rejected.get(0).getString(1));
        assertTrue(FakeJira.resource("cloud/search-2.json").contains(rejected.get(0).getString(2)));

        assertFalse(log.contains(FakeJira.TOKEN) || log.contains(FakeJira.BASIC.substring(6)), log);
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(FakeJira.TOKEN) || text.contains(FakeJira.BASIC.substring(6)), file + " holds the credentials");
            }
        }
    }

    @Test
    void aFailingJiraSourceIsExit3AfterTheOtherSourcesAreCollected() throws IOException {
        RunContext context = context("revoked-jira-token-0000");
        FakeJira.serveCloud(jira, context.config().sources().jira().get(0));

        DoraException error = assertThrows(DoraException.class, () -> new CollectStage().run(context).requireAllRead());

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("HTTP 401: Jira refused the credentials"), error.getMessage());
        assertFalse(error.getMessage().contains("revoked-jira-token-0000"), error.getMessage());
        assertTrue(Files.exists(work.resolve("out/raw/deployments/file_deployments.jsonl/records.jsonl")), "the file source was collected");
        assertTrue(Files.exists(work.resolve("out/raw/git/payments/commits.jsonl")), "the repository was mined");
    }

    private static List<Row> table(RunContext context, String table, String where, String... columns) {
        return TableReader.read(TestSpark.session(), context.output(), table).where(where).selectExpr(columns).collectAsList();
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
