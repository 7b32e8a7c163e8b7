package org.dorametrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.ConsoleCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users and scripts see it: help texts, exit codes and the messages behind them. */
class DoraCliTest {
    @TempDir
    Path folder;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        assertEquals(0, DoraCli.execute("--help"));
        String help = console.out();
        for (String command : List.of("run", "collect", "normalize", "metrics", "alerts", "report", "demo", "validate")) {
            assertTrue(help.contains("  " + command + " "), "help lists " + command + ":\n" + help);
        }
        assertTrue(help.contains("4  too many rejected records"), help);
    }

    @Test
    void commandHelpDescribesItsOptions() {
        assertEquals(0, DoraCli.execute("run", "--help"));
        String help = console.out();
        assertTrue(help.contains("--config=FILE") && help.contains("--as-of=DATE") && help.contains("--master=URL"), help);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, DoraCli.execute());
        assertEquals(2, DoraCli.execute("deploy"));
        assertEquals(2, DoraCli.execute("run"), "--config is required");
        assertEquals(2, DoraCli.execute("run", "--config", "x.yaml", "--as-of", "last week"));
        List<String> reasons = console.err().lines().filter(line -> line.startsWith("dora: ")).toList();
        assertEquals(4, reasons.size(), "one reason line per failure:\n" + console.err());
        assertEquals("dora: no command given", reasons.get(0));
        assertTrue(reasons.get(2).startsWith("dora: Missing required option: '--config=FILE' (see `dora run --help`)"), reasons.get(2));
        assertEquals(4, console.err().lines().count(), "no usage dump on stderr:\n" + console.err());
    }

    @Test
    void badConfigExitsWithTwoAndNamesTheKey() throws IOException {
        Path config = Files.writeString(folder.resolve("dora.yaml"), "repos: []\nservices: []\nteams: []\n");
        assertEquals(2, DoraCli.execute("validate", "--config", config.toString()));
        assertTrue(console.err().contains("dora: config repos: expected at least one entry"), console.err());
    }

    @Test
    void validateChecksSourcesWithoutRunning() throws IOException {
        Path config = config("deployments-missing.jsonl");
        assertEquals(2, DoraCli.execute("validate", "--config", config.toString()));
        String messages = console.err();
        assertTrue(messages.contains("repos api: no directory at " + folder.resolve("git/api.git")), messages);
        assertTrue(messages.contains("source file:deployments-missing.jsonl: no readable file at"), messages);
        assertTrue(Files.notExists(folder.resolve("out")), "validate writes nothing");

        gitRepository();
        Files.writeString(folder.resolve("deployments-missing.jsonl"), "");
        console.reset();
        assertEquals(0, DoraCli.execute("validate", "--config", config.toString()), console.err());
        assertTrue(console.out().contains("is valid: 1 repos, 1 services, 1 teams"));
    }

    @Test
    void validateChecksGithubTokensWithoutShowingThem() throws IOException {
        gitRepository();
        Files.writeString(folder.resolve("dora.yaml"), Files.readString(config("deployments.jsonl"))
                + "  github: [{token_file: no-such-token, repositories: [{github: acme/api, repo: api}]}]\n");
        Files.writeString(folder.resolve("deployments.jsonl"), "");
        assertEquals(2, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()));
        assertTrue(console.err().contains("dora: config sources.github[github].token_file: cannot read token_file "),
                console.err());

        Files.writeString(folder.resolve("no-such-token"), "ghp_validate0secret\n");
        console.reset();
        assertEquals(0, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()), console.err());
        String printed = console.out() + console.err();
        assertTrue(printed.contains("1 API sources") && !printed.contains("ghp_validate0secret"), printed);
    }

    @Test
    void validateChecksGitlabTokensWithoutShowingThem() throws IOException {
        gitRepository();
        Files.writeString(folder.resolve("dora.yaml"), Files.readString(config("deployments.jsonl"))
                + "  gitlab: [{token_file: no-such-token, projects: [{gitlab: acme/api, repo: api}]}]\n");
        Files.writeString(folder.resolve("deployments.jsonl"), "");
        assertEquals(2, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()));
        assertTrue(console.err().contains("dora: config sources.gitlab[gitlab].token_file: cannot read token_file "), console.err());

        Files.writeString(folder.resolve("no-such-token"), "glpat-validate0secret\n");
        console.reset();
        assertEquals(0, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()), console.err());
        String printed = console.out() + console.err();
        assertTrue(printed.contains("1 API sources") && !printed.contains("glpat-validate0secret"), printed);
    }

    @Test
    void validateChecksJiraTokensWithoutShowingThem() throws IOException {
        gitRepository();
        Files.writeString(folder.resolve("dora.yaml"), Files.readString(config("deployments.jsonl"))
                + "  jira: [{base_url: \"https://jira.acme.example\", deployment: data_center, token_file: no-such-pat}]\n");
        Files.writeString(folder.resolve("deployments.jsonl"), "");
        assertEquals(2, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()));
        assertTrue(console.err().contains("dora: config sources.jira[jira].token_file: cannot read token_file "), console.err());

        Files.writeString(folder.resolve("no-such-pat"), "jira-pat-validate0secret\n");
        console.reset();
        assertEquals(0, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()), console.err());
        String printed = console.out() + console.err();
        assertTrue(printed.contains("1 API sources") && !printed.contains("jira-pat-validate0secret"), printed);
    }

    @Test
    void validateChecksTheAlertsSecretsWithoutShowingThem() throws IOException {
        gitRepository();
        Files.writeString(folder.resolve("dora.yaml"), Files.readString(config("deployments.jsonl"))
                + "alerts: {webhook: {url_file: webhook.txt}, routes: [{team: core, channel: '#core'}]}\n");
        Files.writeString(folder.resolve("deployments.jsonl"), "");
        assertEquals(2, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()));
        assertTrue(console.err().contains("dora: config alerts.webhook.url_file: cannot read url_file "), console.err());

        Files.writeString(folder.resolve("webhook.txt"), "https://hooks.example.com/services/T1/B1/validate0secret\n");
        console.reset();
        assertEquals(0, DoraCli.execute("validate", "--config", folder.resolve("dora.yaml").toString()), console.err());
        assertFalse((console.out() + console.err()).contains("validate0secret"));
    }

    @Test
    void unreadableSourceExitsWithThreeAfterCollectingTheOthers() throws IOException {
        gitRepository();
        Path config = config("nowhere.jsonl");
        assertEquals(3, DoraCli.execute("collect", "--config", config.toString()));
        assertTrue(console.err().contains("source file:nowhere.jsonl: cannot read file"), console.err());
        assertTrue(Files.exists(folder.resolve("out/raw/git/api/commits.jsonl")), "the repository was still collected");
    }

    @Test
    void aSourceThatCannotBeCollectedIsFlaggedAndTheRestPublishedThenTheRunExitsWithThree() throws IOException {
        String config = oneDeploymentOfTheHeadCommit();
        Files.createDirectories(folder.resolve("out"));
        Files.writeString(folder.resolve("out/_LOCK"), "{\"host\":\"elsewhere\",\"pid\":7,\"run_id\":\"r-live\",\"started_at\":\"2026-03-08T00:00:00Z\"}");
        assertEquals(6, DoraCli.execute("run", "--config", config, "--as-of", "2026-03-08"));
        assertTrue(lastLine(console.err()).startsWith("dora: output file:" + folder.resolve("out") + " is locked by run r-live (host elsewhere, pid 7"),
                console.err());
        assertTrue(Files.notExists(folder.resolve("out/raw")), "a locked output is not written");
        Files.delete(folder.resolve("out/_LOCK"));

        assertEquals(0, DoraCli.execute("run", "--config", config, "--as-of", "2026-03-08"), console.err());
        JsonNode first = new ObjectMapper().readTree(folder.resolve("out/_RUN.json").toFile());
        assertEquals(0, first.get("exit_code").asInt());
        assertEquals(1, first.at("/table_rows/deployments").asLong());
        assertEquals(List.of("collect", "normalize", "metrics", "alerts", "report"), iterable(first.get("stages").fieldNames()));
        assertEquals(2, first.at("/stages/collect/records").asLong(), "one deployment and one commit");
        assertTrue(Files.notExists(folder.resolve("out/_LOCK")), "the lock is released");

        Files.delete(folder.resolve("deployments.jsonl"));
        console.reset();
        assertEquals(3, DoraCli.execute("run", "--config", config, "--as-of", "2026-03-08"));
        assertTrue(lastLine(console.err()).startsWith("dora: published, but 1 source(s) could not be read, their last collected records used and"
                + " flagged in rejects: source file:deployments.jsonl: cannot read file"), console.err());
        assertEquals(1L, TestSpark.session().read().parquet(folder.resolve("out/tables/deployments").toString()).count(),
                "the deployment of the last successful collect");
        List<Row> flagged = TestSpark.session().read().parquet(folder.resolve("out/tables/rejects").toString())
                .where("source = 'file:deployments.jsonl' AND action = 'flagged'").collectAsList();
        assertEquals(1, flagged.size());
        assertTrue(flagged.get(0).<String>getAs("reason").startsWith("the last collect could not read this source (source file:deployments.jsonl: cannot"
                + " read file"), flagged.get(0).toString());
        JsonNode second = new ObjectMapper().readTree(folder.resolve("out/_RUN.json").toFile());
        assertEquals(3, second.get("exit_code").asInt());
        assertTrue(second.at("/failed_sources/file:deployments.jsonl").asText().startsWith("source file:deployments.jsonl: cannot read file"),
                second.toString());
        assertTrue(second.get("reason").asText().startsWith("published, but 1 source(s)"), second.toString());
        assertTrue(Files.getLastModifiedTime(folder.resolve("out/reports/dora-2026-03-08.xlsx")).toInstant()
                .isAfter(Instant.parse(second.get("started_at").asText())), "the report was published again");
    }

    /** The line a non-zero exit ends stderr with: its reason (log lines, when captured too, come before it). */
    private static String lastLine(String err) {
        List<String> lines = err.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void tooManyRejectsExitWithFourAfterWritingRejects() throws IOException {
        gitRepository();
        Files.writeString(folder.resolve("deployments.jsonl"), """
                {"id": "d1", "service": "api", "environment": "production", "status": "success", "finished_at": "2026-03-02T12:00:00", "commit_sha": "abcdef1"}
                {"id": "d2", "service": "nope", "environment": "production", "status": "success", "finished_at": "2026-03-02T12:00:00Z", "commit_sha": "abcdef1"}
                {"id": "d3", "service": "api", "environment": "production", "status": "success", "finished_at": "2026-03-02T12:00:00Z", "commit_sha": "abcdef1"}
                """);
        TestSpark.session();
        int exit = DoraCli.execute("run", "--config", config("deployments.jsonl").toString(), "--as-of", "2026-03-08");
        assertEquals(4, exit, console.err());
        assertTrue(console.err().contains(
                "too many rejected records: file:deployments.jsonl rejected 2 of 3 records (66.7%, rules.max_reject_ratio is 5.0%)"), console.err());
        List<Row> rejects = TestSpark.session().read().parquet(folder.resolve("out/tables/rejects").toString())
                .where("action = 'rejected'").orderBy("line").collectAsList();
        assertEquals(2, rejects.size());
        assertEquals("finished_at", rejects.get(0).getAs("field"));
        assertEquals("service", rejects.get(1).getAs("field"));
        assertTrue(Files.notExists(folder.resolve("out/tables/team_metrics")), "no metrics from a failed normalization");
    }

    @Test
    void eachStageRunsAloneOnWhatThePreviousOneWrote() throws IOException {
        String config = oneDeploymentOfTheHeadCommit();
        assertEquals(3, DoraCli.execute("metrics", "--config", config, "--as-of", "2026-03-08"));
        assertTrue(console.err().contains("table changes not found under"), console.err());
        assertEquals(3, DoraCli.execute("normalize", "--config", config, "--as-of", "2026-03-08"));
        assertTrue(console.err().contains("nothing collected at"), console.err());
        List<String> flagged = TestSpark.session().read().parquet(folder.resolve("out/tables/rejects").toString())
                .where("action = 'flagged' AND reason LIKE 'the raw zone of this source cannot be read%'").orderBy("source")
                .collectAsList().stream().map(r -> r.<String>getAs("source")).toList();
        assertEquals(List.of("file:deployments.jsonl", "git:api"), flagged, "never collected: flagged, and the tables published");
        for (String stage : List.of("collect", "normalize", "metrics", "report", "normalize", "metrics", "report")) {
            assertEquals(0, DoraCli.execute(stage, "--config", config, "--as-of", "2026-03-08"), stage + ": " + console.err());
        }
        assertTrue(Files.exists(folder.resolve("out/reports/dora-2026-03-08.xlsx")));
        assertEquals(1L, TestSpark.session().read().parquet(folder.resolve("out/tables/deployments").toString()).count());
    }

    @Test
    void aTablePublishedWithoutAColumnThisVersionReadsMustBePublishedAgain() throws IOException {
        String config = oneDeploymentOfTheHeadCommit();
        assertEquals(0, DoraCli.execute("run", "--config", config, "--as-of", "2026-03-08"), console.err());
        // As the version before deployment_changes.is_production published the table: read with today's schema file,
        // its files would give null for the column, and no change would count.
        Path schema = folder.resolve("out/tables/deployment_changes/_SCHEMA.json");
        ObjectNode published = (ObjectNode) new ObjectMapper().readTree(schema.toFile());
        ArrayNode fields = (ArrayNode) published.get("fields");
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).get("name").asText().equals("is_production")) {
                fields.remove(i);
            }
        }
        Files.writeString(schema, published.toString());

        assertEquals(3, DoraCli.execute("metrics", "--config", config, "--as-of", "2026-03-08"));
        assertTrue(console.err().contains("table deployment_changes under file:" + folder.resolve("out/tables")
                + " was published by an older version, without column(s) [is_production]; run `dora normalize` to publish it again"),
                console.err());
        assertEquals(0, DoraCli.execute("normalize", "--config", config, "--as-of", "2026-03-08"), console.err());
        assertEquals(0, DoraCli.execute("metrics", "--config", config, "--as-of", "2026-03-08"), console.err());
        assertEquals(1L, TestSpark.session().read().parquet(folder.resolve("out/tables/team_metrics").toString())
                .where("team = 'core' AND period_type = 'week' AND period_start = DATE'2026-03-02'").first().<Long>getAs("deployments"));
    }

    @Test
    void aStageRefusesTablesPublishedForAnotherReportDate() throws IOException {
        String config = oneDeploymentOfTheHeadCommit();
        assertEquals(0, DoraCli.execute("run", "--config", config, "--as-of", "2026-03-08"), console.err());
        String tables = "file:" + folder.resolve("out/tables");

        // Normalized as of the 8th, the tables lack what happened after it: read for the 15th, that week would be empty.
        assertEquals(3, DoraCli.execute("metrics", "--config", config, "--as-of", "2026-03-15"));
        assertTrue(console.err().contains("table changes under " + tables + " is as of 2026-03-08, not this run's report date "
                + "2026-03-15; run `dora normalize --as-of 2026-03-15` first, or give --as-of 2026-03-08"), console.err());
        console.reset();
        assertEquals(0, DoraCli.execute("normalize", "--config", config, "--as-of", "2026-03-15"), console.err());
        // And the other way round: normalized as of the 15th, the tables would let a run for the 8th see the days after it.
        assertEquals(3, DoraCli.execute("alerts", "--config", config, "--as-of", "2026-03-08", "--dry-run"));
        assertTrue(console.err().contains("is as of 2026-03-15, not this run's report date 2026-03-08"), console.err());
        console.reset();
        assertEquals(3, DoraCli.execute("report", "--config", config, "--as-of", "2026-03-15"));
        assertTrue(console.err().contains("table team_metrics under " + tables + " is as of 2026-03-08, not this run's report "
                + "date 2026-03-15; run `dora metrics --as-of 2026-03-15` first"), console.err());
        assertTrue(Files.notExists(folder.resolve("out/reports/dora-2026-03-15.xlsx")));

        assertEquals(0, DoraCli.execute("metrics", "--config", config, "--as-of", "2026-03-15"), console.err());
        assertEquals(0, DoraCli.execute("report", "--config", config, "--as-of", "2026-03-15"), console.err());
        assertTrue(Files.exists(folder.resolve("out/reports/dora-2026-03-15.xlsx")));
    }

    @Test
    void theReportNamesADomainTableItLacksBeforeAnyWork() throws IOException {
        String config = oneDeploymentOfTheHeadCommit();
        assertEquals(0, DoraCli.execute("run", "--config", config, "--as-of", "2026-03-08"), console.err());
        FileUtils.deleteDirectory(folder.resolve("out/tables/incident_deployments").toFile());
        FileUtils.deleteDirectory(folder.resolve("out/reports").toFile());

        assertEquals(3, DoraCli.execute("report", "--config", config, "--as-of", "2026-03-08"));
        assertTrue(console.err().contains("table incident_deployments not found under file:" + folder.resolve("out/tables")
                + "; run `dora normalize` first"), console.err());
        assertFalse(console.err().contains("internal error"), console.err());
        assertTrue(Files.notExists(folder.resolve("out/reports/dora-2026-03-08.xlsx")));
    }

    /** A repository and a deployment of its head commit; returns the config, with a Spark session ready. */
    private String oneDeploymentOfTheHeadCommit() throws IOException {
        gitRepository();
        Files.writeString(folder.resolve("deployments.jsonl"), """
                {"id": "d1", "service": "api", "environment": "production", "status": "success", "finished_at": "2026-03-02T12:00:00Z", "commit_sha": "%s"}
                """.formatted(headSha()));
        TestSpark.session();
        return config("deployments.jsonl").toString();
    }

    private String headSha() throws IOException {
        try (var repository = new org.eclipse.jgit.storage.file.FileRepositoryBuilder().setGitDir(folder.resolve("git/api.git").toFile()).build()) {
            return repository.resolve("main").name();
        }
    }

    private void gitRepository() throws IOException {
        try (GitFixture git = GitFixture.createBare(folder.resolve("git/api.git"))) {
            Instant time = Instant.parse("2026-03-02T09:00:00Z");
            git.commit("c1", "first", time, time, "a.txt", List.of());
            git.branch("main", "c1");
        }
    }

    private Path config(String deploymentsFile) throws IOException {
        return Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: api, path: git/api.git}]
                services: [{name: api, repo: api}]
                teams: [{name: core, services: [api]}]
                sources:
                  deployments: [{file: %s}]
                """.formatted(deploymentsFile));
    }
}
