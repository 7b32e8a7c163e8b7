package org.dorametrics.sources.opsgenie;

import static org.dorametrics.sources.opsgenie.FakeOpsgenie.INCIDENTS;
import static org.dorametrics.sources.opsgenie.FakeOpsgenie.INCIDENTS_2;
import static org.dorametrics.sources.opsgenie.FakeOpsgenie.INCIDENTS_3;
import static org.dorametrics.sources.opsgenie.FakeOpsgenie.RUN;
import static org.dorametrics.sources.opsgenie.FakeOpsgenie.json;
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
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig;
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
 * Collecting Opsgenie from a real local server, then reading what was stored: paging.next, newest first until the
 * watermark, open records asked again, alerts' close times, team and service mapping, rate limits, failures, bad records.
 */
class OpsgenieCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "priority: (P1 OR P2 OR P3 OR P4 OR P5)";
    private static final String I0 = "i0000000-0000-4000-8000-000000000000";

    @TempDir
    Path out;

    private FakeApiServer opsgenie;
    private OutputLocation output;
    private DoraConfig config;

    @BeforeEach
    void start() throws IOException {
        opsgenie = FakeOpsgenie.start();
        opsgenie.on(INCIDENTS, json("incidents-1.json"));
        opsgenie.on(INCIDENTS_2, json("incidents-2.json"));
        opsgenie.on("/v2/teams", json("teams.json"));
        output = OutputLocation.open(out.toString(), new Configuration());
        config = FakeOpsgenie.config(out, opsgenie.baseUrl(), "incidents", QUERY);
    }

    @AfterEach
    void stop() {
        opsgenie.close();
    }

    private void collect(Instant runAt, boolean full) {
        FakeOpsgenie.collector(config.sources().opsgenie().get(0), output, runAt, full, FakeOpsgenie.KEY).collect((repo, sha) -> { });
    }

    private ApiRecords records() {
        return OpsgenieRecords.read(config, config.sources().opsgenie().get(0), output);
    }

    private Map<String, Incident> incidents() {
        return records().incidents().stream().collect(Collectors.toMap(i -> i.id().substring("opsgenie:".length(), "opsgenie:i0".length()), i -> i));
    }

    @Test
    void firstRunFollowsPagingNextNewestFirstUntilTheLookbackAndMapsServicesTagsAndTeams() throws IOException {
        collect(RUN, false);

        assertEquals(1, opsgenie.requests(INCIDENTS).size());
        assertEquals(1, opsgenie.requests(INCIDENTS_2).size());
        assertTrue(opsgenie.requests(INCIDENTS_3).isEmpty(), "the second page reaches back before the lookback: the last one read");
        assertEquals(1, opsgenie.requests("/v2/teams").size(), "teams are mapped: their names are read");
        assertEquals("GenieKey " + FakeOpsgenie.KEY, opsgenie.requests(INCIDENTS).get(0).header("Authorization"));
        Path fetch = out.resolve("raw/opsgenie/opsgenie/incidents/records/fetch-20260308T000000.000Z");
        RawPage first = JSON.readValue(Files.readString(fetch.resolve("page-0001.json")), RawPage.class);
        assertEquals(FakeOpsgenie.resource("incidents-1.json").replace("{base}", opsgenie.baseUrl()), first.body());
        assertEquals(opsgenie.baseUrl() + INCIDENTS_2, first.next());

        Map<String, Incident> incidents = incidents();
        assertEquals(List.of("i0", "i1", "i2", "i3"), incidents.keySet().stream().sorted().toList());
        Incident i1 = incidents.get("i1");
        assertEquals(Instant.parse("2026-03-04T11:15:00Z"), i1.openedAt(), "its impact start, before Opsgenie's createdAt");
        assertEquals(Instant.parse("2026-03-04T15:30:00Z"), i1.resolvedAt(), "its impact end, not its updatedAt (16:00)");
        assertEquals(List.of("payments-api"), i1.services(), "its responder team Payments is our team payments");
        assertEquals("sev1", i1.severity());
        assertEquals("Card payments failing", i1.title());
        assertEquals("https://acme.app.opsgenie.com/incident/detail/i1111111-1111-4111-8111-111111111111", i1.url());
        assertEquals(List.of("payments-worker"), incidents.get("i2").services(), "its tag checkout");
        assertEquals(Instant.parse("2026-03-05T11:00:00Z"), incidents.get("i2").resolvedAt());
        assertEquals(List.of("payments-api"), incidents.get("i3").services(), "its impacted service");
        assertEquals("P3", incidents.get("i3").severity(), "the default: the priority itself");
        assertNull(incidents.get("i3").resolvedAt());
        assertEquals(List.of(), incidents.get("i0").services(), "nothing mapped: for the organisation only");
    }

    @Test
    void secondRunStopsAtTheWatermarkMinusTheOverlapAndAsksAgainForTheRecordsStillOpen() {
        collect(RUN, false);
        opsgenie.on(INCIDENTS, json("incidents-second-run-1.json"));
        opsgenie.on(INCIDENTS_2, json("incidents-second-run-2.json"));
        String alone = "/v1/incidents/" + I0 + "?identifierType=id";
        opsgenie.on(alone, json("incident-i0-closed.json"));

        collect(RUN.plus(Duration.ofDays(1)), false);

        assertEquals(2, opsgenie.requests(INCIDENTS_2).size(), "i1 (03-04) is before 03-06 08:00 minus a day: the last page read");
        assertTrue(opsgenie.requests(INCIDENTS_3).isEmpty());
        assertEquals(1, opsgenie.requests(alone).size(), "i0, open and not listed again, asked alone");
        assertTrue(opsgenie.requests().stream().noneMatch(r -> r.target().startsWith("/v1/incidents/i3")), "i3 is listed again");

        ApiRecords records = records();
        Map<String, Incident> incidents = records.incidents().stream().collect(Collectors.toMap(i -> i.id().substring(9, 11), i -> i));
        assertEquals(List.of("i0", "i1", "i2", "i3", "i4"), incidents.keySet().stream().sorted().toList());
        assertEquals(Instant.parse("2026-03-08T09:00:00Z"), incidents.get("i0").resolvedAt(), "closed without impactEndDate: updatedAt");
        Reject flagged = records.rejects().stream().filter(r -> ("opsgenie:" + I0).equals(r.recordId())).findFirst().orElseThrow();
        assertEquals(Reject.Action.FLAGGED, flagged.action());
        assertEquals("impactEndDate", flagged.field());
    }

    @Test
    void alertsCloseAtCreationPlusReportCloseTimeAskingAloneForOnesListedWithoutIt() throws IOException {
        config = FakeOpsgenie.config(out, opsgenie.baseUrl(), "alerts", "");
        opsgenie.on(FakeOpsgenie.ALERTS, json("alerts.json"));
        String alone = "/v2/alerts/a1111111-1111-4111-8111-111111111111?identifierType=id";
        opsgenie.on(alone, json("alert-a1.json"));

        collect(RUN, false);

        assertEquals(1, opsgenie.requests(alone).size(), "a1 is closed and listed without its report");
        assertEquals(2, opsgenie.requests().stream().filter(r -> r.target().startsWith("/v2/alerts")).count(), "a2 has its report");
        Map<String, Incident> alerts = records().incidents().stream().collect(Collectors.toMap(i -> i.id().substring(9, 11), i -> i));
        assertEquals(Instant.parse("2026-03-04T13:00:00Z"), alerts.get("a1").resolvedAt(), "created 12:00, open 3,600,000 ms");
        assertEquals(List.of("payments-worker"), alerts.get("a1").services());
        assertEquals(Instant.parse("2026-03-05T11:30:00Z"), alerts.get("a2").resolvedAt(), "created 10:00, open 5,400,000 ms");
        assertEquals(List.of("payments-api"), alerts.get("a2").services(), "its team Payments");
        assertNull(alerts.get("a3").resolvedAt());
        assertNull(alerts.get("a3").url(), "an alert has no web link in the API");
    }

    @Test
    void waitsOutAThrottled429() {
        opsgenie.on(INCIDENTS, text(429, "{\"message\":\"Request rate limit exceeded\",\"took\":0.0}").header("X-RateLimit-State", "THROTTLED")
                .header("X-RateLimit-Period-In-Sec", "1"), json("incidents-1.json"));
        long started = System.nanoTime();

        collect(RUN, false);

        assertEquals(2, opsgenie.requests(INCIDENTS).size());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1000);
        assertEquals(4, records().incidents().size());
    }

    @Test
    void retriesA5xxAndTruncatedJson() {
        opsgenie.on(INCIDENTS, text(502, "<html>Bad Gateway</html>"), json("incidents-1.json").truncated(), json("incidents-1.json"));

        collect(RUN, false);

        assertEquals(3, opsgenie.requests(INCIDENTS).size());
        assertEquals(4, records().incidents().size());
    }

    @Test
    void aPageFailingMidPaginationFailsTheSourceAfterTheTeamsKeepingTheFirstPage() {
        opsgenie.on(INCIDENTS_2, text(500, "{\"message\":\"Internal error\"}"));

        DoraException error = assertThrows(DoraException.class, () -> collect(RUN, false));

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("HTTP 500, 3 attempts (incidents: the 1 pages stored before are kept)"), error.getMessage());
        assertEquals(1, opsgenie.requests("/v2/teams").size(), "the teams are still collected");
        assertTrue(Files.exists(out.resolve("raw/opsgenie/opsgenie/incidents/records/fetch-20260308T000000.000Z/page-0001.json")));
        assertFalse(Files.exists(out.resolve("raw/opsgenie/opsgenie/incidents/records/_WATERMARK.json")));
    }

    @Test
    void aRefusedKeyFailsWithOpsgeniesWordsAndWithoutTheKey() {
        DoraException error = assertThrows(DoraException.class, () -> FakeOpsgenie.collector(config.sources().opsgenie().get(0), output, RUN,
                false, "wrong-key-1111").collect((repo, sha) -> { }));

        assertTrue(error.getMessage().contains("HTTP 401: Opsgenie refused the API key"), error.getMessage());
        assertTrue(error.getMessage().contains("Opsgenie says: Could not authenticate"), error.getMessage());
        assertFalse(error.getMessage().contains("wrong-key-1111"));
    }

    @Test
    void badRecordsAreRejectedWithTheirFieldAndExactText() {
        opsgenie.on(INCIDENTS, json("broken-incidents.json"));
        collect(RUN, false);

        ApiRecords records = records();

        assertEquals(List.of("opsgenie:b8"), records.incidents().stream().map(Incident::id).toList());
        Map<String, Reject> rejects = records.rejects().stream().filter(r -> r.action() == Reject.Action.REJECTED)
                .collect(Collectors.toMap(r -> String.valueOf(r.recordId()), r -> r));
        assertEquals(7, rejects.size(), rejects.toString());
        assertEquals(8, records.seen());
        assertEquals(7, records.rejected());
        assertEquals("status", rejects.get("opsgenie:b1").field());
        assertTrue(rejects.get("opsgenie:b1").reason().contains("unknown status 'snoozed'"));
        assertEquals("priority", rejects.get("opsgenie:b2").field());
        assertEquals("createdAt", rejects.get("opsgenie:b3").field());
        assertEquals("impactedServices", rejects.get("opsgenie:b4").field());
        assertEquals("id", rejects.get("null").field());
        assertEquals("impactEndDate", rejects.get("opsgenie:b6").field());
        assertEquals("priority", rejects.get("opsgenie:b7").field());
        assertTrue(rejects.get("opsgenie:b7").reason().contains("expected a text, got 1"));
        String body = FakeOpsgenie.resource("broken-incidents.json");
        for (Reject reject : rejects.values()) {
            assertTrue(reject.rawPayload().startsWith("{") && body.contains(reject.rawPayload()), "the record's exact text: " + reject);
        }
    }
}
