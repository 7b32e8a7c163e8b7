package org.dorametrics.sources.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.PullRequest;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Normalize of what collect stored: GitLab's statuses, times, tiers, merges, reviews and incidents in the domain model. */
class GitLabRecordsTest {
    private static final Map<String, String> SHAS = GitLabFixtures.SHAS;

    @TempDir
    static Path folder;

    private static FakeApiServer gitlab;
    private static ApiRecords records;

    /** Collected and read once: every test reads the same records. */
    @BeforeAll
    static void collectAndRead() throws IOException {
        gitlab = GitLabFixtures.serveBroken(GitLabFixtures.withShas(GitLabFixtures.servePayments(FakeGitLab.start()), SHAS));
        DoraConfig config = GitLabFixtures.config(folder, gitlab.baseUrl(), true, "pipelines_as_deployments: {ref: main, source: push}");
        DoraConfig.GitLabSource source = config.sources().gitlab().get(0);
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        GitLabCollectorTest.quickCollector(source, output, FakeGitLab.TOKEN, Instant.parse("2026-03-08T06:00:00Z"), false).collect((repo, sha) -> {});
        records = GitLabRecords.read(config, source, output);
    }

    @AfterAll
    static void stop() {
        gitlab.close();
    }

    private Map<String, Deployment> deployments() {
        return records.deployments().stream().collect(Collectors.toMap(Deployment::id, Function.identity()));
    }

    @Test
    void deploymentsFinishWhenTheyFinishedNeverAtTheirUpdate() {
        Map<String, Deployment> byId = deployments();
        Deployment eleven = byId.get("gitlab:acme/payments:11");
        assertEquals(Deployment.Status.SUCCESS, eleven.status());
        assertEquals(Instant.parse("2026-03-02T09:06:00Z"), eleven.finishedAt(), "its job's finished_at");
        assertEquals(Instant.parse("2026-03-02T09:01:00Z"), eleven.startedAt(), "its job's started_at");
        assertEquals(List.of("payments-api", "production", "payments", SHAS.get("c1"), "main", "deploy-production",
                "https://gitlab.example.com/acme/payments/-/jobs/501"), List.of(eleven.service(), eleven.environment(), eleven.repo(),
                eleven.revision(), eleven.branch(), eleven.trigger(), eleven.url()));
        assertTrue(eleven.production());
        assertEquals("gitlab:gitlab", eleven.source());
        assertFalse(byId.get("gitlab:acme/payments:12").production(), "staging");
        assertEquals(Deployment.Status.FAILURE, byId.get("gitlab:acme/payments:13").status());
        assertEquals(Instant.parse("2026-03-03T14:10:00Z"), byId.get("gitlab:acme/payments:14").finishedAt(),
                "the deployment's own finished_at wins over its job's (14:09:58) and its updated_at (14:10:05)");
        assertEquals(Deployment.Status.CANCELLED, byId.get("gitlab:acme/payments:15").status());
        assertFalse(byId.containsKey("gitlab:acme/payments:17"), "still running");
    }

    @Test
    void pipelinesCountAsDeploymentsToTheConfiguredEnvironment() {
        Map<String, Deployment> byId = deployments();
        Deployment success = byId.get("gitlab:acme/payments:pipeline:401");
        assertEquals(Deployment.Status.SUCCESS, success.status());
        assertEquals(Instant.parse("2026-03-02T09:04:30Z"), success.finishedAt(), "from the pipeline's own record");
        assertEquals(List.of("production", "push", "payments-api"), List.of(success.environment(), success.trigger(), success.service()));
        assertTrue(success.production());
        assertEquals(Deployment.Status.FAILURE, byId.get("gitlab:acme/payments:pipeline:402").status());
        assertFalse(byId.containsKey("gitlab:acme/payments:pipeline:403"), "still running");
    }

    @Test
    void environmentsMapAMonoreposDeploymentsToServicesAndTheTierSaysProduction() {
        Map<String, Deployment> byId = deployments();
        assertEquals("broken-web", byId.get("gitlab:acme/broken:26").service(), "review/fix-1 matches the regex review/.*");
        assertFalse(byId.get("gitlab:acme/broken:26").production(), "tier development, a name the rule does not match");
        assertEquals("broken-api", byId.get("gitlab:acme/broken:28").service());
    }

