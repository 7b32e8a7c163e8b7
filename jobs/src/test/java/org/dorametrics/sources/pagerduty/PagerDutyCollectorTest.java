package org.dorametrics.sources.pagerduty;

import static org.dorametrics.sources.pagerduty.FakePagerDuty.FIRST;
import static org.dorametrics.sources.pagerduty.FakePagerDuty.FIRST_PAGE_2;
import static org.dorametrics.sources.pagerduty.FakePagerDuty.LOG_ENTRIES_Q3;
import static org.dorametrics.sources.pagerduty.FakePagerDuty.RUN;
import static org.dorametrics.sources.pagerduty.FakePagerDuty.json;
import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.Reject;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collecting PagerDuty from a real local server, then reading what was stored: offset pagination, incremental runs
 * that ask again for the incidents still open, resolution from log entries, rate limits, failures, bad records.
 */
class PagerDutyCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECOND = "/incidents?service_ids%5B%5D=PAY0001&since=2026-03-05T08%3A00%3A00Z"
            + "&until=2026-03-09T00%3A00%3A00Z&sort_by=created_at%3Aasc&limit=3&offset=0";

    @TempDir
    Path out;

    private FakeApiServer pagerduty;
    private OutputLocation output;
    private Path raw;

    @BeforeEach
    void start() throws IOException {
        pagerduty = FakePagerDuty.servePayments(FakePagerDuty.start());
        output = OutputLocation.open(out.toString(), new Configuration());
        raw = out.resolve("raw/pagerduty/pagerduty/PAY0001");
    }

    @AfterEach
    void stop() {
        pagerduty.close();
    }

    private void collect(PagerDutySource source, Instant runAt, boolean full) {
        FakePagerDuty.collector(source, output, runAt, full).collect((repo, sha) -> { });
    }

    private PagerDutySource payments() {
        return FakePagerDuty.source(pagerduty.baseUrl(), FakePagerDuty.payments());
    }

    private Map<String, Incident> incidents(PagerDutySource source) {
        return PagerDutyRecords.read(source, output).incidents().stream().collect(Collectors.toMap(Incident::id, i -> i));
    }

    @Test
    void firstRunListsByCreationOverOffsetPagesAndResolvesFromTheLogEntries() throws IOException {
        collect(payments(), RUN, false);

        assertEquals(1, pagerduty.requests(FIRST).size());
        assertEquals(1, pagerduty.requests(FIRST_PAGE_2).size());
        assertEquals(1, pagerduty.requests(LOG_ENTRIES_Q3).size(), "Q3 is resolved without resolved_at");
        assertEquals(3, pagerduty.requests().size(), "no log entries for Q1, which has resolved_at, nor for the open ones");
        FakeApiServer.Request first = pagerduty.requests(FIRST).get(0);
        assertEquals("application/vnd.pagerduty+json;version=2", first.header("Accept"));
        Path fetch = raw.resolve("incidents/fetch-20260308T000000.000Z");
        RawPage page = JSON.readValue(Files.readString(fetch.resolve("page-0001.json")), RawPage.class);
        assertEquals(FakePagerDuty.resource("incidents-1.json"), page.body(), "the body is kept exactly as received");
        assertEquals(pagerduty.baseUrl() + FIRST_PAGE_2, page.next(), "the next page comes from the body's offset and limit");
        assertEquals("959", page.headers().get("ratelimit-remaining"));
        assertTrue(Files.exists(fetch.resolve("page-0002.json")));
        assertTrue(Files.readString(raw.resolve("incidents/_WATERMARK.json")).contains("\"updated_through\":\"2026-03-06T08:00:00Z\""),
                "the watermark follows the latest creation time listed");

        Map<String, Incident> incidents = incidents(payments());
        assertEquals(List.of("pagerduty:Q1CARDS", "pagerduty:Q2SLOW", "pagerduty:Q3REFUND", "pagerduty:Q4LOGS"),
                incidents.keySet().stream().sorted().toList());
        Incident q1 = incidents.get("pagerduty:Q1CARDS");
        assertEquals(List.of("payments-api"), q1.services());
        assertEquals("sev1", q1.severity(), "priority P1 wins over the urgency");
        assertEquals(Instant.parse("2026-03-04T11:30:00Z"), q1.openedAt());
        assertEquals(Instant.parse("2026-03-04T15:30:00Z"), q1.resolvedAt());
        assertEquals("Card payments failing", q1.title());
        assertEquals("https://acme.pagerduty.com/incidents/Q1CARDS", q1.url());
        assertEquals("pagerduty:pagerduty", q1.source());
        assertNull(incidents.get("pagerduty:Q2SLOW").resolvedAt(), "triggered: open");
        assertEquals("sev3", incidents.get("pagerduty:Q2SLOW").severity(), "no priority: the urgency's severity");
        assertEquals(Instant.parse("2026-03-05T12:40:00Z"), incidents.get("pagerduty:Q3REFUND").resolvedAt(),
                "the resolve log entry, not last_status_change_at (12:45)");
        assertEquals("sev4", incidents.get("pagerduty:Q4LOGS").severity());
        assertNull(incidents.get("pagerduty:Q4LOGS").resolvedAt(), "acknowledged: open");
    }

    @Test
    void secondRunAsksSinceTheWatermarkMinusTheOverlapAndAsksAgainForTheIncidentsStillOpen() throws IOException {
        collect(payments(), RUN, false);
        pagerduty.on(SECOND, json("incidents-second-run.json"));
        pagerduty.on("/incidents/Q2SLOW", json("incident-Q2SLOW-resolved.json"));
        int firstRun = pagerduty.requests().size();

        collect(payments(), RUN.plus(Duration.ofDays(1)), false);

        List<String> asked = pagerduty.requests().subList(firstRun, pagerduty.requests().size()).stream().map(FakeApiServer.Request::target).toList();
        assertEquals(List.of(SECOND, "/incidents/Q2SLOW"), asked, "since 03-06 08:00 minus a day; Q2 (open, created before) alone;"
                + " Q4 is listed again; Q3's log entries are settled");
        try (Stream<Path> fetches = Files.list(raw.resolve("incidents"))) {
            assertEquals(2, fetches.filter(Files::isDirectory).count());
        }

        ApiRecords records = PagerDutyRecords.read(payments(), output);
        Map<String, Incident> incidents = records.incidents().stream().collect(Collectors.toMap(Incident::id, i -> i));
        assertEquals(5, incidents.size(), "each incident once, in its latest copy");
        assertEquals(Instant.parse("2026-03-06T10:00:00Z"), incidents.get("pagerduty:Q2SLOW").resolvedAt(), "resolved since the first run");
        assertEquals(Instant.parse("2026-03-05T12:40:00Z"), incidents.get("pagerduty:Q3REFUND").resolvedAt());
        Incident q5 = incidents.get("pagerduty:Q5WEB");
        assertEquals(List.of(), q5.services(), "its PagerDuty service is not mapped: kept for the organisation");
        Reject flagged = records.rejects().stream().filter(r -> "pagerduty:Q5WEB".equals(r.recordId())).findFirst().orElseThrow();
        assertEquals(Reject.Action.FLAGGED, flagged.action());
        assertEquals("service.id", flagged.field());
        assertTrue(flagged.reason().contains("PagerDuty service PWEB001 (Storefront) is not in sources.pagerduty[pagerduty].services"),
                flagged.reason());
    }

    @Test
    void fullRefreshListsTheWholeLookbackAgainAndKeepsOnlyItsOwnFetch() throws IOException {
        collect(payments(), RUN, false);
        String full = "/incidents?service_ids%5B%5D=PAY0001&since=2026-02-27T00%3A00%3A00Z&until=2026-03-09T00%3A00%3A00Z"
                + "&sort_by=created_at%3Aasc&limit=3&offset=0";
        // As if Q1 and Q2 had been created before the lookback: the listing leaves them out.
        pagerduty.on(full, json("incidents-second-run.json"));
        pagerduty.on("/incidents/Q2SLOW", json("incident-Q2SLOW-resolved.json"));

        collect(payments(), RUN.plus(Duration.ofDays(1)), true);

        assertEquals(1, pagerduty.requests(full).size());
        assertEquals(1, pagerduty.requests("/incidents/Q2SLOW").size(), "an open incident the listing missed is still asked alone");
        try (Stream<Path> fetches = Files.list(raw.resolve("incidents"))) {
            assertEquals(List.of("fetch-20260309T000000.000Z"), fetches.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(List.of("pagerduty:Q2SLOW", "pagerduty:Q3REFUND", "pagerduty:Q4LOGS", "pagerduty:Q5WEB"),
                incidents(payments()).keySet().stream().sorted().toList(), "Q1, resolved and not listed, is gone with the older fetches");
    }

    @Test
    void waitsOutA429UntilRatelimitResetThenGoesOn() {
        pagerduty.on(FIRST, text(429, "{\"error\":{\"message\":\"Rate Limit Exceeded\",\"code\":2020}}")
                .header("ratelimit-limit", "960").header("ratelimit-remaining", "0").header("ratelimit-reset", "1"),
                json("incidents-1.json"));
        long started = System.nanoTime();

        collect(payments(), RUN, false);

        assertEquals(2, pagerduty.requests(FIRST).size());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1000, "waited for the reset");
        assertEquals(4, incidents(payments()).size());
    }

    @Test
    void retriesA5xxAndTruncatedJson() {
        pagerduty.on(FIRST, text(503, "{\"error\":{\"message\":\"Service Unavailable\"}}"), json("incidents-1.json").truncated(),
                json("incidents-1.json"));

        collect(payments(), RUN, false);

        assertEquals(3, pagerduty.requests(FIRST).size());
        assertEquals(4, incidents(payments()).size());
    }

    @Test
    void aServiceFailingMidPaginationFailsTheSourceAfterTheOtherServicesKeepingItsFirstPage() throws IOException {
        String web = FIRST.replace("PAY0001", "PWEB001");
        pagerduty.on(web, json("incidents-empty.json"));
        pagerduty.on(FIRST_PAGE_2, text(500, "{\"error\":{\"message\":\"Internal Server Error\"}}"));
        PagerDutySource source = FakePagerDuty.source(pagerduty.baseUrl(), FakePagerDuty.payments(),
                new PagerDutyService("PWEB001", null));

        DoraException error = assertThrows(DoraException.class, () -> collect(source, RUN, false));

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("HTTP 500, 3 attempts (service PAY0001: the 1 pages stored before are kept)"), error.getMessage());
        assertEquals(1, pagerduty.requests(web).size(), "the other service is still collected");
        assertTrue(Files.exists(raw.resolve("incidents/fetch-20260308T000000.000Z/page-0001.json")));
        assertFalse(Files.exists(raw.resolve("incidents/_WATERMARK.json")), "the watermark moves only when the fetch completes");
    }

    @Test
    void aRefusedKeyFailsWithoutShowingIt() {
        PagerDutySource source = payments();
        DoraException error = assertThrows(DoraException.class, () -> new PagerDutyCollector(source, output,
                new org.dorametrics.sources.http.ApiClient(source.sourceName(), source.baseUrl(),
                        new PagerDutyDialect(org.dorametrics.job.Secret.of("wrong-key-0000")), FakePagerDuty.QUICK), RUN, false)
                .collect((repo, sha) -> { }));

        assertTrue(error.getMessage().contains("HTTP 401: PagerDuty refused the API key"), error.getMessage());
        assertFalse(error.getMessage().contains("wrong-key-0000"));
        assertEquals("Token token=wrong-key-0000", pagerduty.requests(FIRST).get(0).header("Authorization"));
    }

    @Test
    void aRangeDeeperThanPagerDutyPagesIsHalved() {
        pagerduty.on(FIRST, text(200, "{\"incidents\":[],\"limit\":3,\"offset\":9997,\"more\":true}"));
        String firstHalf = "/incidents?service_ids%5B%5D=PAY0001&since=2026-02-26T00%3A00%3A00Z&until=2026-03-03T00%3A00%3A00Z"
                + "&sort_by=created_at%3Aasc&limit=3&offset=0";
        String secondHalf = "/incidents?service_ids%5B%5D=PAY0001&since=2026-03-03T00%3A00%3A00Z&until=2026-03-08T00%3A00%3A00Z"
                + "&sort_by=created_at%3Aasc&limit=3&offset=0";
        pagerduty.on(firstHalf, json("incidents-empty.json"));
        pagerduty.on(secondHalf, json("incidents-second-run.json"));

        collect(payments(), RUN, false);

        assertEquals(1, pagerduty.requests(firstHalf).size());
        assertEquals(1, pagerduty.requests(secondHalf).size());
        assertEquals(List.of("pagerduty:Q3REFUND", "pagerduty:Q4LOGS", "pagerduty:Q5WEB"),
                incidents(payments()).keySet().stream().sorted().toList());
    }

    @Test
    void badRecordsAreRejectedWithTheirFieldAndExactText() {
        String broken = FIRST.replace("PAY0001", "PBROKEN");
        pagerduty.on(broken, json("broken-incidents.json"));
        PagerDutySource source = FakePagerDuty.source(pagerduty.baseUrl(), new PagerDutyService("PBROKEN", "payments-api"));
        collect(source, RUN, false);

        ApiRecords records = PagerDutyRecords.read(source, output);

        assertEquals(List.of("pagerduty:QB8GOOD"), records.incidents().stream().map(Incident::id).toList());
        assertEquals("sev2", records.incidents().get(0).severity());
        Map<String, Reject> rejects = records.rejects().stream().filter(r -> r.action() == Reject.Action.REJECTED)
                .collect(Collectors.toMap(r -> String.valueOf(r.recordId()), r -> r));
        assertEquals(7, rejects.size(), rejects.toString());
        assertEquals(7, records.rejected());
        assertEquals(8, records.seen());
        assertEquals("created_at", rejects.get("pagerduty:QB1NOCREATED").field());
        assertEquals("urgency", rejects.get("pagerduty:QB2MEDIUM").field());
        assertTrue(rejects.get("pagerduty:QB2MEDIUM").reason().contains("unknown urgency 'medium'"));
        assertEquals("status", rejects.get("pagerduty:QB3STATUS").field());
        assertTrue(rejects.get("pagerduty:QB3STATUS").reason().contains("expected a text, got 3"));
        assertEquals("resolved_at", rejects.get("pagerduty:QB4BACKWARDS").field());
        assertEquals("id", rejects.get("null").field());
        assertEquals("status", rejects.get("pagerduty:QB6SNOOZED").field());
        assertEquals("created_at", rejects.get("pagerduty:QB7BADTIME").field());
        String body = FakePagerDuty.resource("broken-incidents.json");
        for (Reject reject : rejects.values()) {
            assertTrue(reject.rawPayload().startsWith("{") && body.contains(reject.rawPayload()), "the record's exact text: " + reject);
        }
    }
}
