package org.dorametrics.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

/** A monorepo's GitHub deployments map to a service per environment, and an environment may say whether it is production. */
class GitHubEnvironmentsTest {
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir
    Path folder;

    private FakeApiServer github;

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(GitHubFixtures.servePayments(FakeGitHub.start()), GitHubFixtures.SHAS);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private DoraConfig config(String repository) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}, {name: web, path: git/web.git}]
                services: [{name: payments-api, repo: payments, paths: ["api/**"]}, {name: payments-worker, repo: payments, paths: ["worker/**"]},
                           {name: web, repo: web}]
                teams: [{name: payments, services: [payments-api, payments-worker, web]}]
                sources:
                  github:
                    - base_url: %s
                      token_env: GITHUB_TOKEN
                      page_size: 3
                      repositories: [%s]
                """.formatted(github.baseUrl(), repository));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    private ApiRecords collectAndRead(DoraConfig config) {
        OutputLocation output = OutputLocation.open(config.output(), new Configuration());
        GitHubCollectorTest.quickCollector(config.sources().github().get(0), output).collect((repo, sha) -> { });
        return GitHubRecords.read(config, config.sources().github().get(0), output, LATER);
    }

    @Test
    void eachEnvironmentDeploysItsServiceAndMaySayItIsProduction() throws IOException {
        ApiRecords records = collectAndRead(config("""
                {github: acme/payments, repo: payments, environments: {production: payments-api, "/^stag/": {service: payments-worker, production: true}}}"""));

        Map<String, Deployment> deployments = records.deployments().stream().collect(Collectors.toMap(Deployment::id, Function.identity()));
        Deployment staging = deployments.get("github:acme/payments:1002");
        assertEquals("payments-worker", staging.service());
        assertTrue(staging.production(), "the mapping says so, although rules.production_environment does not match staging");
        assertEquals("payments-api", deployments.get("github:acme/payments:1001").service());
        assertTrue(deployments.get("github:acme/payments:1001").production(), "no say in the mapping: the rule decides");
        assertTrue(records.rejects().isEmpty(), records.rejects().toString());
    }

    @Test
    void anEnvironmentNoMappingNamesIsRejectedWhenTheRepositoryHasNoServiceOfItsOwn() throws IOException {
        ApiRecords records = collectAndRead(config("{github: acme/payments, repo: payments, environments: {production: payments-api}}"));

        Reject reject = records.rejects().get(0);
        assertEquals(1, records.rejects().size());
        assertEquals("github:acme/payments:1002", reject.recordId());
        assertEquals("environment", reject.field());
        assertTrue(reject.reason().contains("maps environment 'staging'"), reject.reason());
        assertEquals(5, records.deployments().size(), "1001, 1003..1006 deploy payments-api");
    }

    @Test
    void theMappingIsCheckedAtLoad() {
        DoraException otherRepo = assertThrows(DoraException.class,
                () -> config("{github: acme/payments, repo: payments, environments: {production: web}}"));
        assertTrue(otherRepo.getMessage().contains("environments.production: expected one of the services of repo payments"), otherRepo.getMessage());
        DoraException noService = assertThrows(DoraException.class, () -> config("{github: acme/payments, repo: payments}"));
        assertTrue(noService.getMessage().contains("map its deployment environments to them with environments"), noService.getMessage());
        DoraException badRegex = assertThrows(DoraException.class,
                () -> config("{github: acme/payments, repo: payments, environments: {\"/[/\": payments-api}}"));
        assertTrue(badRegex.getMessage().contains("environments./[/"), badRegex.getMessage());
    }
}
