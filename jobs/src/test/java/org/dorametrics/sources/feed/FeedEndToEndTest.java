package org.dorametrics.sources.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableReader;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feed folders of deployment and incident documents through collect and normalize, beside a git repository built with JGit. */
class FeedEndToEndTest {
    @TempDir
    Path work;

    @Test
    void feedDocumentsBecomeDeploymentsIncidentsAndRejects() throws IOException {
        Map<String, String> shas = new HashMap<>();
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", Instant.parse("2026-03-01T08:00:00Z"), Instant.parse("2026-03-01T08:00:00Z"), "README.md", List.of());
            git.commit("d", "Fix typo", Instant.parse("2026-03-03T12:00:00Z"), Instant.parse("2026-03-03T12:00:00Z"), "README.md", List.of("c1"));
            git.branch("main", "d");
            git.commits().forEach((name, id) -> shas.put(name, id.name()));
        }
        Path deploys = Files.createDirectories(work.resolve("drop/deploys"));
        Path alerts = Files.createDirectories(work.resolve("drop/alerts"));
        Files.writeString(deploys.resolve("pay-1.json"), FeedTest.deployment("pay-1", "success", "2026-03-02T12:00:00Z")
                .replace("9fceb02d0ae598e95dc970b74767f19372d61af8", shas.get("c1")));
        Files.writeString(deploys.resolve("pay-2.json"), FeedTest.deployment("pay-2", "success", "2026-03-04T12:00:00Z")
                .replace("9fceb02d0ae598e95dc970b74767f19372d61af8", shas.get("d")));
        Files.writeString(deploys.resolve("broken.json"), "{\"id\": \"pay-3\", \"service\": \"payments-api\"");
        Files.writeString(deploys.resolve("pay-4.json.part"), "{\"id\": \"pay-4\"");
        Files.writeString(alerts.resolve("INC-1.json"), "{\"id\": \"INC-1\", \"services\": [\"payments-api\"], \"opened_at\": \"2026-03-04T13:00:00Z\","
                + " \"resolved_at\": \"2026-03-04T14:00:00Z\"}");
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  feeds:
                    - {name: deploys, folder: drop/deploys, kind: deployments}
                    - {name: alerts, folder: drop/alerts, kind: incidents}
                rules: {max_reject_ratio: 0.5}
                """);
        RunContext context = new RunContext(ConfigLoader.load(config), LocalDate.parse("2026-03-08"), TestSpark::session);

        new CollectStage().run(context);
        new NormalizeStage().run(context);

        List<Row> deployments = table(context, "deployments", "true", "deployment_id", "source", "revision_sha", "revision_found", "change_count");
        assertEquals(List.of("pay-1", "pay-2"), deployments.stream().map(r -> r.getString(0)).sorted().toList());
        Row two = deployments.stream().filter(r -> r.getString(0).equals("pay-2")).findFirst().orElseThrow();
        assertEquals("feed:deploys", two.getString(1));
        assertEquals(shas.get("d"), two.getString(2));
        assertTrue(two.getBoolean(3));
        assertEquals(1, two.getInt(4), "d, delivered after pay-1's c1");
        Row incident = table(context, "incidents", "true", "incident_id", "source", "restore_seconds").get(0);
        assertEquals("INC-1", incident.getString(0));
        assertEquals("feed:alerts", incident.getString(1));
        assertEquals(3600L, incident.getLong(2));
        Row reject = table(context, "rejects", "source = 'feed:deploys'", "record_id", "reason", "raw_payload").get(0);
        assertTrue(reject.getString(1).startsWith("file broken.json: malformed JSON"), reject.getString(1));
        assertEquals("{\"id\": \"pay-3\", \"service\": \"payments-api\"", reject.getString(2));
    }

    private static List<Row> table(RunContext context, String table, String where, String... columns) {
        return TableReader.read(TestSpark.session(), context.output(), table).where(where).selectExpr(columns).collectAsList();
    }
}
