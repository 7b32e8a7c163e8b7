package org.dorametrics.sources.jira;

import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.collect.CsvRecords;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays real Jira responses from {@code shared/fixtures} (read in place, never copied) through the local server, the
 * collector and normalize; each test is skipped, with the reason, when its recordings are absent:
 * <ul>
 * <li>jira-to-analytics: a real {@code /search?expand=changelog} answer (25 issues, {@code startAt}/{@code total},
 * {@code -0500} offsets), served as a Data Center search; its three bugs are the incidents.</li>
 * <li>DevLake's raw tables: a real Cloud site in Chinese (issue types 故事, 任务, 缺陷; status 已完成) with its real status
 * list, served as a Cloud search; the bug, named 缺陷 in the config, is the incident.</li>
 * </ul>
 * What the recordings lack (the account, and for jira-to-analytics the status list) is answered with our own payloads.
 */
class JiraReplayTest {
    /** Surefire runs in the jobs module; shared/ sits beside the clone, so D/jobs/../../shared is D/../shared. */
    private static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures");
    private static final Path ANALYTICS = FIXTURES.resolve("jira/jira-to-analytics/jira-issues-search-response.json");
    private static final Path DEVLAKE = FIXTURES.resolve("devlake/backend/plugins/jira/e2e/raw_tables");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private FakeApiServer jira;

    @AfterEach
    void stop() {
        if (jira != null) {
            jira.close();
        }
    }

