package org.dorametrics.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.TestSpark;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs `dora demo` through its Java entry point once, then checks every table against its schema file, and key
 * figures against values computed here independently: change counts with JGit's LogCommand.addRange (outside the
 * monorepo, whose services own only some paths; the monorepo_paths golden scenario pins those), weekly
 * deployment counts from the source file, median lead times with DuckDB on the Parquet tables.
 */
class DemoEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path out;
    private static DoraConfig config;

    @BeforeAll
    static void runDemo() {
        TestSpark.session();
        assertEquals(0, DoraCli.execute("demo", "--out", out.toString()));
        config = ConfigLoader.load(out.resolve("sample/dora.yaml"));
    }

    @Test
    void everyTableMatchesItsSchemaFileAndSideFiles() throws IOException {
        for (String table : TableSchemas.ALL) {
            Path folder = out.resolve("tables").resolve(table);
            Dataset<Row> data = TestSpark.session().read().parquet(folder.toString());
            StructType expected = TableSchemas.load(table);
            assertEquals(List.of(expected.fieldNames()), List.of(data.schema().fieldNames()), table + " columns");
            for (StructField field : expected.fields()) {
                assertEquals(field.dataType().asNullable(), data.schema().apply(field.name()).dataType().asNullable(),
                        table + "." + field.name() + " type");
                if (!field.nullable()) {
                    assertEquals(0, data.where(data.col(field.name()).isNull()).count(), table + "." + field.name() + " has nulls");
                }
            }
            assertEquals(TableSchemas.json(table), Files.readString(folder.resolve("_SCHEMA.json")));
            JsonNode run = JSON.readTree(folder.resolve("_RUN.json").toFile());
            assertEquals(data.count(), run.get("rows").asLong(), table + " _RUN.json rows");
            assertEquals(DemoOrganisation.AS_OF.toString(), run.get("as_of").asText());
            assertTrue(run.get("config_digest").asText().startsWith("sha256:"));
            assertTrue(data.count() > 0, table + " is empty");
        }
    }

    @Test
    void changeCountsEqualJGitAddRangeAlongLinearHistory() throws IOException {
        List<Row> deployments = TestSpark.session().read().parquet(out.resolve("tables/deployments").toString())
                .where("is_production AND status = 'success' AND revision_found")
                .orderBy("service", "environment", "finished_at", "deployment_id").collectAsList();
        Map<String, String> revisionById = new HashMap<>();
        deployments.forEach(d -> revisionById.put(d.getAs("deployment_id"), d.getAs("revision_sha")));
        Map<String, Boolean> chainHadRollback = new HashMap<>();
        int compared = 0;
        for (Row deployment : deployments) {
            String chain = deployment.getAs("service") + "/" + deployment.getAs("environment");
            if (deployment.<Boolean>getAs("is_rollback")) {
                chainHadRollback.put(chain, true);
            }
            String previous = deployment.getAs("previous_deployment_id");
            boolean monorepo = !config.service(deployment.getAs("service")).orElseThrow().ownsWholeRepo();
            if (previous == null || chainHadRollback.getOrDefault(chain, false) || monorepo) {
                continue;
            }
            String repo = config.service(deployment.getAs("service")).orElseThrow().repo();
            try (Git git = Git.open(config.repo(repo).orElseThrow().path().toFile())) {
                int expected = 0;
                for (RevCommit ignored : git.log().addRange(ObjectId.fromString(revisionById.get(previous)),
                        ObjectId.fromString(deployment.getAs("revision_sha"))).call()) {
                    expected++;
                }
                assertEquals(expected, deployment.<Integer>getAs("change_count"), "changes of " + deployment.getAs("deployment_id"));
                compared++;
            } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
                throw new IOException(e);
            }
        }
        assertTrue(compared > 100, "compared " + compared + " deployments");
    }

    @Test
    void monorepoServicesGetOnlyTheCommitsThatTouchTheirPaths() {
        List<Row> leaks = TestSpark.session().sql(String.format("""
                SELECT c.service, c.sha, x.changed_paths
                FROM parquet.`%1$s/deployment_changes` c JOIN parquet.`%1$s/changes` x ON c.repo = x.repo AND c.sha = x.sha
                WHERE c.service IN ('payments-api', 'payments-worker')
                  AND NOT exists(x.changed_paths, p -> p LIKE concat('services/', c.service, '/%%') OR p LIKE 'libs/%%')
                """, out.resolve("tables"))).collectAsList();
        assertEquals(List.of(), leaks);
        long delivered = TestSpark.session().read().parquet(out.resolve("tables/deployment_changes").toString())
                .where("service IN ('payments-api', 'payments-worker')").count();
        assertTrue(delivered > 100, "payments services delivered " + delivered + " changes");
    }

    @Test
    void weeklyDeploymentCountsEqualTheSourceFile() throws IOException {
        Map<String, Long> expected = new TreeMap<>();
        Map<String, String> seen = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("sample/data/deployments.jsonl"))) {
            JsonNode d = JSON.readTree(line);
            Instant finished;
            try {
                finished = java.time.OffsetDateTime.parse(d.path("finished_at").asText()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                continue;
            }
            if (!d.path("status").asText().equals("success") || !d.path("environment").asText().matches("(?i)^prod(uction)?$")
                    || finished.isAfter(DemoOrganisation.AS_OF.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
                continue;
            }
            seen.put(d.path("id").asText(), d.path("service").asText() + "|" + finished);
        }
        for (String value : seen.values()) {
            String service = value.substring(0, value.indexOf('|'));
            LocalDate day = Instant.parse(value.substring(value.indexOf('|') + 1)).atZone(ZoneOffset.UTC).toLocalDate();
            LocalDate week = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            for (DoraConfig.Team team : config.teams()) {
                if (team.serviceNames().contains(service)) {
                    expected.merge(team.name() + " " + week, 1L, Long::sum);
                }
            }
            if (config.service(service).isPresent()) {
                expected.merge(DoraConfig.ORGANISATION + " " + week, 1L, Long::sum);
            }
        }
        Map<String, Long> actual = new TreeMap<>();
        for (Row row : TestSpark.session().read().parquet(out.resolve("tables/team_metrics").toString())
                .where("period_type = 'week' AND deployments > 0").collectAsList()) {
            actual.put(row.getAs("team") + " " + row.getAs("period_start"), row.getAs("deployments"));
        }
        assertEquals(expected, actual);
    }

    @Test
    void duckDbReadsTheTablesAndAgreesOnWeeklyMedianLeadTime() throws SQLException {
        String tables = out.resolve("tables").toString();
        StringBuilder owners = new StringBuilder("SELECT * FROM (VALUES ");
        config.teams().forEach(t -> t.serviceNames().forEach(s -> owners.append("('").append(t.name()).append("','").append(s).append("'),")));
        owners.setLength(owners.length() - 1);
        owners.append(") AS o(team, service)");
        String query = """
                WITH owners AS (%s),
                changes AS (
                  SELECT o.team, date_trunc('week', c.deployed_at AT TIME ZONE 'UTC') AS week, c.lead_time_seconds
                  FROM read_parquet('%s/deployment_changes/*.parquet') c
                  JOIN read_parquet('%s/deployments/*.parquet') d USING (deployment_id)
                  JOIN owners o ON o.service = c.service
                  WHERE d.is_production AND d.status = 'success' AND NOT c.is_baseline),
                duck AS (SELECT team, CAST(week AS DATE) AS week, count(*) AS n, quantile_cont(lead_time_seconds, 0.5) AS p50
                         FROM changes GROUP BY ALL)
                SELECT duck.team, duck.week, duck.n, duck.p50, m.lead_time_n, m.lead_time_p50_seconds
                FROM duck JOIN read_parquet('%s/team_metrics/*.parquet') m
                  ON m.team = duck.team AND m.period_type = 'week' AND m.period_start = duck.week
                """.formatted(owners, tables, tables, tables);
        int weeks = 0;
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rows = statement.executeQuery(query)) {
                while (rows.next()) {
                    String where = rows.getString(1) + " " + rows.getString(2);
                    assertEquals(rows.getLong(3), rows.getLong(5), "lead time n " + where);
                    assertEquals(rows.getDouble(4), rows.getDouble(6), 1e-6, "lead time p50 " + where);
                    weeks++;
                }
            }
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM read_parquet('" + tables + "/deployments/*.parquet')")) {
                count.next();
                assertEquals(TestSpark.session().read().parquet(tables + "/deployments").count(), count.getLong(1));
            }
        }
        assertTrue(weeks >= 4 * 20, "compared " + weeks + " team weeks");
    }

    @Test
    void workbookHasOneSummaryRowPerTeam() throws IOException {
        Path workbook = out.resolve("reports/dora-" + DemoOrganisation.AS_OF + ".xlsx");
        try (XSSFWorkbook book = new XSSFWorkbook(Files.newInputStream(workbook))) {
            var sheet = book.getSheet("Summary");
            List<String> cells = new java.util.ArrayList<>();
            sheet.forEach(row -> row.forEach(cell -> cells.add(cell.toString())));
            for (DoraConfig.Team team : config.teams()) {
                assertTrue(cells.contains(team.name()), "summary lists team " + team.name());
            }
            assertTrue(cells.contains(DoraConfig.ORGANISATION), "summary ends with the organisation roll-up");
        }
    }

    @Test
    void demoShowsDifferentLevelsAndTheDeliberateRejects() {
        List<Row> levels = TestSpark.session().read().parquet(out.resolve("tables/team_metrics").toString())
                .where("period_type = 'week' AND partial").select("team", "deployment_frequency_level").collectAsList();
        assertEquals(5, levels.size(), "four teams and the organisation");
        assertTrue(levels.stream().map(r -> r.getString(1)).distinct().count() >= 3, "levels: " + levels);
        List<Row> rejected = TestSpark.session().read().parquet(out.resolve("tables/rejects").toString())
                .where("action = 'rejected'").collectAsList();
        assertEquals(3, rejected.size(), "the demo's deliberate bad records: " + rejected);
        assertFalse(rejected.stream().anyMatch(r -> r.getAs("raw_payload") == null), "rejects keep the raw payload");
        assertTrue(Files.notExists(out.getParent().resolve("spark-warehouse")));
    }
}
