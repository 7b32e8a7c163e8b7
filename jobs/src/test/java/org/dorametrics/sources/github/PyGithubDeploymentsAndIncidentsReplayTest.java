package org.dorametrics.sources.github;

import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Incident;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays real api.github.com responses recorded by PyGithub's tests ({@code shared/fixtures/github/pygithub-replaydata/
 * extracted}, read in place) for what becomes deployments and incidents: Actions runs, a release and its tag, issues
 * of 2012 and 2025. A recording of a single object stands for a listing of one; a tag reference that was not recorded
 * is answered from the recorded tag listing of the same repository. Skipped, with the reason, when {@code ../shared}
 * is absent.
 */
class PyGithubDeploymentsAndIncidentsReplayTest {
    private static final Path RECORDINGS = Path.of("..", "..", "shared", "fixtures", "github", "pygithub-replaydata", "extracted");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CUTOFF = Instant.parse("2026-01-01T00:00:00Z");
    private static boolean skipReported;

    @TempDir
    Path folder;

    private FakeApiServer github;

    @BeforeEach
    void recordingsPresent() throws IOException {
        String reason = "PyGithub recordings not found at " + RECORDINGS.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): GitHub runs, releases and issues replay skipped";
        if (!Files.isDirectory(RECORDINGS) && !skipReported) {
            skipReported = true;
            System.out.println("[PyGithubDeploymentsAndIncidentsReplayTest] " + reason);
        }
        assumeTrue(Files.isDirectory(RECORDINGS), reason);
        github = FakeGitHub.start();
    }

    @AfterEach
    void stop() {
        if (github != null) {
            github.close();
        }
    }

    private ApiRecords collectAndRead(String repositories) throws IOException {
        return collectAndRead(repositories, true);
    }

    private ApiRecords collectAndRead(String repositories, boolean deployments) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: a, path: git/a.git}, {name: b, path: git/b.git}]
                services: [{name: a, repo: a}, {name: b, repo: b}]
                teams: [{name: t, services: [a, b]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      pull_requests: false
                      deployments: %s
                      repositories: %s
                """.formatted(github.baseUrl(), deployments, repositories));
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(file);
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output).collect((repo, sha) -> { });
        return GitHubRecords.read(config, config.sources().github().get(0), output, CUTOFF);
    }

    private static Map<String, Deployment> byId(List<Deployment> deployments) {
        Map<String, Deployment> byId = new TreeMap<>();
        deployments.forEach(d -> byId.put(d.id(), d));
        return byId;
    }

    @Test
    void recordedRunsOfOneWorkflowOnOneBranchAreDeploymentsFinishedJustAfterTheirLastJob() throws IOException {
        github.on("/repos/ReDASers/PhishBench/actions/runs?exclude_pull_requests=true&per_page=100",
                recorded("PullRequest2408.test_get_workflow_runs.02.GET.json"));
        JsonNode run = response("WorkflowRun.setUp.02.GET.json");
        github.on("/repos/PyGithub/PyGithub/actions/runs?exclude_pull_requests=true&per_page=100",
                text(200, JSON.createObjectNode().put("total_count", 1).set("workflow_runs", JSON.createArrayNode().add(run)).toString()));

        ApiRecords records = collectAndRead("""
                [{github: ReDASers/PhishBench, repo: a, deployments_from: {workflow_runs: {workflow: Unit Test, branch: master}}},
                 {github: PyGithub/PyGithub, repo: b, deployments_from: {workflow_runs: {workflow: ci.yml}}}]""");

        List<Deployment> phishBench = records.deployments().stream().filter(d -> d.service().equals("a")).toList();
        assertEquals(2, phishBench.size(), "the two Unit Test runs on master of the 30 recorded");
        for (Deployment deployment : phishBench) {
            JsonNode recorded = runById(response("PullRequest2408.test_get_workflow_runs.02.GET.json"), deployment.id());
            assertEquals(Instant.parse(recorded.get("updated_at").asText()), deployment.finishedAt());
            assertEquals(Instant.parse(recorded.get("run_started_at").asText()), deployment.startedAt());
            assertEquals(recorded.get("head_sha").asText(), deployment.revision());
            assertEquals("master", deployment.branch());
        }

        // PyGithub's CI run 3881497935, with its jobs recorded too: its updated_at is 2 s after its last job completed.
        Deployment ci = byId(records.deployments()).get("github:PyGithub/PyGithub:run/3881497935");
        Instant lastJob = Instant.MIN;
        for (JsonNode job : response("WorkflowRun.test_jobs.01.GET.json").get("jobs")) {
            Instant completed = Instant.parse(job.get("completed_at").asText());
            lastJob = completed.isAfter(lastJob) ? completed : lastJob;
        }
        assertEquals(Instant.parse("2023-01-10T08:28:18Z"), lastJob);
        assertEquals(Instant.parse("2023-01-10T08:28:20Z"), ci.finishedAt(), "matched by the workflow file ci.yml");
        assertTrue(!ci.finishedAt().isBefore(lastJob) && Duration.between(lastJob, ci.finishedAt()).toSeconds() < 60,
                "updated_at stands for the completion: within a minute after the last job");
        assertEquals(Deployment.Status.SUCCESS, ci.status());
        assertEquals("c6e5cac67a58a4eb11f1f28567a77a6e2cc8ee98", ci.revision());
    }

    private static JsonNode runById(JsonNode page, String deploymentId) {
        long id = Long.parseLong(deploymentId.substring(deploymentId.lastIndexOf('/') + 1));
        for (JsonNode run : page.get("workflow_runs")) {
            if (run.get("id").asLong() == id) {
                return run;
            }
        }
        throw new AssertionError("no recorded run " + id);
    }

    @Test
    void aRecordedPrereleaseDeploysTheTaggedCommitAtItsPublicationWhenPrereleasesCount() throws IOException {
        JsonNode release = response("GitRelease.testGetReleaseByTag.02.GET.json");
        github.on("/repos/EnricoMi/PyGithub/releases?per_page=100", text(200, JSON.createArrayNode().add(release).toString()));
        String v155 = null;
        for (JsonNode tag : response("Tag.setUp.02.GET.json")) {
            if (tag.get("name").asText().equals("v1.55")) {
                v155 = tag.get("commit").get("sha").asText();
            }
        }
        github.on("/repos/EnricoMi/PyGithub/git/ref/tags/v1.55", text(200, JSON.createObjectNode().put("ref", "refs/tags/v1.55")
                .set("object", JSON.createObjectNode().put("type", "commit").put("sha", v155)).toString()));

        assertTrue(collectAndRead("[{github: EnricoMi/PyGithub, repo: a, deployments_from: {releases: {}}}]").deployments().isEmpty(),
                "v1.55 of the fork is a prerelease");
        Deployment deployment = collectAndRead("[{github: EnricoMi/PyGithub, repo: a, deployments_from: {releases: {prereleases: true}}}]")
                .deployments().get(0);

        assertEquals("github:EnricoMi/PyGithub:release/197548596", deployment.id());
        assertEquals(Instant.parse("2025-01-30T11:12:00Z"), deployment.finishedAt(), "published_at; created_at (2021-04-26) is its commit's date");
        assertEquals(v155, deployment.revision(), "the tagged commit; target_commitish says only main");
        assertEquals(List.of("prerelease"), deployment.labels());
    }

    @Test
    void recordedIssuesOf2012And2025ByLabelAreIncidentsAndPullRequestsAreNot() throws IOException {
        String issues = "/issues?state=all&sort=updated&direction=asc&per_page=100";
        github.on("/repos/PyGithub/PyGithub" + issues, recorded("Repository.testGetIssuesWithTypeWildcard.02.GET.json")
                .next("/repos/PyGithub/PyGithub" + issues + "&page=2"));
        github.on("/repos/PyGithub/PyGithub" + issues + "&page=2", recorded("Repository.testGetIssuesWithArguments.05.GET.json"));
        github.on("/repos/jacquev6/PyGithub" + issues, recorded("Issue50.testGetIssuesWithLabel.02.GET.json"));

        ApiRecords records = collectAndRead("""
                [{github: PyGithub/PyGithub, repo: a, incidents: {labels: [bug, Functionalities]}},
                 {github: jacquev6/PyGithub, repo: b, incidents: {labels: [Bug]}}]""", false);

        Map<String, Incident> incidents = new TreeMap<>();
        records.incidents().forEach(i -> incidents.put(i.id(), i));
        assertEquals(List.of("github:PyGithub/PyGithub#11", "github:PyGithub/PyGithub#28", "github:PyGithub/PyGithub#3364",
                "github:PyGithub/PyGithub#5"), List.copyOf(incidents.keySet()),
                "2012's issues carry a pull_request object with null URLs and are issues; jacquev6's #50 is a pull request");
        Incident bug = incidents.get("github:PyGithub/PyGithub#3364");
        assertEquals(Instant.parse("2025-09-02T12:08:56Z"), bug.openedAt());
        assertEquals(Instant.parse("2025-09-02T17:30:49Z"), bug.resolvedAt());
        assertEquals(List.of("a"), bug.services());
        Incident old = incidents.get("github:PyGithub/PyGithub#11");
        assertEquals(Instant.parse("2012-03-13T06:08:10Z"), old.openedAt());
        assertEquals(Instant.parse("2012-03-19T19:05:17Z"), old.resolvedAt(), "closed in 2012, before state_reason existed");
        assertNull(old.severity());
        assertFalse(records.rejects().stream().anyMatch(r -> r.action() == org.dorametrics.normalize.Reject.Action.REJECTED),
                records.rejects().toString());
    }

    private static FakeApiServer.Reply recorded(String name) throws IOException {
        return text(200, JSON.writeValueAsString(response(name)));
    }

    private static JsonNode response(String name) throws IOException {
        return JSON.readTree(RECORDINGS.resolve(name).toFile()).get("response");
    }
}
