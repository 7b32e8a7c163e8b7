package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.testing.CatalogQuery;
import org.dorametrics.testing.ChildJvm;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dora run --catalog dora} in one process (registering again is AnalystQueriesTest's), then an analyst's
 * Spark SQL session with Hive's catalog in another
 * (the metastore in the shared working directory, as spark-sql keeps it by default): the second finds
 * {@code dora.team_metrics} and the others without being told where the files are.
 */
class HiveCatalogTest {
    @TempDir
    Path work;

    @Test
    void anotherSparkSessionQueriesTheTablesByName() throws Exception {
        Path config = tinyOrganisation(work.resolve("org"));
        ChildJvm.Result run = ChildJvm.run(work, 600, DoraCli.class,
                "run", "--config", config.toString(), "--as-of", "2026-03-08", "--catalog", "dora");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("catalog:  dora.{changes,"), run.output());

        ChildJvm.Result query = ChildJvm.run(work, 600, CatalogQuery.class,
                "SELECT count(*) FROM dora.deployments",
                "SELECT team, period_start, deployments FROM dora.team_metrics"
                        + " WHERE team = 'core' AND period_type = 'week' AND deployments > 0 ORDER BY period_start",
                "DESCRIBE dora.team_metrics");

        assertEquals(0, query.exitCode(), query.output());
        List<String> rows = query.output().lines().filter(line -> line.startsWith("row: ")).toList();
        Path tables = work.resolve("org/out/tables");
        long deployments = TestSpark.session().read().parquet(tables.resolve("deployments").toString()).count();
        assertEquals(3, deployments);
        assertEquals("row: [3]", rows.get(0));
        assertEquals("row: [core, 2026-03-02, 3]", rows.get(1));
        String comment = TableSchemas.load(TableSchemas.TEAM_METRICS).apply("lead_time_p50_seconds").getComment().get();
        assertTrue(rows.contains("row: [lead_time_p50_seconds, double, " + comment + "]"), "the schema file's comments: " + rows);
    }

    /** One repository, one service, one team, three deployments in the week of 2026-03-02. */
    private static Path tinyOrganisation(Path root) throws IOException {
        Files.createDirectories(root);
        StringBuilder deployments = new StringBuilder();
        try (GitFixture git = GitFixture.createBare(root.resolve("git/api.git"))) {
            String parent = null;
            for (int day = 2; day <= 4; day++) {
                String name = "c" + day;
                Instant time = Instant.parse("2026-03-0" + day + "T09:00:00Z");
                git.commit(name, "change " + day, time, time, "file" + day + ".txt", parent == null ? List.of() : List.of(parent));
                parent = name;
                deployments.append(String.format("{\"id\": \"d%d\", \"service\": \"api\", \"environment\": \"production\","
                        + " \"status\": \"success\", \"started_at\": \"2026-03-0%dT11:50:00Z\", \"finished_at\": \"2026-03-0%dT12:00:00Z\","
                        + " \"commit_sha\": \"%s\", \"repo\": \"api\"}%n", day, day, day, git.id(name).name()));
            }
            git.branch("main", parent);
        }
        Files.writeString(root.resolve("deployments.jsonl"), deployments);
        Files.writeString(root.resolve("dora.yaml"), """
                output: out
                repos:
                  - {name: api, path: git/api.git}
                services:
                  - {name: api, repo: api}
                teams:
                  - {name: core, services: [api]}
                sources:
                  deployments: [{file: deployments.jsonl}]
                """);
        return root.resolve("dora.yaml");
    }
}
