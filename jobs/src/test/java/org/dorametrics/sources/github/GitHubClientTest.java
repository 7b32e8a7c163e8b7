package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;
import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.dorametrics.testing.FakeApiServer;

/** The HTTP client against a real local server: headers, rate limits, retries, refusals, and never the token in a message. */
class GitHubClientTest {
    static final ApiClient.Patience QUICK = new ApiClient.Patience(4, Duration.ofMillis(20), Duration.ofMillis(300),
            Duration.ofSeconds(5), Duration.ofSeconds(2));
    private static final String DEPLOYMENTS = "/repos/acme/payments/deployments?per_page=3";

    private FakeApiServer github;
    private ApiClient client;

    /** A client of the fake server that gives up quickly. */
    static ApiClient quickClient(String sourceName, URI baseUrl, String token) {
        return new ApiClient(sourceName, baseUrl, new GitHubDialect(Secret.of(token)), QUICK);
    }

    @BeforeEach
    void start() throws IOException {
        github = FakeGitHub.start().set("c1", "1".repeat(40)).set("m", "2".repeat(40)).set("d", "3".repeat(40)).set("e", "4".repeat(40));
        client = quickClient("github:test", URI.create(github.baseUrl()), FakeGitHub.TOKEN);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void sendsTheTokenAndGitHubsHeaders() {
        github.on(DEPLOYMENTS, json("acme-payments/deployments-1.json").etag("W/\"d1\"").next("/repos/acme/payments/deployments?per_page=3&page=2"));
        ApiClient.Response response = client.get(client.url(DEPLOYMENTS), null);
        assertEquals(200, response.status());
        assertEquals("W/\"d1\"", response.etag());
        assertEquals(github.baseUrl() + "/repos/acme/payments/deployments?per_page=3&page=2", response.next());
        assertEquals("4999", response.headers().get("x-ratelimit-remaining"));
        FakeApiServer.Request request = github.requests().get(0);
        assertEquals("Bearer " + FakeGitHub.TOKEN, request.header("Authorization"));
        assertEquals("application/vnd.github+json", request.header("Accept"));
        assertEquals("2022-11-28", request.header("X-GitHub-Api-Version"));
        assertTrue(request.header("User-Agent").startsWith("dora-metrics/"), request.header("User-Agent"));
        assertNull(request.header("If-None-Match"));
    }

    @Test
    void conditionalRequestGets304() {
        github.on(DEPLOYMENTS, json("acme-payments/deployments-1.json").etag("W/\"d1\""));
        ApiClient.Response response = client.get(client.url(DEPLOYMENTS), "W/\"d1\"");
        assertTrue(response.notModified());
        assertNull(response.body());
        assertEquals("W/\"d1\"", github.requests().get(0).header("If-None-Match"));
    }

    @Test
    void primaryRateLimitIsWaitedOutUntilReset() {
        String reset = String.valueOf(Instant.now().plusSeconds(1).getEpochSecond());
        github.on(DEPLOYMENTS,
                text(403, "{\"message\":\"API rate limit exceeded for user ID 1.\"}")
                        .header("x-ratelimit-remaining", "0").header("x-ratelimit-limit", "5000").header("x-ratelimit-reset", reset),
                json("acme-payments/deployments-1.json"));
        long start = System.nanoTime();
        ApiClient.Response response = client.get(client.url(DEPLOYMENTS), null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(200, response.status());
        assertEquals(2, github.requests().size());
        assertTrue(took.toMillis() >= 900, "waited until the reset: " + took);
        assertTrue(!client.waited().isZero());
    }

    @Test
    void lastRequestOfTheQuotaMakesTheNextOneWait() {
        String reset = String.valueOf(Instant.now().plusSeconds(1).getEpochSecond());
        github.on(DEPLOYMENTS, json("acme-payments/deployments-1.json").header("x-ratelimit-remaining", "0").header("x-ratelimit-reset", reset));
        client.get(client.url(DEPLOYMENTS), null);
        long start = System.nanoTime();
        client.get(client.url(DEPLOYMENTS), null);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 900, "the second request waited for the reset");
    }

    @Test
    void secondaryRateLimitWithRetryAfterIsWaitedOut() {
        github.on(DEPLOYMENTS,
                text(429, "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}")
                        .header("retry-after", "1"),
                json("acme-payments/deployments-1.json"));
        long start = System.nanoTime();
        assertEquals(200, client.get(client.url(DEPLOYMENTS), null).status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 1000, "waited retry-after");
        assertEquals(2, github.requests().size());
    }

    @Test
    void secondaryRateLimitWithoutRetryAfterWaitsAndBacksOff() {
        github.on(DEPLOYMENTS,
                text(403, "{\"message\":\"You have exceeded a secondary rate limit and have been temporarily blocked from content creation.\"}"),
                json("acme-payments/deployments-1.json"));
        long start = System.nanoTime();
        assertEquals(200, client.get(client.url(DEPLOYMENTS), null).status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300, "waited the secondary limit's pause");
    }

    @Test
    void serverErrorsTimeoutsAndTruncatedJsonAreRetried() {
        github.on(DEPLOYMENTS,
                text(500, "{\"message\":\"Server Error\"}"),
                json("acme-payments/deployments-1.json").truncated(),
                json("acme-payments/deployments-1.json").delayed(Duration.ofSeconds(3)),
                json("acme-payments/deployments-1.json"));
        ApiClient.Response response = client.get(client.url(DEPLOYMENTS), null);
        assertEquals(200, response.status());
        assertTrue(response.body().contains("\"id\": 1005"));
        assertEquals(4, github.requests().size());
    }

    @Test
    void persistentServerErrorFailsWithExit3AfterTheAttempts() {
        github.on(DEPLOYMENTS, text(502, "<html>Bad gateway</html>"));
        DoraException error = assertThrows(DoraException.class, () -> client.get(client.url(DEPLOYMENTS), null));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertEquals("source github:test: GET " + github.baseUrl() + DEPLOYMENTS + " failed: HTTP 502, 4 attempts", error.getMessage());
        assertEquals(4, github.requests().size());
    }

    @Test
    void refusalsFailAtOnceAndSayWhy() {
        ApiClient wrongToken = quickClient("github:test", URI.create(github.baseUrl()), "ghp_wrong");
        DoraException refused = assertThrows(DoraException.class, () -> wrongToken.get(wrongToken.url(DEPLOYMENTS), null));
        assertTrue(refused.getMessage().contains("HTTP 401: GitHub refused the token") && refused.getMessage().contains("Bad credentials"),
                refused.getMessage());
        assertTrue(!refused.getMessage().contains("ghp_wrong"), refused.getMessage());
        DoraException missing = assertThrows(DoraException.class, () -> client.get(client.url("/repos/acme/nothing/deployments"), null));
        assertTrue(missing.getMessage().endsWith("HTTP 404: no such repository, or the token cannot see it (GitHub says: Not Found)"),
                missing.getMessage());
        github.on(DEPLOYMENTS, text(403, "{\"message\":\"Resource not accessible by personal access token\"}")
                .header("x-accepted-github-permissions", "deployments=read"));
        DoraException forbidden = assertThrows(DoraException.class, () -> client.get(client.url(DEPLOYMENTS), null));
        assertTrue(forbidden.getMessage().contains("HTTP 403: the token may not read this") && forbidden.getMessage().contains("deployments=read"),
                forbidden.getMessage());
        assertEquals(1 + 1 + 1, github.requests().size(), "no retry for a refusal");
    }

    @Test
    void rateLimitResettingBeyondTheCapFailsAtOnceAndSaysWhen() {
        Instant reset = Instant.now().plusSeconds(3600);
        github.on(DEPLOYMENTS, text(403, "{\"message\":\"API rate limit exceeded\"}")
                .header("x-ratelimit-remaining", "0").header("x-ratelimit-reset", String.valueOf(reset.getEpochSecond())));
        long start = System.nanoTime();
        DoraException error = assertThrows(DoraException.class, () -> client.get(client.url(DEPLOYMENTS), null));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 3, "no hour-long wait");
        assertTrue(error.getMessage().contains("primary rate limit used up until") && error.getMessage().contains("run collect again after it"),
                error.getMessage());
        DoraException next = assertThrows(DoraException.class, () -> client.get(client.url("/repos/acme/other/deployments"), null));
        assertTrue(next.getMessage().contains("primary rate limit used up until"), next.getMessage());
        assertEquals(1, github.requests().size(), "the next request is not even sent");
    }

