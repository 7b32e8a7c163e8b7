package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.testing.ConsoleCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dora explain} on golden scenarios run through the pipeline: it lists the rows behind each figure of team_metrics. */
class ExplainCommandTest {
    private static final Path SCENARIOS = Path.of("src/test/resources/scenarios");

    @TempDir
    static Path work;
    /** Scenarios already run through the pipeline, by name: each runs once for every test that explains it. */
    private static final Map<String, Scenario> RUN = new HashMap<>();

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void workedExampleListsEveryRowBehindEachFigure() throws IOException {
        Scenario scenario = run("worked_example");
        String config = config(scenario);
        Map<String, String> sha = shortShasByName(scenario);

        String text = explain("--config", config, "--team", "core", "--week", "2026-03-04");

        assertEquals("Team core, week 2026-03-02 to 2026-03-08, time zone UTC, as of 2026-03-08, benchmark edition 2024",
                text.lines().findFirst().orElseThrow());
        List<List<String>> deployments = rows(text, "Deployment frequency: 4 deployments on 3 deploy days, 0.57 a day");
        assertEquals(List.of(
                List.of("Mon 03-02 12:00", "d1", "api", sha.get("c2"), "2 changes", "baseline"),
                List.of("Tue 03-03 14:00", "d2", "api", sha.get("c4"), "2 changes"),
                List.of("Wed 03-04 11:00", "d4", "api", sha.get("c5"), "1 change", "FAILED: incident, rollback"),
                List.of("Wed 03-04 15:00", "d5", "api", sha.get("c4"), "0 changes", "rollback, rework")), deployments);
        assertEquals(deploymentsOfFirstWeek(config, "core"), deployments.size());
        assertEquals(List.of(List.of("Wed 03-04 10:00", "d3", "api", sha.get("c5"))),
                rows(text, "Failed deploy attempts (neither deployments nor change failures): 1"));
        assertEquals(List.of(
                List.of("2.0 h", sha.get("c4"), "c4", "d2"),
                List.of("2.0 h", sha.get("c5"), "c5", "d4"),
                List.of("6.0 h", sha.get("c3"), "c3", "d2")),
                rows(text, "Lead time for changes: n 3, p50 2.0 h, p75 4.0 h, p90 5.2 h, mean 3.3 h"));
        assertEquals(List.of(
                List.of("Wed 03-04 11:00", "d4", "api", "FAILED: incident, rollback"),
                List.of("i1 -> d4 (rollback)")),
                rows(text, "Change failure rate: 25% (1 failed of 4 deployments)"));
        assertEquals(List.of(List.of("i1", "api", "Wed 03-04 11:30 to Wed 03-04 15:30", "4.0 h", "-> d4 (rollback)",
                        "Checkout errors after release")),
                rows(text, "Time to restore service: n 1, p50 4.0 h, p75 4.0 h, p90 4.0 h, mean 4.0 h (incidents resolved)"));
        assertEquals(List.of(List.of("d4", "api", "Wed 03-04 11:00 to Wed 03-04 15:00", "4.0 h")),
                rows(text, "Failed deployment recovery time: n 1, p50 4.0 h, p75 4.0 h, p90 4.0 h, mean 4.0 h (failed deployments recovered)"));
        assertEquals(List.of(List.of("Wed 03-04 15:00", "d5", "api", "rollback")),
                rows(text, "Deployment rework rate: 25% (1 of 4 deployments)"));
        List<List<String>> levels = rows(text, "Levels over 2025-12-15 to 2026-03-08 (12 weeks); below 5 samples a level is insufficient data");
        assertTrue(levels.contains(List.of("lead time", "insufficient data", "p50 2.0 h over 3 changes")), levels.toString());
        assertTrue(levels.contains(List.of("change failure rate", "insufficient data", "25% over 4 deployments")), levels.toString());
        assertTrue(text.contains("\nData quality: nothing flagged\n"), text);
        assertFalse(text.contains("team_metrics counts"), "every listing matches its figure:\n" + text);
    }

