package org.dorametrics.sources.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.collect.CsvRecords;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Reject;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays real Jenkins payloads ({@code shared/fixtures}, read in place, never copied) through the local server, the
 * collector and normalize; each test is skipped, with the reason, when its recordings are absent.
 * <ul>
 * <li>{@code jenkins/jenkins-rest}: a build with git change sets and parameters, a build without git, and the
 * {@code wfapi} stage history of a pipeline. These were recorded one build at a time, so the test wraps each build's
 * exact text in the {@code {"allBuilds": [...]}} page collect asks for; the builds list of the pipeline was not recorded
 * and is written here (two runs naming a made-up commit).</li>
 * <li>{@code devlake/backend/plugins/jenkins}: the builds DevLake fetched from a multibranch project (one raw row per
 * build, column {@code data}), served per branch job in a job tree built from its raw job rows; what we make of them
 * is compared with DevLake's own snapshot tables of the same builds.</li>
 * </ul>
 */
class JenkinsReplayTest {
    /** Surefire runs in the jobs module; shared/ sits beside the clone, so D/jobs/../../shared is D/../shared. */
    private static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures");
    private static final Path JENKINS_REST = FIXTURES.resolve("jenkins/jenkins-rest/src/test/resources");
    private static final Path DEVLAKE = FIXTURES.resolve("devlake/backend/plugins/jenkins/e2e");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CUTOFF = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path folder;

    private FakeApiServer jenkins;

    @BeforeEach
    void start() throws IOException {
        jenkins = FakeJenkins.start();
    }

    @AfterEach
    void stop() {
        jenkins.close();
    }

