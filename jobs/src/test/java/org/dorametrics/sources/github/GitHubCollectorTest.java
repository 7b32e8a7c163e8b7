package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;
import static org.dorametrics.testing.FakeApiServer.text;
import static org.dorametrics.sources.github.GitHubFixtures.DEPLOYMENTS_PAGE_1;
import static org.dorametrics.sources.github.GitHubFixtures.DEPLOYMENTS_PAGE_2;
import static org.dorametrics.sources.github.GitHubFixtures.DEPLOYMENTS_PAGE_3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.dorametrics.testing.FakeApiServer;

/** Collecting into the raw zone from a real local server: pagination, pages kept verbatim, ETags, failures that keep what was fetched. */
class GitHubCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    private FakeApiServer github;
    private OutputLocation output;
    private Path raw;

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(GitHubFixtures.servePayments(FakeGitHub.start()), GitHubFixtures.SHAS);
        output = OutputLocation.open(out.toString(), new Configuration());
        raw = out.resolve("raw/github/github/acme_payments");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private GitHubCollector collector(GitHubSource source) {
        return quickCollector(source, output);
    }

    /** A collector of the fake server that gives up quickly, reading incremental listings since their watermarks. */
    static GitHubCollector quickCollector(GitHubSource source, OutputLocation output) {
        return quickCollector(source, output, false);
    }

    /** The same, reading incremental listings from the start when {@code full}. */
    static GitHubCollector quickCollector(GitHubSource source, OutputLocation output, boolean full) {
        return new GitHubCollector(source, output, GitHubClientTest.quickClient(source.sourceName(), source.baseUrl(), FakeGitHub.TOKEN),
                Instant.now(), full);
    }

    private List<String> collect(GitHubSource source) {
        List<String> revisions = new ArrayList<>();
        collector(source).collect((repo, sha) -> revisions.add(repo + ":" + sha));
        return revisions;
    }

    @Test
    void followsLinkOverThreePagesAndStoresEachVerbatim() throws IOException {
        List<String> revisions = collect(GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments()));

        assertEquals(1, github.requests(DEPLOYMENTS_PAGE_1).size());
        assertEquals(1, github.requests(DEPLOYMENTS_PAGE_2).size());
        assertEquals(1, github.requests(DEPLOYMENTS_PAGE_3).size());
        Path deployments = onlyFetch(raw.resolve("deployments"));
        assertEquals(List.of("page-0001.json", "page-0002.json", "page-0003.json"), files(deployments));
        RawPage second = page(deployments.resolve("page-0002.json"));
        assertEquals(github.baseUrl() + DEPLOYMENTS_PAGE_2, second.url());
        assertEquals(200, second.status());
        assertEquals("W/\"deployments-2\"", second.etag());
        assertEquals(github.baseUrl() + DEPLOYMENTS_PAGE_3, second.next());
        assertEquals("4999", second.headers().get("x-ratelimit-remaining"));
        assertNotNull(second.fetchedAt());
        String served = FakeGitHub.resource("acme-payments/deployments-2.json").replace("{base}", github.baseUrl())
                .replace("{d}", GitHubFixtures.SHAS.get("d")).replace("{m}", GitHubFixtures.SHAS.get("m"));
        assertEquals(served, second.body(), "the body is kept exactly as received");
        assertNull(page(deployments.resolve("page-0003.json")).next());

        for (int id = 1001; id <= 1007; id++) {
            assertTrue(Files.exists(raw.resolve("deployment_statuses/" + id + "/page-0001.json")), "statuses of " + id);
        }
        assertEquals(List.of("page-0001.json", "page-0002.json"), files(onlyFetch(raw.resolve("pulls"))));
        for (String folder : List.of("pull_reviews/7", "pull_reviews/8", "pull_commits/7", "pull_commits/8")) {
            assertTrue(Files.exists(raw.resolve(folder + "/page-0001.json")), folder);
        }
        for (String folder : List.of("review_comments", "issue_comments")) {
            assertTrue(Files.exists(onlyFetch(raw.resolve(folder)).resolve("page-0001.json")), folder);
        }
        assertFalse(Files.exists(raw.resolve("pull_reviews/9")), "details are fetched for merged pull requests only");
        assertEquals(new TreeSet<>(List.of("payments:" + "c1".repeat(20), "payments:" + "aa".repeat(20), "payments:" + "dd".repeat(20),
                "payments:" + "ee".repeat(20))), new TreeSet<>(revisions), "every deployed revision is reported for git to mine");
    }

    @Test
    void rerunAsksOnlyForStatusesOfUnfinishedDeploymentsAndSendsStoredETags() throws IOException {
        GitHubSource source = GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments());
        collect(source);
        github.on(GitHubFixtures.PAYMENTS + "/deployments/1004/statuses?per_page=3", FakeApiServer.text(200, "[]"));
        github.on(GitHubFixtures.PAYMENTS + "/pulls/comments?sort=updated&direction=asc&since=2026-03-01T14:00:00Z&per_page=3",
                json("empty.json"));
        github.on(GitHubFixtures.PAYMENTS + "/issues/comments?sort=updated&direction=asc&since=2026-03-03T09:00:00Z&per_page=3",
                json("empty.json"));
        String statuses1007 = GitHubFixtures.PAYMENTS + "/deployments/1007/statuses?per_page=3";
        String firstBody = page(raw.resolve("deployment_statuses/1007/page-0001.json")).body();

        collect(source);

        for (int id = 1001; id <= 1006; id++) {
            assertEquals(1, github.requests(GitHubFixtures.PAYMENTS + "/deployments/" + id + "/statuses?per_page=3").size(),
                    "the statuses of finished deployment " + id + " are not asked again");
        }
        assertEquals(2, github.requests(statuses1007).size(), "1007 is still running");
        assertEquals("W/\"statuses-1007\"", github.requests(statuses1007).get(1).header("If-None-Match"), "asked conditionally");
        RawPage kept = page(raw.resolve("deployment_statuses/1007/page-0001.json"));
        assertEquals(firstBody, kept.body(), "a 304 reuses the stored page");
        assertNotNull(kept.checkedAt(), "the 304 is recorded as a check");
        assertTrue(Files.readString(raw.resolve("deployment_statuses/1004/page-0001.json")).contains("success"),
                "kept although GitHub would now answer [] (it deletes statuses after 90 days)");
    }

    @Test
    void pageFailingForGoodMidPaginationFailsTheSourceAndKeepsWhatWasStored() throws IOException {
        GitHubSource source = GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments(), GitHubFixtures.broken());
        GitHubFixtures.serveBroken(github);
        github.on(DEPLOYMENTS_PAGE_3, text(500, "{\"message\":\"Server Error\"}"));

        DoraException error = assertThrows(DoraException.class, () -> collect(source));

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source github:github: GET " + github.baseUrl() + DEPLOYMENTS_PAGE_3
                + " failed: HTTP 500, 4 attempts (acme/payments: the 2 pages stored before are kept)"), error.getMessage());
        assertEquals(4, github.requests(DEPLOYMENTS_PAGE_3).size(), "retried, then given up");
        assertEquals(List.of("_INCOMPLETE", "page-0001.json", "page-0002.json"), files(onlyFetch(raw.resolve("deployments"))),
                "pages 1 and 2 are kept, in a fetch marked incomplete, which readers skip");
        assertFalse(Files.exists(raw.resolve("deployments/_WATERMARK.json")), "the watermark moves only when a fetch completes");
        assertEquals(1, github.requests(GitHubFixtures.BROKEN + "/deployments?per_page=3").size(), "the next repository was still collected");
    }

    @Test
    void aMergedPullRequestWhoseDetailsAnEarlierCollectMissedIsAskedAgain() throws IOException {
        GitHubSource source = GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments());
        String commits7 = GitHubFixtures.PAYMENTS + "/pulls/7/commits?per_page=3";
        github.on(commits7, text(404, "{\"message\":\"Not Found\"}"));
        assertThrows(DoraException.class, () -> collect(source));
        assertFalse(Files.exists(raw.resolve("pull_commits/7")));
        github.on(commits7, json("acme-payments/commits-7.json"));

        collect(source);

        assertEquals(2, github.requests(commits7).size(), "#7 is no longer in the pull requests updated since the watermark, but its"
                + " commits were never stored");
        assertTrue(Files.exists(raw.resolve("pull_commits/7/page-0001.json")));
        assertEquals(2, github.requests(GitHubFixtures.PAYMENTS + "/pulls/7/reviews?per_page=3").size(),
                "its reviews, stored by the first collect, are asked again with them");
    }

    @Test
    void aLinkThatLoopsBackFailsInsteadOfPagingForever() {
        github.on(DEPLOYMENTS_PAGE_2, json("acme-payments/deployments-2.json").next(DEPLOYMENTS_PAGE_1));
        DoraException error = assertThrows(DoraException.class, () -> collect(GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments())));
        assertTrue(error.getMessage().contains("acme/payments deployments leads back to " + github.baseUrl() + DEPLOYMENTS_PAGE_1),
                error.getMessage());
    }

    @Test
    void theTokenReachesNoRawFileAndNoLogLine() throws IOException {
        String log;
        try (LogCapture capture = new LogCapture()) {
            github.on(DEPLOYMENTS_PAGE_2, text(503, "{\"message\":\"Unavailable\"}"),
                    json("acme-payments/deployments-2.json").next(DEPLOYMENTS_PAGE_3));
            collect(GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments()));
            log = capture.text();
        }
        assertTrue(log.contains("collected github:github acme/payments") && log.contains("GET " + github.baseUrl()), log);
        assertFalse(log.contains(FakeGitHub.TOKEN) || log.contains("Bearer"), log);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file);
                assertFalse(content.contains(FakeGitHub.TOKEN) || content.contains("Bearer"), file + " holds the token");
            }
        }
    }

    /** The one fetch folder of an incremental listing. */
    static Path onlyFetch(Path endpoint) throws IOException {
        List<String> fetches = files(endpoint).stream().filter(name -> name.startsWith("fetch-")).toList();
        assertEquals(1, fetches.size(), "fetches of " + endpoint);
        return endpoint.resolve(fetches.get(0));
    }

    static List<String> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static RawPage page(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RawPage.class);
    }
}
