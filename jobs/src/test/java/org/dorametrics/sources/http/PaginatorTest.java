package org.dorametrics.sources.http;

import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.job.DoraException;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental listings: what each run asks for, what it keeps, and how far the watermark moves. */
class PaginatorTest {
    private static final FakeApiServer.Vendor VENDOR = new FakeApiServer.Vendor("Private-Token", "secret-for-the-local-server",
            "{\"message\":\"401 Unauthorized\"}", "{\"message\":\"404 Not Found\"}", Map::of);
    private static final ApiClient.Patience QUICK = new ApiClient.Patience(2, Duration.ofMillis(10), Duration.ofMillis(10),
            Duration.ofSeconds(1), Duration.ofSeconds(5));
    private static final Instant MONDAY = Instant.parse("2026-11-23T06:00:00Z");
    private static final String FIRST = "/issues?order_by=updated_at&per_page=2";
    private static final String SINCE_ONE_DAY_BEFORE = FIRST + "&updated_after=2026-11-19T10:00:00Z";

    @TempDir
    Path dir;
    private FakeApiServer server;
    private PageStore store;
    private org.apache.hadoop.fs.Path endpoint;

    @BeforeEach
    void start() throws IOException {
        server = FakeApiServer.start(VENDOR);
        store = new PageStore(OutputLocation.open(dir.toString(), new Configuration()), "test:api", new org.apache.hadoop.fs.Path(dir.toString()));
        endpoint = store.folder("acme", "issues");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Paginator paginator(Instant runStartedAt, boolean full) {
        ApiClient client = new ApiClient("test:api", URI.create(server.baseUrl()), dialect(), QUICK);
        return new Paginator(client, store, runStartedAt, full, Duration.ofDays(1));
    }

    private List<JsonNode> fetch(Paginator paginator, Paginator.Order order) {
        return paginator.updatedSince(endpoint, since -> since == null ? FIRST : FIRST + "&updated_after=" + since,
                node -> node.hasNonNull("updated_at") ? Instant.parse(node.get("updated_at").asText()) : null, order, "acme issues");
    }

    private static String issue(int id, String updatedAt) {
        return "{\"id\":" + id + ",\"updated_at\":\"" + updatedAt + "\"}";
    }

    @Test
    void aSecondRunAsksFromTheWatermarkLessTheOverlapAndKeepsBothFetches() {
        server.on(FIRST, text(200, "[" + issue(1, "2026-11-18T09:00:00Z") + "," + issue(2, "2026-11-19T09:00:00Z") + "]").next(FIRST + "&page=2"));
        server.on(FIRST + "&page=2", text(200, "[" + issue(3, "2026-11-20T10:00:00Z") + "]"));
        assertEquals(3, fetch(paginator(MONDAY, false), Paginator.Order.FILTERED_BY_SERVER).size());
        assertEquals("2026-11-20T10:00:00Z", store.watermark(endpoint).orElseThrow().updatedThrough());

        server.on(SINCE_ONE_DAY_BEFORE, text(200, "[" + issue(2, "2026-11-24T08:00:00Z") + "," + issue(3, "2026-11-20T10:00:00Z") + "]"));
        List<JsonNode> second = fetch(paginator(MONDAY.plus(Duration.ofDays(7)), false), Paginator.Order.FILTERED_BY_SERVER);

        assertEquals(2, second.size());
        assertEquals(1, server.requests(SINCE_ONE_DAY_BEFORE).size(), "the second run asked only for what changed");
        assertEquals(2, store.fetches(endpoint).size());
        List<RawPage> pages = store.readFetches(endpoint);
        assertEquals(3, pages.size(), "two pages of the first fetch, then one of the second");
        assertTrue(pages.get(2).body().contains("2026-11-24T08:00:00Z"), "the latest copy of issue 2 comes last");
        Watermark watermark = store.watermark(endpoint).orElseThrow();
        assertEquals("2026-11-24T08:00:00Z", watermark.updatedThrough());
        assertEquals("fetch-20261130T060000.000Z", watermark.lastFetch());
    }

    @Test
    void aFullRunReadsFromTheStartAndRemovesTheFetchesBeforeIt() {
        server.on(FIRST, text(200, "[" + issue(1, "2026-11-18T09:00:00Z") + "]"));
        fetch(paginator(MONDAY, false), Paginator.Order.FILTERED_BY_SERVER);
        server.on(SINCE_ONE_DAY_BEFORE.replace("19T10", "17T09"), text(200, "[" + issue(1, "2026-11-25T09:00:00Z") + "]"));
        fetch(paginator(MONDAY.plusSeconds(60), false), Paginator.Order.FILTERED_BY_SERVER);
        assertEquals(2, store.fetches(endpoint).size());

        fetch(paginator(MONDAY.plusSeconds(120), true), Paginator.Order.FILTERED_BY_SERVER);

        assertEquals(List.of("fetch-20261123T060200.000Z"), store.fetches(endpoint).stream().map(org.apache.hadoop.fs.Path::getName).toList());
        assertEquals(2, server.requests(FIRST).size(), "the full run asked from the start again");
        assertEquals("fetch-20261123T060200.000Z", store.watermark(endpoint).orElseThrow().lastFull());
    }

    @Test
    void aNewestFirstListingStopsAtThePageThatReachesBackBeforeTheWatermark() {
        String list = "/deployments?per_page=2";
        server.on(list, text(200, "[" + issue(9, "2026-11-20T10:00:00Z") + "]"));
        paginator(MONDAY, false).updatedSince(endpoint, since -> list, node -> Instant.parse(node.get("updated_at").asText()),
                Paginator.Order.NEWEST_FIRST, "acme deployments");
        server.on(list, text(200, "[" + issue(11, "2026-11-27T10:00:00Z") + "," + issue(10, "2026-11-18T11:00:00Z") + "]")
                .next(list + "&page=2"));
        server.on(list + "&page=2", text(200, "[" + issue(9, "2026-11-20T10:00:00Z") + "]"));

        List<JsonNode> second = paginator(MONDAY.plus(Duration.ofDays(7)), false).updatedSince(endpoint, since -> list,
                node -> Instant.parse(node.get("updated_at").asText()), Paginator.Order.NEWEST_FIRST, "acme deployments");

        assertEquals(2, second.size());
        assertTrue(server.requests(list + "&page=2").isEmpty(), "the first page already reached back before the watermark");
    }

    @Test
    void nothingChangedLeavesNoEmptyFetchBehind() {
        server.on(FIRST, text(200, "[" + issue(1, "2026-11-18T09:00:00Z") + "]"));
        fetch(paginator(MONDAY, false), Paginator.Order.FILTERED_BY_SERVER);
        server.on(FIRST + "&updated_after=2026-11-17T09:00:00Z", text(200, "[]"));

        fetch(paginator(MONDAY.plusSeconds(60), false), Paginator.Order.FILTERED_BY_SERVER);

        assertEquals(1, store.fetches(endpoint).size());
        Watermark watermark = store.watermark(endpoint).orElseThrow();
        assertEquals("2026-11-18T09:00:00Z", watermark.updatedThrough());
        assertEquals("fetch-20261123T060100.000Z", watermark.lastFetch(), "the fetch completed, with nothing new");
    }

    @Test
    void aFetchThatFailsMidwayIsNotReadAndTheNextOneAsksAgainFromTheSameWatermark() {
        server.on(FIRST, text(200, "[" + issue(1, "2026-11-18T09:00:00Z") + "]"));
        fetch(paginator(MONDAY, false), Paginator.Order.FILTERED_BY_SERVER);
        String since = FIRST + "&updated_after=2026-11-17T09:00:00Z";
        server.on(since, text(200, "[" + issue(2, "2026-11-24T09:00:00Z") + "]").next(since + "&page=2"));
        server.on(since + "&page=2", text(502, "<html>bad gateway</html>"));

        assertThrows(DoraException.class, () -> fetch(paginator(MONDAY.plusSeconds(60), false), Paginator.Order.FILTERED_BY_SERVER));

        assertEquals(1, store.readFetches(endpoint).size(), "the incomplete fetch's page is stored but not read");
        assertEquals("2026-11-18T09:00:00Z", store.watermark(endpoint).orElseThrow().updatedThrough(),
                "the next run asks again from where the last complete fetch ended");

        server.on(since + "&page=2", text(200, "[" + issue(3, "2026-11-24T10:00:00Z") + "]"));
        assertEquals(2, fetch(paginator(MONDAY.plusSeconds(120), false), Paginator.Order.FILTERED_BY_SERVER).size());
        assertEquals(List.of("1", "2", "3"), store.readFetches(endpoint).stream()
                .flatMap(page -> Paginator.arrayElements(Paginator.parse(page.body()), null).stream()).map(i -> i.path("id").asText()).toList());
        assertEquals(2, store.fetches(endpoint).size(), "the incomplete fetch was deleted by the next one");
    }

    /** A vendor with a private token header and no quota headers. */
    private static ApiDialect dialect() {
        return new ApiDialect() {
            @Override
            public String vendor() {
                return "Test";
            }

            @Override
            public Map<String, String> requestHeaders() {
                return Map.of(VENDOR.credentialHeader(), VENDOR.credentials());
            }

            @Override
            public List<String> keptHeaders() {
                return List.of();
            }

            @Override
            public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
                return Optional.empty();
            }

            @Override
            public String refusal(int status, Map<String, String> headers) {
                return "refused";
            }

            @Override
            public String scrub(String text) {
                return text.replace(VENDOR.credentials(), "***");
            }
        };
    }
}