    @Test
    void theTokenIsOnlySentToTheConfiguredOrigin() {
        DoraException error = assertThrows(DoraException.class, () -> client.get("https://evil.example.com/steal", null));
        assertTrue(error.getMessage().contains("points outside " + github.baseUrl()), error.getMessage());
        assertTrue(github.requests().isEmpty());
    }

    @Test
    void noMessageOrLogLineCarriesTheToken() {
        github.on(DEPLOYMENTS, text(500, "{\"message\":\"boom " + FakeGitHub.TOKEN + "\"}"));
        String log;
        DoraException error;
        try (LogCapture capture = new LogCapture()) {
            error = assertThrows(DoraException.class, () -> client.get(client.url(DEPLOYMENTS), null));
            ApiClient misconfigured = quickClient("github:test", URI.create("http://127.0.0.1:9"), FakeGitHub.TOKEN);
            assertThrows(DoraException.class, () -> misconfigured.get(misconfigured.url("/x"), null));
            log = capture.text();
        }
        assertTrue(log.contains("retrying"), "the retries were logged: " + log);
        for (String text : List.of(log, error.getMessage(), Secret.of(FakeGitHub.TOKEN).toString())) {
            assertTrue(!text.contains(FakeGitHub.TOKEN) && !text.contains("Bearer"), text);
        }
    }
}
