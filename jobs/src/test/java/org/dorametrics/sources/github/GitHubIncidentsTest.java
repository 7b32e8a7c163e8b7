package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;
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
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issues as incidents by label or title, with severity, services and the references attribution follows. */
class GitHubIncidentsTest {
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");
    private static final String ISSUES = "/repos/acme/deploys/issues?state=all&sort=updated&direction=asc";

    @TempDir
    Path folder;

    private FakeApiServer github;
    private DoraConfig config;
    private OutputLocation output;

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(FakeGitHub.start(), GitHubFixtures.SHAS);
        github.on(ISSUES + "&per_page=100", json("acme-deploys/issues.json"));
        config = config("""
                {labels: [incident], title: "(?i)outage", severity: "(?i)^sev-?(\\\\d)$", services: {"svc:worker": deploys-worker}}""");
        output = OutputLocation.open(config.output(), new Configuration());
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private DoraConfig config(String incidents) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: deploys, path: git/deploys.git}]
                services: [{name: deploys-api, repo: deploys}, {name: deploys-worker, repo: deploys}]
                teams: [{name: deploys, services: [deploys-api, deploys-worker]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      deployments: false
                      pull_requests: false
                      repositories:
                        - {github: acme/deploys, repo: deploys, service: deploys-api, incidents: %s}
                """.formatted(github.baseUrl(), incidents));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    private ApiRecords collectAndRead() {
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output).collect((repo, sha) -> { });
        return GitHubRecords.read(config, config.sources().github().get(0), output, LATER);
    }

    private static Map<String, Incident> byId(List<Incident> incidents) {
        Map<String, Incident> byId = new TreeMap<>();
        incidents.forEach(i -> byId.put(i.id(), i));
        return byId;
    }

    @Test
    void issuesWithAnIncidentLabelOrAnOutageTitleAreIncidents() {
        ApiRecords records = collectAndRead();

        Map<String, Incident> incidents = byId(records.incidents());
        assertEquals(List.of("github:acme/deploys#31", "github:acme/deploys#32", "github:acme/deploys#37"), List.copyOf(incidents.keySet()),
                "not #33 (not planned), #34 (a bug), #35 (a pull request); #36 is rejected");
        Incident payments = incidents.get("github:acme/deploys#31");
        assertEquals(Instant.parse("2026-03-03T09:30:00Z"), payments.openedAt());
        assertEquals(Instant.parse("2026-03-03T11:00:00Z"), payments.resolvedAt());
        assertEquals(List.of("deploys-api"), payments.services(), "the repository's service");
        assertEquals("1", payments.severity(), "sev1, by the pattern's group");
        assertEquals("github:acme/deploys:run/5003", payments.deploymentRef(), "the workflow run URL in its body");
        assertEquals("aa".repeat(20), payments.commitRef());
        assertEquals(7L, payments.prRef());
        assertEquals("https://github.com/acme/deploys/issues/31", payments.url());

        Incident outage = incidents.get("github:acme/deploys#32");
        assertNull(outage.resolvedAt(), "still open");
        assertEquals("github:acme/deploys:1004", outage.deploymentRef(), "the words 'deployment 1004'");
        assertEquals("dd".repeat(20), outage.commitRef());

        Incident worker = incidents.get("github:acme/deploys#37");
        assertEquals(List.of("deploys-worker"), worker.services(), "svc:worker names the service");
        assertEquals("3", worker.severity(), "the pattern's group");

        Reject notPlanned = records.rejects().stream().filter(r -> r.recordId().endsWith("#33")).findFirst().orElseThrow();
        assertEquals(Reject.Action.FLAGGED, notPlanned.action());
        assertEquals("state_reason", notPlanned.field());
        Reject noOpening = records.rejects().stream().filter(r -> r.recordId().endsWith("#36")).findFirst().orElseThrow();
        assertEquals(Reject.Action.REJECTED, noOpening.action());
        assertEquals("created_at", noOpening.field());
        assertTrue(noOpening.rawPayload().contains("Queue backed up"), noOpening.rawPayload());
        assertEquals(2, records.rejects().size());
        assertEquals(1, records.rejected());
    }

    @Test
    void aSecondCollectAsksForIssuesUpdatedSinceTheWatermarkAndKeepsTheLatestCopy() {
        collectAndRead();
        String since = ISSUES + "&since=2026-03-04T09:30:01Z&per_page=100";
        github.on(since, json("acme-deploys/issues-since.json"));

        Map<String, Incident> incidents = byId(collectAndRead().incidents());

        assertEquals(1, github.requests(since).size(), "the latest update 03-05 09:30:01 less a day");
        assertEquals(Instant.parse("2026-03-05T18:00:00Z"), incidents.get("github:acme/deploys#32").resolvedAt());
        assertEquals(3, incidents.size());
    }

    @Test
    void theRuleIsCheckedAtLoad() {
        DoraException error = assertThrows(DoraException.class, () -> config("{severity: sev}"));
        assertTrue(error.getMessage().contains("expected labels"), error.getMessage());
        error = assertThrows(DoraException.class, () -> config("{labels: [incident], services: {\"svc:x\": nobody}}"));
        assertTrue(error.getMessage().contains("incidents.services.svc:x: expected a service name"), error.getMessage());
        error = assertThrows(DoraException.class, () -> config("{title: \"(\"}"));
        assertTrue(error.getMessage().contains("incidents.title"), error.getMessage());
    }
}
