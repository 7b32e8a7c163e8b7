package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Published releases as deployments at their publication, of the commit their tag names (through annotated tags). */
class GitHubReleasesTest {
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");
    private static final String API = "/repos/acme/deploys";

    @TempDir
    Path folder;

    private FakeApiServer github;

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(FakeGitHub.start(), GitHubFixtures.SHAS);
        github.on(API + "/releases?per_page=100", json("acme-deploys/releases.json"));
        github.on(API + "/git/ref/tags/v1.2.0", json("acme-deploys/ref-v1.2.0.json"));
        github.on(API + "/git/ref/tags/v1.2.0-rc.1", json("acme-deploys/ref-v1.2.0-rc.1.json"));
        github.on(API + "/git/ref/tags/release/1.1", json("acme-deploys/ref-release-1.1.json"));
        github.on(API + "/git/ref/tags/v1.0.0", json("acme-deploys/ref-v1.0.0.json"));
        github.on(API + "/git/tags/" + "7a".repeat(20), json("acme-deploys/tag-7a.json"));
        github.on(API + "/git/tags/" + "7b".repeat(20), json("acme-deploys/tag-7b.json"));
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private record Collected(ApiRecords records, List<String> revisions) {}

    private Collected collectAndRead(String releases) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: deploys, path: git/deploys.git}]
                services: [{name: deploys-api, repo: deploys}]
                teams: [{name: deploys, services: [deploys-api]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      pull_requests: false
                      deployments_from: {releases: %s}
                      repositories: [{github: acme/deploys, repo: deploys}]
                """.formatted(github.baseUrl(), releases));
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(file);
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        List<String> revisions = new ArrayList<>();
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output).collect((repo, sha) -> revisions.add(sha));
        return new Collected(GitHubRecords.read(config, config.sources().github().get(0), output, LATER), revisions);
    }

    private static Map<String, Deployment> byId(List<Deployment> deployments) {
        Map<String, Deployment> byId = new TreeMap<>();
        deployments.forEach(d -> byId.put(d.id(), d));
        return byId;
    }

    @Test
    void aPublishedReleaseDeploysTheCommitItsTagNamesWhenItIsPublished() throws IOException {
        Collected collected = collectAndRead("{}");

        Map<String, Deployment> deployments = byId(collected.records().deployments());
        assertEquals(List.of("github:acme/deploys:release/7001", "github:acme/deploys:release/7003"), List.copyOf(deployments.keySet()),
                "no draft (7004), no prerelease (7002) unless asked; 7000 is rejected");
        Deployment latest = deployments.get("github:acme/deploys:release/7003");
        assertEquals(Deployment.Status.SUCCESS, latest.status());
        assertEquals(Instant.parse("2026-03-05T09:00:00Z"), latest.finishedAt(), "published_at, not created_at (its commit's date)");
        assertEquals(latest.finishedAt(), latest.startedAt());
        assertEquals("ee".repeat(20), latest.revision(), "a lightweight tag names the commit itself");
        assertEquals("production", latest.environment());
        assertTrue(latest.production());
        assertEquals("release", latest.trigger());
        assertEquals("https://github.com/acme/deploys/releases/tag/v1.2.0", latest.url());
        assertEquals("aa".repeat(20), deployments.get("github:acme/deploys:release/7001").revision(),
                "an annotated tag names a tag object, which names the commit; target_commitish (main) is not used");
        assertTrue(github.requests(API + "/git/ref/tags/v1.3.0").isEmpty(), "a draft's tag is not asked");

        Reject reject = collected.records().rejects().get(0);
        assertEquals(1, collected.records().rejects().size());
        assertEquals("github:acme/deploys:release/7000", reject.recordId());
        assertEquals("published_at", reject.field());
        assertTrue(reject.rawPayload().contains("v1.0.0"), reject.rawPayload());
        assertEquals(List.of("aa".repeat(20), "c1".repeat(20), "dd".repeat(20), "ee".repeat(20)),
                collected.revisions().stream().sorted().toList(), "every tagged commit is reported for git");
    }

    @Test
    void prereleasesAndAnotherEnvironmentWhenConfigured() throws IOException {
        Map<String, Deployment> deployments = byId(collectAndRead("{prereleases: true, environment: staging}").records().deployments());

        Deployment candidate = deployments.get("github:acme/deploys:release/7002");
        assertEquals("dd".repeat(20), candidate.revision());
        assertEquals(List.of("prerelease"), candidate.labels());
        assertEquals(3, deployments.size());
        assertTrue(deployments.values().stream().noneMatch(Deployment::production), "staging is not production");
    }
}