    private static void requirePresent(Path recording) {
        String reason = "Jira recordings not found at " + recording.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): Jira replay skipped";
        if (!Files.exists(recording)) {
            System.out.println("[JiraReplayTest] " + reason);
        }
        assumeTrue(Files.exists(recording), reason);
    }

    private OutputLocation output() {
        return OutputLocation.open(folder.resolve("out").toString(), new Configuration());
    }

    @Test
    void recordedSearchWithChangelogs() throws IOException {
        requirePresent(ANALYTICS);
        JsonNode recorded = JSON.readTree(ANALYTICS.toFile());
        jira = FakeJira.startDataCenter();
        DoraConfig config = FakeJira.config(folder, """
                    - base_url: %s
                      deployment: data_center
                      token_env: JIRA_TOKEN
                      jql: project = UT
                      incident_types: [Bug]
                      bug_types: []
                      service: {map: {Team 3: payments-api, Team 6: payments-api}}
                      page_size: 25
                """.formatted(jira.baseUrl()));
        JiraSource source = config.sources().jira().get(0);
        jira.on("/rest/api/2/myself", FakeJira.json("data-center/myself.json"))
                .on("/rest/api/2/status", text(200, JSON.writeValueAsString(statusesOf(recorded))))
                .on(FakeJira.firstSearch(source, FakeJira.fields()), text(200, Files.readString(ANALYTICS)));

        FakeJira.collector(source, output(), false).collect((repo, sha) -> { });
        ApiRecords records = JiraRecords.read(config, source, output(), Instant.parse("2026-01-01T00:00:00Z"));
        Map<String, Incident> incidents = records.incidents().stream().collect(Collectors.toMap(Incident::id, i -> i));

        assertEquals(List.of("UT-26", "UT-42", "UT-47"), incidents.keySet().stream().sorted().toList(), "the three bugs; 22 stories are not");
        assertEquals(Instant.parse("2015-11-21T12:03:02Z"), incidents.get("UT-26").openedAt(), "07:03:02.000-0500");
        assertNull(incidents.get("UT-26").resolvedAt(), "in Test");
        assertEquals(List.of(), incidents.get("UT-26").services(), "component Team 1 maps to no service");
        assertEquals(Instant.parse("2015-12-10T13:44:08.737Z"), incidents.get("UT-42").resolvedAt(),
                "no resolutiondate: its move Test → Done, 08:44:08.737-0500");
        assertEquals(List.of("payments-api"), incidents.get("UT-42").services());
        assertEquals(Instant.parse("2016-03-29T11:19:53.759Z"), incidents.get("UT-47").resolvedAt(), "Analysis Active → Done, in EDT (-0400)");
        assertNull(incidents.get("UT-47").severity(), "the recording's priorities are null");
        assertEquals(List.of("UT-26 fields.components flagged"), records.rejects().stream()
                .map(r -> r.recordId() + " " + r.field() + " " + r.action().label()).toList());
        assertEquals(25, records.seen());
    }

    /**
     * The statuses the issues are in (the recording's own objects), plus the two its changelogs move through and no
     * issue is in any more: Backlog and Analysis Active, whose categories are written here (to do, in progress).
     */
    private static ArrayNode statusesOf(JsonNode search) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        search.get("issues").forEach(issue -> byId.put(issue.at("/fields/status/id").asText(), issue.at("/fields/status")));
        ArrayNode statuses = JSON.createArrayNode();
        statuses.addAll(byId.values());
        statuses.add(JSON.createObjectNode().put("id", "10002").put("name", "Backlog")
                .set("statusCategory", JSON.createObjectNode().put("id", 2).put("key", "new")));
        statuses.add(JSON.createObjectNode().put("id", "10100").put("name", "Analysis Active")
                .set("statusCategory", JSON.createObjectNode().put("id", 4).put("key", "indeterminate")));
        return statuses;
    }

    @Test
    void recordedChineseCloudSite() throws IOException {
        requirePresent(DEVLAKE.resolve("_raw_jira_api_issues.csv"));
        // Board 8 of connection 2 is the Chinese site; its status list was recorded from the same connection.
        List<JsonNode> issues = rows("_raw_jira_api_issues.csv", "{\"ConnectionId\":2,\"BoardId\":8}");
        List<JsonNode> statuses = rows("_raw_jira_api_status.csv", "{\"ConnectionId\":2,\"BoardId\":8}");
        jira = FakeJira.startCloud();
        DoraConfig config = FakeJira.config(folder, """
                    - base_url: %s
                      deployment: cloud
                      email: sre-bot@acme.example
                      token_env: JIRA_TOKEN
                      projects: [EE]
                      incident_types: [缺陷]
                      bug_types: []
                      page_size: 100
                """.formatted(jira.baseUrl()));
        JiraSource source = config.sources().jira().get(0);
        ArrayNode page = JSON.createArrayNode();
        page.addAll(issues);
        jira.on("/rest/api/2/myself", FakeJira.json("cloud/myself.json"))
                .on("/rest/api/2/status", text(200, JSON.writeValueAsString(statuses)))
                .on(FakeJira.firstSearch(source, FakeJira.fields()),
                        text(200, JSON.writeValueAsString(JSON.createObjectNode().put("isLast", true).set("issues", page))));

        FakeJira.collector(source, output(), false).collect((repo, sha) -> { });
        ApiRecords records = JiraRecords.read(config, source, output(), Instant.parse("2026-01-01T00:00:00Z"));

        assertEquals(List.of("EE-23"), records.incidents().stream().map(Incident::id).toList(), "the one issue of type 缺陷 (Bug)");
        Incident bug = records.incidents().get(0);
        assertEquals(Instant.parse("2020-06-12T00:33:57.204Z"), bug.openedAt(), "08:33:57.204+0800");
        assertEquals(Instant.parse("2020-06-15T09:07:56.798Z"), bug.resolvedAt(),
                "its resolutiondate, 17:07:56.798+0800; closed two days later, moved to 已完成 (done) in 2021");
        assertEquals("Medium", bug.severity());
        assertTrue(records.rejects().stream().noneMatch(r -> r.action() == Reject.Action.REJECTED), records.rejects().toString());
        assertTrue(records.rejects().stream().anyMatch(r -> "EE-23".equals(r.recordId()) && "changelog".equals(r.field())
                && r.reason().contains("statuses Jira no longer lists [5 Resolved]")),
                "its changelog passes through Resolved (id 5), which the site's status list no longer has: " + records.rejects());
        assertEquals(issues.size(), records.seen());
    }

    /** The {@code data} column of a DevLake raw table's rows for one connection and board: one API record each. */
    private static List<JsonNode> rows(String table, String params) throws IOException {
        List<CsvRecords.CsvRecord> records = CsvRecords.split(Files.readString(DEVLAKE.resolve(table)));
        List<String> header = records.get(0).fields();
        List<JsonNode> rows = new ArrayList<>();
        for (CsvRecords.CsvRecord record : records.subList(1, records.size())) {
            if (record.fields().get(header.indexOf("params")).equals(params)) {
                rows.add(JSON.readTree(record.fields().get(header.indexOf("data"))));
            }
        }
        return rows;
    }
}