    @Test
    void mergeRequestsKnowTheirFirstCommitAndTheirFirstReviewBySomeoneElse() {
        Map<Long, PullRequest> byNumber = records.pullRequests().stream().filter(pr -> pr.repo().equals("payments"))
                .collect(Collectors.toMap(PullRequest::number, Function.identity()));
        assertEquals(List.of(7L, 8L), byNumber.keySet().stream().sorted().toList());
        PullRequest seven = byNumber.get(7L);
        assertEquals("gitlab", seven.source());
        assertEquals(SHAS.get("m"), seven.mergeSha());
        assertEquals(SHAS.get("f2"), seven.headSha());
        assertEquals(List.of(SHAS.get("f2"), SHAS.get("f1"), SHAS.get("m")), seven.commits());
        assertEquals(Instant.parse("2026-03-02T08:00:00Z"), seven.firstCommitAt());
        assertEquals("Alice Liddell", seven.authorName());
        assertEquals(Instant.parse("2026-03-02T09:00:00Z"), seven.createdAt());
        assertEquals(Instant.parse("2026-03-03T09:00:00Z"), seven.mergedAt());
        assertEquals(Instant.parse("2026-03-02T14:00:00Z"), seven.firstReviewAt(),
                "bob's comment: not alice's own note, not the project bot's, not the system note assigning her");

        PullRequest eight = byNumber.get(8L);
        assertEquals(SHAS.get("s"), eight.mergeSha(), "squashed and fast-forwarded: no merge commit, the squash commit landed");
        assertEquals(SHAS.get("h8"), eight.headSha());
        assertEquals(Instant.parse("2026-03-01T16:00:00Z"), eight.firstCommitAt());
        assertEquals(Instant.parse("2026-03-03T10:00:00Z"), eight.firstReviewAt(),
                "alice's approval, a system note; carol's 'added 1 commit' is none, erin's comment came after the merge");
    }

    @Test
    void incidentsOpenAtCreationResolveAtClosingAndNameWhatCausedThem() {
        Map<String, Incident> byId = records.incidents().stream().collect(Collectors.toMap(Incident::id, Function.identity()));
        Incident three = byId.get("gitlab:acme/payments#3");
        assertEquals(Instant.parse("2026-03-04T11:00:00Z"), three.openedAt());
        assertEquals(Instant.parse("2026-03-04T13:00:00Z"), three.resolvedAt());
        assertEquals("high", three.severity(), "the severity field wins over the severity:: label");
        assertEquals(List.of("payments-api"), three.services());
        assertEquals(8L, three.prRef());
        assertNull(three.commitRef());
        assertEquals("Card payments failing", three.title());
        Incident four = byId.get("gitlab:acme/payments#4");
        assertNull(four.resolvedAt());
        assertEquals("3", four.severity(), "severity UNKNOWN: the severity::3 label");
        assertEquals(SHAS.get("e"), four.commitRef());
        assertEquals(8L, four.prRef(), "acme/payments!8 names this project's merge request");
        assertEquals(List.of("broken-api", "broken-web"), byId.get("gitlab:acme/broken#11").services(),
                "a project without a service: its environments' services");
    }

    @Test
    void badRecordsAreRejectedWithTheirFieldAndExactText() {
        Map<String, String> rejected = records.rejects().stream().filter(r -> r.action() == Reject.Action.REJECTED)
                .collect(Collectors.toMap(r -> String.valueOf(r.recordId()), r -> r.field() == null ? "" : r.field()));
        assertEquals(Map.ofEntries(
                Map.entry("gitlab:acme/broken:21", "sha"),
                Map.entry("null", "id"),
                Map.entry("gitlab:acme/broken:23", "status"),
                Map.entry("gitlab:acme/broken:24", "deployable.finished_at"),
                Map.entry("gitlab:acme/broken:25", "environment.name"),
                Map.entry("gitlab:acme/broken:27", "sha"),
                Map.entry("gitlab:acme/broken!3", "merged_at"),
                Map.entry("gitlab:acme/broken!4", "created_at"),
                Map.entry("gitlab:acme/broken!6", "merge_commit_sha"),
                Map.entry("gitlab:acme/broken#9", "closed_at"),
                Map.entry("gitlab:acme/broken#10", "created_at")), rejected);
        Reject exploded = records.rejects().stream().filter(r -> "gitlab:acme/broken:23".equals(r.recordId())).findFirst().orElseThrow();
        assertTrue(exploded.reason().startsWith("unknown deployment status 'exploded'; expected one of [blocked, canceled, created"), exploded.reason());
        assertTrue(exploded.rawPayload().startsWith("{\n    \"id\": 23,") && exploded.rawPayload().endsWith("}"), exploded.rawPayload());
        assertTrue(records.rejects().stream().anyMatch(r -> "gitlab:acme/broken!5".equals(r.recordId()) && "notes.created_at".equals(r.field())
                && r.action() == Reject.Action.FLAGGED), "a bad note is left out, its merge request kept");
        assertTrue(records.pullRequests().stream().anyMatch(pr -> pr.repo().equals("broken") && pr.number() == 5));
        assertEquals(11, records.rejected());
        assertEquals(7 + 3 + 2 + 2 + 8 + 4 + 3, records.seen(), "payments: 7 deployments, 3 pipelines, 2 merge requests, 2 incidents;"
                + " broken: 8 deployments, 4 merge requests, 3 incidents");
    }
}
