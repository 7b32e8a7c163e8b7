package org.dorametrics.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.collect.CsvRecords;
import org.dorametrics.collect.CsvRecords.CsvRecord;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.PullRequest;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the GitHub payloads DevLake's GitHub plugin recorded for its end-to-end test ({@code shared/fixtures/devlake/
 * backend/plugins/github/e2e/raw_tables}, panjf2000/ants, JSON in column {@code data}; read in place, never copied)
 * through the local server, our collector and normalize, and compares what we derive with what DevLake's own
 * {@code snapshot_tables} say for the same records: pull request times and commits, Actions runs as deployments (its
 * e2e types the CodeQL workflow's runs as deployments), issues by label (its e2e types label {@code bug} as BUG; we
 * read that label as the incident rule). Skipped, with the reason, when {@code ../shared} is absent.
 */
class DevLakeGitHubReplayTest {
    /** Surefire runs in the jobs module; shared/ sits beside the clone. */
    private static final Path E2E = Path.of("..", "..", "shared", "fixtures", "devlake", "backend", "plugins", "github", "e2e");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/repos/panjf2000/ants";
    private static final Instant CUTOFF = Instant.parse("2026-01-01T00:00:00Z");
    private static boolean skipReported;

    @TempDir
    Path folder;

    private FakeApiServer github;

    @BeforeEach
    void fixturesPresent() throws IOException {
        String reason = "DevLake GitHub e2e tables not found at " + E2E.toAbsolutePath().normalize()
                + " (../shared is absent next to this clone): DevLake GitHub replay skipped";
        if (!Files.isDirectory(E2E) && !skipReported) {
            skipReported = true;
            System.out.println("[DevLakeGitHubReplayTest] " + reason);
        }
        assumeTrue(Files.isDirectory(E2E), reason);
        github = FakeGitHub.start();
    }

    @AfterEach
    void stop() {
        if (github != null) {
            github.close();
        }
    }

