package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.commons.io.FileUtils;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at several points of a run: a child JVM runs {@code dora run} and is killed (SIGKILL) when the file
 * system shows it reached the point. After each kill, every table is readable and whole: the version published before,
 * or the new one; the next run takes the dead run's lock over, repairs, and publishes tables identical to those of an
 * uninterrupted run, with no leftovers. Tables are compared whole, every file byte for byte (the job writes Parquet
 * footers in a canonical form, so a child JVM's files equal this one's).
 */
class CrashSafetyTest {
    private static final Duration KILL_POINT_WAIT = Duration.ofMinutes(4);

    @TempDir
    Path work;

    /** A point of a run, told by what the run has written to its output since it started. */
    private record KillPoint(String name, Predicate<Path> reached) {}

    @Test
    void aRunKilledAtAnyPointLeavesWholeTablesAndTheNextRunFinishesTheWork() throws Exception {
        Scenario scenario = Scenario.all(Path.of("src/test/resources/scenarios")).stream()
                .filter(s -> s.name.equals("worked_example")).findFirst().orElseThrow();
        LocalDate nextWeek = scenario.asOf.plusDays(7);
        Path config = scenario.materialize(work);
        Path out = config.resolveSibling("out");
        TestSpark.session();
        // Last week's tables, then next week's run on them uninterrupted (it adds a snapshot to team_metrics_history and
        // keeps periods before its recompute window); then a fresh output with last week's published again.
        assertEquals(0, DoraCli.execute("run", "--config", config.toString(), "--as-of", scenario.asOf.toString()));
        Map<String, Map<String, String>> before = tables(out);
        assertEquals(0, DoraCli.execute("run", "--config", config.toString(), "--as-of", nextWeek.toString()));
        Map<String, Map<String, String>> after = tables(out);
        FileUtils.deleteDirectory(out.toFile());
        assertEquals(0, DoraCli.execute("run", "--config", config.toString(), "--as-of", scenario.asOf.toString()));
        assertEquals(before, tables(out), "the same inputs give the same tables");
        assertTrue(differing(before, after) > 0, "next week's run changes tables");

        List<KillPoint> points = List.of(
                new KillPoint("while a table's staging directory exists", o -> hasChild(o.resolve("tables"), "._staging-")),
                new KillPoint("between two table publishes", o -> touchedByThisRun(o.resolve("tables/deployments/_RUN.json"), o)),
                new KillPoint("during the report", o -> touchedByThisRun(o.resolve("tables/data_quality/_RUN.json"), o)));
        for (KillPoint point : points) {
            killAt(point, config, nextWeek, out);
            assertTrue(point.reached().test(out), point.name() + ": the killed run's state is on disk for the next run to repair");
            Map<String, Map<String, String>> left = tables(out);
            assertEquals(before.keySet(), left.keySet(), point.name() + ": every table is there");
            for (String table : left.keySet()) {
                assertTrue(left.get(table).equals(before.get(table)) || left.get(table).equals(after.get(table)),
                        point.name() + ": " + table + " is the version published before or the new one, whole");
            }
        }

        assertEquals(0, DoraCli.execute("run", "--config", config.toString(), "--as-of", nextWeek.toString()));
        assertEquals(after, tables(out), "the tables of the uninterrupted run");
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(), files.map(f -> out.relativize(f).toString()).filter(f -> f.contains("._") || f.equals("_LOCK")).toList(),
                    "no staging, previous copies or lock left");
        }
    }

    /** Starts {@code dora run} in a child JVM, with JSON logs, and kills it with SIGKILL once the point is reached. */
    private void killAt(KillPoint point, Path config, LocalDate asOf, Path out) throws Exception {
        Files.writeString(config.resolveSibling("run-started"), "");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The surefire argLine's Spark options (--add-opens and the rest), which the child needs as much as this JVM.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-D")).forEach(command::add);
        command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), DoraCli.class.getName(),
                "run", "--config", config.toString(), "--as-of", asOf.toString(), "--log-format", "json"));
        Path log = config.resolveSibling("child-" + point.name().replace(' ', '-') + ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + KILL_POINT_WAIT.toNanos();
        try {
            while (!point.reached().test(out)) {
                assertTrue(child.isAlive(), point.name() + ": the run ended before the point was reached:\n" + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, point.name() + ": not reached in " + KILL_POINT_WAIT);
                Thread.sleep(5);
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                assertTrue(json.readTree(line).has("@timestamp"), line);
            } else {
                assertTrue(line.isBlank() || !line.contains("org.dorametrics"), point.name() + ": a log line of the job that is not JSON: " + line);
            }
        }
    }

    private static boolean touchedByThisRun(Path file, Path out) {
        try {
            FileTime started = Files.getLastModifiedTime(out.resolveSibling("run-started"));
            return Files.exists(file) && Files.getLastModifiedTime(file).compareTo(started) > 0;
        } catch (IOException e) {
            return false; // renamed away while looking: not reached yet
        }
    }

    private static boolean hasChild(Path folder, String prefix) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.anyMatch(c -> c.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false;
        }
    }

    private static long differing(Map<String, Map<String, String>> a, Map<String, Map<String, String>> b) {
        return a.keySet().stream().filter(k -> !a.get(k).equals(b.get(k))).count();
    }

    /**
     * Every published table's files as readers list them (hidden files and folders left out), by table, then by path
     * under the table: a Parquet file's SHA-256 (its bytes are canonical, whichever process wrote them), the others' text.
     */
    private static Map<String, Map<String, String>> tables(Path out) throws IOException {
        Map<String, Map<String, String>> tables = new TreeMap<>();
        for (String table : TableSchemas.ALL) {
            Map<String, String> contents = new TreeMap<>();
            tables.put(table, contents);
            Path folder = out.resolve("tables").resolve(table);
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Path relative = folder.relativize(file);
                    if (StreamSupport.stream(relative.spliterator(), false).anyMatch(part -> part.toString().startsWith("."))) {
                        continue;
                    }
                    contents.put(relative.toString(), file.toString().endsWith(".parquet") ? sha256(file) : Files.readString(file));
                }
            }
        }
        return tables;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
