package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.testing.DemoOutput;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's example queries, run as written on the demo's tables: the Spark SQL ones through the catalog the job
 * registers (database {@code dora}), the DuckDB ones on the Parquet files. Both engines must return the same rows.
 */
class AnalystQueriesTest {
    private static final Pattern QUERY = Pattern.compile("```sql\n-- (Spark SQL|DuckDB): ([^\n]+)\n(.*?)```", Pattern.DOTALL);

    private static Path demo;
    private static SparkSession spark;

    @BeforeAll
    static void registerTheDemoTables() {
        demo = DemoOutput.folder();
        spark = TestSpark.session();
        OutputLocation output = OutputLocation.open(demo.toString(), spark.sparkContext().hadoopConfiguration());
        List<String> registered = CatalogRegistration.forDatabase("dora").register(spark, output);
        assertEquals(TableSchemas.ALL.stream().map(table -> "dora." + table).toList(), registered);
    }

    @Test
    void everyReadmeQueryGivesTheSameRowsInSparkSqlAndDuckDb() throws Exception {
        Map<String, Map<String, String>> queriesByTitle = readmeQueries();
        assertEquals(List.of("team trend", "elite vs rest", "slowest services"), List.copyOf(queriesByTitle.keySet()));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            for (Map.Entry<String, Map<String, String>> query : queriesByTitle.entrySet()) {
                String title = query.getKey();
                assertEquals(List.of("Spark SQL", "DuckDB"), List.copyOf(query.getValue().keySet()), title + ": one query per engine");
                List<List<Object>> sparkRows = sparkRows(query.getValue().get("Spark SQL"));
                List<List<Object>> duckRows = duckDbRows(duckdb, query.getValue().get("DuckDB").replace("'dora-demo/", "'" + demo + "/"));
                assertFalse(sparkRows.isEmpty(), title + " returns rows on the demo");
                assertEquals(sparkRows.size(), duckRows.size(), title + ": rows");
                for (int i = 0; i < sparkRows.size(); i++) {
                    assertSameRow(title + " row " + i, sparkRows.get(i), duckRows.get(i));
                }
            }
        }
    }

    @Test
    void theTrendIsThePublishedTableRowForRow() {
        long completeWeeks = spark.sql("SELECT * FROM dora.team_metrics WHERE team = 'payments' AND period_type = 'week'"
                + " AND NOT partial").count();
        List<List<Object>> trend = sparkRows(readmeQueries().get("team trend").get("Spark SQL"));
        assertEquals(Math.min(12, completeWeeks), trend.size());
        Row newest = spark.read().parquet(demo.resolve("tables/team_metrics").toString())
                .where("team = 'payments' AND period_type = 'week' AND NOT partial").orderBy(org.apache.spark.sql.functions.col("period_start").desc())
                .first();
        assertEquals(newest.getAs("period_start"), trend.get(0).get(0));
        assertEquals(newest.<Long>getAs("deployments"), trend.get(0).get(1));
    }

    @Test
    void registeringAgainFindsTheTablesInPlace() {
        OutputLocation output = OutputLocation.open(demo.toString(), spark.sparkContext().hadoopConfiguration());
        long before = spark.table("dora.deployments").count();
        CatalogRegistration.forDatabase("dora").register(spark, output);
        assertEquals(before, spark.table("dora.deployments").count());
        assertEquals(spark.read().parquet(demo.resolve("tables/deployments").toString()).count(), before);
    }

    @Test
    void someoneElsesTableOfTheSameNameIsNeverReplaced() {
        spark.sql("CREATE DATABASE IF NOT EXISTS analysts");
        spark.sql("CREATE TABLE IF NOT EXISTS analysts.deployments (note STRING) USING parquet");
        spark.sql("INSERT INTO analysts.deployments VALUES ('keep me')");
        OutputLocation output = OutputLocation.open(demo.toString(), spark.sparkContext().hadoopConfiguration());

        DoraException refused = assertThrows(DoraException.class, () -> CatalogRegistration.forDatabase("analysts").register(spark, output));

        assertEquals(ExitCode.OUTPUT_FAILED, refused.exitCode());
        assertTrue(refused.getMessage().contains("analysts.deployments already exists and is not this job's table (managed table"),
                refused.getMessage());
        assertEquals(List.of("keep me"), spark.table("analysts.deployments").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void aDatabaseNameSparkSqlWouldNeedQuotedIsRefusedBeforeAnyWork() {
        DoraException refused = assertThrows(DoraException.class, () -> CatalogRegistration.forDatabase("dora-metrics"));
        assertEquals(ExitCode.USAGE_OR_CONFIG, refused.exitCode());
        assertTrue(refused.getMessage().startsWith("--catalog: expected a database name"), refused.getMessage());
    }

    /** title → engine → query, in README order. */
    private static Map<String, Map<String, String>> readmeQueries() {
        String readme;
        try {
            readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Map<String, String>> queries = new LinkedHashMap<>();
        Matcher matcher = QUERY.matcher(readme);
        while (matcher.find()) {
            queries.computeIfAbsent(matcher.group(2), title -> new LinkedHashMap<>()).put(matcher.group(1), matcher.group(3));
        }
        return queries;
    }

    private static List<List<Object>> sparkRows(String query) {
        List<List<Object>> rows = new ArrayList<>();
        for (Row row : spark.sql(query).collectAsList()) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < row.length(); i++) {
                values.add(row.get(i));
            }
            rows.add(values);
        }
        return rows;
    }

    private static List<List<Object>> duckDbRows(Connection duckdb, String query) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(result.getObject(i));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    /** Numbers to 1e-9 relative (the engines sum in different orders), dates by their day, the rest exactly. */
    private static void assertSameRow(String where, List<Object> spark, List<Object> duckdb) {
        assertEquals(spark.size(), duckdb.size(), where + ": columns");
        for (int i = 0; i < spark.size(); i++) {
            Object expected = spark.get(i);
            Object actual = duckdb.get(i);
            if (expected instanceof Number number && actual instanceof Number other) {
                double a = number.doubleValue();
                double b = other.doubleValue();
                assertEquals(a, b, Math.abs(a) * 1e-9, where + " column " + i);
            } else {
                assertEquals(text(expected), text(actual), where + " column " + i);
            }
        }
    }

    private static String text(Object value) {
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof LocalDate || value instanceof OffsetDateTime) {
            return value.toString();
        }
        return String.valueOf(value);
    }
}