    private ApiRecords replay() throws IOException {
        List<JsonNode> pulls = data("_raw_github_api_pull_requests.csv");
        pulls.sort(Comparator.comparing((JsonNode p) -> p.get("updated_at").asText()).reversed());
        github.on(API + "/pulls?state=all&sort=updated&direction=desc&per_page=100", page(pulls));
        Map<Long, List<JsonNode>> reviews = byInputNumber("_raw_github_api_pull_request_reviews.csv");
        Map<Long, List<JsonNode>> commits = byInputNumber("_raw_github_api_pull_request_commits.csv");
        for (JsonNode pull : pulls) {
            long number = pull.get("number").asLong();
            github.on(API + "/pulls/" + number + "/reviews?per_page=100", page(reviews.getOrDefault(number, List.of())));
            github.on(API + "/pulls/" + number + "/commits?per_page=100", page(commits.getOrDefault(number, List.of())));
        }
        github.on(API + "/pulls/comments?sort=updated&direction=asc&per_page=100", page(data("_raw_github_api_pull_request_review_comments.csv")));
        github.on(API + "/issues/comments?sort=updated&direction=asc&per_page=100", page(data("_raw_github_api_comments.csv")));
        github.on(API + "/issues?state=all&sort=updated&direction=asc&per_page=100", page(data("_raw_github_api_issues.csv")));
        ArrayNode runs = JSON.createArrayNode();
        data("_raw_github_api_runs.csv").forEach(runs::add);
        github.on(API + "/actions/runs?exclude_pull_requests=true&per_page=100", FakeApiServer.text(200,
                JSON.createObjectNode().put("total_count", runs.size()).set("workflow_runs", runs).toString()));

        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: ants, path: git/ants.git}]
                services: [{name: ants, repo: ants}]
                teams: [{name: ants, services: [ants]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      repositories:
                        - {github: panjf2000/ants, repo: ants, deployments_from: {workflow_runs: {workflow: CodeQL}}, incidents: {labels: [bug]}}
                """.formatted(github.baseUrl()));
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(file);
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output).collect((repo, sha) -> { });
        return GitHubRecords.read(config, config.sources().github().get(0), output, CUTOFF);
    }

    @Test
    void pullRequestsAgreeWithDevLakesExtraction() throws IOException {
        ApiRecords records = replay();

        Map<Long, PullRequest> ours = records.pullRequests().stream().collect(Collectors.toMap(PullRequest::number, Function.identity()));
        Map<Long, Map<String, String>> devlake = new TreeMap<>();
        for (Map<String, String> row : snapshot("_tool_github_pull_requests.csv")) {
            if (!row.get("merged_at").isEmpty()) {
                devlake.put(Long.parseLong(row.get("number")), row);
            }
        }
        assertEquals(devlake.keySet(), new TreeSet<>(ours.keySet()), "the same merged pull requests, each once (the recording lists one twice)");
        for (Map.Entry<Long, Map<String, String>> entry : devlake.entrySet()) {
            PullRequest pull = ours.get(entry.getKey());
            Map<String, String> row = entry.getValue();
            assertEquals(instant(row.get("github_created_at")), pull.createdAt(), "#" + entry.getKey());
            assertEquals(instant(row.get("merged_at")), pull.mergedAt(), "#" + entry.getKey());
            assertEquals(row.get("merge_commit_sha"), pull.mergeSha(), "#" + entry.getKey());
            assertEquals(row.get("head_commit_sha"), pull.headSha(), "#" + entry.getKey());
        }

        // First review: never later than the earliest review by someone else that DevLake extracted (a comment may be earlier).
        Map<Long, String> authors = new TreeMap<>();
        data("_raw_github_api_pull_requests.csv").forEach(p -> authors.put(p.get("number").asLong(), p.path("user").path("login").asText()));
        Map<String, Long> numberById = new LinkedHashMap<>();
        snapshot("_tool_github_pull_requests.csv").forEach(r -> numberById.put(r.get("github_id"), Long.parseLong(r.get("number"))));
        int compared = 0;
        for (Map<String, String> review : snapshot("_tool_github_pull_request_reviews.csv")) {
            PullRequest pull = ours.get(numberById.get(review.get("pull_request_id")));
            if (pull == null || review.get("github_submit_at").isEmpty() || review.get("author_username").equalsIgnoreCase(authors.get(pull.number()))
                    || review.get("author_username").endsWith("[bot]") || instant(review.get("github_submit_at")).isAfter(pull.mergedAt())) {
                continue;
            }
            compared++;
            assertTrue(pull.firstReviewAt() != null && !pull.firstReviewAt().isAfter(instant(review.get("github_submit_at"))),
                    "#" + pull.number() + " first review " + pull.firstReviewAt() + " vs DevLake's review at " + review.get("github_submit_at"));
            assertFalse(pull.firstReviewAt().isBefore(pull.createdAt()), "#" + pull.number());
        }
        assertTrue(compared > 0, "some recorded review was compared");
        assertTrue(records.rejects().stream().noneMatch(r -> r.action() == org.dorametrics.normalize.Reject.Action.REJECTED), records.rejects().toString());
    }

    /**
     * DevLake's deployment pipelines are the CodeQL runs; it finishes them at the run's {@code updated_at} and starts them
     * at {@code run_started_at}, as we do. Two documented differences: a cancelled run is a FAILURE to DevLake and
     * cancelled to us; and DevLake's fixture adds runs whose {@code status} holds a conclusion in capitals
     * ({@code SUCCESS}, {@code CANCELLED}: no GitHub run status), which DevLake reads as done and we do not read as
     * completed.
     */
    @Test
    void workflowRunsAsDeploymentsAgreeWithDevLakesPipelines() throws IOException {
        ApiRecords records = replay();

        Map<String, Deployment> ours = records.deployments().stream()
                .collect(Collectors.toMap(d -> d.id().substring(d.id().lastIndexOf('/') + 1), Function.identity()));
        Map<String, JsonNode> raw = data("_raw_github_api_runs.csv").stream().collect(Collectors.toMap(r -> r.get("id").asText(), r -> r));
        Set<String> expected = new TreeSet<>();
        int compared = 0;
        for (Map<String, String> pipeline : snapshot("cicd_pipelines.csv")) {
            if (!pipeline.get("type").equals("DEPLOYMENT")) {
                continue;
            }
            String id = pipeline.get("id").substring(pipeline.get("id").lastIndexOf(':') + 1);
            String status = raw.get(id).path("status").asText().toLowerCase(Locale.ROOT);
            boolean done = pipeline.get("status").equals("DONE") && !pipeline.get("result").isEmpty();
            if (!done || !status.equals("completed")) {
                assertNull(ours.get(id), "run " + id + ": DevLake " + pipeline.get("status") + ", status " + status);
                continue;
            }
            expected.add(id);
            Deployment deployment = ours.get(id);
            Deployment.Status status0 = pipeline.get("original_result").equals("cancelled") ? Deployment.Status.CANCELLED
                    : Deployment.Status.valueOf(pipeline.get("result"));
            assertEquals(status0, deployment.status(), "run " + id + " " + pipeline.get("original_result"));
            assertEquals(instant(pipeline.get("finished_date")), deployment.finishedAt(), "run " + id);
            assertEquals(instant(pipeline.get("started_date")), deployment.startedAt(), "run " + id);
            compared++;
        }
        assertEquals(expected, new TreeSet<>(ours.keySet()), "the deployments are DevLake's completed CodeQL pipelines");
        assertTrue(compared >= 10, "compared " + compared);
    }

    /** DevLake's e2e types label bug as BUG: the same two issues are our incidents, opened and resolved at its times. */
    @Test
    void issuesByLabelAgreeWithDevLakesIssueTypes() throws IOException {
        ApiRecords records = replay();

        Map<String, Incident> ours = records.incidents().stream()
                .collect(Collectors.toMap(i -> i.id().substring(i.id().lastIndexOf('#') + 1), Function.identity()));
        Map<String, Map<String, String>> bugs = new TreeMap<>();
        snapshot("issues.csv").stream().filter(r -> r.get("type").equals("BUG")).forEach(r -> bugs.put(r.get("issue_key"), r));
        assertEquals(bugs.keySet(), new TreeSet<>(ours.keySet()), "pull request #8, labelled bug too, is no incident");
        for (Map.Entry<String, Map<String, String>> bug : bugs.entrySet()) {
            Incident incident = ours.get(bug.getKey());
            assertEquals(instant(bug.getValue().get("created_date")), incident.openedAt(), "#" + bug.getKey());
            assertEquals(instant(bug.getValue().get("resolution_date")), incident.resolvedAt(), "#" + bug.getKey());
            assertEquals(List.of("ants"), incident.services());
            assertEquals(bug.getValue().get("url"), incident.url());
        }
    }

    // --- reading the fixtures ----------------------------------------------------------------------------------------

    private static FakeApiServer.Reply page(List<JsonNode> elements) {
        ArrayNode array = JSON.createArrayNode();
        elements.forEach(array::add);
        return FakeApiServer.text(200, array.toString());
    }

    /** The recorded payloads of a raw table, in recording order. */
    private static List<JsonNode> data(String table) throws IOException {
        List<JsonNode> payloads = new ArrayList<>();
        for (Map<String, String> row : rows(E2E.resolve("raw_tables").resolve(table))) {
            payloads.add(JSON.readTree(row.get("data")));
        }
        return payloads;
    }

    /** The payloads of a per-pull-request raw table, by the number in its {@code input} column. */
    private static Map<Long, List<JsonNode>> byInputNumber(String table) throws IOException {
        Map<Long, List<JsonNode>> byNumber = new TreeMap<>();
        for (Map<String, String> row : rows(E2E.resolve("raw_tables").resolve(table))) {
            byNumber.computeIfAbsent(JSON.readTree(row.get("input")).get("Number").asLong(), n -> new ArrayList<>()).add(JSON.readTree(row.get("data")));
        }
        return byNumber;
    }

    private static List<Map<String, String>> snapshot(String table) throws IOException {
        return rows(E2E.resolve("snapshot_tables").resolve(table));
    }

    /** A fixture CSV as rows of column -> value, read with the project's own CSV splitter. */
    private static List<Map<String, String>> rows(Path file) throws IOException {
        List<CsvRecord> records = CsvRecords.split(Files.readString(file, StandardCharsets.UTF_8));
        List<String> header = records.get(0).fields();
        List<Map<String, String>> rows = new ArrayList<>();
        for (CsvRecord record : records.subList(1, records.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < record.fields().size() ? record.fields().get(i) : "");
            }
            rows.add(row);
        }
        return rows;
    }

    private static Instant instant(String devlake) {
        return devlake.isEmpty() ? null : OffsetDateTime.parse(devlake).toInstant();
    }
}
