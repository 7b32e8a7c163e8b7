package org.dorametrics.sources.jenkins;

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

/** The whole job on a git repository built with JGit whose deployments a local Jenkins reports as builds of payments/deploy. */
class JenkinsEndToEndTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-08");

    @TempDir
    Path work;

    private FakeApiServer jenkins;
    private final Map<String, String> shas = new HashMap<>();

    @BeforeEach
    void build() throws IOException {
        try (GitFixture git = GitFixture.createBare(work.resolve("git/payments.git"))) {
            git.commit("c1", "Initial commit", at("2026-03-01T08:00:00Z"), at("2026-03-01T08:00:00Z"), "README.md", List.of());
            git.commit("d", "Fix typo", at("2026-03-03T12:00:00Z"), at("2026-03-03T12:00:00Z"), "README.md", List.of("c1"));
            git.commit("e", "Tune cache", at("2026-03-04T08:00:00Z"), at("2026-03-04T08:00:00Z"), "cache.js", List.of("d"));
            git.branch("main", "e");
            git.commits().forEach((name, id) -> shas.put(name, id.name()));
        }
        jenkins = FakeJenkins.serve(FakeJenkins.start(), shas);
        Files.writeString(work.resolve("jenkins-token"), FakeJenkins.TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        jenkins.close();
    }

    @Test
    void jenkinsBuildsFlowIntoTheDeploymentTablesAndTheMetrics() throws IOException {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  jenkins:
                    - base_url: %s
                      user: %s
                      token_file: jenkins-token
                      page_size: 3
                      jobs: [{name: payments/deploy, service: payments-api, environment_parameter: DEPLOY_ENV, repo_url: "acme/payments"}]
                """.formatted(jenkins.baseUrl(), FakeJenkins.USER));
        RunContext context = new RunContext(ConfigLoader.load(config), AS_OF, TestSpark::session);
        String log;
        try (LogCapture capture = new LogCapture()) {
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            new MetricsStage().run(context);
            log = capture.text();
        }

        Map<String, Row> deployments = table(context, "deployments", "true", "deployment_id", "source", "status", "finished_at",
                "revision_sha", "revision_found", "is_production", "environment").stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
        String job = "jenkins:jenkins:payments/deploy#";
        assertEquals(List.of(job + "2", job + "3", job + "4", job + "5", job + "6"), deployments.keySet().stream().sorted().toList());
        Row six = deployments.get(job + "6");
        assertEquals("jenkins:jenkins", six.getString(1));
        assertEquals("success", six.getString(2));
        assertEquals(at("2026-03-04T15:00:00Z"), six.get(3));
        assertEquals(shas.get("e"), six.getString(4));
        assertTrue(six.getBoolean(5), "the revision Jenkins built is in the mined history");
        assertEquals("failure", deployments.get(job + "4").getString(2), "UNSTABLE");
        assertEquals("cancelled", deployments.get(job + "2").getString(2), "ABORTED");
        assertEquals("staging", deployments.get(job + "3").getString(7));
        assertFalse(deployments.get(job + "3").getBoolean(6));

        Row week = table(context, "team_metrics", "team = 'payments' AND period_type = 'week' AND period_start = DATE'2026-03-02'",
                "deployments", "failed_deploy_attempts").get(0);
        assertEquals(1L, week.getLong(0), "#6; #3 went to staging, #2 was aborted");
        assertEquals(2L, week.getLong(1), "#5 failed and #4 was unstable");

        assertFalse(log.contains(FakeJenkins.TOKEN), log);
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(FakeJenkins.TOKEN), file + " holds the token");
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
