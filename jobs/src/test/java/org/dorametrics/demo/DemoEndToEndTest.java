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
import java.util.stream.Stream;
import org.apache.poi.xssf.usermodel.XSSFTable;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.DemoOutput;
import org.dorametrics.testing.TestSpark;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs `dora demo` through its Java entry point once, then checks every table against its schema file, and key
 * figures against values computed here independently: change counts with JGit's LogCommand.addRange (outside the
 * monorepo, whose services own only some paths; the monorepo_paths golden scenario pins those), weekly
 * deployment counts from the source file, median lead times with DuckDB on the Parquet tables.
 */
class DemoEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path out;
    private static DoraConfig config;

    @BeforeAll
    static void runDemo() {
        out = DemoOutput.folder();
        config = ConfigLoader.load(out.resolve("sample/dora.yaml"));
    }

    @Test
    void everyTableMatchesItsSchemaFileAndSideFiles() throws IOException {
        for (String table : TableSchemas.ALL) {
            Path folder = out.resolve("tables").resolve(table);
            // As Spark reads the files by itself: the columns the Parquet files hold, and the partition columns last.
            Dataset<Row> files = TestSpark.session().read().parquet(folder.toString());
            Dataset<Row> data = TableReader.read(TestSpark.session(), OutputLocation.open(out.toString(), TestSpark.session().sparkContext().hadoopConfiguration()), table);
            StructType expected = TableSchemas.load(table);
            List<String> partitions = partitionColumns(folder);
            assertEquals(List.of(expected.fieldNames()), List.of(data.schema().fieldNames()), table + " columns");
            assertEquals(List.of(expected.fieldNames()).stream().sorted().toList(), List.of(files.schema().fieldNames()).stream().sorted().toList(),
                    table + " columns in the files and directory names");
            for (StructField field : expected.fields()) {
                if (!partitions.contains(field.name())) {
                    assertEquals(field.dataType().asNullable(), files.schema().apply(field.name()).dataType().asNullable(),
                            table + "." + field.name() + " type");
                }
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

    /** The columns a table is partitioned by, from its directory names (column=value). */
    private static List<String> partitionColumns(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .filter(n -> n.contains("=")).map(n -> n.substring(0, n.indexOf('='))).distinct().toList();
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
                  FROM read_parquet('%s/deployment_changes/**/*.parquet', hive_partitioning = true) c
                  JOIN read_parquet('%s/deployments/**/*.parquet', hive_partitioning = true) d USING (deployment_id)
                  JOIN owners o ON o.service = c.service
                  WHERE d.is_production AND d.status = 'success' AND NOT c.is_baseline),
                duck AS (SELECT team, CAST(week AS DATE) AS week, count(*) AS n, quantile_cont(lead_time_seconds, 0.5) AS p50
                         FROM changes GROUP BY ALL)
                SELECT duck.team, duck.week, duck.n, duck.p50, m.lead_time_n, m.lead_time_p50_seconds
                FROM duck JOIN read_parquet('%s/team_metrics/**/*.parquet', hive_partitioning = true) m
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
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM read_parquet('" + tables + "/deployments/**/*.parquet', hive_partitioning = true)")) {
                count.next();
                assertEquals(TestSpark.session().read().parquet(tables + "/deployments").count(), count.getLong(1));
            }
            // The partition column comes back from the directory names as the schema's string, month by month as Spark sees it.
            Map<String, Long> sparkMonths = new TreeMap<>();
            TableReader.read(TestSpark.session(), OutputLocation.open(out.toString(), TestSpark.session().sparkContext().hadoopConfiguration()),
                    TableSchemas.DEPLOYMENTS).groupBy("finished_month").count().collectAsList().forEach(r -> sparkMonths.put(r.getString(0), r.getLong(1)));
            Map<String, Long> duckMonths = new TreeMap<>();
            try (ResultSet months = statement.executeQuery("SELECT finished_month, typeof(finished_month), count(*) FROM read_parquet('"
                    + tables + "/deployments/**/*.parquet', hive_partitioning = true) GROUP BY ALL")) {
                while (months.next()) {
                    assertEquals("VARCHAR", months.getString(2), "DuckDB type of finished_month");
                    duckMonths.put(months.getString(1), months.getLong(3));
                }
            }
            assertEquals(sparkMonths, duckMonths);
            try (ResultSet snapshots = statement.executeQuery("SELECT DISTINCT typeof(as_of), as_of FROM read_parquet('"
                    + tables + "/team_metrics_history/**/*.parquet', hive_partitioning = true)")) {
                assertTrue(snapshots.next());
                assertEquals("DATE", snapshots.getString(1), "DuckDB reads the history's as_of directories as dates");
                assertEquals(DemoOrganisation.AS_OF.toString(), snapshots.getString(2));
                assertFalse(snapshots.next(), "one snapshot after one run");
            }
            assertTrue(sparkMonths.size() >= 3, "months " + sparkMonths.keySet());
        }
        assertTrue(weeks >= 4 * 20, "compared " + weeks + " team weeks");
    }

    @Test
    void workbookShowsEveryTeamWithTheNumbersOfTeamMetrics() throws IOException {
        Path workbook = out.resolve("reports/dora-" + DemoOrganisation.AS_OF + ".xlsx");
        List<String> teams = new java.util.ArrayList<>(config.teams().stream().map(DoraConfig.Team::name).toList());
        teams.add(DoraConfig.ORGANISATION);
        Map<String, Row> current = new HashMap<>();
        Map<String, Row> reportWeek = new HashMap<>();
        LocalDate reportWeekStart = LocalDate.of(2026, 11, 16); // as of Wednesday 25 November: the last complete week
        for (Row row : TestSpark.session().read().parquet(out.resolve("tables/team_metrics").toString())
                .where("period_type = 'week'").collectAsList()) {
            LocalDate start = row.getAs("period_start");
            if (!start.isAfter(DemoOrganisation.AS_OF) && row.<LocalDate>getAs("period_end").isAfter(DemoOrganisation.AS_OF)) {
                current.put(row.getAs("team"), row);
            }
            if (start.equals(reportWeekStart)) {
                reportWeek.put(row.getAs("team"), row);
            }
        }
        try (XSSFWorkbook book = new XSSFWorkbook(Files.newInputStream(workbook))) {
            List<String> sheets = new java.util.ArrayList<>();
            book.forEach(sheet -> sheets.add(sheet.getSheetName()));
            List<String> expectedSheets = new java.util.ArrayList<>(List.of("Overview", "Trends"));
            expectedSheets.addAll(teams);
            expectedSheets.addAll(List.of("Benchmarks", "Data quality", "Alerts"));
            assertEquals(expectedSheets, sheets);

            var overview = book.getSheet("Overview");
            assertEquals(reportWeekStart.atStartOfDay(), overview.getRow(2).getCell(1).getLocalDateTimeCellValue());
            int firstTeamRow = 9;
            for (int i = 0; i < teams.size(); i++) {
                String team = teams.get(i);
                var row = overview.getRow(firstTeamRow + i);
                assertEquals(team, row.getCell(0).getStringCellValue());
                assertEquals("'" + team + "'!A1", row.getCell(0).getHyperlink().getAddress());
                assertEquals(current.get(team).<Double>getAs("quick_check_score"), row.getCell(1).getNumericCellValue(), 1e-9,
                        team + " quick check");
                assertEquals(reportWeek.get(team).<Long>getAs("deployments"), (long) row.getCell(2).getNumericCellValue(),
                        team + " deployments");
                assertEquals(current.get(team).<String>getAs("deployment_frequency_level"), row.getCell(6).getStringCellValue());
                Double leadTime = reportWeek.get(team).getAs("lead_time_p50_seconds");
                if (leadTime != null) {
                    assertEquals(leadTime / 86_400, row.getCell(8).getNumericCellValue(), 1e-9, team + " lead time");
                }
                assertEquals(current.get(team).<String>getAs("lead_time_level"), row.getCell(11).getStringCellValue());
                assertEquals(current.get(team).<String>getAs("change_failure_rate_level"), row.getCell(16).getStringCellValue());
                // 2024 ranks failed deployment recovery time.
                assertEquals(current.get(team).<String>getAs("recovery_level"), row.getCell(21).getStringCellValue());

                var teamSheet = book.getSheet(team);
                int weekHeader = -1;
                for (int r = 0; r <= teamSheet.getLastRowNum() && weekHeader < 0; r++) {
                    if (teamSheet.getRow(r) != null && teamSheet.getRow(r).getCell(0) != null
                            && "Week".equals(teamSheet.getRow(r).getCell(0).toString())) {
                        weekHeader = r;
                    }
                }
                // 26 complete weeks, then the partial one.
                var last = teamSheet.getRow(weekHeader + 26);
                assertEquals(reportWeekStart.atStartOfDay(), last.getCell(0).getLocalDateTimeCellValue());
                assertEquals(reportWeek.get(team).<Long>getAs("deployments"), (long) last.getCell(1).getNumericCellValue());
                assertEquals(reportWeekStart.plusWeeks(1).atStartOfDay(),
                        teamSheet.getRow(weekHeader + 27).getCell(0).getLocalDateTimeCellValue());
                if (reportWeek.get(team).<Long>getAs("deployments") > 0) {
                    assertEquals(1, teamSheet.getTables().stream().filter(t -> t.getName().startsWith("Deployments")).count(),
                            team + " lists its deployments");
                    XSSFTable deployments = teamSheet.getTables().stream()
                            .filter(t -> t.getName().startsWith("Deployments")).findFirst().orElseThrow();
                    assertEquals(reportWeek.get(team).<Long>getAs("deployments"),
                            (long) deployments.getEndRowIndex() - deployments.getStartRowIndex(), team + " deployment rows");
                }
            }
            var quality = book.getSheet("Data quality");
            long rejected = 0;
            for (int r = 8; quality.getRow(r) != null && quality.getRow(r).getCell(1) != null
                    && quality.getRow(r).getCell(1).getCellType() == org.apache.poi.ss.usermodel.CellType.NUMERIC; r++) {
                rejected += (long) quality.getRow(r).getCell(1).getNumericCellValue();
            }
            assertEquals(TestSpark.session().read().parquet(out.resolve("tables/rejects").toString()).count(), rejected,
                    "the data quality sheet counts every rejects row");
        }
    }

    @Test
    void reportPerTeamWritesOneWorkbookPerTeamAndOneForTheOrganisation() throws IOException {
        assertEquals(0, DoraCli.execute("report", "--config", out.resolve("sample/dora.yaml").toString(),
                "--as-of", DemoOrganisation.AS_OF.toString(), "--per-team"));
        Path folder = out.resolve("reports").resolve(DemoOrganisation.AS_OF.toString());
        Map<String, String> sheetByFile = new TreeMap<>();
        config.teams().forEach(t -> sheetByFile.put(t.name(), t.name()));
        sheetByFile.put("organisation", DoraConfig.ORGANISATION);
        for (Map.Entry<String, String> team : sheetByFile.entrySet()) {
            Path file = folder.resolve("dora-" + DemoOrganisation.AS_OF + "-" + team.getKey() + ".xlsx");
            try (XSSFWorkbook book = new XSSFWorkbook(Files.newInputStream(file))) {
                List<String> sheets = new java.util.ArrayList<>();
                book.forEach(sheet -> sheets.add(sheet.getSheetName()));
                assertEquals(List.of("Overview", "Trends", team.getValue(), "Benchmarks", "Data quality", "Alerts"), sheets, file.toString());
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("reports/dora-" + DemoOrganisation.AS_OF + ".xlsx")));
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
