package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitHub Actions workflow runs as deployments: which runs, which outcome, when, and asked incrementally by creation. */
class GitHubWorkflowRunsTest {
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");
    private static final String RUNS = "/repos/acme/deploys/actions/runs?exclude_pull_requests=true";

    @TempDir
    Path folder;

    private FakeApiServer github;
    private DoraConfig config;
    private OutputLocation output;

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(FakeGitHub.start(), GitHubFixtures.SHAS);
        github.on(RUNS + "&per_page=5", json("acme-deploys/runs-1.json").next(RUNS + "&per_page=5&page=2"));
        github.on(RUNS + "&per_page=5&page=2", json("acme-deploys/runs-2.json"));
        config = config("{workflow: deploy.yml, branch: main}");
        output = OutputLocation.open(config.output(), new Configuration());
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private DoraConfig config(String workflowRuns) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: deploys, path: git/deploys.git}]
                services: [{name: deploys-api, repo: deploys}]
                teams: [{name: deploys, services: [deploys-api]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      page_size: 5
                      pull_requests: false
                      repositories:
                        - {github: acme/deploys, repo: deploys, deployments_from: {workflow_runs: %s}}
                """.formatted(github.baseUrl(), workflowRuns));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    private List<String> collect() {
        List<String> revisions = new ArrayList<>();
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output).collect((repo, sha) -> revisions.add(sha));
        return revisions;
    }

    private ApiRecords read() {
        return GitHubRecords.read(config, config.sources().github().get(0), output, LATER);
    }

    private static Map<String, Deployment> byId(List<Deployment> deployments) {
        Map<String, Deployment> byId = new TreeMap<>();
        deployments.forEach(d -> byId.put(d.id().substring(d.id().lastIndexOf('/') + 1), d));
        return byId;
    }

    @Test
    void completedRunsOfTheDeployWorkflowOnItsBranchAreDeployments() {
        List<String> revisions = collect();
        ApiRecords records = read();

        Map<String, Deployment> deployments = byId(records.deployments());
        assertEquals(List.of("5002", "5003", "5005", "5007"), List.copyOf(deployments.keySet()),
                "not CI (5004), not release/1.x (5006), not skipped (5008), not in progress (5009)");
        Deployment first = deployments.get("5002");
        assertEquals("github:acme/deploys:run/5002", first.id());
        assertEquals(Deployment.Status.SUCCESS, first.status());
        assertEquals(Instant.parse("2026-03-02T09:00:06Z"), first.startedAt(), "run_started_at");
        assertEquals(Instant.parse("2026-03-02T09:06:00Z"), first.finishedAt(), "updated_at of the completed run");
        assertEquals("c1".repeat(20), first.revision());
        assertEquals("main", first.branch());
        assertEquals("push", first.trigger());
        assertEquals("https://github.com/acme/deploys/actions/runs/5002", first.url());
        assertEquals("deploys-api", first.service());
        assertTrue(first.production(), "environment production, by rules.production_environment");
        assertEquals(Deployment.Status.FAILURE, deployments.get("5003").status());
        assertEquals(Deployment.Status.FAILURE, deployments.get("5005").status(), "timed_out");
        assertEquals(Deployment.Status.CANCELLED, deployments.get("5007").status());

        Reject reject = records.rejects().get(0);
        assertEquals(1, records.rejects().size());
        assertEquals("github:acme/deploys:run/5001", reject.recordId());
        assertEquals("head_sha", reject.field());
        assertTrue(reject.rawPayload().contains("\"id\" : 5001") || reject.rawPayload().contains("\"id\": 5001"), reject.rawPayload());
        assertEquals(List.of("aa".repeat(20), "c1".repeat(20), "dd".repeat(20), "ee".repeat(20)),
                revisions.stream().distinct().sorted().toList(), "the revisions of the deploy workflow's runs on main are reported for git");
    }

    @Test
    void aSecondCollectAsksForRunsCreatedSinceTheWatermarkOrTheOldestRunStillRunning() {
        collect();
        // The latest run was created 03-05 08:00 and is still running: a day earlier is earlier than it.
        String since = RUNS + "&created=%3E%3D2026-03-04T08%3A00%3A00Z&per_page=5";
        github.on(since, json("acme-deploys/runs-since.json"));

        collect();

        assertEquals(1, github.requests(since).size(), github.requests().toString());
        Map<String, Deployment> deployments = byId(read().deployments());
        assertEquals(List.of("5002", "5003", "5005", "5007", "5009", "5010"), List.copyOf(deployments.keySet()));
        assertEquals(Instant.parse("2026-03-05T08:07:00Z"), deployments.get("5009").finishedAt(), "the latest copy of 5009: completed");
    }

    @Test
    void theWorkflowMayBeARegexAndTheRuleIsCheckedAtLoad() throws IOException {
        config = config("{workflow: \"/^Dep/\"}");
        collect();
        assertEquals(List.of("5002", "5003", "5005", "5006", "5007"), List.copyOf(byId(read().deployments()).keySet()), "any branch");

        DoraException error = org.junit.jupiter.api.Assertions.assertThrows(DoraException.class, () -> config("{workflow: \"/(/\"}"));
        assertTrue(error.getMessage().contains("deployments_from.workflow_runs.workflow"), error.getMessage());
        error = org.junit.jupiter.api.Assertions.assertThrows(DoraException.class, () -> config("{branch: main}"));
        assertTrue(error.getMessage().contains("workflow_runs.workflow: required key is missing"), error.getMessage());
    }
}
