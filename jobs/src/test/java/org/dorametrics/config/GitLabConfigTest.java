package org.dorametrics.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sources.gitlab: defaults, projects and their environments, and every mistake named by its key path before any work. */
class GitLabConfigTest {
    private static final String GITLAB = """
            repos:
              - {name: payments, path: git/payments.git}
              - {name: platform, path: git/platform.git}
            services:
              - {name: payments-api, repo: payments}
              - {name: gateway, repo: platform, paths: ["gateway/**"]}
              - {name: ledger, repo: platform, paths: ["ledger/**"]}
            teams:
              - {name: payments, services: [payments-api, gateway, ledger]}
            sources:
              gitlab:
            """;

    @TempDir
    Path folder;

    private DoraConfig load(String yaml) throws IOException {
        return ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(folder.resolve("dora.yaml"), yaml));
    }

    @Test
    void gitlabSourceGetsItsDefaults() throws IOException {
        DoraConfig config = load(GITLAB + """
                    - token_env: GITLAB_TOKEN
                      projects: [{gitlab: acme/payments, repo: payments}]
                """);
        DoraConfig.GitLabSource gitlab = config.sources().gitlab().get(0);
        assertEquals("gitlab:gitlab", gitlab.sourceName());
        assertEquals(URI.create("https://gitlab.com/api/v4"), gitlab.baseUrl());
        assertTrue(gitlab.deployments() && gitlab.mergeRequests());
        assertNull(gitlab.pipelinesAsDeployments(), "pipelines are no deployments unless configured");
        assertNull(gitlab.incidents(), "incidents are read only when configured");
        assertEquals(100, gitlab.pageSize());
        assertEquals(Duration.ofDays(1), gitlab.overlap());
        assertEquals(List.of(new DoraConfig.GitLabProject("acme/payments", "payments", "payments-api", List.of())), gitlab.projects());
    }

    @Test
    void selfManagedMonorepoWithEnvironmentsPipelinesAndIncidents() throws IOException {
        DoraConfig config = load(GITLAB + """
                    - name: onprem
                      base_url: https://gitlab.example.com/api/v4/
                      token_file: secrets/gitlab-token
                      page_size: 50
                      overlap: 6h
                      pipelines_as_deployments: {ref: main, source: push, name: Deploy}
                      incidents: {labels: [incident, sev]}
                      projects:
                        - {gitlab: acme/platform/monorepo, repo: platform, environments: {gateway-production: gateway, "ledger-.*": ledger}}
                        - {gitlab: 4711, repo: payments}
                """);
        DoraConfig.GitLabSource gitlab = config.sources().gitlab().get(0);
        assertEquals("gitlab:onprem", gitlab.sourceName());
        assertEquals(URI.create("https://gitlab.example.com/api/v4"), gitlab.baseUrl());
        assertEquals(folder.resolve("secrets/gitlab-token"), gitlab.tokenFile());
        assertEquals(Duration.ofHours(6), gitlab.overlap());
        assertEquals(new DoraConfig.PipelineDeployments("main", "push", "Deploy", "production"), gitlab.pipelinesAsDeployments());
        assertEquals(new DoraConfig.IncidentIssues("incident", List.of("incident", "sev")), gitlab.incidents());
        DoraConfig.GitLabProject monorepo = gitlab.projects().get(0);
        assertNull(monorepo.service(), "its environments name the services");
        assertEquals(List.of("gateway-production", "ledger-.*"), monorepo.environments().stream().map(DoraConfig.EnvironmentService::name).toList());
        assertEquals(List.of("gateway", "ledger"), monorepo.environments().stream().map(DoraConfig.EnvironmentService::service).toList());
        assertEquals("4711", gitlab.projects().get(1).project());
        assertEquals("payments-api", gitlab.projects().get(1).service());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no token          | projects: [{gitlab: acme/payments, repo: payments}]                                                 | config sources.gitlab[0]: expected exactly one of token_env
            unknown key       | {token_env: T, project: [{gitlab: acme/payments, repo: payments}]}                                   | config sources.gitlab[0].project: unknown key
            bad project       | {token_env: T, projects: [{gitlab: payments, repo: payments}]}                                       | config sources.gitlab[0].projects[0].gitlab: expected a project path such as acme/payments
            listed twice      | {token_env: T, projects: [{gitlab: a/p, repo: payments}, {gitlab: A/P, repo: payments}]}             | config sources.gitlab[0].projects[1].gitlab: 'A/P' is listed twice
            unknown repo      | {token_env: T, projects: [{gitlab: a/p, repo: pay}]}                                                 | config sources.gitlab[0].projects[0].repo: expected the name of one of repos [payments, platform]
            ambiguous service | {token_env: T, projects: [{gitlab: a/p, repo: platform}]}                                            | config sources.gitlab[0].projects[0].service: repo platform has services [gateway, ledger]; name the one this project deploys, or map environments to them
            foreign mapping   | {token_env: T, projects: [{gitlab: a/p, repo: platform, environments: {prod: payments-api}}]}        | config sources.gitlab[0].projects[0].environments.prod: expected one of the services of repo platform [gateway, ledger]
            bad regex         | {token_env: T, projects: [{gitlab: a/p, repo: platform, environments: {"prod-(": gateway}}]}         | config sources.gitlab[0].projects[0].environments.prod-(: expected an environment name or a Java regular expression
            pipelines no ref  | {token_env: T, pipelines_as_deployments: {source: push}, projects: [{gitlab: a/p, repo: payments}]}  | config sources.gitlab[0].pipelines_as_deployments.ref: required key is missing
            incidents key     | {token_env: T, incidents: {type: incident}, projects: [{gitlab: a/p, repo: payments}]}               | config sources.gitlab[0].incidents.type: unknown key
            overlap           | {token_env: T, overlap: 1 day, projects: [{gitlab: a/p, repo: payments}]}                             | config sources.gitlab[0].overlap: expected a duration such as 90m, 24h, 30d or 2w
            page size         | {token_env: T, page_size: 0, projects: [{gitlab: a/p, repo: payments}]}                              | config sources.gitlab[0].page_size: expected a whole number from 1 to 100
            """)
    void badGitlabSourceStopsWithKeyAndExpectation(String why, String entry, String message) throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(GITLAB + "    - " + entry + "\n"));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        assertTrue(error.getMessage().startsWith(message), why + ": " + error.getMessage());
    }

    @Test
    void credentialsInTheBaseUrlAreRefusedWithoutBeingEchoed() {
        DoraException inUrl = assertThrows(DoraException.class, () -> load(GITLAB
                + "    - {token_env: T, base_url: \"https://oauth2:glpat-SECRET1@gitlab.example.com/api/v4\", projects: [{gitlab: a/p, repo: payments}]}\n"));
        assertTrue(inUrl.getMessage().startsWith("config sources.gitlab[0].base_url: credentials do not belong in the URL"), inUrl.getMessage());
        assertTrue(!inUrl.getMessage().contains("glpat-SECRET1"), inUrl.getMessage());
    }
}
