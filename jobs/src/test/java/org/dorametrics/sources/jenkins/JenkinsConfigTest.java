package org.dorametrics.sources.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JenkinsJob;
import org.dorametrics.config.DoraConfig.JenkinsSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sources.jenkins in the config: defaults, and every mapping rule checked when the config is loaded. */
class JenkinsConfigTest {
    @TempDir
    Path folder;

    private DoraConfig load(String jenkins) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  jenkins:
                %s""".formatted(jenkins.indent(4)));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    private String error(String jenkins) {
        DoraException error = assertThrows(DoraException.class, () -> load(jenkins));
        assertEquals(ExitCode.USAGE_OR_CONFIG, error.exitCode());
        return error.getMessage();
    }

    @Test
    void defaults() throws IOException {
        JenkinsSource source = load("""
                - base_url: https://ci.example.com/jenkins/
                  user: dora-bot
                  token_env: JENKINS_TOKEN
                  jobs: [{name: payments/deploy, service: payments-api}, {regex: "deploy-.*", service: payments-api, environment_parameter: ENV}]
                """).sources().jenkins().get(0);
        assertEquals("jenkins:jenkins", source.sourceName());
        assertEquals("https://ci.example.com/jenkins", source.baseUrl().toString());
        assertEquals(100, source.pageSize());
        JenkinsJob named = source.jobs().get(0);
        assertEquals("production", named.environment(), "a listed job deploys to production unless told otherwise");
        assertNull(named.stage());
        assertTrue(source.listsJobs());
        assertEquals(source.jobs().get(1), source.entryFor("deploy-eu").orElseThrow());
        assertTrue(source.entryFor("deploy-eu/x").isPresent(), "the regex is matched against the whole full name");
        assertTrue(source.entryFor("nightly").isEmpty());
    }

    @Test
    void mappingRulesAreCheckedAtLoad() {
        String start = "- {base_url: https://ci.example.com, user: bot, token_env: T, jobs: [";
        assertTrue(error(start + "{regex: \"deploy-(\", service: payments-api}]}").startsWith(
                "config sources.jenkins[0].jobs[0].regex: expected a Java regular expression"), "regex compiles");
        assertTrue(error(start + "{name: deploy, service: nope}]}").contains("jobs[0].service: expected one of services [payments-api], got 'nope'"));
        assertTrue(error(start + "{name: deploy, regex: x, service: payments-api}]}").contains("expected exactly one of name"));
        assertTrue(error(start + "{service: payments-api}]}").contains("expected exactly one of name"));
        assertTrue(error(start + "{name: deploy, service: payments-api, environment: prod, environment_parameter: ENV}]}")
                .contains("expected at most one of environment"));
        assertTrue(error(start + "{name: deploy, service: payments-api, stage: \"[\"}]}").contains("jobs[0].stage: expected a Java regular expression"));
        assertTrue(error(start + "{name: deploy, service: payments-api, branch: main}]}").contains("jobs[0].branch: unknown key"));
        assertTrue(error("- {base_url: https://ci.example.com, token_env: T, jobs: [{name: d, service: payments-api}]}")
                .contains("sources.jenkins[0].user: required key is missing"));
        assertTrue(error("- {base_url: \"https://bot:secret@ci.example.com\", user: bot, token_env: T, jobs: [{name: d, service: payments-api}]}")
                .contains("credentials do not belong in the URL"));
        assertTrue(error("- {base_url: https://ci.example.com, user: bot, jobs: [{name: d, service: payments-api}]}")
                .contains("expected exactly one of token_env"));
    }
}