    private static void assumePresent(Path recordings, String what) {
        String reason = what + " not found at " + recordings.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): Jenkins replay skipped";
        if (!Files.isDirectory(recordings)) {
            System.out.println("[JenkinsReplayTest] " + reason);
        }
        assumeTrue(Files.isDirectory(recordings), reason);
    }

    private ApiRecords collectAndRead(String jobs) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: app, path: git/app.git}]
                services: [{name: app, repo: app}]
                teams: [{name: app, services: [app]}]
                sources:
                  jenkins:
                    - base_url: %s
                      user: dora-bot
                      token_env: JENKINS_TOKEN
                      jobs:
                %s""".formatted(jenkins.baseUrl(), jobs));
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(file);
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        FakeJenkins.collector(config, output, Instant.now(), false, FakeJenkins.TOKEN).collect((repo, sha) -> { });
        return JenkinsRecords.read(config, config.sources().jenkins().get(0), output, CUTOFF);
    }

    private static String page(List<String> builds) {
        return "{\"_class\":\"hudson.model.FreeStyleProject\",\"allBuilds\":[" + String.join(",", builds) + "]}";
    }

    @Test
    void jenkinsRestBuildsAndPipelineStages() throws Exception {
        assumePresent(JENKINS_REST, "jenkins-rest recordings");
        String withGit = Files.readString(JENKINS_REST.resolve("build-info-git-commit.json"));
        String withoutGit = Files.readString(JENKINS_REST.resolve("build-info.json"));
        jenkins.on(FakeJenkins.builds("fish", 0, 100), FakeApiServer.text(200, page(List.of(withGit))));
        jenkins.on(FakeJenkins.builds("fish-without-git", 0, 100), FakeApiServer.text(200, page(List.of(withoutGit))));
        String workflow = "Test Workflow";
        jenkins.on(FakeJenkins.builds(workflow, 0, 100), FakeApiServer.text(200, page(List.of(
                "{\"number\":16,\"result\":\"SUCCESS\",\"building\":false,\"timestamp\":1413461275770,\"duration\":10229,"
                        + "\"changeSets\":[{\"items\":[{\"commitId\":\"" + "16".repeat(20) + "\"}]}]}",
                "{\"number\":15,\"result\":\"SUCCESS\",\"building\":false,\"timestamp\":1413459910289,\"duration\":26781,"
                        + "\"changeSets\":[{\"items\":[{\"commitId\":\"" + "15".repeat(20) + "\"}]}]}"))));
        List<ApiJson.Element> runs = ApiJson.elements(Files.readString(JENKINS_REST.resolve("runHistory.json")));
        jenkins.on(JenkinsPages.stagesPath(workflow, 16), FakeApiServer.text(200, Files.readString(JENKINS_REST.resolve("workflow.json"))));
        jenkins.on(JenkinsPages.stagesPath(workflow, 15), FakeApiServer.text(200, runs.get(1).text()));

        ApiRecords records = collectAndRead("""
                        - {name: fish, service: app, environment_parameter: fish}
                        - {name: fish-without-git, service: app}
                        - {name: "Test Workflow", service: app, stage: "^Deploy$"}
                """);

        Map<String, Deployment> deployments = records.deployments().stream().collect(Collectors.toMap(Deployment::id, Function.identity()));
        assertEquals(List.of("jenkins:jenkins:Test Workflow#15", "jenkins:jenkins:fish#10"), deployments.keySet().stream().sorted().toList());
        Deployment fish = deployments.get("jenkins:jenkins:fish#10");
        assertEquals("d27afa0805201322d846d7defc29b82c88d9b5ce", fish.revision(), "the commit of its git change set");
        assertEquals("salmon", fish.environment(), "the value of its 'fish' parameter");
        assertFalse(fish.production());
        assertEquals(Deployment.Status.SUCCESS, fish.status());
        assertEquals(Instant.ofEpochMilli(1461091892486L + 60750), fish.finishedAt());
        assertEquals(withGit.strip(), fish.rawPayload(), "the recorded text, exactly");
        Deployment fifteen = deployments.get("jenkins:jenkins:Test Workflow#15");
        assertEquals(Instant.ofEpochMilli(1413459922041L + 15029), fifteen.finishedAt(), "the end of its Deploy stage");
        assertEquals(Instant.ofEpochMilli(1413459922041L), fifteen.startedAt());
        assertEquals(jenkins.baseUrl() + "/job/Test%20Workflow/15/wfapi/describe",
                jenkins.baseUrl() + jenkins.requests(JenkinsPages.stagesPath(workflow, 15)).get(0).target());

        assertEquals(1, records.rejects().size(), records.rejects().toString());
        Reject noGit = records.rejects().get(0);
        assertEquals("jenkins:jenkins:fish-without-git#10", noGit.recordId());
        assertEquals("actions.lastBuiltRevision", noGit.field());
        assertEquals(withoutGit.strip(), noGit.rawPayload());
        assertEquals(4, records.seen(), "#16 waits for input in its Deploy stage: no deployment, no reject");
    }

    @Test
    void devlakeMultibranchBuildsAgreeWithDevLakesSnapshots() throws Exception {
        assumePresent(DEVLAKE, "DevLake Jenkins tables");
        Map<String, List<JsonNode>> buildsByJob = new TreeMap<>();
        Map<String, List<String>> textsByJob = new HashMap<>();
        for (Map<String, String> row : csv(DEVLAKE.resolve("raw_tables/_raw_jenkins_api_builds_multibranch.csv"))) {
            String job = JSON.readTree(row.get("input")).get("FullName").asText();
            buildsByJob.computeIfAbsent(job, j -> new ArrayList<>()).add(JSON.readTree(row.get("data")));
            textsByJob.computeIfAbsent(job, j -> new ArrayList<>()).add(row.get("data"));
        }
        for (String job : buildsByJob.keySet()) {
            // Newest first, as Jenkins lists them.
            List<String> texts = textsByJob.get(job);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingLong((Integer i) -> buildsByJob.get(job).get(i).get("number").asLong()).reversed());
            jenkins.on(FakeJenkins.builds(job, 0, 100), FakeApiServer.text(200, page(order.stream().map(texts::get).toList())));
        }
        List<String> branchJobs = new ArrayList<>();
        for (Map<String, String> row : csv(DEVLAKE.resolve("raw_tables/_raw_jenkins_api_jobs_multibranch.csv"))) {
            branchJobs.add(row.get("data"));
        }
        jenkins.on(FakeJenkins.LISTING, FakeApiServer.text(200, "{\"_class\":\"hudson.model.Hudson\",\"jobs\":[{\"name\":\"github_org\","
                + "\"jobs\":[{\"name\":\"devlake-jenkins\",\"jobs\":[" + String.join(",", branchJobs) + "]}]}]}"));

        ApiRecords records = collectAndRead("""
                        - {regex: "github_org/devlake-jenkins/.*", service: app}
                """);

        Map<String, Deployment> ours = new HashMap<>();
        records.deployments().forEach(d -> ours.put(d.id().substring("jenkins:jenkins:".length()), d));
        Map<String, String> devlakeCommits = new HashMap<>();
        for (Map<String, String> row : csv(DEVLAKE.resolve("snapshot_tables/_tool_jenkins_build_commits_multibranch.csv"))) {
            devlakeCommits.put(row.get("build_name"), row.get("commit_sha"));
        }
        List<Map<String, String>> pipelines = csv(DEVLAKE.resolve("snapshot_tables/cicd_pipelines_multibranch.csv"));
        assertEquals(15, pipelines.size());
        int compared = 0;
        for (Map<String, String> pipeline : pipelines) {
            String build = pipeline.get("name");
            if (!devlakeCommits.containsKey(build)) {
                assertFalse(ours.containsKey(build), build + ": DevLake found no commit, neither do we");
                continue;
            }
            Deployment deployment = ours.get(build);
            assertEquals(devlakeCommits.get(build), deployment.revision(), build);
            // The documented difference: DevLake cuts the start (timestamp) to whole seconds before adding the duration.
            Instant devlakeFinished = OffsetDateTime.parse(pipeline.get("finished_date")).toInstant();
            assertEquals(devlakeFinished.plusMillis(deployment.startedAt().toEpochMilli() % 1000), deployment.finishedAt(),
                    build + ": timestamp + duration");
            String original = pipeline.get("original_result");
            Deployment.Status expected = switch (original) {
                case "SUCCESS" -> Deployment.Status.SUCCESS;
                case "FAILURE" -> Deployment.Status.FAILURE;
                default -> Deployment.Status.CANCELLED;
            };
            assertEquals(expected, deployment.status(), build);
            if (original.equals("ABORTED")) {
                // The documented difference: DevLake counts an aborted build as a failure; it is a cancelled deployment here.
                assertEquals("FAILURE", pipeline.get("result"), build);
            }
            compared++;
        }
        assertEquals(13, compared, "every build DevLake tied to a commit");
        assertEquals(List.of("feature-2#4", "feature-2#5"), records.rejects().stream().map(r -> r.recordId().replaceAll(".*/", ""))
                .sorted().toList(), "the two failed builds that never checked out: no revision to deploy");
        assertTrue(records.rejects().stream().allMatch(r -> "actions.lastBuiltRevision".equals(r.field())));
    }

    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<CsvRecords.CsvRecord> rows = CsvRecords.split(Files.readString(file));
        List<String> header = CsvRecords.parseFields(rows.get(0).text());
        List<Map<String, String>> records = new ArrayList<>();
        for (CsvRecords.CsvRecord row : rows.subList(1, rows.size())) {
            List<String> fields = CsvRecords.parseFields(row.text());
            Map<String, String> record = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                record.put(header.get(i), fields.get(i));
            }
            records.add(record);
        }
        return records;
    }
}