    @Test
    void organisationListsAnIncidentOfTwoServicesOnce() throws IOException {
        String config = config(run("organisation_rollup"));

        String text = explain("--config", config, "--team", "(organisation)", "--week", "2026-03-02");

        List<List<String>> restores = rows(text, "Time to restore service: n 1, p50 2.0 h, p75 2.0 h, p90 2.0 h, mean 2.0 h (incidents resolved)");
        assertEquals(List.of(List.of("i1", "api, web", "Wed 03-04 12:00 to Wed 03-04 14:00", "2.0 h", "-> web-2 (window)",
                "Login and checkout down")), restores);
        List<List<String>> deployments = rows(text, "Deployment frequency: 5 deployments on 4 deploy days, 0.71 a day");
        assertEquals(List.of("api-1", "web-1", "api-2", "web-2", "db-1"), deployments.stream().map(r -> r.get(1)).toList());
        assertEquals(deploymentsOfFirstWeek(config, "(organisation)"), deployments.size());
    }

    @Test
    void suspiciousDataIsFlaggedWhereItIsListed() throws IOException {
        Scenario scenario = run("data_quality_counts");
        String config = config(scenario);
        Map<String, String> sha = shortShasByName(scenario);

        String text = explain("--config", config, "--team", "(organisation)", "--week", "2026-03-02");

        assertTrue(rows(text, "Deployment frequency: ").stream().anyMatch(r -> r.get(1).equals("d4")
                && r.get(5).equals("revision not in the repository")), text);
        assertTrue(rows(text, "Lead time for changes: ").contains(
                List.of("0 min", sha.get("c3"), "c3", "d3", "clamped to 0: dated after its deploy")), text);
        assertTrue(rows(text, "Failed deployment recovery time: ").contains(
                List.of("d2", "api", "Mon 03-02 12:00 to Mon 03-02 12:00", "0 min", "clamped to 0: recovered before it finished")), text);
        assertTrue(rows(text, "Time to restore service: ").contains(
                List.of("i2", "(no service)", "Thu 03-05 10:00 to Thu 03-05 11:00", "1.0 h", "no link", "Something somewhere")), text);
        assertEquals(List.of(
                List.of("1", "changes with a negative lead time, clamped to 0"),
                List.of("1", "failed deployments recovered before they finished, clamped to 0"),
                List.of("1", "deployments of a revision the repository lacks (counted, with no changes)"),
                List.of("1", "incidents opened this week naming no service"),
                List.of("2", "commits of this week no production deployment contains yet")),
                rows(text, "Data quality (the non-zero counts of data_quality):"));
    }

    /** Time zones, DST, memberships with dates, a service in two teams: every week of every team lists what it counts. */
    @ParameterizedTest
    @ValueSource(strings = {"timezone_week_boundary", "dst_change_berlin", "service_moves_between_teams", "service_in_two_teams",
            "data_quality_counts"})
    void everyWeekListsAsManyRowsAsTeamMetricsCounts(String name) throws IOException {
        String config = config(run(name));
        List<Row> weeks = TestSpark.session().read().parquet(Path.of(config).resolveSibling("out/tables/team_metrics").toString())
                .where("period_type = 'week'").select("team", "period_start", "deployments").collectAsList();
        for (Row week : weeks) {
            console.reset();
            String text = explain("--config", config, "--team", week.getString(0), "--week", week.getAs(1).toString());
            assertFalse(text.contains("team_metrics counts"), name + ": " + week + "\n" + text);
            assertEquals(week.getLong(2), rows(text, "Deployment frequency: ").size(), name + ": " + week + "\n" + text);
        }
    }

