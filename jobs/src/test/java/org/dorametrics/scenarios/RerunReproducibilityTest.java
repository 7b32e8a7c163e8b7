package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dorametrics.alerts.AlertsStage;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.export.ReportStage;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-running the job on the same inputs, in place, publishes byte-identical tables, partition directories
 * included, and leaves no staging files.
 */
class RerunReproducibilityTest {
    @TempDir
    Path work;

    @Test
    void secondRunInPlaceGivesTheSameBytes() throws IOException {
        Scenario scenario = Scenario.all(Path.of("src/test/resources/scenarios")).stream()
                .filter(s -> s.name.equals("worked_example")).findFirst().orElseThrow();
        Path config = scenario.materialize(work);
        Map<String, byte[]> first = runAndRead(config, scenario);
        Map<String, byte[]> second = runAndRead(config, scenario);
        assertEquals(first.keySet(), second.keySet());
        for (String file : first.keySet()) {
            assertArrayEquals(first.get(file), second.get(file), file + " differs between runs");
        }
        try (Stream<Path> files = Files.walk(work.resolve("out"))) {
            assertEquals(List.of(), files.map(f -> work.relativize(f).toString()).filter(f -> f.contains("/._")).toList(), "staging leftovers");
        }
    }

    private Map<String, byte[]> runAndRead(Path config, Scenario scenario) throws IOException {
        RunContext context = new RunContext(ConfigLoader.load(config), scenario.asOf, TestSpark::session);
        new CollectStage().run(context);
        new NormalizeStage().run(context);
        new MetricsStage().run(context);
        new AlertsStage().run(context, false, System.out);
        new ReportStage().run(context);
        Map<String, byte[]> bytes = new TreeMap<>();
        Path tables = work.resolve("out/tables");
        for (String table : TableSchemas.ALL) {
            try (Stream<Path> files = Files.walk(tables.resolve(table))) {
                for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                    bytes.put(tables.relativize(file).toString(), Files.readAllBytes(file));
                }
            }
            assertTrue(bytes.containsKey(table + "/_SCHEMA.json") && bytes.containsKey(table + "/_RUN.json"), table + " side files");
        }
        // One sorted file per partition directory (or per unpartitioned table): nothing else in the directories.
        List<String> data = bytes.keySet().stream().filter(f -> !f.endsWith("/_SCHEMA.json") && !f.endsWith("/_RUN.json")).toList();
        assertEquals(List.of(), data.stream().filter(f -> !f.endsWith("/part-00000.parquet")).toList(), "files other than one Parquet file per directory");
        for (String periodType : List.of("week", "month", "quarter")) {
            assertTrue(data.contains(TableSchemas.TEAM_METRICS + "/period_type=" + periodType + "/part-00000.parquet"), periodType + " partition: " + data);
        }
        assertTrue(data.stream().anyMatch(f -> f.matches(TableSchemas.DEPLOYMENTS + "/finished_month=\\d{4}-\\d{2}/part-00000.parquet")), "month partitions: " + data);
        return bytes;
    }
}
