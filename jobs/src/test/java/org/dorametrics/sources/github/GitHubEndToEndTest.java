package org.dorametrics.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableReader;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.LogCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.dorametrics.testing.FakeApiServer;

/**
 * The whole job on a git repository built with JGit and its GitHub served by a local server: GitHub's deployments in
 * team_metrics, GitHub's pull request data in pull_requests and in the lead time of a squash-merged change.
 */
class GitHubEndToEndTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-08");

    @TempDir
    Path work;

    private FakeApiServer github;
    private final Map<String, String> shas = new HashMap<>();

    @BeforeEach
    void build() throws IOException {
        // The history behind the payloads: #7 merged as a merge commit, #8 squashed into s, then direct commits d and e.
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", at("2026-03-01T08:00:00Z"), at("2026-03-01T08:00:00Z"), "README.md", List.of());
            git.commit("f1", "Payment form", at("2026-03-02T08:00:00Z"), at("2026-03-02T08:00:00Z"), "checkout/form.js", List.of("c1"));
            git.commit("f2", "Validate card number", at("2026-03-02T10:00:00Z"), at("2026-03-02T10:00:00Z"), "checkout/card.js", List.of("f1"));
            git.commit("m", "Merge pull request #7 from acme/feature/checkout", at("2026-03-03T09:00:00Z"), at("2026-03-03T09:00:00Z"),
                    "checkout/form.js", List.of("c1", "f2"));
            // GitHub authors a squash commit at merge time: only its API knows the branch began on Sunday.
            git.commit("s", "Add search (#8)", at("2026-03-03T11:00:00Z"), at("2026-03-03T11:00:00Z"), "search/index.js", List.of("m"));
            git.commit("d", "Fix typo", at("2026-03-03T12:00:00Z"), at("2026-03-03T12:00:00Z"), "README.md", List.of("s"));
            git.commit("e", "Tune cache", at("2026-03-04T08:00:00Z"), at("2026-03-04T08:00:00Z"), "cache.js", List.of("d"));
            git.branch("main", "e");
            git.commits().forEach((name, id) -> shas.put(name, id.name()));
        }
        github = GitHubFixtures.withShas(GitHubFixtures.servePayments(FakeGitHub.start()), shas);
        Files.writeString(work.resolve("github-token"), FakeGitHub.TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private RunContext context(String repositories, String extraSources) throws IOException {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  github:
                    - base_url: %s
                      token_file: github-token
                      page_size: 3
                      repositories: %s
                %s
                rules: {change_start: pr_first_commit}
                """.formatted(github.baseUrl(), repositories, extraSources));
        return new RunContext(ConfigLoader.load(config), AS_OF, TestSpark::session);
    }

    @Test
    void githubDeploymentsAndPullRequestsFlowIntoTheTables() throws IOException {
        RunContext context = context("[{github: acme/payments, repo: payments}]", "");
        String log;
        try (LogCapture capture = new LogCapture()) {
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            new MetricsStage().run(context);
            log = capture.text();
        }

        Row week = table(context, "team_metrics", "team = 'payments' AND period_type = 'week' AND period_start = DATE'2026-03-02'",
                "deployments", "deploy_days", "failed_deploy_attempts", "lead_time_n", "lead_time_p50_seconds").get(0);
        assertEquals(3L, week.getLong(0), "1001, 1004 and 1006; 1002 is staging, 1005 cancelled, 1007 not finished");
        assertEquals(3, week.getInt(1));
        assertEquals(1L, week.getLong(2), "1003 errored");
        assertEquals(6L, week.getLong(3), "f1, f2, m, s, d by 1004 and e by 1006; c1 is the baseline");
        assertEquals(108600.0, week.getDouble(4));

        Map<String, Row> deployments = byKey(table(context, "deployments", "true", "deployment_id", "source", "status", "finished_at",
                "revision_sha", "revision_found", "change_count", "is_production"));
        assertEquals(List.of("github:acme/payments:1001", "github:acme/payments:1002", "github:acme/payments:1003", "github:acme/payments:1004",
                "github:acme/payments:1005", "github:acme/payments:1006"), deployments.keySet().stream().sorted().toList());
        Row d1004 = deployments.get("github:acme/payments:1004");
        assertEquals("github:github", d1004.getString(1));
        assertEquals("success", d1004.getString(2));
        assertEquals(at("2026-03-03T14:10:00Z"), d1004.get(3));
        assertEquals(shas.get("d"), d1004.getString(4));
        assertTrue(d1004.getBoolean(5));
        assertEquals(5, d1004.getInt(6));
        assertEquals("cancelled", deployments.get("github:acme/payments:1005").getString(2));

        Map<String, Row> changes = table(context, "deployment_changes", "deployment_id = 'github:acme/payments:1004'", "sha", "pr_number",
                "change_start", "lead_time_seconds").stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
        assertEquals(8L, changes.get(shas.get("s")).getLong(1));
        assertEquals(at("2026-03-01T16:00:00Z"), changes.get(shas.get("s")).get(2),
                "the squash commit starts at its pull request's first commit, which only GitHub knows");
        assertEquals(166200L, changes.get(shas.get("s")).getLong(3));
        assertEquals(at("2026-03-02T08:00:00Z"), changes.get(shas.get("f2")).get(2));
        assertEquals(at("2026-03-03T12:00:00Z"), changes.get(shas.get("d")).get(2), "no pull request: its author time");

        Map<String, Row> pulls = byKey(table(context, "pull_requests", "true", "cast(pr_number as string)", "source", "merge_sha", "head_sha",
                "commit_count", "first_commit_at", "created_at", "first_review_at", "merged_at", "deployment_id", "coding_seconds",
                "pickup_seconds", "review_seconds", "first_commit_to_merge_seconds", "deploy_seconds", "lead_time_seconds"));
        assertEquals(List.of("7", "8"), pulls.keySet().stream().sorted().toList(), "one row per pull request: GitHub's, not git's");
        Row seven = pulls.get("7");
        assertEquals("github", seven.getString(1));
        assertEquals(shas.get("m"), seven.getString(2));
        assertEquals(shas.get("f2"), seven.getString(3));
        assertEquals(3, seven.getInt(4));
        assertEquals(at("2026-03-02T08:00:00Z"), seven.get(5));
        assertEquals(at("2026-03-02T09:00:00Z"), seven.get(6));
        assertEquals(at("2026-03-02T14:00:00Z"), seven.get(7));
        assertEquals(at("2026-03-03T09:00:00Z"), seven.get(8));
        assertEquals("github:acme/payments:1004", seven.getString(9));
        assertEquals(List.of(3600L, 18000L, 68400L, 90000L, 18600L, 108600L),
                List.of(seven.getLong(10), seven.getLong(11), seven.getLong(12), seven.getLong(13), seven.getLong(14), seven.getLong(15)));
        Row eight = pulls.get("8");
        assertEquals(shas.get("s"), eight.getString(2));
        assertEquals(List.of(68400L, 82800L, 3600L, 154800L, 11400L, 166200L),
                List.of(eight.getLong(10), eight.getLong(11), eight.getLong(12), eight.getLong(13), eight.getLong(14), eight.getLong(15)));

        assertFalse(log.contains(FakeGitHub.TOKEN), log);
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(FakeGitHub.TOKEN),
                        file + " holds the token");
            }
        }
    }

    @Test
    void issuesAreIncidentsAttributedThroughTheReferencesInTheirBody() throws IOException {
        github.on(GitHubFixtures.PAYMENTS + "/issues?state=all&sort=updated&direction=asc&per_page=3", FakeGitHub.json("acme-payments/issues.json"));
        RunContext context = context("[{github: acme/payments, repo: payments, incidents: {labels: [incident], title: \"(?i)outage\"}}]", "");
        new CollectStage().run(context);
        new NormalizeStage().run(context);
        new MetricsStage().run(context);

        Map<String, Row> incidents = byKey(table(context, "incidents", "true", "incident_id", "severity", "opened_at", "resolved_at",
                "deployment_ref", "pr_ref", "restore_seconds", "url"));
        assertEquals(List.of("github:acme/payments#41", "github:acme/payments#42"), incidents.keySet().stream().sorted().toList(),
                "#43 is a bug");
        Row refunds = incidents.get("github:acme/payments#41");
        assertEquals("sev2", refunds.getString(1));
        assertEquals(at("2026-03-03T15:00:00Z"), refunds.get(2));
        assertEquals(at("2026-03-03T17:00:00Z"), refunds.get(3));
        assertEquals("github:acme/payments:1004", refunds.getString(4), "'deployment 1004' in its body");
        assertEquals(7200L, refunds.getLong(6));
        assertEquals("https://github.com/acme/payments/issues/41", refunds.getString(7));
        Row search = incidents.get("github:acme/payments#42");
        assertNull(search.get(3), "still open");
        assertEquals(8L, search.getLong(5), "'#8' in its body");

        Map<String, Row> attributed = byKey(table(context, "incident_deployments", "true", "incident_id", "deployment_id", "method"));
        assertEquals("github:acme/payments:1004", attributed.get("github:acme/payments#41").getString(1));
        assertEquals("explicit", attributed.get("github:acme/payments#41").getString(2));
        assertEquals("github:acme/payments:1004", attributed.get("github:acme/payments#42").getString(1),
                "#8's squash commit was first delivered by 1004");
        assertEquals("explicit", attributed.get("github:acme/payments#42").getString(2));
        Row week = table(context, "team_metrics", "team = 'payments' AND period_type = 'week' AND period_start = DATE'2026-03-02'",
                "failed_deployments").get(0);
        assertEquals(1L, week.getLong(0), "1004 caused both");
    }

    @Test
    void aFailingGitHubSourceIsExit3AfterTheOtherSourcesAreCollected() throws IOException {
        Files.writeString(work.resolve("deployments.jsonl"), "{\"id\": \"f1\", \"service\": \"payments-api\", \"environment\": \"production\","
                + " \"status\": \"success\", \"finished_at\": \"2026-03-04T12:00:00Z\", \"commit_sha\": \"" + shas.get("e") + "\"}\n");
        RunContext context = context("[{github: acme/gone, repo: payments}]", "  deployments: [{file: deployments.jsonl}]");

        DoraException error = assertThrows(DoraException.class, () -> new CollectStage().run(context).requireAllRead());

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("HTTP 404: no such repository, or the token cannot see it"), error.getMessage());
        assertTrue(Files.exists(work.resolve("out/raw/deployments/file_deployments.jsonl/records.jsonl")), "the file source was collected");
        assertTrue(Files.exists(work.resolve("out/raw/git/payments/commits.jsonl")), "the repository was mined");
    }

    @Test
    void aMissingTokenStopsTheRunBeforeAnyWork() throws IOException {
        Files.delete(work.resolve("github-token"));
        RunContext context = context("[{github: acme/payments, repo: payments}]", "");
        DoraException error = assertThrows(DoraException.class, () -> new CollectStage().run(context));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        assertTrue(error.getMessage().startsWith("config sources.github[github].token_file: cannot read token_file "), error.getMessage());
        assertTrue(github.requests().isEmpty());
        assertFalse(Files.exists(work.resolve("out/raw")));
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
