package org.dorametrics.sources.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jenkins builds and pipeline stages as deployments, read from what collect stored; bad builds as rejects. */
class JenkinsRecordsTest {
    private static final Instant CUTOFF = Instant.parse("2026-03-09T00:00:00Z");
    private static final String SOURCE = "jenkins:ci";

    @TempDir
    Path folder;

    private FakeApiServer jenkins;
    private DoraConfig config;
    private OutputLocation output;

    @BeforeEach
    void collect() throws IOException {
        jenkins = FakeJenkins.serve(FakeJenkins.start(), FakeJenkins.SHAS);
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}, {name: storefront, path: git/storefront.git}]
                services: [{name: payments-api, repo: payments}, {name: web, repo: storefront}]
                teams: [{name: payments, services: [payments-api, web]}]
                sources:
                  jenkins:
                    - name: ci
                      base_url: %s
                      user: dora-bot
                      token_file: jenkins-token
                      page_size: 3
                      jobs:
                        - {name: payments/deploy, service: payments-api, environment_parameter: DEPLOY_ENV, repo_url: "acme/payments"}
                        - {regex: "storefront/.*", service: web, stage: "(?i)^deploy to prod"}
                        - {name: broken, service: payments-api, environment_parameter: DEPLOY_ENV}
                """.formatted(jenkins.baseUrl()));
        config = ConfigLoader.withEnvironment(Map.of()).read(file);
        output = OutputLocation.open(config.output(), new Configuration());
        jenkins.on(FakeJenkins.builds("storefront/PR-12", 0, 3), FakeJenkins.json("empty-builds.json"));
        FakeJenkins.collector(config, output, Instant.parse("2026-03-06T00:00:00Z"), false, FakeJenkins.TOKEN).collect((repo, sha) -> { });
    }

    @AfterEach
    void stop() {
        jenkins.close();
    }

    private ApiRecords read() {
        return JenkinsRecords.read(config, config.sources().jenkins().get(0), output, CUTOFF);
    }

    private static Map<String, Deployment> byId(List<Deployment> deployments) {
        return deployments.stream().collect(Collectors.toMap(Deployment::id, Function.identity()));
    }

    @Test
    void finishedBuildsAreDeploymentsWithTheirOutcomeTimesRevisionAndEnvironment() {
        Map<String, Deployment> deployments = byId(read().deployments());
        String job = SOURCE + ":payments/deploy#";
        assertEquals(List.of(job + "2", job + "3", job + "4", job + "5", job + "6"),
                deployments.keySet().stream().filter(id -> id.startsWith(job)).sorted().toList(),
                "#7 is still running and #1 was NOT_BUILT: neither is a deployment");

        Deployment six = deployments.get(job + "6");
        assertEquals(Deployment.Status.SUCCESS, six.status());
        assertEquals(Instant.parse("2026-03-04T14:50:00Z"), six.startedAt());
        assertEquals(Instant.parse("2026-03-04T15:00:00Z"), six.finishedAt(), "timestamp + duration");
        assertEquals("ee".repeat(20), six.revision(), "the checkout of the repo_url remote, not the shared library's");
        assertEquals("main", six.branch(), "refs/remotes/origin/ is left out");
        assertEquals("production", six.environment());
        assertTrue(six.production());
        assertEquals("payments-api", six.service());
        assertEquals("payments", six.repo());
        assertEquals(SOURCE, six.source());
        assertEquals(jenkins.baseUrl() + "/job/payments/job/deploy/6/", six.url());
        assertTrue(six.rawPayload().startsWith("{\"_class\":\"hudson.model.FreeStyleBuild\"") && six.rawPayload().contains("\"number\":6"));

        assertEquals(Deployment.Status.FAILURE, deployments.get(job + "5").status());
        assertEquals(Deployment.Status.FAILURE, deployments.get(job + "4").status(), "UNSTABLE counts as a failed deployment");
        assertEquals(Deployment.Status.CANCELLED, deployments.get(job + "2").status(), "ABORTED");
        Deployment staging = deployments.get(job + "3");
        assertEquals("staging", staging.environment(), "from the DEPLOY_ENV parameter");
        assertFalse(staging.production());
    }

    @Test
    void aPipelineWhoseDeploymentIsAStageTakesTheStagesOutcomeAndTime() {
        Map<String, Deployment> deployments = byId(read().deployments());
        String job = SOURCE + ":storefront/main#";
        assertEquals(List.of(job + "1", job + "2"), deployments.keySet().stream().filter(id -> id.startsWith(job)).sorted().toList(),
                "#3 skipped its deploy stage (NOT_EXECUTED): it deployed nothing");
        Deployment one = deployments.get(job + "1");
        assertEquals(Deployment.Status.SUCCESS, one.status());
        assertEquals(Instant.parse("2026-03-03T10:10:00Z"), one.startedAt(), "the stage's start");
        assertEquals(Instant.parse("2026-03-03T10:15:00Z"), one.finishedAt(), "the stage's end, not the run's");
        assertEquals("a1".repeat(20), one.revision(), "no checkout recorded: the last commit of the change sets");
        assertNull(one.branch());
        assertEquals("production", one.environment(), "the default fixed environment");
        assertEquals("web", one.service());
        Deployment two = deployments.get(job + "2");
        assertEquals(Deployment.Status.FAILURE, two.status(), "its deploy stage FAILED");
        assertEquals("a2".repeat(20), two.revision());
    }

    @Test
    void eachBadBuildIsARejectWithItsFieldAndExactText() {
        ApiRecords records = read();
        Map<String, Reject> rejects = records.rejects().stream().filter(r -> r.recordId() != null)
                .collect(Collectors.toMap(Reject::recordId, Function.identity()));
        String job = SOURCE + ":broken#";
        assertEquals("timestamp", rejects.get(job + "1").field());
        assertEquals("actions.lastBuiltRevision.SHA1", rejects.get(job + "2").field());
        assertEquals("actions.lastBuiltRevision", rejects.get(job + "3").field());
        assertTrue(rejects.get(job + "3").reason().contains("several repositories (https://github.com/acme/payments.git,"
                + " https://github.com/acme/jenkins-shared-library.git); set the job's repo_url"), rejects.get(job + "3").reason());
        assertEquals("actions.parameters.DEPLOY_ENV", rejects.get(job + "4").field());
        assertEquals("result", rejects.get(job + "5").field());
        assertEquals("expected SUCCESS, UNSTABLE, FAILURE, ABORTED or NOT_BUILT, got 'WEIRD'", rejects.get(job + "5").reason());
        assertEquals("actions.lastBuiltRevision", rejects.get(job + "6").field());
        assertTrue(rejects.get(job + "5").rawPayload().startsWith("{\"_class\":\"hudson.model.FreeStyleBuild\"")
                && rejects.get(job + "5").rawPayload().contains("\"result\":\"WEIRD\""), "the build's exact text");

        Reject numberless = records.rejects().stream().filter(r -> r.recordId() == null).findFirst().orElseThrow();
        assertEquals("number", numberless.field());
        assertTrue(numberless.reason().startsWith("a build of broken: required field is missing"), numberless.reason());
        assertTrue(records.rejects().stream().allMatch(r -> r.action() == Reject.Action.REJECTED && r.source().equals(SOURCE)));
        assertEquals(7, records.rejected());
        assertEquals(7 + 7 + 3, records.seen(), "payments/deploy's 7 builds, broken's 7 and storefront/main's 3");
    }

    @Test
    void aBuildsLatestCopyWinsAfterItFinished() throws IOException {
        FakeJenkins.nextRun(jenkins);
        FakeJenkins.collector(config, output, Instant.parse("2026-03-07T00:00:00Z"), false, FakeJenkins.TOKEN).collect((repo, sha) -> { });
        Map<String, Deployment> deployments = byId(read().deployments());
        Deployment seven = deployments.get(SOURCE + ":payments/deploy#7");
        assertEquals(Deployment.Status.SUCCESS, seven.status(), "running in the first fetch, finished in the second");
        assertEquals(Instant.parse("2026-03-05T09:07:00Z"), seven.finishedAt());
        assertEquals(Deployment.Status.FAILURE, deployments.get(SOURCE + ":payments/deploy#8").status());
        assertEquals(1, read().deployments().stream().filter(d -> d.id().equals(SOURCE + ":payments/deploy#6")).count(),
                "#6 is in both fetches and read once");
    }

    @Test
    void aJobNeverCollectedStopsNormalizeSayingToCollect() throws IOException {
        Path file = folder.resolve("dora.yaml");
        Files.writeString(file, Files.readString(file).replace("name: broken", "name: never-collected"));
        DoraConfig changed = ConfigLoader.withEnvironment(Map.of()).read(file);
        DoraException error = assertThrows(DoraException.class,
                () -> JenkinsRecords.read(changed, changed.sources().jenkins().get(0), output, CUTOFF));
        assertTrue(error.getMessage().startsWith("source jenkins:ci: nothing collected for job never-collected at "), error.getMessage());
    }
}
