package org.dorametrics.sources.jenkins;

import static org.dorametrics.sources.jenkins.FakeJenkins.DEPLOY;
import static org.dorametrics.sources.jenkins.FakeJenkins.builds;
import static org.dorametrics.sources.jenkins.FakeJenkins.json;
import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collecting Jenkins into the raw zone from a real local server: job tree, range pagination, watermarks, stages, failures. */
class JenkinsCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FIRST = Instant.parse("2026-03-06T00:00:00Z");
    private static final Instant SECOND = Instant.parse("2026-03-07T00:00:00Z");

    @TempDir
    Path folder;

    private FakeApiServer jenkins;
    private DoraConfig config;
    private OutputLocation output;
    private Path raw;

    @BeforeEach
    void start() throws IOException {
        jenkins = FakeJenkins.serve(FakeJenkins.start(), FakeJenkins.SHAS);
        config = config("""
                      - {name: payments/deploy, service: payments-api, environment_parameter: DEPLOY_ENV, repo_url: "acme/payments"}
                      - {regex: "storefront/ma.*", service: web, stage: "(?i)^deploy to prod"}
                """);
        output = OutputLocation.open(config.output(), new Configuration());
        raw = folder.resolve("out/raw/jenkins/jenkins");
    }

    private DoraConfig config(String jobs) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}, {name: storefront, path: git/storefront.git}]
                services: [{name: payments-api, repo: payments}, {name: web, repo: storefront}]
                teams: [{name: payments, services: [payments-api, web]}]
                sources:
                  jenkins:
                    - base_url: %s
                      user: dora-bot
                      token_env: JENKINS_TOKEN
                      page_size: 3
                      jobs:
                %s""".formatted(jenkins.baseUrl(), jobs));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    @AfterEach
    void stop() {
        jenkins.close();
    }

    private List<String> collect(Instant runStartedAt, boolean full) {
        List<String> revisions = new ArrayList<>();
        FakeJenkins.collector(config, output, runStartedAt, full, FakeJenkins.TOKEN).collect((repo, sha) -> revisions.add(repo + ":" + sha));
        return revisions;
    }

    @Test
    void asksTheJobTreeThenEachSelectedJobsBuildsByRangesAndStoresEachPageVerbatim() throws IOException {
        List<String> revisions = collect(FIRST, false);

        assertEquals("/api/json?tree=jobs%5Bname%2Cjobs%5Bname%2Cjobs%5Bname%2Cjobs%5Bname%2Cjobs%5Bname%2Cjobs%5Bname%5D%5D%5D%5D%5D%5D",
                FakeJenkins.LISTING, "folders five deep, plus one level to tell the deepest folders from jobs");
        assertEquals("/job/payments/job/deploy/api/json?tree=allBuilds%5Bnumber%2Cresult%2Ctimestamp%2Cduration%2Cbuilding%2Curl%2C"
                + "actions%5Bparameters%5Bname%2Cvalue%5D%2ClastBuiltRevision%5BSHA1%2Cbranch%5Bname%5D%5D%2CremoteUrls%5D%2C"
                + "changeSet%5Bitems%5BcommitId%5D%5D%2CchangeSets%5Bitems%5BcommitId%5D%5D%5D%7B3%2C6%7D", builds(DEPLOY, 3, 6));
        List<String> asked = jenkins.requests().stream().map(FakeApiServer.Request::target).toList();
        assertEquals(List.of(FakeJenkins.LISTING, builds(DEPLOY, 0, 3), builds(DEPLOY, 3, 6), builds(DEPLOY, 6, 9),
                builds("storefront/main", 0, 3), builds("storefront/main", 3, 6), JenkinsPages.stagesPath("storefront/main", 3), JenkinsPages.stagesPath("storefront/main", 2),
                JenkinsPages.stagesPath("storefront/main", 1)), asked, "PR-12 is not selected; a short page ends the listing");

        Path fetch = raw.resolve("jobs/payments/deploy/builds/fetch-20260306T000000.000Z");
        assertEquals(List.of("page-0001.json", "page-0002.json", "page-0003.json"), files(fetch));
        RawPage second = page(fetch.resolve("page-0002.json"));
        assertEquals(jenkins.baseUrl() + builds(DEPLOY, 3, 6), second.url());
        assertEquals(jenkins.baseUrl() + builds(DEPLOY, 6, 9), second.next());
        String served = FakeApiServer.resource("jenkins/payments-deploy-builds-2.json").replace("{base}", jenkins.baseUrl())
                .replace("{d}", "dd".repeat(20)).replace("{c1}", "c1".repeat(20));
        assertEquals(served, second.body(), "the body is kept exactly as received");
        assertNull(page(fetch.resolve("page-0003.json")).next());
        assertEquals(6L, watermark("payments/deploy"), "#7 was still running: builds up to #6 are settled");
        assertEquals(3L, watermark("storefront/main"));
        assertTrue(Files.exists(raw.resolve("jobs/storefront/main/stages/2/page-0001.json")));
        assertTrue(Files.exists(raw.resolve("listing/jobs/page-0001.json")));

        assertEquals(new TreeSet<>(List.of("payments:" + "c1".repeat(20), "payments:" + "dd".repeat(20), "payments:" + "ee".repeat(20),
                "storefront:" + "a1".repeat(20), "storefront:" + "a2".repeat(20), "storefront:" + "a3".repeat(20))), new TreeSet<>(revisions),
                "the revisions of finished builds are reported for git to mine; #6's shared library is not");
    }

    @Test
    void theNextRunAsksOnlyTheNewestPagesAndAsksARunningBuildAgain() throws IOException {
        collect(FIRST, false);
        int firstRun = jenkins.requests().size();
        FakeJenkins.nextRun(jenkins);

        collect(SECOND, false);

        List<String> asked = jenkins.requests().subList(firstRun, jenkins.requests().size()).stream().map(FakeApiServer.Request::target).toList();
        assertEquals(List.of(FakeJenkins.LISTING, builds(DEPLOY, 0, 3), builds(DEPLOY, 3, 6), builds("storefront/main", 0, 3)), asked,
                "the second page reaches #6, which is held; storefront's finished runs keep their stored stages");
        assertEquals(9L, watermark("payments/deploy"));
        assertEquals(List.of("fetch-20260306T000000.000Z", "fetch-20260307T000000.000Z"), files(raw.resolve("jobs/payments/deploy/builds"))
                .stream().filter(name -> name.startsWith("fetch-")).toList());
        assertFalse(Files.exists(raw.resolve("jobs/storefront/main/builds/fetch-20260307T000000.000Z")),
                "nothing new on storefront/main: no fetch is added");
    }

    @Test
    void aFullRunAsksEverythingAgainAndReplacesTheEarlierFetches() throws IOException {
        collect(FIRST, false);
        FakeJenkins.nextRun(jenkins);
        jenkins.on(builds(DEPLOY, 6, 9), json("payments-deploy-builds-2.json"));
        jenkins.on(builds(DEPLOY, 9, 12), json("payments-deploy-builds-3.json"));

        collect(SECOND, true);

        assertEquals(1, jenkins.requests(builds(DEPLOY, 9, 12)).size(), "every page, down to the short one");
        assertEquals(List.of("fetch-20260307T000000.000Z"), files(raw.resolve("jobs/payments/deploy/builds")).stream()
                .filter(name -> name.startsWith("fetch-")).toList());
        assertEquals(9L, watermark("payments/deploy"));
    }

    @Test
    void serverErrorsAndTruncatedBodiesAreRetried() throws IOException {
        jenkins.on(builds(DEPLOY, 0, 3), text(503, "<html>Service Unavailable</html>"), json("payments-deploy-builds-1.json").truncated(),
                json("payments-deploy-builds-1.json"));

        collect(FIRST, false);

        assertEquals(3, jenkins.requests(builds(DEPLOY, 0, 3)).size());
        assertEquals(6L, watermark("payments/deploy"));
        assertTrue(page(raw.resolve("jobs/payments/deploy/builds/fetch-20260306T000000.000Z/page-0001.json")).body().endsWith("]}\n"));
    }

    @Test
    void aRateLimitAnswerIsWaitedOut() throws IOException {
        // Jenkins sets no quota of its own, but a proxy in front of it may answer 429.
        jenkins.on(builds(DEPLOY, 0, 3), text(429, "<html>Too Many Requests</html>").header("Retry-After", "1"),
                json("payments-deploy-builds-1.json"));

        collect(FIRST, false);

        assertEquals(2, jenkins.requests(builds(DEPLOY, 0, 3)).size());
        assertEquals(6L, watermark("payments/deploy"));
    }

    @Test
    void aPageFailingForGoodFailsTheJobKeepsWhatWasStoredAndTheWatermarkAndCollectsTheOtherJobs() throws IOException {
        collect(FIRST, false);
        FakeJenkins.nextRun(jenkins);
        jenkins.on(builds(DEPLOY, 3, 6), text(500, "<html>Internal Server Error</html>"));

        DoraException error = assertThrows(DoraException.class, () -> collect(SECOND, false));

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source jenkins:jenkins: GET " + jenkins.baseUrl() + builds(DEPLOY, 3, 6)
                + " failed: HTTP 500, 4 attempts (job payments/deploy: the 1 pages stored before are kept)"), error.getMessage());
        assertTrue(Files.exists(raw.resolve("jobs/payments/deploy/builds/fetch-20260307T000000.000Z/page-0001.json")));
        assertEquals(6L, watermark("payments/deploy"), "the watermark moves only when the job's listing completes");
        assertEquals(2, jenkins.requests(builds("storefront/main", 0, 3)).size(), "the next job was still collected");
    }

    @Test
    void aRefusedTokenIsExplainedAndNeverShown() throws IOException {
        String log;
        DoraException error;
        try (LogCapture capture = new LogCapture()) {
            error = assertThrows(DoraException.class,
                    () -> FakeJenkins.collector(config, output, FIRST, false, "wrong-token-0042").collect((repo, sha) -> { }));
            log = capture.text();
        }
        assertTrue(error.getMessage().contains("HTTP 401: Jenkins refused the user and API token"), error.getMessage());
        assertFalse(log.contains("wrong-token-0042") || error.getMessage().contains("wrong-token-0042"), log);
        assertTrue(error.getMessage().contains("(the job tree: the jobs regexes select are not collected)")
                && error.getMessage().contains("(job payments/deploy: nothing stored)"), error.getMessage());
        assertFalse(Files.exists(raw.resolve("jobs/payments/deploy/builds/_FINISHED_THROUGH.json")), "no watermark without an answer");
    }

    @Test
    void theTokenReachesNoRawFileAndNoLogLine() throws IOException {
        String log;
        try (LogCapture capture = new LogCapture()) {
            jenkins.on(builds(DEPLOY, 3, 6), text(502, "bad gateway"), json("payments-deploy-builds-2.json"));
            collect(FIRST, false);
            log = capture.text();
        }
        assertTrue(log.contains("collected jenkins:jenkins payments/deploy") && log.contains("GET " + jenkins.baseUrl()), log);
        String basic = jenkins.requests().get(0).header("Authorization");
        assertTrue(basic.startsWith("Basic "), basic);
        assertFalse(log.contains(FakeJenkins.TOKEN) || log.contains(basic.substring(6)), log);
        try (Stream<Path> files = Files.walk(folder.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file);
                assertFalse(content.contains(FakeJenkins.TOKEN) || content.contains(basic.substring(6)), file + " holds the token");
            }
        }
    }

    @Test
    void namedJobsNeedNoJobTree() throws IOException {
        config = config("""
                      - {name: payments/deploy, service: payments-api, environment_parameter: DEPLOY_ENV, repo_url: "acme/payments"}
                """);
        collect(FIRST, false);
        assertTrue(jenkins.requests(FakeJenkins.LISTING).isEmpty());
        assertEquals(6L, watermark("payments/deploy"));
    }

    @Test
    void theJobTreeIsReadFiveFoldersDeep() throws Exception {
        String tree = """
                {"jobs": [{"name": "a", "jobs": [{"name": "b", "jobs": [{"name": "c", "jobs": [{"name": "d", "jobs": [
                  {"name": "e", "jobs": [{"name": "too-deep"}]}, {"name": "deploy"}]}]}]}]},
                  {"name": "empty-folder", "jobs": []}, {"name": "top"}]}""";
        assertEquals(List.of("a/b/c/d/deploy", "top"), JenkinsPages.jobNames(tree));
    }

    private long watermark(String job) throws IOException {
        return JSON.readTree(raw.resolve("jobs/" + job + "/builds/_FINISHED_THROUGH.json").toFile()).get("finished_through").asLong();
    }

    static List<String> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static RawPage page(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RawPage.class);
    }
}
