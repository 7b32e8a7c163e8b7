package org.dorametrics.sources.jira;

import static org.dorametrics.sources.jira.FakeJira.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Normalize of collected Jira pages: which issues are incidents, their services, severity, deployment, open and resolve times. */
class JiraRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AS_OF = Instant.parse("2026-03-09T00:00:00Z");

    @TempDir
    Path folder;

    private FakeApiServer jira;

    @AfterEach
    void stop() {
        if (jira != null) {
            jira.close();
        }
    }

    private OutputLocation output() {
        return OutputLocation.open(folder.resolve("out").toString(), new Configuration());
    }

    private DoraConfig collectedCloud() throws IOException {
        jira = FakeJira.startCloud();
        DoraConfig config = FakeJira.config(folder, FakeJira.cloudSource(jira.baseUrl()));
        FakeJira.serveCloud(jira, config.sources().jira().get(0));
        FakeJira.collector(config.sources().jira().get(0), output(), FakeJira.TOKEN, false, Instant.parse("2026-03-08T06:00:00Z"))
                .collect((repo, sha) -> { });
        return config;
    }

    private static Map<String, Incident> byId(ApiRecords records) {
        return records.incidents().stream().collect(Collectors.toMap(Incident::id, i -> i));
    }

    @Test
    void cloudIssuesWithLocalizedNamesBecomeIncidents() throws IOException {
        DoraConfig config = collectedCloud();
        ApiRecords records = JiraRecords.read(config, config.sources().jira().get(0), output(), AS_OF);
        Map<String, Incident> incidents = byId(records);

        assertEquals(List.of("OPS-1", "OPS-2", "OPS-3"), incidents.keySet().stream().sorted().toList(),
                "事件 by name, 缺陷 (id 10004) at 最高; not the story at 最高 (OPS-4), nor the bug at 高 (OPS-6); OPS-5 is rejected");
        Incident one = incidents.get("OPS-1");
        assertEquals("jira:jira", one.source());
        assertEquals(List.of("payments-api"), one.services(), "支付 through service.map");
        assertEquals("sev2", one.severity(), "高 through the severity map, by name");
        assertEquals(Instant.parse("2026-03-04T11:30:00Z"), one.openedAt());
        assertEquals(Instant.parse("2026-03-04T15:30:00Z"), one.resolvedAt(), "its resolutiondate");
        assertEquals("pay-0042", one.deploymentRef());
        assertEquals("支付失败：卡支付超时", one.title());
        assertEquals(jira.baseUrl() + "/browse/OPS-1", one.url());
        assertTrue(one.rawPayload().startsWith("{") && one.rawPayload().contains("\"key\": \"OPS-1\""), one.rawPayload());

        Incident two = incidents.get("OPS-2");
        assertNull(two.resolvedAt(), "reopened an hour after it was resolved: open again");
        assertEquals("sev1", two.severity(), "priority id 1");

        Incident three = incidents.get("OPS-3");
        assertEquals(Instant.parse("2026-03-06T10:00:00Z"), three.resolvedAt(),
                "no resolutiondate: its move into 已解决 (done) at 11:00 Berlin, from the whole changelog; 已关闭 later keeps it");
        assertEquals(List.of("payments-api"), three.services());

        Reject five = records.rejects().stream().filter(r -> "OPS-5".equals(r.recordId())).findFirst().orElseThrow();
        assertEquals(Reject.Action.REJECTED, five.action());
        assertEquals("fields.created", five.field());
        assertTrue(five.reason().contains("'06.03.2026 11:00'"), five.reason());
        assertTrue(FakeJira.resource("cloud/search-2.json").contains(five.rawPayload()), "the issue's exact text from the page");
        Reject storefront = records.rejects().stream().filter(r -> "OPS-3".equals(r.recordId())).findFirst().orElseThrow();
        assertEquals(Reject.Action.FLAGGED, storefront.action());
        assertEquals("fields.customfield_10042", storefront.field());
        assertTrue(storefront.reason().contains("[Storefront]"), storefront.reason());
        assertEquals(2, records.rejects().size(), records.rejects().toString());
        assertEquals(6, records.seen());
        assertEquals(1, records.rejected());
    }

    @Test
    void asOfAnEarlierDateAResolutionNotYetMadeIsOpen() throws IOException {
        DoraConfig config = collectedCloud();
        ApiRecords records = JiraRecords.read(config, config.sources().jira().get(0), output(), Instant.parse("2026-03-06T10:30:00Z"));
        Map<String, Incident> incidents = byId(records);
        assertEquals(Instant.parse("2026-03-06T10:00:00Z"), incidents.get("OPS-3").resolvedAt());
        records = JiraRecords.read(config, config.sources().jira().get(0), output(), Instant.parse("2026-03-06T09:45:00Z"));
        assertNull(byId(records).get("OPS-3").resolvedAt(), "in progress at 10:45 Berlin");
        assertNull(byId(JiraRecords.read(config, config.sources().jira().get(0), output(), Instant.parse("2026-03-05T09:30:00Z")))
                .get("OPS-2").resolvedAt(), "the first resolution came at 11:00 Berlin");
        assertEquals(Instant.parse("2026-03-05T10:00:00Z"), byId(JiraRecords.read(config, config.sources().jira().get(0), output(),
                Instant.parse("2026-03-05T11:00:00Z"))).get("OPS-2").resolvedAt(), "resolved, and reopened only at 12:00 Berlin");
    }

    @Test
    void theLatestCopyOfAnIssueWinsAfterAnIncrementalSearch() throws IOException {
        DoraConfig config = collectedCloud();
        JiraSource source = config.sources().jira().get(0);
        jira.on(JiraCollector.searchPath(source, Instant.parse("2026-03-06T08:15:00Z"), ZoneId.of(FakeJira.CLOUD_ZONE), FakeJira.CLOUD_FIELDS),
                json("cloud/search-since.json"));
        FakeJira.collector(source, output(), FakeJira.TOKEN, false, Instant.parse("2026-03-09T06:00:00Z")).collect((repo, sha) -> { });

        ApiRecords records = JiraRecords.read(config, source, output(), Instant.parse("2026-03-10T00:00:00Z"));

        assertEquals(3, records.incidents().size(), "OPS-2 once");
        assertEquals(Instant.parse("2026-03-05T14:00:00Z"), byId(records).get("OPS-2").resolvedAt(),
                "closed at 15:00 Berlin by a workflow that sets no resolution");
    }

    @Test
    void dataCenterIssuesWithComponentsAndAStaleResolutionDate() throws IOException {
        jira = FakeJira.startDataCenter();
        DoraConfig config = FakeJira.config(folder, FakeJira.dataCenterSource(jira.baseUrl()));
        JiraSource source = config.sources().jira().get(0);
        FakeJira.serveDataCenter(jira, source);
        FakeJira.collector(source, output(), false).collect((repo, sha) -> { });

        ApiRecords records = JiraRecords.read(config, source, output(), AS_OF);
        Map<String, Incident> incidents = byId(records);

        assertEquals(List.of("INC-1", "INC-2"), incidents.keySet().stream().sorted().toList());
        assertEquals(List.of("payments-api"), incidents.get("INC-1").services(), "a component named as the service");
        assertEquals("High", incidents.get("INC-1").severity(), "no severity map: the priority's name");
        assertEquals(List.of("payments-api"), incidents.get("INC-2").services(), "component Payments through service.map");
        assertEquals(Instant.parse("2026-03-05T10:00:00Z"), incidents.get("INC-2").resolvedAt(),
                "resolutiondate (08:30) is from before the reopening at 08:45: the close at 10:00 is the resolution");
        Reject three = records.rejects().get(0);
        assertEquals("INC-3", three.recordId());
        assertEquals("fields.issuetype", three.field());
        assertEquals("expected an object, got \"Incident\"", three.reason());
        assertTrue(three.rawPayload().contains("\"issuetype\": \"Incident\""), three.rawPayload());
    }

    @Test
    void aStatusJiraNoLongerListsIsTakenAsNotDoneAndFlagged() throws IOException {
        jira = FakeJira.startDataCenter();
        DoraConfig config = FakeJira.config(folder, FakeJira.dataCenterSource(jira.baseUrl()));
        JiraSource source = config.sources().jira().get(0);
        FakeJira.serveDataCenter(jira, source);
        // Resolved (id 5) deleted from the workflow since INC-2 passed through it: the list has Open, In Progress and Closed.
        String statuses = FakeJira.resource("data-center/statuses.json");
        ArrayNode kept = (ArrayNode) JSON.readTree(statuses);
        kept.remove(2);
        assertEquals("Closed", kept.get(2).get("name").asText());
        jira.on("/rest/api/2/status", FakeApiServer.text(200, JSON.writeValueAsString(kept)));
        FakeJira.collector(source, output(), false).collect((repo, sha) -> { });

        ApiRecords records = JiraRecords.read(config, source, output(), AS_OF);

        assertEquals(Instant.parse("2026-03-05T08:30:00Z"), byId(records).get("INC-2").resolvedAt(),
                "with Resolved not done, nothing reopened it: its resolutiondate stands");
        assertTrue(records.rejects().stream().anyMatch(r -> "INC-2".equals(r.recordId()) && r.action() == Reject.Action.FLAGGED
                && r.reason().contains("statuses Jira no longer lists [5 Resolved]")), records.rejects().toString());
        assertEquals(Instant.parse("2026-03-04T15:30:00Z"), byId(records).get("INC-1").resolvedAt(),
                "INC-1 is in Resolved now, and its own status says that is done");
    }

    @Test
    void aChangelogTheSearchCutAndCollectNeverCompletedIsFlagged() throws IOException {
        DoraConfig config = collectedCloud();
        deleteTree(folder.resolve("out/raw/jira/jira/changelog/OPS-3"));

        ApiRecords records = JiraRecords.read(config, config.sources().jira().get(0), output(), AS_OF);

        assertEquals(Instant.parse("2026-03-06T12:00:00Z"), byId(records).get("OPS-3").resolvedAt(),
                "from the one entry the search gave: the move into 已关闭");
        assertTrue(records.rejects().stream().anyMatch(r -> "OPS-3".equals(r.recordId()) && "changelog".equals(r.field())
                && r.reason().contains("gave 1 of its 3 changelog entries")), records.rejects().toString());
    }

    @Test
    void normalizeBeforeCollectSaysToCollect() throws IOException {
        DoraConfig config = FakeJira.config(folder, FakeJira.dataCenterSource("https://jira.acme.example"));
        DoraException error = assertThrows(DoraException.class,
                () -> JiraRecords.read(config, config.sources().jira().get(0), output(), AS_OF));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("run `dora collect` first"), error.getMessage());
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
