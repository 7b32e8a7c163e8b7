package org.dorametrics.sources.opsgenie;

import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the Opsgenie incidents and teams Apache DevLake recorded from a real account
 * ({@code shared/fixtures/devlake/backend/plugins/opsgenie/e2e}, read in place, never copied) through the local
 * server, the collector and normalize, and compares the result with DevLake's own extraction of them. Skipped, with
 * the reason, when {@code ../shared} is absent.
 */
class OpsgenieReplayTest {
    /** Surefire runs in the jobs module; shared/ sits beside the clone, so D/jobs/../../shared is D/../shared. */
    private static final Path DEVLAKE = Path.of("..", "..", "shared", "fixtures", "devlake", "backend", "plugins", "opsgenie", "e2e");
    private static boolean skipReported;

    @TempDir
    Path out;

    private FakeApiServer opsgenie;

    @BeforeEach
    void fixturesPresent() throws IOException {
        String reason = "Opsgenie recordings not found at " + DEVLAKE.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): Opsgenie replay skipped";
        if (!Files.isDirectory(DEVLAKE) && !skipReported) {
            skipReported = true;
            System.out.println("[OpsgenieReplayTest] " + reason);
        }
        assumeTrue(Files.isDirectory(DEVLAKE), reason);
        opsgenie = FakeOpsgenie.start();
    }

    @AfterEach
    void stop() {
        if (opsgenie != null) {
            opsgenie.close();
        }
    }

    @Test
    void devLakesRecordedIncidentsNormalizeAsDevLakeExtractedThem() throws IOException {
        String service = "695bce3d-4621-4630-8ae1-24eb89c22d6e";
        // The recordings are one listing of the service's incidents (DevLake asked order=desc) and the account's teams.
        opsgenie.on("/v1/incidents?query=impactedServices%3A" + service + "&offset=0&limit=100&sort=createdAt&order=desc",
                text(200, "{\"data\":[" + String.join(",", data("_raw_opsgenie_incidents.csv")) + "],\"paging\":{},\"took\":0.1}"));
        opsgenie.on("/v2/teams", text(200, "{\"data\":[" + String.join(",", data("_raw_opsgenie_teams.csv")) + "],\"took\":0.1}"));
        // The responder team c0259fb8… is not among the recorded teams: mapped by id. new_team is mapped by name and matches nothing.
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(out.resolve("dora.yaml"), """
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}, {name: payments-worker, repo: payments}]
                teams: [{name: payments, services: [payments-api]}, {name: platform, services: [payments-worker]}]
                sources:
                  opsgenie:
                    - base_url: %s
                      token_env: OPSGENIE_API_KEY
                      query: "impactedServices:%s"
                      services: {%s: payments-api}
                      teams: {c0259fb8-2068-48c5-ae09-1b116e3579b1: platform, new_team: payments}
                """.formatted(opsgenie.baseUrl(), service, service)));
        OpsgenieSource source = config.sources().opsgenie().get(0);
        OutputLocation output = OutputLocation.open(out.resolve("out").toString(), new Configuration());

        // Collected on the day DevLake recorded them, so that the listing reaches back far enough.
        FakeOpsgenie.collector(source, output, Instant.parse("2023-09-15T18:51:47Z"), false, FakeOpsgenie.KEY).collect((repo, sha) -> { });
        ApiRecords records = OpsgenieRecords.read(config, source, output);

        assertTrue(records.rejects().isEmpty(), records.rejects().toString());
        Map<String, Incident> byUrl = records.incidents().stream().collect(Collectors.toMap(Incident::url, i -> i));
        Map<String, Map<String, String>> devlake = byColumn(DEVLAKE.resolve("snapshot_tables/issues.csv"), "url");
        Map<String, Map<String, String>> tool = byColumn(DEVLAKE.resolve("snapshot_tables/_tool_opsgenie_incidents.csv"), "url");
        assertEquals(devlake.keySet(), byUrl.keySet(), "the same two incidents");
        for (Map.Entry<String, Incident> entry : byUrl.entrySet()) {
            Map<String, String> issue = devlake.get(entry.getKey());
            Incident ours = entry.getValue();
            // Both open at the creation: the recorded impactStartDate equals createdAt.
            assertEquals(instant(issue.get("created_date")), ours.openedAt(), entry.getKey());
            // DevLake resolves at updatedAt when the status is resolved; we at impactEndDate. They agree on this recording.
            assertEquals(issue.get("resolution_date").isEmpty() ? null : instant(issue.get("resolution_date")), ours.resolvedAt(), entry.getKey());
            assertEquals(tool.get(entry.getKey()).get("priority"), ours.severity(), "the default severity: the priority");
            assertEquals(List.of("payments-api", "payments-worker"), ours.services(), "its impacted service, and its responder team's");
            assertEquals(tool.get(entry.getKey()).get("message"), ours.title());
        }
        assertNull(byUrl.get("https://sandesvitor.app.opsgenie.com/incident/detail/3a74524a-f492-4172-b3f5-6041c7cb404a").resolvedAt());
    }

    /** The {@code data} column of a DevLake raw table: each a record's JSON as recorded. */
    private static List<String> data(String table) throws IOException {
        List<CsvRecords.CsvRecord> rows = CsvRecords.split(Files.readString(DEVLAKE.resolve("raw_tables").resolve(table)));
        int column = rows.get(0).fields().indexOf("data");
        List<String> data = new ArrayList<>();
        for (CsvRecords.CsvRecord row : rows.subList(1, rows.size())) {
            data.add(row.fields().get(column));
        }
        return data;
    }

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
