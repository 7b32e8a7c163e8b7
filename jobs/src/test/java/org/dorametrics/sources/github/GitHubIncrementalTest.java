package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;
import static org.dorametrics.sources.github.GitHubFixtures.PAYMENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.PullRequest;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental collect: a second run asks each listing only since its watermark minus the overlap (1 day), and what
 * normalize reads from the fetches of both runs is what a full run over the same state reads.
 */
class GitHubIncrementalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");
    private static final String DEPLOYMENTS = PAYMENTS + "/deployments?per_page=3";
    private static final String PULLS = PAYMENTS + "/pulls?state=all&sort=updated&direction=desc&per_page=3";
    private static final String REVIEW_COMMENTS = PAYMENTS + "/pulls/comments?sort=updated&direction=asc";
    private static final String ISSUE_COMMENTS = PAYMENTS + "/issues/comments?sort=updated&direction=asc";

    @TempDir
    Path folder;

    private FakeApiServer github;

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(GitHubFixtures.servePayments(FakeGitHub.start()), GitHubFixtures.SHAS);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private DoraConfig config(String output) throws IOException {
        Path file = Files.writeString(folder.resolve(output + ".yaml"), """
                output: %s
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      page_size: 3
                      repositories: [{github: acme/payments, repo: payments}]
                """.formatted(output, github.baseUrl()));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    private ApiRecords collectAndRead(DoraConfig config, boolean full) {
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output, full).collect((repo, sha) -> { });
        return GitHubRecords.read(config, config.sources().github().get(0), output, LATER);
    }

    @Test
    void aSecondRunAsksOnlySinceTheWatermarksAndReadsTheSameAsAFullRun() throws IOException {
        DoraConfig incremental = config("incremental");
        collectAndRead(incremental, false);
        int firstRun = github.requests().size();
        thenDeployment1008AndPull9MergedWithAComment();

        ApiRecords second = collectAndRead(incremental, false);

        List<String> asked = github.requests().subList(firstRun, github.requests().size()).stream().map(FakeApiServer.Request::target).toList();
        assertTrue(asked.contains(REVIEW_COMMENTS + "&since=2026-03-01T14:00:00Z&per_page=3"), "latest review comment 03-02 14:00 less a day: " + asked);
        assertTrue(asked.contains(ISSUE_COMMENTS + "&since=2026-03-03T09:00:00Z&per_page=3"), "latest issue comment 03-04 09:00 less a day: " + asked);
        assertTrue(asked.contains(DEPLOYMENTS + "&page=2") && !asked.contains(DEPLOYMENTS + "&page=3"),
                "deployments newest first stop at the page reaching back before 03-04 08:00 (latest 03-05 08:00 less a day): " + asked);
        assertTrue(!asked.contains(PULLS + "&page=2"), "pull requests stop at the first page reaching before 03-03 15:00: " + asked);
        assertTrue(asked.contains(PAYMENTS + "/pulls/9/reviews?per_page=3") && asked.contains(PAYMENTS + "/pulls/8/reviews?per_page=3")
                && !asked.contains(PAYMENTS + "/pulls/7/reviews?per_page=3"), "details only of the merged pull requests of this fetch: " + asked);
        assertTrue(asked.contains(PAYMENTS + "/deployments/1008/statuses?per_page=3")
                && !asked.contains(PAYMENTS + "/deployments/1001/statuses?per_page=3"), asked.toString());

        ApiRecords full = collectAndRead(config("full"), true);

        assertEquals(comparable(full.deployments()), comparable(second.deployments()));
        assertEquals(8, second.deployments().size() + 1, "1001..1008 but 1007, still running");
        Comparator<PullRequest> byNumber = Comparator.comparingLong(PullRequest::number);
        assertEquals(full.pullRequests().stream().sorted(byNumber).toList(), second.pullRequests().stream().sorted(byNumber).toList());
        assertEquals(List.of(7L, 8L, 9L), second.pullRequests().stream().map(p -> p.number()).sorted().toList());
        assertEquals(Instant.parse("2026-03-05T09:30:00Z"), second.pullRequests().stream().filter(p -> p.number() == 9).findFirst()
                .orElseThrow().firstReviewAt(), "bob's comment, from the second fetch of issue comments");
        assertEquals(full.rejects(), second.rejects());
        assertEquals(full.seen(), second.seen(), "each record once, in its latest copy");
    }

    /** The listings as GitHub would answer after Thursday: a new deployment, pull request #9 merged, bob's comment on it. */
    private void thenDeployment1008AndPull9MergedWithAComment() throws IOException {
        List<JsonNode> deployments = elements("acme-payments/deployments-1.json", "acme-payments/deployments-2.json",
                "acme-payments/deployments-3.json");
        ObjectNode deployment1008 = ((ObjectNode) deployments.get(0).deepCopy()).put("id", 1008)
                .put("created_at", "2026-03-05T12:00:00Z").put("updated_at", "2026-03-05T12:04:00Z");
        deployments.add(0, deployment1008);
        serve(DEPLOYMENTS, deployments);
        github.on(PAYMENTS + "/deployments/1008/statuses?per_page=3", FakeApiServer.text(200,
                "[{\"id\": 90081, \"state\": \"success\", \"created_at\": \"2026-03-05T12:04:00Z\"}]"));

        List<JsonNode> pulls = elements("acme-payments/pulls-1.json", "acme-payments/pulls-2.json");
        ObjectNode pull9 = (ObjectNode) pulls.stream().filter(p -> p.get("number").asInt() == 9).findFirst().orElseThrow();
        pull9.put("state", "closed").put("merged_at", "2026-03-05T10:00:00Z").put("closed_at", "2026-03-05T10:00:00Z")
                .put("updated_at", "2026-03-05T10:00:01Z").put("merge_commit_sha", "{s}");
        pulls.sort(Comparator.comparing((JsonNode p) -> p.get("updated_at").asText()).reversed());
        serve(PULLS, pulls);
        github.on(PAYMENTS + "/pulls/9/reviews?per_page=3", json("empty.json"));
        github.on(PAYMENTS + "/pulls/9/commits?per_page=3", json("acme-payments/commits-7.json"));

        github.on(REVIEW_COMMENTS + "&since=2026-03-01T14:00:00Z&per_page=3", json("acme-payments/review-comments.json"));
        List<JsonNode> issueComments = elements("acme-payments/issue-comments.json");
        ObjectNode comment = ((ObjectNode) issueComments.get(2).deepCopy()).put("id", 880099)
                .put("issue_url", "{base}/repos/acme/payments/issues/9")
                .put("created_at", "2026-03-05T09:30:00Z").put("updated_at", "2026-03-05T09:30:00Z");
        ((ObjectNode) comment.get("user")).put("login", "bob").put("type", "User");
        issueComments.add(comment);
        serve(ISSUE_COMMENTS + "&per_page=3", issueComments);
        serve(ISSUE_COMMENTS + "&since=2026-03-03T09:00:00Z&per_page=3", issueComments.subList(issueComments.size() - 3, issueComments.size()));
    }

    private static List<JsonNode> elements(String... resources) throws IOException {
        List<JsonNode> elements = new ArrayList<>();
        for (String resource : resources) {
            JSON.readTree(FakeGitHub.resource(resource)).forEach(elements::add);
        }
        return elements;
    }

    /** A listing served three to a page, linked as GitHub links them. */
    private void serve(String first, List<JsonNode> elements) {
        int pages = (elements.size() + 2) / 3;
        for (int page = 1; page <= pages; page++) {
            String target = page == 1 ? first : first + "&page=" + page;
            FakeApiServer.Reply reply = FakeApiServer.text(200, JSON.valueToTree(elements.subList(3 * (page - 1), Math.min(elements.size(), 3 * page))).toString());
            github.on(target, page < pages ? reply.next(first + "&page=" + (page + 1)) : reply);
        }
    }

    /** Deployments without their raw text, which differs in white space between the fixture files and the pages served here. */
    private static List<Deployment> comparable(List<Deployment> deployments) {
        return deployments.stream().sorted(Comparator.comparing(Deployment::id))
                .map(d -> new Deployment(d.id(), d.source(), d.line(), d.service(), d.environment(), d.production(), d.status(), d.startedAt(),
                        d.finishedAt(), d.repo(), d.revision(), d.url(), d.trigger(), d.branch(), d.labels(), null)).toList();
    }
}
