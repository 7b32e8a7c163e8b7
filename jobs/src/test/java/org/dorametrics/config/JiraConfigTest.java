package org.dorametrics.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dorametrics.config.DoraConfig.JiraDeployment;
import org.dorametrics.config.DoraConfig.JiraService;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sources.jira: defaults, the default JQL the incident rules give, and every mapping rule checked at load. */
class JiraConfigTest {
    private static final String BASE = """
            repos: [{name: payments, path: git/payments.git}]
            services: [{name: payments-api, repo: payments}, {name: storefront, repo: payments, paths: ["web/**"]}]
            teams: [{name: payments, services: [payments-api, storefront]}]
            sources:
              jira:
            """;

    @TempDir
    Path folder;

    @Test
    void cloudSourceGetsTheDocumentedDefaults() throws IOException {
        JiraSource jira = load("    - {base_url: \"https://acme.atlassian.net/\", deployment: cloud, email: sre@acme.example, token_env: JIRA_TOKEN}\n");
        assertEquals("jira:jira", jira.sourceName());
        assertEquals(URI.create("https://acme.atlassian.net"), jira.baseUrl());
        assertEquals(JiraDeployment.CLOUD, jira.deployment());
        assertEquals("sre@acme.example", jira.email());
        assertEquals("(issuetype in (\"Incident\") OR (issuetype in (\"Bug\") AND priority in (\"Highest\")))", jira.jql());
        assertEquals(List.of("Incident"), jira.incidentTypes());
        assertEquals(List.of("Bug"), jira.bugTypes());
        assertEquals(List.of("Highest"), jira.bugPriorities());
        assertEquals(new JiraService("components", null, Map.of()), jira.service());
        assertEquals(null, jira.deploymentField());
        assertEquals(Map.of(), jira.severities());
        assertEquals(Duration.ofDays(1), jira.overlap());
        assertEquals(100, jira.pageSize());
    }

    @Test
    void dataCenterSourceWithEveryRule() throws IOException {
        JiraSource jira = load("""
                    - name: dc
                      base_url: https://jira.acme.example/jira
                      deployment: data_center
                      token_file: secrets/jira-pat
                      projects: [OPS, SEC]
                      incident_types: ["10100", 故障]
                      bug_types: []
                      service: {from: labels, map: {pay: payments-api}}
                      deployment_field: Causing deployment
                      severity: {Highest: sev1, "2": sev2}
                      overlap: 6h
                      page_size: 50
                """);
        assertEquals("jira:dc", jira.sourceName());
        assertEquals(JiraDeployment.DATA_CENTER, jira.deployment());
        assertEquals(folder.resolve("secrets/jira-pat"), jira.tokenFile());
        assertEquals("project in (\"OPS\", \"SEC\") AND issuetype in (\"10100\", \"故障\")", jira.jql(), "no bug types: no bug clause");
        assertEquals(new JiraService("labels", "service:", Map.of("pay", "payments-api")), jira.service());
        assertEquals("Causing deployment", jira.deploymentField());
        assertEquals(Map.of("Highest", "sev1", "2", "sev2"), jira.severities());
        assertEquals(Duration.ofHours(6), jira.overlap());
        assertEquals(50, jira.pageSize());
    }

    @Test
    void aWrittenJqlReplacesTheDefaultSearchAndAStarTakesEveryIssue() throws IOException {
        JiraSource jira = load("    - {base_url: \"https://acme.atlassian.net\", deployment: cloud, email: sre@acme.example, token_env: T,"
                + " jql: \"project = OPS AND labels = incident\", incident_types: [\"*\"]}\n");
        assertEquals("project = OPS AND labels = incident", jira.jql());
        JiraSource projects = load("    - {base_url: \"https://acme.atlassian.net\", deployment: cloud, email: sre@acme.example, token_env: T,"
                + " projects: [OPS], incident_types: [\"*\"]}\n");
        assertEquals("project in (\"OPS\")", projects.jql());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no deployment      | {base_url: "https://a.atlassian.net", email: a@b.c, token_env: T}                                    | config sources.jira[0].deployment: required key is missing
            bad deployment     | {base_url: "https://a.atlassian.net", deployment: server, email: a@b.c, token_env: T}               | config sources.jira[0].deployment: expected cloud (email and API token) or data_center
            cloud no email     | {base_url: "https://a.atlassian.net", deployment: cloud, token_env: T}                                | config sources.jira[0].email: Jira Cloud signs in with the account's email and an API token
            dc with email      | {base_url: "https://jira.a.b", deployment: data_center, email: a@b.c, token_env: T}                 | config sources.jira[0].email: Jira Data Center signs in with a personal access token alone
            no base_url        | {deployment: data_center, token_env: T}                                                                  | config sources.jira[0].base_url: required key is missing
            no token           | {base_url: "https://jira.a.b", deployment: data_center}                                                 | config sources.jira[0]: expected exactly one of token_env
            order by           | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, jql: "project = OPS ORDER BY key"} | config sources.jira[0].jql: leave ORDER BY out
            jql and projects   | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, jql: "project = OPS", projects: [OPS]} | config sources.jira[0].projects: projects narrows the default search
            bad project        | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, projects: ["OPS OR 1=1"]}       | config sources.jira[0].projects[0]: expected a project key such as OPS
            star everywhere    | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, incident_types: ["*"]}           | config sources.jira[0].incident_types: "*" makes every issue the search finds an incident
            no incident types  | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, incident_types: []}              | config sources.jira[0].incident_types: expected a list of at least one non-empty value
            unknown service    | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, service: {map: {Pay: payment-api}}} | config sources.jira[0].service.map.Pay: expected the name of one of services [payments-api, storefront]
            prefix sans labels | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, service: {label_prefix: "svc-"}} | config sources.jira[0].service.label_prefix: applies to from: labels only
            unknown key        | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, service_field: x}                | config sources.jira[0].service_field: unknown key
            bad overlap        | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, overlap: a day}                   | config sources.jira[0].overlap: expected a duration such as 90m
            page size          | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, page_size: 1000}                  | config sources.jira[0].page_size: expected a whole number from 1 to 100
            empty severity     | {base_url: "https://jira.a.b", deployment: data_center, token_env: T, severity: {High: ""}}            | config sources.jira[0].severity.High: expected a non-empty name on both sides
            """)
    void badJiraSourceStopsWithKeyAndExpectation(String why, String entry, String message) throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load("    - " + entry + "\n"));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        assertTrue(error.getMessage().startsWith(message), why + ": " + error.getMessage());
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThem() throws IOException {
        DoraException error = assertThrows(DoraException.class, () -> load(
                "    - {base_url: \"https://sre%40acme.example:ATATT3xSECRET@acme.atlassian.net\", deployment: cloud, email: a@b.c, token_env: T}\n"));
        assertTrue(error.getMessage().startsWith("config sources.jira[0].base_url: credentials do not belong in the URL"), error.getMessage());
        assertTrue(!error.getMessage().contains("ATATT3xSECRET"), error.getMessage());
    }

    private JiraSource load(String entries) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), BASE + entries);
        return ConfigLoader.withEnvironment(Map.of()).read(file).sources().jira().get(0);
    }
}
