package org.dorametrics.sources.github;

import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.PullRequest;
import org.dorametrics.normalize.Reject;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.table.OutputLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.dorametrics.testing.FakeApiServer;

/**
 * Replays real api.github.com responses recorded by PyGithub's tests ({@code shared/fixtures/github/pygithub-replaydata/
 * extracted}, read in place, never copied) through the local server, the collector and normalize. Skipped, with the
 * reason, when {@code ../shared} is absent. The recordings answer the requests our collector makes: the deployments of
 * PyGithub/PyGithub and the statuses of one of them; its closed pull requests as listed in 2012 (before GitHub listed
 * {@code merge_commit_sha}), followed by the recorded single response for #31, which has it, with #31's commits and the
 * repository's review and issue comments in creation order; and mawkee/PyGithub's pull request #1431, from the
 * recorded list of a commit's pull requests. What was not recorded (reviews, mawkee's deployments, the other deployment's
 * statuses) is answered with an empty list.
 */
class PyGithubReplayTest {
    /** Surefire runs in the jobs module; shared/ sits beside the clone, so D/jobs/../../shared is D/../shared. */
    private static final Path RECORDINGS = Path.of("..", "..", "shared", "fixtures", "github", "pygithub-replaydata", "extracted");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean skipReported;

    @TempDir
    Path folder;

    private FakeApiServer github;

