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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.PullRequest;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.dorametrics.testing.FakeApiServer;

/** Normalization of collected GitHub pages: deployment outcomes from statuses, pull request timings, bad payloads to rejects. */
class GitHubRecordsTest {
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir
    Path folder;

    private FakeApiServer github;
    private DoraConfig config;
    private OutputLocation output;

    @BeforeEach
    void collect() throws IOException {
        github = GitHubFixtures.withShas(GitHubFixtures.serveBroken(GitHubFixtures.servePayments(FakeGitHub.start())), GitHubFixtures.SHAS);
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}, {name: broken, path: git/broken.git}]
                services: [{name: payments-api, repo: payments}, {name: broken-api, repo: broken}]
                teams: [{name: payments, services: [payments-api, broken-api]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      page_size: 3
                      repositories: [{github: acme/payments, repo: payments}, {github: acme/broken, repo: broken}]
                """.formatted(github.baseUrl()));
        config = ConfigLoader.withEnvironment(Map.of()).read(file);
        output = OutputLocation.open(config.output(), new Configuration());
        DoraConfig.GitHubSource source = config.sources().github().get(0);
        GitHubCollectorTest.quickCollector(source, output).collect((repo, sha) -> { });
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private ApiRecords read(Instant cutoff) {
        return GitHubRecords.read(config, config.sources().github().get(0), output, cutoff);
    }

    private static Map<String, Deployment> byId(List<Deployment> deployments) {
        return deployments.stream().collect(Collectors.toMap(Deployment::id, Function.identity()));
    }

    @Test
    void aDeploymentHappensWhenItsLatestStatusSaysSoNeverAtUpdatedAt() {
        Map<String, Deployment> deployments = byId(read(LATER).deployments());

        Deployment d1004 = deployments.get("github:acme/payments:1004");
        assertEquals(Deployment.Status.SUCCESS, d1004.status());
        assertEquals(Instant.parse("2026-03-03T14:10:00Z"), d1004.finishedAt(), "the success status's time, not the inactive one after it");
        assertTrue(d1004.rawPayload().contains("\"updated_at\": \"2026-03-04T10:05:00Z\""), "updated_at differs and is ignored");
        assertEquals(Instant.parse("2026-03-03T14:00:00Z"), d1004.startedAt(), "started when the deployment was created");
        assertEquals("dd".repeat(20), d1004.revision());
        assertEquals("payments-api", d1004.service());
        assertEquals("payments", d1004.repo());
        assertEquals("production", d1004.environment());
        assertTrue(d1004.production());
        assertEquals("github:github", d1004.source());
        assertNull(d1004.line());
        assertEquals("main", d1004.branch());
        assertEquals("deploy", d1004.trigger());
        assertEquals("https://ci.example.com/acme/payments/deploys/1004", d1004.url());
        assertTrue(d1004.rawPayload().startsWith("{") && d1004.rawPayload().endsWith("}") && d1004.rawPayload().contains("\"id\": 1004,"),
                "the deployment's own text from the page: " + d1004.rawPayload());

        Deployment d1001 = deployments.get("github:acme/payments:1001");
        assertEquals(Deployment.Status.SUCCESS, d1001.status(), "inactive after a success stays a success");
        assertEquals(Instant.parse("2026-03-02T09:06:00Z"), d1001.finishedAt());
        assertNull(d1001.branch(), "deployed by commit id: no branch");

        Deployment d1002 = deployments.get("github:acme/payments:1002");
        assertEquals("staging", d1002.environment());
        assertFalse(d1002.production());
        assertEquals("feature/checkout", d1002.branch());

        Deployment d1003 = deployments.get("github:acme/payments:1003");
        assertEquals(Deployment.Status.FAILURE, d1003.status(), "error is a failed attempt");
        assertEquals(Instant.parse("2026-03-03T09:20:00Z"), d1003.finishedAt());

        Deployment d1005 = deployments.get("github:acme/payments:1005");
        assertEquals(Deployment.Status.CANCELLED, d1005.status(), "made inactive before it ever finished: superseded");
        assertEquals(Instant.parse("2026-03-04T09:30:00Z"), d1005.finishedAt());

        assertEquals(Instant.parse("2026-03-04T10:05:00Z"), deployments.get("github:acme/payments:1006").finishedAt());
        assertFalse(deployments.containsKey("github:acme/payments:1007"), "queued, then in progress: not finished, not a deployment");
    }

    @Test
    void statusesFromTheCutoffOnAreNotSeenYet() {
        Map<String, Deployment> beforeSuccess = byId(read(Instant.parse("2026-03-03T14:05:00Z")).deployments());
        assertFalse(beforeSuccess.containsKey("github:acme/payments:1004"), "still in progress as of the cutoff");
        assertEquals(Deployment.Status.FAILURE, beforeSuccess.get("github:acme/payments:1003").status());
        assertEquals(Instant.parse("2026-03-02T09:06:00Z"), beforeSuccess.get("github:acme/payments:1001").finishedAt());
    }

    @Test
    void mergedPullRequestsCarryCreationFirstOtherReviewAndFirstCommit() {
        Map<Long, PullRequest> pulls = read(LATER).pullRequests().stream()
                .filter(pr -> pr.repo().equals("payments"))
                .collect(Collectors.toMap(PullRequest::number, Function.identity()));
        assertEquals(List.of(7L, 8L), pulls.keySet().stream().sorted().toList(), "open #9 and unmerged #10 are not changes");

        PullRequest merged = pulls.get(7L);
        assertEquals("github", merged.source());
        assertEquals("aa".repeat(20), merged.mergeSha());
        assertEquals("f2".repeat(20), merged.headSha());
        assertEquals(List.of("f1".repeat(20), "f2".repeat(20), "aa".repeat(20)), merged.commits());
        assertEquals("Alice Author", merged.authorName());
        assertEquals(Instant.parse("2026-03-02T08:00:00Z"), merged.firstCommitAt());
        assertEquals(Instant.parse("2026-03-02T09:00:00Z"), merged.createdAt());
        assertEquals(Instant.parse("2026-03-02T14:00:00Z"), merged.firstReviewAt(),
                "bob's review comment; not alice's own review, not dependabot's comment, before bob's review and carol's comment");
        assertEquals(Instant.parse("2026-03-03T09:00:00Z"), merged.mergedAt());

        PullRequest squashed = pulls.get(8L);
        assertEquals("5b".repeat(20), squashed.mergeSha(), "the squash commit stands for the pull request");
        assertEquals(Instant.parse("2026-03-01T16:00:00Z"), squashed.firstCommitAt(), "from the pull request's commits, before the squash");
        assertEquals(Instant.parse("2026-03-03T10:00:00Z"), squashed.firstReviewAt(),
                "alice's approval; dave's pending review, bob's own comment and erin's comment after the merge do not count");
        assertEquals(3, squashed.commits().size());
    }

    @Test
    void badPayloadsAreRejectedWithTheirFieldAndTheRestGoesOn() {
        ApiRecords records = read(LATER);
        List<String> broken = records.rejects().stream()
                .filter(r -> r.recordId() == null || r.recordId().startsWith("github:acme/broken"))
                .map(r -> r.action().label() + " " + r.recordId() + " " + r.field() + ": " + r.reason())
                .sorted().toList();
        assertEquals(List.of(
                "flagged github:acme/broken#5 reviews.submitted_at: a review of it is left out: expected a text, got 1772449200",
                "rejected github:acme/broken#3 merge_commit_sha: merged at 2026-03-02T10:00:00Z but merge_commit_sha is null (GitHub leaves it"
                        + " out on some old pull requests), so no commit can be tied to it",
                "rejected github:acme/broken#4 merged_at: expected an ISO-8601 timestamp with offset, got 'yesterday'",
                "rejected github:acme/broken:2001 sha: required field is missing or empty",
                "rejected github:acme/broken:2003 created_at: expected a text, got 1772517600",
                "rejected github:acme/broken:2004 environment: expected a text, got an object",
                "rejected github:acme/broken:2005 statuses.state: a status of it: unknown deployment status state 'exploded'; expected one of"
                        + " [error, failure, in_progress, inactive, pending, queued, success]",
                "rejected github:acme/broken:2006 statuses.created_at: a status of it: required field is missing or empty",
                "rejected github:acme/broken:2007 sha: expected a commit id of 40 hex digits, got 'not-a-sha'",
                "rejected null id: a record of acme/broken: expected a positive whole number, got '2002'",
                "rejected null number: a record of acme/broken: expected a positive whole number, got 'one'"), broken);
        Reject badState = records.rejects().stream().filter(r -> "statuses.state".equals(r.field())).findFirst().orElseThrow();
        assertTrue(badState.rawPayload().contains("\"state\": \"exploded\"") && !badState.rawPayload().contains("\"sha\""),
                "the status's own text is the payload");
        assertEquals("github:github", badState.source());
        assertTrue(byId(records.deployments()).containsKey("github:acme/broken:2008"), "the good deployment of the broken page is kept");
        assertTrue(records.pullRequests().stream().anyMatch(pr -> pr.number() == 5 && pr.firstReviewAt().equals(Instant.parse("2026-03-02T11:00:00Z"))),
                "#5 kept, its readable review counts");
        assertEquals(7 + 8 + 4 + 4, records.seen(), "deployments and pull requests of both repositories");
        assertEquals(10, records.rejected());
    }

    @Test
    void nothingCollectedIsExit3() throws IOException {
        output.delete(new org.apache.hadoop.fs.Path(output.raw("github").toString()));
        DoraException error = assertThrows(DoraException.class, () -> read(LATER));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source github:github: nothing collected for acme/payments at "), error.getMessage());
    }
}
