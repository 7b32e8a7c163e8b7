package org.dorametrics.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dorametrics.collect.CsvRecords;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoOrganisationTest {

    private static final Pattern SQUASH_SUBJECT = Pattern.compile(".* \\(#\\d+\\)");
    private static final Pattern REVERTED_COMMIT = Pattern.compile("This reverts commit ([0-9a-f]{40})\\.");
    private static final Pattern INCIDENT_TRAILER = Pattern.compile("(?m)^Refs: (INC-\\d+)$");

    @TempDir
    static Path workspace;

    private static Path sample;
    private static JsonNode config;
    private static final Map<String, Repository> repos = new TreeMap<>();
    private static final Map<String, Set<ObjectId>> commitsOnMain = new HashMap<>();
    private static final List<JsonNode> deployments = new ArrayList<>();
    private static final List<JsonNode> badDeployments = new ArrayList<>();
    private static final List<Map<String, String>> incidents = new ArrayList<>();

    @BeforeAll
    static void buildSample() throws IOException {
        sample = workspace.resolve("sample");
        long started = System.nanoTime();
        Path configFile = DemoOrganisation.build(sample, workspace.resolve("out"));
        System.out.printf("DemoOrganisation.build took %d ms%n", Duration.ofNanos(System.nanoTime() - started).toMillis());

        assertEquals(sample.resolve("dora.yaml"), configFile);
        config = new YAMLMapper().readTree(configFile.toFile());
        for (JsonNode repo : config.get("repos")) {
            Repository repository = new FileRepositoryBuilder()
                    .setGitDir(sample.resolve(repo.get("path").asText()).toFile()).setMustExist(true).build();
            repos.put(repo.get("name").asText(), repository);
            commitsOnMain.put(repo.get("name").asText(), mainHistory(repository).stream().map(RevCommit::copy).collect(Collectors.toSet()));
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(sample.resolve("data/deployments.jsonl"))) {
            JsonNode deployment = json.readTree(line);
            boolean valid = repos.containsKey(deployment.get("repo").asText()) && parsesWithOffset(deployment.get("finished_at"));
            (valid ? deployments : badDeployments).add(deployment);
        }
        incidents.addAll(readCsv(sample.resolve("data/incidents.csv")));
    }

    @AfterAll
    static void closeRepositories() {
        repos.values().forEach(Repository::close);
    }

    @Test
    void twoBuildsAreIdentical(@TempDir Path otherWorkspace) throws IOException {
        Path other = otherWorkspace.resolve("sample");
        DemoOrganisation.build(other, otherWorkspace.resolve("out"));

        for (String file : List.of("data/deployments.jsonl", "data/incidents.csv")) {
            assertArrayEquals(Files.readAllBytes(sample.resolve(file)), Files.readAllBytes(other.resolve(file)), file);
        }
        for (Map.Entry<String, Repository> repo : repos.entrySet()) {
            try (Repository copy = new FileRepositoryBuilder().setGitDir(other.resolve("git/" + repo.getKey() + ".git").toFile())
                    .setMustExist(true).build()) {
                assertEquals(repo.getValue().resolve("refs/heads/main"), copy.resolve("refs/heads/main"), repo.getKey());
            }
        }
    }

    @Test
    void writesNothingOutsideTheSampleDirectory() throws IOException {
        try (Stream<Path> created = Files.list(workspace)) {
            assertEquals(List.of(sample), created.toList());
        }
        try (Stream<Path> created = Files.list(sample)) {
            assertEquals(Set.of("dora.yaml", "git", "data"), created.map(path -> path.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void configDescribesTheOrganisation() {
        assertEquals(5, config.get("repos").size());
        assertEquals(6, config.get("services").size());
        assertEquals(4, config.get("teams").size());
        assertEquals(workspace.resolve("out").toAbsolutePath().toString(), config.get("output").asText());
        assertEquals("2024", config.get("reporting").get("benchmark").asText());
        assertEquals("author_time", config.get("rules").get("change_start").asText());
        assertTrue(Files.isRegularFile(sample.resolve(config.get("sources").get("incidents").get(0).get("file").asText())));
    }

    @Test
    void mainHasAtLeast2000CommitsAcrossRepositories() {
        int total = commitsOnMain.values().stream().mapToInt(Set::size).sum();
        System.out.println("Commits on main: " + commitsOnMain.entrySet().stream()
                .map(repo -> repo.getKey() + "=" + repo.getValue().size()).collect(Collectors.joining(", ")) + ", total " + total);
        assertTrue(total >= 2000, "only " + total + " commits on main");
    }

    @Test
    void monorepoHasCommitsTouchingBothServices() throws IOException {
        Repository payments = repos.get("payments");
        int api = 0;
        int worker = 0;
        int both = 0;
        for (RevCommit commit : mainHistory(payments)) {
            Set<String> paths = changedPaths(payments, commit);
            boolean touchesApi = paths.stream().anyMatch(path -> path.startsWith("services/payments-api/"));
            boolean touchesWorker = paths.stream().anyMatch(path -> path.startsWith("services/payments-worker/"));
            api += touchesApi ? 1 : 0;
            worker += touchesWorker ? 1 : 0;
            both += touchesApi && touchesWorker ? 1 : 0;
        }
        assertTrue(api > 0 && worker > 0 && both > 0, "api " + api + ", worker " + worker + ", both " + both);
    }

    @Test
    void historyHasMergesSquashesRevertsAndHotfixes() throws IOException {
        int merges = 0;
        int squashes = 0;
        int reverts = 0;
        int hotfixes = 0;
        for (Map.Entry<String, Repository> repo : repos.entrySet()) {
            for (RevCommit commit : mainHistory(repo.getValue())) {
                assertTrue(commit.getParentCount() > 0 || commit.getShortMessage().equals("Initial import"), commit.name());
                assertFalse(changedPaths(repo.getValue(), commit).isEmpty(), "commit changes nothing: " + commit.name());
                merges += commit.getParentCount() == 2 ? 1 : 0;
                if (SQUASH_SUBJECT.matcher(commit.getShortMessage()).matches()
                        && commit.getAuthorIdent().getWhenAsInstant().isBefore(commit.getCommitterIdent().getWhenAsInstant())) {
                    squashes++;
                }
                Matcher reverted = REVERTED_COMMIT.matcher(commit.getFullMessage());
                if (commit.getShortMessage().startsWith("Revert \"") && reverted.find()) {
                    assertTrue(commitsOnMain.get(repo.getKey()).contains(ObjectId.fromString(reverted.group(1))), commit.getFullMessage());
                    reverts++;
                }
                hotfixes += commit.getShortMessage().startsWith("hotfix: ") ? 1 : 0;
            }
        }
        assertTrue(merges > 0 && squashes > 0 && reverts > 0 && hotfixes > 0,
                "merges " + merges + ", squashes " + squashes + ", reverts " + reverts + ", hotfixes " + hotfixes);
    }

    @Test
    void aCommitTrailerReferencesAnIncident() throws IOException {
        Set<String> incidentIds = incidents.stream().map(incident -> incident.get("id")).collect(Collectors.toSet());
        List<String> referenced = new ArrayList<>();
        for (Repository repo : repos.values()) {
            for (RevCommit commit : mainHistory(repo)) {
                Matcher trailer = INCIDENT_TRAILER.matcher(commit.getFullMessage());
                while (trailer.find()) {
                    referenced.add(trailer.group(1));
                }
            }
        }
        assertFalse(referenced.isEmpty());
        assertTrue(incidentIds.containsAll(referenced), referenced.toString());
    }

    @Test
    void releasesAreTaggedWithAnnotatedAndLightweightTags() throws IOException {
        int annotated = 0;
        int lightweight = 0;
        for (String name : List.of("identity-service", "reporting")) {
            Repository repo = repos.get(name);
            for (Ref tag : repo.getRefDatabase().getRefsByPrefix("refs/tags/")) {
                Ref peeled = repo.getRefDatabase().peel(tag);
                if (peeled.getPeeledObjectId() != null) {
                    annotated++;
                } else {
                    lightweight++;
                }
            }
        }
        assertTrue(annotated > 0 && lightweight > 0, "annotated " + annotated + ", lightweight " + lightweight);
    }

    @Test
    void onlyTheDeliberateLinesAreBad() {
        assertEquals(2, badDeployments.size());
        assertTrue(badDeployments.stream().anyMatch(d -> d.get("finished_at").asText().equals("2026-09-01T10:00:00")));
        assertTrue(badDeployments.stream().anyMatch(d -> d.get("service").asText().equals("legacy-billing")));
        assertEquals(1, incidents.stream().filter(incident -> !incident.get("resolved_at").isEmpty()
                && instant(incident.get("resolved_at")).isBefore(instant(incident.get("opened_at")))).count());
        Set<String> ids = new HashSet<>();
        Stream.concat(deployments.stream(), badDeployments.stream()).forEach(d -> assertTrue(ids.add(d.get("id").asText()), d.toString()));
    }

    @Test
    void everyDeploymentShipsACommitAlreadyOnMain() throws IOException {
        for (JsonNode deployment : deployments) {
            Repository repo = repos.get(deployment.get("repo").asText());
            ObjectId sha = ObjectId.fromString(deployment.get("commit_sha").asText());
            assertTrue(commitsOnMain.get(deployment.get("repo").asText()).contains(sha), deployment.toString());
            try (RevWalk walk = new RevWalk(repo)) {
                Instant committed = walk.parseCommit(sha).getCommitterIdent().getWhenAsInstant();
                assertTrue(committed.isBefore(instant(deployment.get("started_at").asText())), deployment.toString());
            }
        }
    }

    @Test
    void aRollbackDeploysAnAncestorOfThePreviousRevision() throws IOException {
        int rollbacks = 0;
        Map<String, String> previousRevision = new HashMap<>();
        for (JsonNode deployment : successfulProductionDeployments()) {
            String revision = deployment.get("commit_sha").asText();
            String previous = previousRevision.put(deployment.get("service").asText(), revision);
            if (previous == null || previous.equals(revision)) {
                continue;
            }
            try (RevWalk walk = new RevWalk(repos.get(deployment.get("repo").asText()))) {
                if (walk.isMergedInto(walk.parseCommit(ObjectId.fromString(revision)), walk.parseCommit(ObjectId.fromString(previous)))) {
                    rollbacks++;
                }
            }
        }
        assertTrue(rollbacks > 0);
    }

    @Test
    void deploymentsIncludeRetriesCancellationsHotfixesStagingAndARedeploy() {
        int retried = 0;
        int redeploys = 0;
        Map<String, JsonNode> previous = new HashMap<>();
        for (JsonNode deployment : production()) {
            JsonNode before = previous.put(deployment.get("service").asText(), deployment);
            boolean sameRevision = before != null && before.get("commit_sha").equals(deployment.get("commit_sha"));
            if (sameRevision && isSuccess(deployment)) {
                retried += before.get("status").asText().equals("failure") ? 1 : 0;
                redeploys += isSuccess(before) ? 1 : 0;
            }
        }
        long cancelled = production().stream().filter(d -> d.get("status").asText().equals("cancelled")).count();
        long hotfixes = production().stream().filter(d -> d.get("branch").asText().startsWith("hotfix/")
                || d.path("labels").toString().contains("\"hotfix\"")).count();
        long staging = deployments.stream().filter(d -> d.get("environment").asText().equals("staging")).count();
        assertTrue(retried > 0 && redeploys > 0 && cancelled > 0 && hotfixes > 0 && staging > 0,
                "retried " + retried + ", redeploys " + redeploys + ", cancelled " + cancelled + ", hotfixes " + hotfixes
                        + ", staging " + staging);
    }

    @Test
    void deploymentFrequencyDiffersByService() {
        Map<LocalDate, Integer> checkoutPerDay = new TreeMap<>();
        Map<YearMonth, Integer> reportingPerMonth = new TreeMap<>();
        for (JsonNode deployment : production()) {
            OffsetDateTime finished = OffsetDateTime.parse(deployment.get("finished_at").asText()).withOffsetSameInstant(ZoneOffset.UTC);
            String service = deployment.get("service").asText();
            if (service.equals("checkout-web") && isSuccess(deployment)) {
                checkoutPerDay.merge(finished.toLocalDate(), 1, Integer::sum);
            } else if (service.equals("reporting")) {
                reportingPerMonth.merge(YearMonth.from(finished), 1, Integer::sum);
            }
        }
        List<Integer> perDay = checkoutPerDay.values().stream().sorted().toList();
        assertTrue(perDay.get(perDay.size() / 2) >= 2, "checkout-web deploys per day: " + perDay);
        assertTrue(reportingPerMonth.values().stream().allMatch(count -> count <= 2), "reporting: " + reportingPerMonth);
    }

    @Test
    void incidentsCoverTheAttributionCases() {
        assertTrue(incidents.size() >= 25 && incidents.size() <= 40, incidents.size() + " incidents");
        assertEquals(1, incidents.stream().filter(incident -> incident.get("resolved_at").isEmpty()).count());
        assertTrue(incidents.stream().anyMatch(incident -> incident.get("services").equals("payments-api,payments-worker")));
        Set<String> deploymentIds = deployments.stream().map(d -> d.get("id").asText()).collect(Collectors.toSet());
        assertTrue(incidents.stream().anyMatch(incident -> deploymentIds.contains(incident.get("deployment_id"))));
        assertTrue(incidents.stream().anyMatch(incident -> !incident.get("commit_sha").isEmpty()));

        int withinHoursOfADeployment = 0;
        int withoutRecentDeployment = 0;
        int unreferenced = 0;
        for (Map<String, String> incident : incidents) {
            Instant opened = instant(incident.get("opened_at"));
            List<Duration> sinceDeployments = successfulProductionDeployments().stream()
                    .filter(d -> List.of(incident.get("services").split(",")).contains(d.get("service").asText()))
                    .map(d -> Duration.between(instant(d.get("finished_at").asText()), opened))
                    .filter(since -> !since.isNegative() && since.compareTo(Duration.ofHours(24)) <= 0)
                    .toList();
            withoutRecentDeployment += sinceDeployments.isEmpty() ? 1 : 0;
            if (incident.get("deployment_id").isEmpty() && incident.get("commit_sha").isEmpty()) {
                unreferenced++;
                boolean soonAfter = sinceDeployments.stream()
                        .anyMatch(since -> since.compareTo(Duration.ofMinutes(30)) >= 0 && since.compareTo(Duration.ofHours(6)) <= 0);
                withinHoursOfADeployment += soonAfter ? 1 : 0;
            }
        }
        assertTrue(unreferenced > incidents.size() / 2, unreferenced + " unreferenced incidents");
        assertTrue(withinHoursOfADeployment > unreferenced / 2, withinHoursOfADeployment + " of " + unreferenced);
        assertTrue(withoutRecentDeployment > 0);
    }

    private static List<JsonNode> production() {
        return deployments.stream().filter(d -> d.get("environment").asText().equals("production")).toList();
    }

    private static List<JsonNode> successfulProductionDeployments() {
        return production().stream().filter(DemoOrganisationTest::isSuccess).toList();
    }

    private static boolean isSuccess(JsonNode deployment) {
        return deployment.get("status").asText().equals("success");
    }

    private static List<RevCommit> mainHistory(Repository repo) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(repo.resolve("refs/heads/main")));
            List<RevCommit> commits = new ArrayList<>();
            walk.forEach(commits::add);
            return commits;
        }
    }

    /** Paths that differ from the first parent (from nothing for the root commit). */
    private static Set<String> changedPaths(Repository repo, RevCommit commit) throws IOException {
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            RevCommit parsed = walk.parseCommit(commit);
            if (parsed.getParentCount() == 0) {
                tree.addTree(new EmptyTreeIterator());
            } else {
                tree.addTree(walk.parseCommit(parsed.getParent(0)).getTree());
            }
            tree.addTree(parsed.getTree());
            tree.setRecursive(true);
            tree.setFilter(TreeFilter.ANY_DIFF);
            Set<String> paths = new HashSet<>();
            while (tree.next()) {
                paths.add(tree.getPathString());
            }
            return paths;
        }
    }

    private static boolean parsesWithOffset(JsonNode timestamp) {
        try {
            OffsetDateTime.parse(timestamp.asText());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Instant instant(String timestamp) {
        return OffsetDateTime.parse(timestamp).toInstant();
    }

    /** The incidents file read with the project's own CSV splitter, as collect reads it. */
    private static List<Map<String, String>> readCsv(Path file) throws IOException {
        List<List<String>> rows = CsvRecords.split(Files.readString(file)).stream().map(CsvRecords.CsvRecord::fields).toList();
        List<String> header = rows.get(0);
        assertEquals(List.of("id", "services", "severity", "opened_at", "resolved_at", "title", "deployment_id", "commit_sha", "pr", "url"),
                header);
        List<Map<String, String>> records = new ArrayList<>();
        for (List<String> values : rows.subList(1, rows.size())) {
            assertEquals(header.size(), values.size(), values.toString());
            Map<String, String> record = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                record.put(header.get(i), values.get(i));
            }
            records.add(record);
        }
        return records;
    }
}
