package org.dorametrics.sources.gitlab;

import static org.dorametrics.sources.gitlab.FakeGitLab.json;
import static org.dorametrics.sources.gitlab.GitLabFixtures.DEPLOYMENTS;
import static org.dorametrics.sources.gitlab.GitLabFixtures.DEPLOYMENTS_PAGE_2;
import static org.dorametrics.sources.gitlab.GitLabFixtures.DEPLOYMENTS_PAGE_3;
import static org.dorametrics.sources.gitlab.GitLabFixtures.DEPLOYMENTS_SINCE;
import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.GitLabSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collecting into the raw zone from a real local server: offset and keyset pagination, incremental fetches and
 * watermarks, --full, rate limits, retries, refusals, and failures that keep what was stored.
 */
class GitLabCollectorTest {
    static final ApiClient.Patience QUICK = new ApiClient.Patience(4, Duration.ofMillis(20), Duration.ofMillis(300),
            Duration.ofSeconds(5), Duration.ofSeconds(2));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private FakeApiServer gitlab;
    private Path raw;

    @BeforeEach
    void start() throws IOException {
        gitlab = GitLabFixtures.withShas(GitLabFixtures.servePayments(FakeGitLab.start()), GitLabFixtures.SHAS);
        raw = folder.resolve("out/raw/gitlab/gitlab/acme_payments");
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    /** A collector of the fake server that gives up quickly. */
    static GitLabCollector quickCollector(GitLabSource source, OutputLocation output, String token, Instant runStartedAt, boolean full) {
        ApiClient client = new ApiClient(source.sourceName(), source.baseUrl(), new GitLabDialect(Secret.of(token)), QUICK);
        return new GitLabCollector(source, output, client, runStartedAt, full);
    }

    private DoraConfig config(boolean broken, String extra) throws IOException {
        return GitLabFixtures.config(folder, gitlab.baseUrl(), broken, extra);
    }

    private List<String> collect(DoraConfig config, Instant runStartedAt, boolean full) {
        List<String> revisions = new ArrayList<>();
        quickCollector(config.sources().gitlab().get(0), output(config), FakeGitLab.TOKEN, runStartedAt, full)
                .collect((repo, sha) -> revisions.add(repo + ":" + sha));
        return revisions;
    }

    private static OutputLocation output(DoraConfig config) {
        return OutputLocation.open(config.output(), new Configuration());
    }

    @Test
    void followsOffsetAndKeysetLinksAndStoresEachPageInTheRunsFetch() throws IOException {
        List<String> revisions = collect(config(false, "pipelines_as_deployments: {ref: main, source: push}"), Instant.parse("2026-03-08T06:00:00Z"), false);

        Path fetch = raw.resolve("deployments/fetch-20260308T060000.000Z");
        assertEquals(List.of("page-0001.json", "page-0002.json", "page-0003.json"), files(fetch));
        RawPage second = page(fetch.resolve("page-0002.json"));
        assertEquals(gitlab.baseUrl() + DEPLOYMENTS_PAGE_2, second.url());
        assertEquals(gitlab.baseUrl() + DEPLOYMENTS_PAGE_3, second.next());
        assertEquals("1999", second.headers().get("ratelimit-remaining"));
        String served = FakeGitLab.resource("acme-payments/deployments-2.json").replace("{d}", GitLabFixtures.SHAS.get("d"))
                .replace("{e}", GitLabFixtures.SHAS.get("e"));
        assertEquals(served, second.body(), "the body is kept exactly as received");
        assertEquals("2026-03-04T11:02:00Z", JSON.readTree(raw.resolve("deployments/_WATERMARK.json").toFile()).get("updated_through").asText());
        assertTrue(gitlab.requests().stream().allMatch(r -> FakeGitLab.TOKEN.equals(r.header("PRIVATE-TOKEN"))), "the token goes in PRIVATE-TOKEN");

        assertEquals(List.of("page-0001.json", "page-0002.json"), files(raw.resolve("mr_notes/7")), "the cursor link was followed");
        assertEquals(gitlab.baseUrl() + GitLabFixtures.NOTES_7_CURSOR, page(raw.resolve("mr_notes/7/page-0001.json")).next());
        for (String stored : List.of("mr_commits/7", "mr_commits/8", "mr_notes/8", "pipeline/401", "pipeline/402")) {
            assertTrue(Files.exists(raw.resolve(stored + "/page-0001.json")), stored);
        }
        assertFalse(Files.exists(raw.resolve("pipeline/403")), "a running pipeline's own record is not asked for yet");
        assertEquals(1, gitlab.requests(GitLabFixtures.INCIDENTS).size());
        assertEquals(new TreeSet<>(List.of("payments:" + "c1".repeat(20), "payments:" + "aa".repeat(20), "payments:" + "dd".repeat(20),
                "payments:" + "ee".repeat(20))), new TreeSet<>(revisions), "every deployed revision is reported for git to mine");
    }

    @Test
    void aSecondRunAsksSinceTheWatermarkLessTheOverlapAndNormalizeKeepsTheLatestCopy() throws IOException {
        DoraConfig config = config(false, "");
        collect(config, Instant.parse("2026-03-05T06:00:00Z"), false);
        gitlab.on(DEPLOYMENTS_SINCE, json("acme-payments/deployments-since.json"));
        gitlab.on(GitLabFixtures.MERGE_REQUESTS + "&updated_after=2026-03-02T12:00:00Z", json("empty.json"));
        gitlab.on(GitLabFixtures.INCIDENTS + "&updated_after=2026-03-04T09:30:00Z", json("empty.json"));
        int firstRun = gitlab.requests().size();

        collect(config, Instant.parse("2026-03-06T06:00:00Z"), false);

        List<String> asked = gitlab.requests().subList(firstRun, gitlab.requests().size()).stream().map(FakeApiServer.Request::target).toList();
        assertEquals(List.of(DEPLOYMENTS_SINCE, GitLabFixtures.MERGE_REQUESTS + "&updated_after=2026-03-02T12:00:00Z",
                GitLabFixtures.INCIDENTS + "&updated_after=2026-03-04T09:30:00Z"), asked,
                "only what changed since each watermark; no merge request changed, so no commits or notes are asked again");
        assertEquals(List.of("fetch-20260305T060000.000Z", "fetch-20260306T060000.000Z"), files(raw.resolve("deployments")).stream()
                .filter(f -> f.startsWith("fetch-")).toList());
        assertFalse(Files.exists(raw.resolve("merge_requests/fetch-20260306T060000.000Z")), "an empty fetch leaves no folder");

        ApiRecords records = GitLabRecords.read(config, config.sources().gitlab().get(0), output(config));
        List<Deployment> seventeen = records.deployments().stream().filter(d -> d.id().equals("gitlab:acme/payments:17")).toList();
        assertEquals(1, seventeen.size(), "listed in both fetches, read once, in its latest copy");
        assertEquals(Deployment.Status.SUCCESS, seventeen.get(0).status());
        assertEquals(Instant.parse("2026-03-04T11:09:00Z"), seventeen.get(0).finishedAt());
    }

    @Test
    void fullAsksFromTheStartAndDropsTheEarlierFetches() throws IOException {
        DoraConfig config = config(false, "");
        collect(config, Instant.parse("2026-03-05T06:00:00Z"), false);
        collect(config, Instant.parse("2026-03-06T06:00:00Z"), true);

        assertEquals(2, gitlab.requests(DEPLOYMENTS).size(), "both runs asked from the start");
        assertTrue(gitlab.requests().stream().noneMatch(r -> r.target().contains("updated_after")));
        assertEquals(List.of("fetch-20260306T060000.000Z"), files(raw.resolve("deployments")).stream().filter(f -> f.startsWith("fetch-")).toList());
        assertEquals("fetch-20260306T060000.000Z", JSON.readTree(raw.resolve("deployments/_WATERMARK.json").toFile()).get("last_full_fetch").asText());
    }

    @Test
    void waitsOutA429AndRetriesA5xxAndTruncatedJson() throws IOException {
        gitlab.on(DEPLOYMENTS_PAGE_2, text(429, "{\"message\":\"Retry later\"}").header("Retry-After", "1"),
                text(502, "<html>Bad Gateway</html>"), json("acme-payments/deployments-2.json").truncated(),
                json("acme-payments/deployments-2.json").next(DEPLOYMENTS_PAGE_3));
        long started = System.nanoTime();
        String log;
        try (LogCapture capture = new LogCapture()) {
            collect(config(false, ""), Instant.parse("2026-03-08T06:00:00Z"), false);
            log = capture.text();
        }

        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1000, "waited the second GitLab asked for");
        assertEquals(4, gitlab.requests(DEPLOYMENTS_PAGE_2).size(), "429, 502, truncated, then the page");
        assertTrue(log.contains("rate limit (HTTP 429, retry-after 1 s)") && log.contains("HTTP 502") && log.contains("not complete JSON"), log);
        assertTrue(JSON.readTree(page(raw.resolve("deployments/fetch-20260308T060000.000Z/page-0002.json")).body()).isArray());
        assertEquals(3, files(raw.resolve("deployments/fetch-20260308T060000.000Z")).size());
    }

