package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.metrics.RecomputeWindow;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recompute window: a run recomputes the periods of the last reporting.recompute_weeks weeks and keeps the
 * published rows of older ones, unless the published rows cannot be kept; and every run's snapshot of team_metrics
 * in team_metrics_history. Data: fifteen weekly deployments from 2026-01-05 (incremental/weekly_history).
 */
class RecomputeWindowTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-04-12");
    /** The Monday eight weeks back, counting the week of AS_OF: the window's first day. */
    private static final LocalDate WINDOW_START = LocalDate.parse("2026-02-16");
    private static final LocalDate OLD_WEEK = LocalDate.parse("2026-01-12");
    private static final LocalDate RECENT_WEEK = LocalDate.parse("2026-03-16");

    @TempDir
    Path work;
    private Path config;

    @BeforeEach
    void materialize() throws IOException {
        Scenario scenario = Scenario.all(Path.of("src/test/resources/incremental")).get(0);
        config = scenario.materialize(work);
    }

    @Test
    void lateIncidentChangesTheWindowButNotAnOlderPeriod() throws IOException {
        RunContext first = run(AS_OF);
        Map<String, Row> before = teamRows(first);
        lateIncidents();
        RunContext second = run(AS_OF);
        Map<String, Row> after = teamRows(second);

        assertEquals(before.get("week " + OLD_WEEK), after.get("week " + OLD_WEEK), "the old week's row is kept as published");
        assertEquals(0L, after.get("week " + OLD_WEEK).<Long>getAs("restore_n"));
        assertEquals(before.get("month 2026-01-01"), after.get("month 2026-01-01"), "January ends before the window: kept");
        assertEquals(0L, before.get("week " + RECENT_WEEK).<Long>getAs("restore_n"));
        assertEquals(1L, after.get("week " + RECENT_WEEK).<Long>getAs("restore_n"), "the recent week sees its late incident");
        // The quarter overlaps the window, so it is recomputed whole: both late incidents count there.
        assertEquals(before.get("quarter 2026-01-01").<Long>getAs("restore_n") + 2, after.get("quarter 2026-01-01").<Long>getAs("restore_n"));
        assertEquals(before.keySet(), after.keySet());

        RunContext full = context(AS_OF).withFullRefresh();
        new MetricsStage().run(full);
        assertEquals(1L, teamRows(full).get("week " + OLD_WEEK).<Long>getAs("restore_n"), "--full recomputes the old week too");
    }

    @Test
    void everyPeriodIsRecomputedWhenThePublishedRowsCannotBeKept() throws IOException {
        RunContext context = context(AS_OF);
        assertFull(context, false, "no published team_metrics");
        run(AS_OF);
        assertEquals(Optional.of(WINDOW_START), RecomputeWindow.decide(context, false).start());
        assertFull(context, true, "--full");
        assertFull(context(AS_OF.minusDays(1)), false, "is as of 2026-04-12, after this report date");
        assertFull(context(LocalDate.parse("2026-06-07")), false,
                "is as of 2026-04-12, before the recompute window starts (2026-04-13)");
        assertEquals(Optional.of(LocalDate.parse("2026-04-06")),
                RecomputeWindow.decide(context(LocalDate.parse("2026-05-31")), false).start(),
                "a published table as of the window's first week still serves");

        Path run = work.resolve("out/tables/service_metrics/_RUN.json");
        String published = Files.readString(run);
        Files.writeString(run, published.replaceAll("\"project_version\" : \"[^\"]*\"", "\"project_version\" : \"0.0.1-old\""));
        assertFull(context, false, "service_metrics was computed by version 0.0.1-old");
        Files.writeString(run, published);

        // A team membership change (any change of the config file) makes every old row stale.
        Files.writeString(config, Files.readString(config).replace("teams:\n  - {name: core, services: [api]}",
                "teams:\n  - {name: core, services: [api]}\n  - {name: platform, services: [api]}"));
        assertFull(context(AS_OF), false, "team_metrics was computed with another config");
    }

    @Test
    void historyKeepsOneSnapshotPerReportDate() throws IOException {
        run(AS_OF);
        lateIncidents();
        LocalDate nextWeek = AS_OF.plusWeeks(1);
        run(nextWeek);
        RunContext again = run(nextWeek);

        List<Row> history = TableReader.read(TestSpark.session(), again.output(), TableSchemas.TEAM_METRICS_HISTORY)
                .where("team = 'core' AND period_type = 'week' AND period_start = DATE'" + RECENT_WEEK + "'")
                .orderBy("as_of").collectAsList();
        assertEquals(List.of(AS_OF, nextWeek), history.stream().map(r -> r.<LocalDate>getAs("as_of")).toList());
        assertEquals(List.of(0L, 1L), history.stream().map(r -> r.<Long>getAs("restore_n")).toList(),
                "the week's time-to-restore sample grew when the late incident arrived");

        Map<LocalDate, Long> rowsPerSnapshot = new TreeMap<>();
        TableReader.read(TestSpark.session(), again.output(), TableSchemas.TEAM_METRICS_HISTORY).groupBy("as_of").count()
                .collectAsList().forEach(r -> rowsPerSnapshot.put(r.getAs(0), r.getLong(1)));
        long published = TableReader.read(TestSpark.session(), again.output(), TableSchemas.TEAM_METRICS).count();
        assertEquals(published, rowsPerSnapshot.get(nextWeek), "the re-run replaced its snapshot: no duplicates");
        assertTrue(rowsPerSnapshot.get(AS_OF) > 0 && rowsPerSnapshot.get(AS_OF) < published, "the older snapshot is kept: " + rowsPerSnapshot);
        assertTrue(Files.isDirectory(work.resolve("out/tables/team_metrics_history/as_of=" + AS_OF)));
    }

    private void assertFull(RunContext context, boolean full, String reason) {
        RecomputeWindow window = RecomputeWindow.decide(context, full);
        assertEquals(Optional.empty(), window.start(), window.reason());
        assertTrue(window.reason().contains(reason), window.reason());
    }

    /** A late incident in an old week (before the window) and one in a recent week, both resolved the same day. */
    private void lateIncidents() throws IOException {
        Files.writeString(work.resolve("incidents.csv"), """
                late-old,api,sev2,2026-01-15T10:00:00Z,2026-01-15T11:00:00Z,Reported late
                late-recent,api,sev2,2026-03-19T10:00:00Z,2026-03-19T12:00:00Z,Reported late
                """, StandardOpenOption.APPEND);
    }

    private RunContext run(LocalDate asOf) {
        RunContext context = context(asOf);
        new CollectStage().run(context);
        new NormalizeStage().run(context);
        new MetricsStage().run(context);
        return context;
    }

    /** core's rows by "period_type period_start". */
    private static Map<String, Row> teamRows(RunContext context) {
        Map<String, Row> rows = new TreeMap<>();
        for (Row row : TableReader.read(TestSpark.session(), context.output(), TableSchemas.TEAM_METRICS).where("team = 'core'").collectAsList()) {
            rows.put(row.getAs("period_type") + " " + row.getAs("period_start"), row);
        }
        return rows;
    }

    /** A run context for the config as its file reads now. */
    private RunContext context(LocalDate asOf) {
        return new RunContext(ConfigLoader.load(config), asOf, TestSpark::session);
    }
}
