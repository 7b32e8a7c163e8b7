package org.dorametrics.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.dorametrics.collect.RawRecord;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordParsersTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String GOOD_DEPLOYMENT = "{\"id\":\"d1\",\"service\":\"api\",\"environment\":\"Production\",\"status\":\"success\","
            + "\"started_at\":\"2026-03-02T12:50:00+01:00\",\"finished_at\":\"2026-03-02T13:00:00+01:00\",\"commit_sha\":\"" + SHA + "\","
            + "\"repo\":\"api\",\"labels\":[\"hotfix\",\"web\"],\"url\":\"https://ci/1\"}";
    private static final String INCIDENT_HEADER = "id,services,severity,opened_at,resolved_at,title,deployment_id,commit_sha,pr,url";

    @TempDir
    Path folder;
    private RecordParsers parsers;

    @BeforeEach
    void config() throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                repos: [{name: api, path: api}, {name: web, path: web}]
                services: [{name: api, repo: api}, {name: web, repo: web}]
                teams: [{name: core, services: [api, web]}]
                """);
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(file);
        parsers = new RecordParsers(config);
    }

    @Test
    void jsonDeploymentIsReadWithOffsetsAndProductionRule() throws RecordProblem {
        Deployment deployment = parsers.deployment(json(GOOD_DEPLOYMENT));
        assertEquals(Instant.parse("2026-03-02T12:00:00Z"), deployment.finishedAt(), "the +01:00 offset is applied");
        assertTrue(deployment.production(), "Production matches the default rule case-insensitively");
        assertEquals(Deployment.Status.SUCCESS, deployment.status());
        assertEquals(List.of("hotfix", "web"), deployment.labels());
        assertEquals("api", deployment.repo());
        assertNull(deployment.branch());
    }

    @Test
    void csvDeploymentReadsTheSameFieldsAsJson() throws RecordProblem {
        RawRecord row = new RawRecord("file:deployments.csv", null, 2L, "2026-03-09T00:00:00Z", "csv",
                "id,service,environment,status,started_at,finished_at,commit_sha,repo,url,trigger,branch,labels",
                "d1,api,prod,FAILURE,,2026-03-02 12:00:00+00:00," + SHA.toUpperCase() + ",,,push,hotfix/login,\"web, urgent\"");
        Deployment deployment = parsers.deployment(row);
        assertEquals(Deployment.Status.FAILURE, deployment.status(), "status is case-insensitive");
        assertEquals(Instant.parse("2026-03-02T12:00:00Z"), deployment.finishedAt(), "a space may separate date and time");
        assertNull(deployment.startedAt());
        assertEquals(SHA, deployment.revision(), "revisions are kept in lower case");
        assertEquals(List.of("web", "urgent"), deployment.labels());
        assertEquals("hotfix/login", deployment.branch());
        assertEquals("push", deployment.trigger());
    }

    @Test
    void csvIncidentReadsListsAndOpenIncidents() throws RecordProblem {
        Incident incident = parsers.incident(csv(INCIDENT_HEADER, "INC-1,\"web, api\",sev1,2026-03-02T10:00:00Z,,Down,,,#42,"));
        assertEquals(List.of("api", "web"), incident.services());
        assertNull(incident.resolvedAt(), "empty resolved_at means still open");
        assertEquals(42L, incident.prRef());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON | {\"id\": \"d1\", | | malformed JSON",
        "missing field | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"success\",\"commit_sha\":\"" + SHA + "\"} | finished_at | required field is missing or empty",
        "no offset | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"success\",\"finished_at\":\"2026-09-01T10:00:00\",\"commit_sha\":\"" + SHA + "\"} | finished_at | timestamp '2026-09-01T10:00:00' has no UTC offset",
        "not a timestamp | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"success\",\"finished_at\":\"yesterday\",\"commit_sha\":\"" + SHA + "\"} | finished_at | expected an ISO-8601 timestamp with offset, got 'yesterday'",
        "unknown service | {\"id\":\"d1\",\"service\":\"legacy-billing\",\"environment\":\"prod\",\"status\":\"success\",\"finished_at\":\"2026-09-01T10:00:00Z\",\"commit_sha\":\"" + SHA + "\"} | service | unknown service 'legacy-billing'",
        "unknown status | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"ok\",\"finished_at\":\"2026-09-01T10:00:00Z\",\"commit_sha\":\"" + SHA + "\"} | status | expected success, failure or cancelled, got 'ok'",
        "bad sha | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"success\",\"finished_at\":\"2026-09-01T10:00:00Z\",\"commit_sha\":\"main\"} | commit_sha | expected a commit id of 7 to 40 hex digits, got 'main'",
        "finished before started | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"success\",\"started_at\":\"2026-09-01T11:00:00Z\",\"finished_at\":\"2026-09-01T10:00:00Z\",\"commit_sha\":\"" + SHA + "\"} | finished_at | finished_at 2026-09-01T10:00:00Z is before started_at 2026-09-01T11:00:00Z",
        "repo of another service | {\"id\":\"d1\",\"service\":\"api\",\"environment\":\"prod\",\"status\":\"success\",\"finished_at\":\"2026-09-01T10:00:00Z\",\"commit_sha\":\"" + SHA + "\",\"repo\":\"web\"} | repo | service api lives in repo 'api', not 'web'",
        "list where text expected | {\"id\":[\"d1\"]} | id | expected a text value, got a list",
    })
    void badDeploymentNamesFieldAndProblem(String why, String payload, String field, String reason) {
        RecordProblem problem = assertThrows(RecordProblem.class, () -> parsers.deployment(json(payload)));
        assertEquals(field, problem.field());
        assertTrue(problem.getMessage().startsWith(reason), problem.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "resolved before opened | INC-1,api,sev1,2026-03-02T10:00:00Z,2026-03-02T09:00:00Z,t,,,, | resolved_at | resolved_at 2026-03-02T09:00:00Z is before opened_at 2026-03-02T10:00:00Z",
        "unknown service | INC-1,\"api,ghost\",sev1,2026-03-02T10:00:00Z,,t,,,, | services | unknown service 'ghost'",
        "wrong field count | INC-1,api,sev1 | | malformed CSV row: 3 fields where the header has 10",
        "unclosed quote | INC-1,\"api,sev1,2026-03-02T10:00:00Z,,t,,,, | | malformed CSV row: a quoted field is not closed",
        "bad pr | INC-1,api,sev1,2026-03-02T10:00:00Z,,t,,,PR-9, | pr | expected a pull request number such as 123 or #123, got 'PR-9'",
    })
    void badIncidentNamesFieldAndProblem(String why, String row, String field, String reason) {
        RecordProblem problem = assertThrows(RecordProblem.class, () -> parsers.incident(csv(INCIDENT_HEADER, row)));
        assertEquals(field, problem.field());
        assertTrue(problem.getMessage().startsWith(reason), problem.getMessage());
    }

    @Test
    void incidentWithoutServiceIsKept() throws RecordProblem {
        assertEquals(List.of(), parsers.incident(csv(INCIDENT_HEADER, "INC-1,,sev1,2026-03-02T10:00:00Z,,Down,,,,")).services());
    }

    @Test
    void recordIdIsReadEvenFromARecordThatIsRejected() {
        assertEquals("d9", RecordParsers.recordId(json("{\"id\":\"d9\",\"service\":\"nope\"}")));
        assertNull(RecordParsers.recordId(json("not json")));
    }

    private static RawRecord json(String payload) {
        return new RawRecord("file:deployments.jsonl", null, 3L, "2026-03-09T00:00:00Z", "jsonl", null, payload);
    }

    private static RawRecord csv(String header, String payload) {
        return new RawRecord("file:incidents.csv", null, 2L, "2026-03-09T00:00:00Z", "csv", header, payload);
    }
}
