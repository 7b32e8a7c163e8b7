package org.dorametrics.sources.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A feed folder picked up into the raw zone run after run, and read back through the file formats' parsers. */
class FeedTest {
    private static final Instant FIRST = Instant.parse("2026-03-06T00:00:00Z");
    private static final Instant SECOND = Instant.parse("2026-03-07T00:00:00Z");
    private static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    @TempDir
    Path work;

    private Path deploys;
    private Path incidents;
    private DoraConfig config;
    private OutputLocation output;

    @BeforeEach
    void setUp() throws IOException {
        deploys = Files.createDirectories(work.resolve("feeds/deploys"));
        incidents = Files.createDirectories(work.resolve("feeds/incidents"));
        Path file = Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  feeds:
                    - {name: deploys, folder: feeds/deploys, kind: deployments}
                    - {name: alerts, folder: feeds/incidents, kind: incidents}
                """);
        config = ConfigLoader.withEnvironment(Map.of()).read(file);
        output = OutputLocation.open(config.output(), new Configuration());
    }

    static String deployment(String id, String status, String finishedAt) {
        return """
                {
                  "id": "%s", "service": "payments-api", "environment": "production", "status": "%s",
                  "finished_at": "%s", "commit_sha": "%s", "trigger": "deploy.sh"
                }
                """.formatted(id, status, finishedAt, SHA);
    }

    private static void write(Path file, String content, String modifiedAt) throws IOException {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(modifiedAt)));
    }

    private List<String> collect(int feed, Instant runStartedAt, boolean full) {
        List<String> revisions = new ArrayList<>();
        new FeedCollector(config, config.sources().feeds().get(feed), output, runStartedAt, full).collect((repo, sha) -> revisions.add(repo + ":" + sha));
        return revisions;
    }

    private ApiRecords read(int feed) {
        return FeedRecords.read(config, config.sources().feeds().get(feed), output);
    }

    private static Map<String, Deployment> byId(List<Deployment> deployments) {
        return deployments.stream().collect(Collectors.toMap(Deployment::id, Function.identity()));
    }

    private List<String> manifest() throws IOException {
        return Files.readAllLines(work.resolve("out/raw/feeds/deploys/manifest.jsonl"));
    }

    @Test
    void documentsAreDeploymentsBadOnesRejectsWithTheirTextAndFilesBeingWrittenWait() throws IOException {
        write(deploys.resolve("pay-1.json"), deployment("pay-1", "success", "2026-03-02T12:00:00Z"), "2026-03-02T12:00:01Z");
        write(deploys.resolve("pay-2.json"), deployment("pay-2", "failure", "2026-03-03T12:00:00Z"), "2026-03-03T12:00:01Z");
        write(deploys.resolve("not-json.json"), "deployed pay-3 at noon\n", "2026-03-03T13:00:00Z");
        write(deploys.resolve("list.json"), "[" + deployment("pay-4", "success", "2026-03-03T14:00:00Z") + "]", "2026-03-03T14:00:01Z");
        write(deploys.resolve("no-sha.json"), "{\"id\": \"pay-5\", \"service\": \"payments-api\", \"environment\": \"production\","
                + " \"status\": \"success\", \"finished_at\": \"2026-03-03T15:00:00Z\"}", "2026-03-03T15:00:01Z");
        String half = deployment("pay-6", "success", "2026-03-04T12:00:00Z");
        write(deploys.resolve("pay-6.json.tmp"), half.substring(0, half.length() / 2), "2026-03-04T12:00:01Z");
        write(deploys.resolve(".pay-7.json"), deployment("pay-7", "success", "2026-03-04T13:00:00Z"), "2026-03-04T13:00:01Z");
        write(deploys.resolve("_pay-8.json"), deployment("pay-8", "success", "2026-03-04T14:00:00Z"), "2026-03-04T14:00:01Z");

        List<String> revisions = collect(0, FIRST, false);
        ApiRecords records = read(0);

        assertEquals(List.of("payments:" + SHA, "payments:" + SHA), revisions, "each deployment's revision, for git to mine");
        Map<String, Deployment> deployments = byId(records.deployments());
        assertEquals(List.of("pay-1", "pay-2"), deployments.keySet().stream().sorted().toList());
        Deployment one = deployments.get("pay-1");
        assertEquals("feed:deploys", one.source());
        assertEquals(Deployment.Status.SUCCESS, one.status());
        assertEquals(Instant.parse("2026-03-02T12:00:00Z"), one.finishedAt());
        assertEquals("deploy.sh", one.trigger());
        assertEquals(deployment("pay-1", "success", "2026-03-02T12:00:00Z"), one.rawPayload(), "the document, verbatim");
        assertEquals(Deployment.Status.FAILURE, deployments.get("pay-2").status());

        Map<String, Reject> rejects = records.rejects().stream().collect(Collectors.toMap(r -> r.reason().split(":")[0], Function.identity()));
        assertEquals(List.of("file list.json", "file no-sha.json", "file not-json.json"), rejects.keySet().stream().sorted().toList());
        assertEquals("deployed pay-3 at noon\n", rejects.get("file not-json.json").rawPayload());
        assertTrue(rejects.get("file not-json.json").reason().startsWith("file not-json.json: malformed JSON"), rejects.get("file not-json.json").reason());
        assertEquals("file list.json: malformed record: expected a JSON object", rejects.get("file list.json").reason());
        assertEquals("commit_sha", rejects.get("file no-sha.json").field());
        assertEquals("pay-5", rejects.get("file no-sha.json").recordId());
        assertEquals(5, records.seen());
        assertEquals(3, records.rejected());
        assertEquals(5, manifest().size(), "the temporary, hidden and underscore files are not documents yet");

        // The writer renames its temporary file when done: the next run picks it up.
        Files.writeString(deploys.resolve("pay-6.json.tmp"), half);
        Files.move(deploys.resolve("pay-6.json.tmp"), deploys.resolve("pay-6.json"));
        collect(0, SECOND, false);
        assertTrue(byId(read(0).deployments()).containsKey("pay-6"));
    }

    @Test
    void theNextRunReadsOnlyNewAndChangedFilesAndAChangedFilesRecordReplacesItsEarlierOne() throws IOException {
        write(deploys.resolve("pay-1.json"), deployment("pay-1", "success", "2026-03-02T12:00:00Z"), "2026-03-02T12:00:01Z");
        write(deploys.resolve("pay-2.json"), deployment("pay-2", "success", "2026-03-03T12:00:00Z"), "2026-03-03T12:00:01Z");
        collect(0, FIRST, false);
        List<String> first = manifest();

        write(deploys.resolve("pay-2.json"), deployment("pay-2", "failure", "2026-03-03T12:00:00Z"), "2026-03-05T09:00:00Z");
        write(deploys.resolve("pay-3.json"), deployment("pay-3", "cancelled", "2026-03-05T12:00:00Z"), "2026-03-05T12:00:01Z");
        Files.delete(deploys.resolve("pay-1.json"));
        collect(0, SECOND, false);

        List<String> second = manifest();
        assertEquals(List.of("pay-1.json", "pay-2.json", "pay-3.json"), second.stream().map(line -> line.replaceAll(".*\"file\":\"([^\"]+)\".*", "$1")).toList(),
                "a file removed from the folder stays ingested");
        assertEquals(first.get(0), second.get(0));
        assertTrue(second.get(1).contains("\"ingested_at\":\"2026-03-07T00:00:00Z\""), second.get(1));
        assertTrue(second.get(2).contains("\"ingested_at\":\"2026-03-07T00:00:00Z\""), second.get(2));
        try (Stream<Path> documents = Files.list(work.resolve("out/raw/feeds/deploys/documents"))) {
            assertEquals(4, documents.count(), "both versions of pay-2.json are kept verbatim");
        }
        ApiRecords records = read(0);
        Map<String, Deployment> deployments = byId(records.deployments());
        assertEquals(List.of("pay-1", "pay-2", "pay-3"), deployments.keySet().stream().sorted().toList());
        assertEquals(Deployment.Status.FAILURE, deployments.get("pay-2").status(), "the changed file's record, once");
        assertEquals(3, records.seen());

        // Touched but not changed: read again, recognised by its digest, not ingested anew.
        write(deploys.resolve("pay-3.json"), deployment("pay-3", "cancelled", "2026-03-05T12:00:00Z"), "2026-03-06T08:00:00Z");
        collect(0, Instant.parse("2026-03-08T00:00:00Z"), false);
        assertTrue(manifest().get(2).contains("\"ingested_at\":\"2026-03-07T00:00:00Z\"") && manifest().get(2).contains("2026-03-06T08:00:00Z"),
                manifest().get(2));
    }

    @Test
    void incidentDocumentsAreIncidents() throws IOException {
        write(incidents.resolve("INC-7.json"), """
                {"id": "INC-7", "services": ["payments-api"], "severity": "sev2", "opened_at": "2026-03-04T11:30:00Z",
                 "resolved_at": "2026-03-04T15:30:00Z", "title": "Card payments failing"}
                """, "2026-03-04T15:31:00Z");
        write(incidents.resolve("INC-8.json"), "{\"id\": \"INC-8\", \"services\": [\"nope\"], \"opened_at\": \"2026-03-05T10:00:00Z\"}",
                "2026-03-05T10:01:00Z");
        collect(1, FIRST, false);
        ApiRecords records = read(1);
        assertEquals(1, records.incidents().size());
        Incident incident = records.incidents().get(0);
        assertEquals("INC-7", incident.id());
        assertEquals(List.of("payments-api"), incident.services());
        assertEquals(Instant.parse("2026-03-04T15:30:00Z"), incident.resolvedAt());
        assertEquals("feed:alerts", incident.source());
        assertEquals("services", records.rejects().get(0).field());
        assertTrue(records.deployments().isEmpty());
    }

    @Test
    void aMissingFolderFailsTheSourceAndNormalizeSaysToCollect() throws IOException {
        Files.delete(deploys);
        DoraException error = assertThrows(DoraException.class, () -> collect(0, FIRST, false));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source feed:deploys: feed folder ") && error.getMessage().endsWith("does not exist"),
                error.getMessage());
        DoraException notCollected = assertThrows(DoraException.class, () -> read(0));
        assertTrue(notCollected.getMessage().contains("run `dora collect` first"), notCollected.getMessage());
        assertFalse(Files.exists(work.resolve("out/raw/feeds/deploys/manifest.jsonl")));
    }

    @Test
    void aDocumentThatIsNotUtf8IsRejectedNotFatal() throws IOException {
        Files.write(deploys.resolve("latin1.json"), "{\"id\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        collect(0, FIRST, false);
        Reject reject = read(0).rejects().get(0);
        assertEquals("file latin1.json: not UTF-8 text", reject.reason());
    }

    @Test
    void feedsAreCheckedWhenTheConfigIsLoaded() throws IOException {
        Path file = Files.writeString(work.resolve("bad.yaml"), """
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  feeds: [{name: deploys, folder: feeds/deploys, kind: builds}]
                """);
        DoraException error = assertThrows(DoraException.class, () -> ConfigLoader.withEnvironment(Map.of()).read(file));
        assertEquals("config sources.feeds[0].kind: expected deployments or incidents, got 'builds'", error.getMessage());
        Files.writeString(file, Files.readString(file).replace("kind: builds}]", "kind: deployments}, {name: again, folder: feeds/deploys/, kind: incidents}]"));
        DoraException twice = assertThrows(DoraException.class, () -> ConfigLoader.withEnvironment(Map.of()).read(file));
        assertTrue(twice.getMessage().startsWith("config sources.feeds[1].folder: folder "), twice.getMessage());
    }
}
