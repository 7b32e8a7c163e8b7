package org.dorametrics.sources.pagerduty;

import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.collect.CsvRecords;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays real PagerDuty payloads from {@code shared/fixtures} (read in place, never copied) through the local server,
 * the collector and normalize: PagerDuty's own response examples ({@code pagerduty/api-schema-examples}), and the three
 * incidents Apache DevLake recorded from a real account ({@code devlake/backend/plugins/pagerduty/e2e}), whose times
 * and statuses are compared with DevLake's own extraction of them. Skipped, with the reason, when {@code ../shared}
 * is absent.
 */
class PagerDutyReplayTest {
    /** Surefire runs in the jobs module; shared/ sits beside the clone, so D/jobs/../../shared is D/../shared. */
    private static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures");
    private static final Path EXAMPLES = FIXTURES.resolve("pagerduty/api-schema-examples");
    private static final Path DEVLAKE = FIXTURES.resolve("devlake/backend/plugins/pagerduty/e2e");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean skipReported;

    @TempDir
    Path out;

    private FakeApiServer pagerduty;
    private OutputLocation output;

    @BeforeEach
    void fixturesPresent() throws IOException {
        String reason = "PagerDuty fixtures not found at " + FIXTURES.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): PagerDuty replay skipped";
        boolean present = Files.isDirectory(EXAMPLES) && Files.isDirectory(DEVLAKE);
        if (!present && !skipReported) {
            skipReported = true;
            System.out.println("[PagerDutyReplayTest] " + reason);
        }
        assumeTrue(present, reason);
        pagerduty = FakePagerDuty.start();
        output = OutputLocation.open(out.toString(), new Configuration());
    }

    @AfterEach
    void stop() {
        if (pagerduty != null) {
            pagerduty.close();
        }
    }

    private PagerDutySource source(String serviceId) {
        return FakePagerDuty.source(pagerduty.baseUrl(), new PagerDutyService(serviceId, "payments-api"));
    }

    @Test
    void pagerDutysOwnListExampleNormalizes() throws IOException {
        // The example says more: true after one incident; the page after it is ours, and empty.
        pagerduty.onAnyQuery("/incidents", text(200, example("list_incidents.json")),
                text(200, "{\"incidents\":[],\"limit\":1,\"offset\":1,\"more\":false}"));
        PagerDutySource source = source("PIJ90N7");

        FakePagerDuty.collector(source, output, FakePagerDuty.RUN, false).collect((repo, sha) -> { });
        ApiRecords records = PagerDutyRecords.read(source, output);

        assertTrue(pagerduty.requests().get(1).target().endsWith("&offset=1"), "the second page moves on by the example's limit of 1");
        assertEquals(2, pagerduty.requests().size(), "resolved_at is in the example: no log entries asked");
        assertEquals(1, records.incidents().size(), records.rejects().toString());
        Incident incident = records.incidents().get(0);
        assertEquals("pagerduty:PT4KHLK", incident.id());
        assertEquals(Instant.parse("2015-10-06T21:30:42Z"), incident.openedAt());
        assertEquals(Instant.parse("2015-10-06T21:38:23Z"), incident.resolvedAt());
        assertEquals("sev2", incident.severity(), "its priority P2");
        assertEquals("The server is on fire.", incident.title());
        assertEquals(List.of("payments-api"), incident.services());
    }

    @Test
    void devLakesRecordedIncidentsResolveFromTheirLogEntriesAsDevLakeExtractedThem() throws IOException {
        List<JsonNode> recorded = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (CsvRecords.CsvRecord row : rows(DEVLAKE.resolve("raw_tables/_raw_pagerduty_incidents.csv"))) {
            texts.add(row.fields().get(2));
            recorded.add(JSON.readTree(row.fields().get(2)));
        }
        // The recordings are the incidents as listed, each with its log entries (DevLake asked for them embedded).
        pagerduty.onAnyQuery("/incidents", text(200, "{\"incidents\":[" + String.join(",", texts) + "],\"limit\":3,\"offset\":0,\"more\":false}"));
        for (JsonNode incident : recorded) {
            pagerduty.on("/incidents/" + incident.get("id").asText() + "/log_entries?is_overview=true&limit=3",
                    text(200, "{\"log_entries\":" + incident.get("log_entries") + ",\"limit\":3,\"offset\":0,\"more\":false}"));
        }
        PagerDutySource configured = source("PIKL83L");
        // The default severities: the urgency itself.
        PagerDutySource source = new PagerDutySource(configured.name(), configured.baseUrl(), configured.tokenEnv(), null,
                configured.services(), configured.urgencies(), Map.of(), Map.of("high", "high", "low", "low"), configured.lookback(),
                configured.overlap(), configured.pageSize());

        FakePagerDuty.collector(source, output, FakePagerDuty.RUN, false).collect((repo, sha) -> { });
        ApiRecords records = PagerDutyRecords.read(source, output);

        assertEquals(List.of("/incidents/Q1OHFWFP3GPXOG/log_entries?is_overview=true&limit=3"), pagerduty.requests().stream()
                .map(FakeApiServer.Request::target).filter(t -> t.contains("log_entries")).toList(),
                "only the resolved incident, which has no resolved_at, needs its log entries");
        assertTrue(records.rejects().isEmpty(), records.rejects().toString());
        Map<String, Incident> byUrl = records.incidents().stream().collect(Collectors.toMap(Incident::url, i -> i));
        Map<String, Map<String, String>> devlake = byColumn(DEVLAKE.resolve("snapshot_tables/issues.csv"), "url");
        Map<String, Map<String, String>> tool = byColumn(DEVLAKE.resolve("snapshot_tables/_tool_pagerduty_incidents.csv"), "url");
        assertEquals(devlake.keySet(), byUrl.keySet(), "the same three incidents");
        for (Map.Entry<String, Incident> entry : byUrl.entrySet()) {
            Map<String, String> issue = devlake.get(entry.getKey());
            Incident ours = entry.getValue();
            assertEquals(instant(issue.get("created_date")), ours.openedAt(), entry.getKey());
            // DevLake resolves at the incident's last status change when it is resolved; we at its resolve log entry.
            // On this recording they agree: the resolve log entry is the last status change.
            assertEquals(issue.get("resolution_date").isEmpty() ? null : instant(issue.get("resolution_date")), ours.resolvedAt(), entry.getKey());
            assertEquals(tool.get(entry.getKey()).get("urgency"), ours.severity(), "no priority: the urgency, as DevLake keeps it");
            assertEquals(List.of("payments-api"), ours.services(), "service " + tool.get(entry.getKey()).get("service_id"));
        }
        assertNull(byUrl.get("https://keon-test.pagerduty.com/incidents/Q3YON8WNWTZMRQ").resolvedAt(), "triggered: open");
        assertEquals(Instant.parse("2022-11-03T06:51:44Z"), byUrl.get("https://keon-test.pagerduty.com/incidents/Q1OHFWFP3GPXOG").resolvedAt());
    }

    private static String example(String file) throws IOException {
        return JSON.readTree(EXAMPLES.resolve(file).toFile()).get("response").toString();
    }

    private static List<CsvRecords.CsvRecord> rows(Path csv) throws IOException {
        List<CsvRecords.CsvRecord> rows = CsvRecords.split(Files.readString(csv));
        return rows.subList(1, rows.size());
    }

    /** A CSV's rows by the value of one column, each row by its header. */
    private static Map<String, Map<String, String>> byColumn(Path csv, String key) throws IOException {
        List<CsvRecords.CsvRecord> rows = CsvRecords.split(Files.readString(csv));
        List<String> header = rows.get(0).fields();
        Map<String, Map<String, String>> byKey = new LinkedHashMap<>();
        for (CsvRecords.CsvRecord row : rows.subList(1, rows.size())) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                fields.put(header.get(i), i < row.fields().size() ? row.fields().get(i) : "");
            }
            byKey.put(fields.get(key), fields);
        }
        return byKey;
    }

    private static Instant instant(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }
}
