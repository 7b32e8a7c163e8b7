package org.dorametrics.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics stage and DuckDB, given the same generated organisation, agree on every week of every team on the core
 * metrics (deployments, median lead time, change failure rate, median time to restore), to the millisecond: the
 * agreement scripts/bench prints at organisation scale, proven at a size a unit test affords.
 */
class MetricsDuckDbAgreementTest {
    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 25);

    @TempDir
    Path folder;

    @Test
    void weeklyTeamMetricsAgreeWithDuckDb() throws Exception {
        DoraConfig loaded = organisation();

        new MetricsStage().run(new RunContext(loaded, AS_OF, TestSpark::session));

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            DuckDbMetrics.computeWeekly(duck, loaded, DuckDbMetrics.tables(loaded));
            DuckDbMetrics.Agreement agreement = DuckDbMetrics.compare(duck, DuckDbMetrics.tables(loaded));
            // 4 owners (3 teams and the organisation) over a year of weeks, nearly every week with deployments.
            assertTrue(agreement.duckRows() > 4 * 50, "DuckDB found weekly rows: " + agreement);
            assertEquals(agreement.duckRows(), agreement.compared(), "the same weeks on both sides: " + agreement);
            assertEquals(0, agreement.disagreeing(), "no week disagrees: " + agreement);
        }
    }

    /**
     * The bench's Spark baseline, the floor under the metrics stage's time, computes what DuckDB computes: the same
     * query in Spark's dialect gives the same weekly rows, in the reporting time zone.
     */
    @Test
    void sparkRunningTheBaselineQueryComputesDuckDbsRows() throws Exception {
        DoraConfig loaded = organisation();
        Path sparkRows = folder.resolve("spark-weekly");

        SparkBaseline.computeWeekly(TestSpark.session(), loaded, DuckDbMetrics.tables(loaded)).write().parquet(sparkRows.toString());

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            DuckDbMetrics.computeWeekly(duck, loaded, DuckDbMetrics.tables(loaded));
            DuckDbMetrics.Agreement agreement = DuckDbMetrics.compareWithSparkBaseline(duck, sparkRows);
            assertTrue(agreement.duckRows() > 4 * 50, "DuckDB found weekly rows: " + agreement);
            assertEquals(agreement.duckRows(), agreement.compared(), "the same weeks on both sides: " + agreement);
            assertEquals(0, agreement.disagreeing(), "no week disagrees: " + agreement);
        }
    }

    /** A generated organisation of 3 teams and 7 services over a year, its tables written; its loaded config. */
    private DoraConfig organisation() throws Exception {
        SyntheticOrganisation organisation = new SyntheticOrganisation(TestSpark.session(),
                new SyntheticOrganisation.Size(3, 7, 2_000, 10_000, 300, 1, AS_OF));
        Path config = folder.resolve("dora.yaml");
        Files.writeString(config, organisation.config(folder));
        DoraConfig loaded = ConfigLoader.load(config);
        organisation.writeTables(OutputLocation.open(folder.toString(), TestSpark.session().sparkContext().hadoopConfiguration()));
        return loaded;
    }
}