    @Test
    void aUsedUpQuotaIsWaitedOutUntilItsReset() throws IOException {
        String reset = String.valueOf(Instant.now().plusSeconds(1).getEpochSecond());
        gitlab.on(DEPLOYMENTS, json("acme-payments/deployments-1.json").next(DEPLOYMENTS_PAGE_2)
                .header("RateLimit-Remaining", "0").header("RateLimit-Reset", reset));
        long started = System.nanoTime();
        collect(config(false, ""), Instant.parse("2026-03-08T06:00:00Z"), false);
        long waitedUntil = System.currentTimeMillis();
        assertTrue(waitedUntil >= Long.parseLong(reset) * 1000, "page 2 was asked after the reset only");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 500);
    }

    @Test
    void aPageFailingMidPaginationFailsTheSourceKeepsWhatWasStoredAndTheNextProjectIsCollected() throws IOException {
        GitLabFixtures.serveBroken(gitlab);
        gitlab.on(DEPLOYMENTS_PAGE_2, text(500, "{\"message\":\"500 Internal Server Error\"}"));
        DoraConfig config = config(true, "");

        DoraException error = assertThrows(DoraException.class, () -> collect(config, Instant.parse("2026-03-08T06:00:00Z"), false));

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source gitlab:gitlab: GET " + gitlab.baseUrl() + DEPLOYMENTS_PAGE_2
                + " failed: HTTP 500, 4 attempts (acme/payments: the 1 pages stored before are kept)"), error.getMessage());
        assertEquals(List.of("_INCOMPLETE", "page-0001.json"), files(raw.resolve("deployments/fetch-20260308T060000.000Z")),
                "the page is kept in a fetch marked incomplete, which readers skip");
        assertFalse(Files.exists(raw.resolve("deployments/_WATERMARK.json")), "the watermark moves only when a fetch completes");
        assertEquals(1, gitlab.requests(GitLabFixtures.BROKEN + "/deployments?order_by=updated_at&sort=asc&per_page=3").size(),
                "the next project was still collected");
        assertTrue(Files.exists(folder.resolve("out/raw/gitlab/gitlab/acme_broken/incidents/_WATERMARK.json")));
    }

    @Test
    void refusalsAreExplainedInGitLabsTerms() throws IOException {
        DoraConfig config = config(false, "");
        GitLabSource source = config.sources().gitlab().get(0);
        DoraException badToken = assertThrows(DoraException.class, () -> quickCollector(source, output(config), "not-the-token",
                Instant.now(), false).collect((repo, sha) -> {}));
        assertTrue(badToken.getMessage().contains("HTTP 401: GitLab refused the token (expired, revoked or mistyped?) (GitLab says: 401 Unauthorized)"),
                badToken.getMessage());
        assertFalse(badToken.getMessage().contains("not-the-token"));

        gitlab.on(DEPLOYMENTS, text(403, "{\"message\":\"403 Forbidden\"}"));
        DoraException forbidden = assertThrows(DoraException.class, () -> collect(config, Instant.now(), false));
        assertTrue(forbidden.getMessage().contains("HTTP 403: the token may not read this; it needs the read_api scope"), forbidden.getMessage());

        gitlab.on(DEPLOYMENTS, text(404, "{\"message\":\"404 Project Not Found\"}"));
        DoraException notFound = assertThrows(DoraException.class, () -> collect(config, Instant.now(), false));
        assertTrue(notFound.getMessage().contains("HTTP 404: no such project, or the token cannot see it"), notFound.getMessage());
        assertEquals(2, gitlab.requests(DEPLOYMENTS).stream().filter(r -> FakeGitLab.TOKEN.equals(r.header("PRIVATE-TOKEN"))).count(),
                "the 403 and the 404 were not retried");
    }

    @Test
    void theTokenReachesNoRawFileAndNoLogLine() throws IOException {
        String log;
        try (LogCapture capture = new LogCapture()) {
            gitlab.on(DEPLOYMENTS_PAGE_2, text(503, "{\"message\":\"Unavailable\"}"), json("acme-payments/deployments-2.json").next(DEPLOYMENTS_PAGE_3));
            collect(config(false, ""), Instant.now(), false);
            log = capture.text();
        }
        assertTrue(log.contains("collected gitlab:gitlab acme/payments") && log.contains("GET " + gitlab.baseUrl()), log);
        assertFalse(log.contains(FakeGitLab.TOKEN), log);
        try (Stream<Path> files = Files.walk(folder.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file).contains(FakeGitLab.TOKEN), file + " holds the token");
            }
        }
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