    @BeforeEach
    void recordingsPresent() throws IOException {
        String reason = "PyGithub recordings not found at " + RECORDINGS.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): GitHub replay skipped";
        if (!Files.isDirectory(RECORDINGS) && !skipReported) {
            skipReported = true;
            System.out.println("[PyGithubReplayTest] " + reason);
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

    @Test
    void recordedDeploymentsAndPullRequestsNormalize() throws Exception {
        String pygithub = "/repos/PyGithub/PyGithub";
        github.on(pygithub + "/deployments?per_page=100", recorded("Repository.testGetDeployments.01.GET.json"));
        // Recorded under jacquev6/PyGithub, the same deployment id the listing above names.
        github.on(pygithub + "/deployments/263877258/statuses?per_page=100", recorded("DeploymentStatus.testGetStatuses.01.GET.json"));
        github.on(pygithub + "/deployments/262350588/statuses?per_page=100", text(200, "[]"));
        String pulls = pygithub + "/pulls?state=all&sort=updated&direction=desc&per_page=100";
        github.on(pulls, recorded("Repository.testGetPullsWithArguments.01.GET.json").next(pulls + "&page=2"));
        github.on(pulls + "&page=2", text(200, "[" + response("PullRequest.setUp.02.GET.json") + "]"));
        for (int number : new int[] {31, 32, 39}) {
            github.on(pygithub + "/pulls/" + number + "/reviews?per_page=100", text(200, "[]"));
            github.on(pygithub + "/pulls/" + number + "/commits?per_page=100",
                    number == 31 ? recorded("PullRequest.testGetCommits.01.GET.json") : text(200, "[]"));
        }
        github.on(pygithub + "/pulls/comments?sort=updated&direction=asc&per_page=100", recorded("Repository.testGetPullsComments.02.GET.json"));
        github.on(pygithub + "/issues/comments?sort=updated&direction=asc&per_page=100", recorded("Repository.testGetIssuesComments.03.GET.json"));
        String mawkee = "/repos/mawkee/PyGithub";
        github.on(mawkee + "/pulls?state=all&sort=updated&direction=desc&per_page=100", recorded("Commit.testGetPulls.04.GET.json"));
        for (String empty : List.of("/deployments?per_page=100", "/pulls/1431/reviews?per_page=100", "/pulls/1431/commits?per_page=100",
                "/pulls/comments?sort=updated&direction=asc&per_page=100", "/issues/comments?sort=updated&direction=asc&per_page=100")) {
            github.on(mawkee + empty, text(200, "[]"));
        }

        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: pygithub, path: git/pygithub.git}, {name: mawkee, path: git/mawkee.git}]
                services: [{name: pygithub, repo: pygithub}, {name: mawkee, repo: mawkee}]
                teams: [{name: maintainers, services: [pygithub, mawkee]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      repositories:
                        - {github: PyGithub/PyGithub, repo: pygithub}
                        - {github: mawkee/PyGithub, repo: mawkee}
                """.formatted(github.baseUrl()));
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(file);
        DoraConfig.GitHubSource source = config.sources().github().get(0);
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        List<String> revisions = new ArrayList<>();
        GitHubCollectorTest.quickCollector(source, output).collect((repo, sha) -> revisions.add(repo + ":" + sha));
        ApiRecords records = GitHubRecords.read(config, source, output, Instant.parse("2026-01-01T00:00:00Z"));

        // Deployments: both name 743f5a5; the test one's three statuses are all queued, the production one has none.
        assertEquals(List.of("pygithub:743f5a58b0bce91c4eab744ff7e39dfca9e6e8a5", "pygithub:743f5a58b0bce91c4eab744ff7e39dfca9e6e8a5"), revisions);
        assertTrue(records.deployments().isEmpty(), "neither recorded deployment ever finished");
        PageStore pages = GitHubPages.store(output, source);
        List<DeploymentStatuses.Status> statuses = new ArrayList<>();
        for (ApiJson.Element element : ApiJson.elements(pages.readAll(GitHubPages.folder(pages, source.repositories().get(0),
                GitHubPages.deploymentStatuses(263877258))).get(0).body())) {
            statuses.add(DeploymentStatuses.parse(element));
        }
        DeploymentStatuses.Outcome outcome = DeploymentStatuses.decide(statuses);
        assertFalse(outcome.finished());
        assertEquals("queued", outcome.latestState());
        assertEquals(List.of(388432880L, 388433743L, 388454671L), statuses.stream().map(DeploymentStatuses.Status::id).sorted().toList());

        // Pull requests: #39 and #32 as the 2012 list has them (merged, no merge_commit_sha); #31 from its own response.
        List<String> rejected = records.rejects().stream().filter(r -> r.action() == Reject.Action.REJECTED)
                .map(r -> r.recordId() + " " + r.field()).sorted().toList();
        assertEquals(List.of("github:PyGithub/PyGithub#32 merge_commit_sha", "github:PyGithub/PyGithub#39 merge_commit_sha"), rejected);
        assertTrue(records.rejects().stream().noneMatch(r -> r.field() != null && r.field().contains("comments")),
                "every recorded comment was read, the 2012 review comment through _links.pull_request.href: " + records.rejects());
        PullRequest thirtyOne = records.pullRequests().stream().filter(pr -> pr.number() == 31).findFirst().orElseThrow();
        assertEquals("pygithub", thirtyOne.repo());
        assertEquals("28ae6dd10ebccd5eaf8db8dacb5b699ee7f4a663", thirtyOne.mergeSha());
        assertEquals("8a4f306d4b223682dd19410d4a9150636ebe4206", thirtyOne.headSha());
        assertEquals(List.of("4aadfff21cdd2d2566b0e4bd7309c233b5f4ae23", "93dcae5cf207de376c91d0599226e7c7563e1d16",
                "8a4f306d4b223682dd19410d4a9150636ebe4206", "28ae6dd10ebccd5eaf8db8dacb5b699ee7f4a663"), thirtyOne.commits());
        assertEquals(Instant.parse("2012-05-27T07:33:23Z"), thirtyOne.firstCommitAt(), "00:33:23-07:00, its first commit");
        assertEquals("Vincent Jacques", thirtyOne.authorName());
        assertEquals(Instant.parse("2012-05-27T09:25:36Z"), thirtyOne.createdAt());
        assertEquals(Instant.parse("2012-05-27T10:29:07Z"), thirtyOne.mergedAt());
        assertNull(thirtyOne.firstReviewAt(), "its only review comment is its author's, months after the merge");

        PullRequest fourteenThirtyOne = records.pullRequests().stream().filter(pr -> pr.number() == 1431).findFirst().orElseThrow();
        assertEquals("mawkee", fourteenThirtyOne.repo());
        assertEquals("github", fourteenThirtyOne.source());
        assertEquals("e44d11d565c022496544dd6ed1f19a8d718c2b0c", fourteenThirtyOne.mergeSha());
        assertEquals("21a6dfef170b2bdcf33dda731ad3a3e9681cffbe", fourteenThirtyOne.headSha());
        assertEquals(Instant.parse("2020-03-09T20:23:21Z"), fourteenThirtyOne.createdAt());
        assertEquals(Instant.parse("2020-03-11T01:40:26Z"), fourteenThirtyOne.mergedAt());
        assertEquals(fourteenThirtyOne.createdAt(), fourteenThirtyOne.firstCommitAt(), "no commits recorded: its creation, flagged");
        assertTrue(records.rejects().stream().anyMatch(r -> "github:mawkee/PyGithub#1431".equals(r.recordId())
                && r.action() == Reject.Action.FLAGGED && "commits".equals(r.field())));
        assertEquals(2, records.pullRequests().size());
        assertEquals(2 + 3 + 1, records.seen(), "2 deployments, 3 pull requests of PyGithub (#31 once), 1 of mawkee");
    }

    /** A recorded response body, served as GitHub sent it (parsed by the recorder, written back as compact JSON). */
    private static FakeApiServer.Reply recorded(String name) throws IOException {
        return text(200, response(name));
    }

    private static String response(String name) throws IOException {
        return JSON.writeValueAsString(JSON.readTree(RECORDINGS.resolve(name).toFile()).get("response"));
    }
}
