package org.dorametrics.sources.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
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
 * The whole job on a git repository built with JGit and its GitLab project served by a local server: GitLab's
 * deployments in team_metrics, its merge requests in pull_requests and in the lead time of a squashed change, its
 * incidents in the incidents table.
 */
class GitLabEndToEndTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-08");

    @TempDir
    Path work;

    private FakeApiServer gitlab;
    private final Map<String, String> shas = new HashMap<>(GitLabFixtures.SHAS);

    @BeforeEach
    void build() throws IOException {
        // The history behind the payloads: !7 merged with a merge commit, !8 squashed into s and fast-forwarded, then d and e.
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", at("2026-03-01T08:00:00Z"), at("2026-03-01T08:00:00Z"), "README.md", List.of());
            git.commit("f1", "Payment form", at("2026-03-02T08:00:00Z"), at("2026-03-02T08:00:00Z"), "checkout/form.js", List.of("c1"));
            git.commit("f2", "Validate card number", at("2026-03-02T10:00:00Z"), at("2026-03-02T10:00:00Z"), "checkout/card.js", List.of("f1"));
            git.commit("m", "Merge branch 'checkout' into 'main'\n\nCheckout\n\nSee merge request acme/payments!7\n", at("2026-03-03T09:00:00Z"),
                    at("2026-03-03T09:00:00Z"), "checkout/form.js", List.of("c1", "f2"));
            // GitLab authors a squash commit at merge time: only its API knows the branch began on Sunday.
            git.commit("s", "Add search", at("2026-03-03T11:00:00Z"), at("2026-03-03T11:00:00Z"), "search/index.js", List.of("m"));
            git.commit("d", "Fix typo", at("2026-03-03T12:00:00Z"), at("2026-03-03T12:00:00Z"), "README.md", List.of("s"));
            git.commit("e", "Tune cache", at("2026-03-04T08:00:00Z"), at("2026-03-04T08:00:00Z"), "cache.js", List.of("d"));
            git.branch("main", "e");
            git.commits().forEach((name, id) -> shas.put(name, id.name()));
        }
        gitlab = GitLabFixtures.withShas(GitLabFixtures.servePayments(FakeGitLab.start()), shas);
        Files.writeString(work.resolve("gitlab-token"), FakeGitLab.TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    @Test
    void gitlabDeploymentsMergeRequestsAndIncidentsFlowIntoTheTables() throws IOException {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  gitlab:
                    - base_url: %s
                      token_file: gitlab-token
                      page_size: 3
                      incidents: {}
                      projects: [{gitlab: acme/payments, repo: payments}]
                rules: {change_start: pr_first_commit}
                """.formatted(gitlab.baseUrl()));
        RunContext context = new RunContext(ConfigLoader.load(config), AS_OF, TestSpark::session);
        String log;
        try (LogCapture capture = new LogCapture()) {
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            new MetricsStage().run(context);
            log = capture.text();
        }

        Row week = table(context, "team_metrics", "team = 'payments' AND period_type = 'week' AND period_start = DATE'2026-03-02'",
                "deployments", "deploy_days", "failed_deploy_attempts", "lead_time_n", "lead_time_p50_seconds").get(0);
        assertEquals(3L, week.getLong(0), "11, 14 and 16; 12 is staging, 15 cancelled, 17 still running");
        assertEquals(3, week.getInt(1));
        assertEquals(1L, week.getLong(2), "13 failed");
        assertEquals(6L, week.getLong(3), "f1, f2, m, s, d by 14 and e by 16; c1 is the baseline");
        assertEquals(108600.0, week.getDouble(4));

        Map<String, Row> deployments = byKey(table(context, "deployments", "true", "deployment_id", "source", "status", "finished_at",
                "revision_sha", "change_count", "is_production"));
        assertEquals(List.of("gitlab:acme/payments:11", "gitlab:acme/payments:12", "gitlab:acme/payments:13", "gitlab:acme/payments:14",
                "gitlab:acme/payments:15", "gitlab:acme/payments:16"), deployments.keySet().stream().sorted().toList());
        Row fourteen = deployments.get("gitlab:acme/payments:14");
        assertEquals("gitlab:gitlab", fourteen.getString(1));
        assertEquals("success", fourteen.getString(2));
        assertEquals(at("2026-03-03T14:10:00Z"), fourteen.get(3));
        assertEquals(shas.get("d"), fourteen.getString(4));
        assertEquals(5, fourteen.getInt(5));
        assertEquals("cancelled", deployments.get("gitlab:acme/payments:15").getString(2));

        Map<String, Row> changes = byKey(table(context, "deployment_changes", "deployment_id = 'gitlab:acme/payments:14'", "sha", "pr_number",
                "change_start", "lead_time_seconds"));
        assertEquals(8L, changes.get(shas.get("s")).getLong(1));
        assertEquals(at("2026-03-01T16:00:00Z"), changes.get(shas.get("s")).get(2),
                "the squash commit starts at its merge request's first commit, which only GitLab knows");
        assertEquals(166200L, changes.get(shas.get("s")).getLong(3));
        assertEquals(7L, changes.get(shas.get("f2")).getLong(1));

        Map<String, Row> pulls = byKey(table(context, "pull_requests", "true", "cast(pr_number as string)", "source", "merge_sha",
                "first_review_at", "deployment_id", "coding_seconds", "pickup_seconds", "review_seconds", "deploy_seconds"));
        assertEquals(List.of("7", "8"), pulls.keySet().stream().sorted().toList(), "one row per merge request: GitLab's, not git's");
        Row seven = pulls.get("7");
        assertEquals("gitlab", seven.getString(1));
        assertEquals(shas.get("m"), seven.getString(2));
        assertEquals(at("2026-03-02T14:00:00Z"), seven.get(3));
        assertEquals("gitlab:acme/payments:14", seven.getString(4));
        assertEquals(List.of(3600L, 18000L, 68400L, 18600L), List.of(seven.getLong(5), seven.getLong(6), seven.getLong(7), seven.getLong(8)));
        assertEquals(shas.get("s"), pulls.get("8").getString(2));

        Map<String, Row> incidents = byKey(table(context, "incidents", "true", "incident_id", "severity", "restore_seconds", "pr_ref", "services"));
        assertEquals(List.of("gitlab:acme/payments#3", "gitlab:acme/payments#4"), incidents.keySet().stream().sorted().toList());
        Row three = incidents.get("gitlab:acme/payments#3");
        assertEquals("high", three.getString(1));
        assertEquals(7200L, three.getLong(2));
        assertEquals(8L, three.getLong(3));
        assertEquals(List.of("payments-api"), three.getList(4));

        assertFalse(log.contains(FakeGitLab.TOKEN), log);
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(FakeGitLab.TOKEN), file + " holds the token");
            }
        }
        assertTrue(Files.exists(work.resolve("out/raw/gitlab/gitlab/acme_payments/deployments/_WATERMARK.json")));
    }

    private static List<Row> table(RunContext context, String table, String where, String... columns) {
        return TableReader.read(TestSpark.session(), context.output(), table).where(where).selectExpr(columns).collectAsList();
    }

    private static Map<String, Row> byKey(List<Row> rows) {
        return rows.stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
