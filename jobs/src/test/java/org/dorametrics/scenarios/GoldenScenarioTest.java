package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.collect.CsvRecords;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableReader;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden scenarios: each folder under src/test/resources/scenarios is run through collect, normalize and metrics,
 * and every {@code expected/<table>.csv} is compared row by row with the table (the columns its header names,
 * rows sorted, SHAs written as commit names; an optional first line {@code # where <condition>} selects the rows). Run with {@code -Ddora.golden.update=true} to rewrite the expected
 * files from the actual tables, then review the diff.
 */
class GoldenScenarioTest {
    private static final Path SCENARIOS = Path.of("src/test/resources/scenarios");
    private static final Pattern SHA = Pattern.compile("\\b[0-9a-f]{40}\\b");
    private static final boolean UPDATE = Boolean.getBoolean("dora.golden.update");
    /** An expected file may start with `# where <Spark SQL condition>` to pin only some rows of its table. */
    private static final String WHERE = "# where ";

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        List<Scenario> scenarios = Scenario.all(SCENARIOS);
        assertFalse(scenarios.isEmpty(), "no scenarios under " + SCENARIOS.toAbsolutePath());
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.name, () -> run(s)));
    }

    private void run(Scenario scenario) throws IOException {
        Path folder = Files.createDirectories(work.resolve(scenario.name));
        Path config = scenario.materialize(folder);
        RunContext context = new RunContext(ConfigLoader.load(config), scenario.asOf, TestSpark::session);
        new CollectStage().run(context);
        new NormalizeStage().run(context);
        new MetricsStage().run(context);
        try (Stream<Path> expectedFiles = Files.list(scenario.folder.resolve("expected"))) {
            for (Path expected : expectedFiles.sorted().toList()) {
                String table = expected.getFileName().toString().replaceAll("\\..*$", "");
                compare(scenario, context, table, expected);
            }
        }
    }

    private void compare(Scenario scenario, RunContext context, String table, Path expectedFile) throws IOException {
        List<String> expectedLines = new ArrayList<>(Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList());
        String filter = expectedLines.get(0).startsWith(WHERE) ? expectedLines.remove(0).substring(WHERE.length()) : "true";
        String header = expectedLines.get(0);
        List<String> columns = CsvRecords.parseFields(header);
        List<Row> rows = TableReader.read(TestSpark.session(), context.output(), table)
                .where(filter).selectExpr(columns.toArray(String[]::new)).collectAsList();
        List<String> actual = new ArrayList<>();
        for (Row row : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.length(); i++) {
                cells.add(csv(withCommitNames(format(row.get(i)), scenario)));
            }
            actual.add(String.join(",", cells));
        }
        actual.sort(null);
        if (UPDATE) {
            Path source = SCENARIOS.resolve(scenario.name).resolve("expected").resolve(expectedFile.getFileName());
            String where = filter.equals("true") ? "" : WHERE + filter + "\n";
            Files.writeString(source, where + header + "\n" + String.join("\n", actual) + "\n", StandardCharsets.UTF_8);
            return;
        }
        List<String> expected = new ArrayList<>(expectedLines.subList(1, expectedLines.size()));
        expected.sort(null);
        assertEquals(String.join("\n", expected), String.join("\n", actual),
                scenario.name + ": table " + table + " differs from " + expectedFile);
    }

    private static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<String> items = new ArrayList<>();
            for (Object item : scala.jdk.javaapi.CollectionConverters.asJava(seq)) {
                items.add(format(item));
            }
            return "[" + String.join(";", items) + "]";
        }
        if (value instanceof Row row) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < row.length(); i++) {
                items.add(format(row.get(i)));
            }
            return String.join("=", items);
        }
        if (value instanceof Object[] array) {
            return Arrays.toString(array);
        }
        return value.toString();
    }

    private static String withCommitNames(String text, Scenario scenario) {
        Matcher matcher = SHA.matcher(text);
        StringBuilder named = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(named, scenario.namesBySha.getOrDefault(matcher.group(), matcher.group()));
        }
        return matcher.appendTail(named).toString();
    }

    private static String csv(String cell) {
        return cell.contains(",") || cell.contains("\"") || cell.contains("\n")
                ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