    @Test
    void errorsNameWhatIsAvailable() throws IOException {
        String config = config(run("worked_example"));

        assertEquals(2, DoraCli.execute("explain", "--config", config, "--team", "platform", "--week", "2026-03-02"));
        assertTrue(console.err().contains(
                "dora: --team platform: no such team in team_metrics; teams available: (organisation), core"), console.err());
        for (String week : List.of("2026-02-27", "2026-03-09")) {
            console.reset();
            assertEquals(2, DoraCli.execute("explain", "--config", config, "--team", "core", "--week", week));
            assertTrue(console.err().contains("dora: --week " + week + ": no week of core in team_metrics holds it; "
                    + "the weeks available run from 2026-03-02 to 2026-03-08 (as of 2026-03-08)"), console.err());
        }
        console.reset();
        assertEquals(2, DoraCli.execute("explain", "--config", config, "--team", "core", "--week", "2026-03-02", "--as-of", "2026-03-15"));
        assertTrue(console.err().contains("are as of 2026-03-08 and explain does not recompute them"), console.err());

        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Path otherDate = Files.createDirectories(work.resolve("other-date"));
        copyTree(Path.of(config).getParent(), otherDate);
        Path normalizedLater = otherDate.resolve("out/tables/deployments/_RUN.json");
        Files.writeString(normalizedLater, Files.readString(normalizedLater).replace("\"as_of\" : \"2026-03-08\"", "\"as_of\" : \"2026-03-15\""));
        console.reset();
        assertEquals(3, DoraCli.execute("explain", "--config", otherDate.resolve("dora.yaml").toString(), "--team", "core",
                "--week", "2026-03-02"));
        assertTrue(console.err().contains("table deployments under") && console.err().contains(" is as of 2026-03-15, but "
                + "team_metrics is as of 2026-03-08: explain lists the rows of one run; run `dora normalize --as-of 2026-03-08` first"),
                console.err());

        Path unrun = Files.copy(Path.of(config), elsewhere.resolve("dora.yaml"));
        console.reset();
        assertEquals(3, DoraCli.execute("explain", "--config", unrun.toString(), "--team", "core", "--week", "2026-03-02"));
        assertTrue(console.err().contains("table changes not found under")
                && console.err().contains("; run `dora normalize` first"), console.err());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private String explain(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "explain";
        System.arraycopy(args, 0, command, 1, args.length);
        assertEquals(0, DoraCli.execute(command), console.err());
        return console.out();
    }

    /** The cells of the lines under the heading that starts with {@code heading}, up to the next blank line. */
    private static List<List<String>> rows(String text, String heading) {
        List<String> lines = text.lines().toList();
        int start = lines.stream().filter(l -> l.startsWith(heading)).findFirst().map(lines::indexOf)
                .orElseThrow(() -> new AssertionError("no heading '" + heading + "' in:\n" + text));
        return lines.subList(start + 1, lines.size()).stream().takeWhile(l -> !l.isBlank())
                .map(l -> Arrays.asList(l.strip().split(" {2,}")))
                .toList();
    }

    /** The scenario, run through collect, normalize and metrics into {@code work/<name>} the first time it is asked for. */
    private static Scenario run(String name) throws IOException {
        if (!RUN.containsKey(name)) {
            Scenario scenario = Scenario.all(SCENARIOS).stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
            Path config = scenario.materialize(Files.createDirectories(work.resolve(name)));
            RunContext context = new RunContext(ConfigLoader.load(config), scenario.asOf, TestSpark::session);
            new CollectStage().run(context);
            new NormalizeStage().run(context);
            new MetricsStage().run(context);
            RUN.put(name, scenario);
        }
        return RUN.get(name);
    }

    private static String config(Scenario scenario) {
        return work.resolve(scenario.name).resolve("dora.yaml").toString();
    }

    /** team_metrics.deployments of the team's week of 2026-03-02, the week every scenario used here starts in. */
    private static long deploymentsOfFirstWeek(String config, String team) {
        return TestSpark.session().read().parquet(Path.of(config).resolveSibling("out/tables/team_metrics").toString())
                .where("team = '" + team + "' AND period_type = 'week' AND period_start = DATE'2026-03-02'")
                .select("deployments").first().getLong(0);
    }

    private static Map<String, String> shortShasByName(Scenario scenario) {
        return scenario.namesBySha.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, e -> e.getKey().substring(0, 7)));
    }
}
