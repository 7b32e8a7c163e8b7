package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Re-running the job on the same inputs, in place, publishes byte-identical tables and leaves no staging files. */
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
        for (String table : TableSchemas.ALL) {
            Path folder = work.resolve("out/tables").resolve(table);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                    bytes.put(table + "/" + file.getFileName(), Files.readAllBytes(file));
                }
            }
        }
        assertEquals(TableSchemas.ALL.size() * 3, bytes.size(), "each table has one Parquet file, _SCHEMA.json and _RUN.json: " + bytes.keySet());
        return bytes;
    }
}
