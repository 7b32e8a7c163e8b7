package org.dorametrics.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.bench.SyntheticOrganisation;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.LogCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's runtime bloom-filter joins stay off: Spark cannot compile the filters it would inject into the metrics'
 * plans, and falls back to interpreted code with an ERROR per plan. Tables of a few thousand rows show it once Spark
 * is told to inject filters whatever the size of the scan, as it does on its own at millions of changes.
 */
class SparkSessionsTest {
    private static final String FILTER_AT_ANY_SIZE = "spark.sql.optimizer.runtime.bloomFilter.applicationSideScanSizeThreshold";
    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 25);

    @TempDir
    static Path folder;
    private static DoraConfig config;

    @BeforeAll
    static void organisation() throws Exception {
        SyntheticOrganisation organisation = new SyntheticOrganisation(TestSpark.session(),
                new SyntheticOrganisation.Size(3, 7, 1_000, 5_000, 200, 1, AS_OF));
        Path file = folder.resolve("dora.yaml");
        Files.writeString(file, organisation.config(folder));
        config = ConfigLoader.load(file);
        organisation.writeTables(OutputLocation.open(folder.toString(), TestSpark.session().sparkContext().hadoopConfiguration()));
    }

    @Test
    void theMetricsPlansHoldNoRuntimeBloomFilter() {
        String log = metricsLog(null);
        assertFalse(log.contains("might_contain"), "a runtime bloom filter was injected:\n" + log);
        assertFalse(log.contains("Failed to compile"), log);
    }

    /** When this fails, a Spark upgrade compiles runtime bloom filters again and {@link SparkSessions} may leave them on. */
    @Test
    void sparkCannotCompileTheBloomFiltersItWouldInject() {
        String log = metricsLog("true");
        assertTrue(log.contains("might_contain"), "no runtime bloom filter was injected:\n" + log);
        assertTrue(log.contains("Failed to compile the generated Java code"), log);
    }

    /** The log of a metrics run with filters injected whatever the scan's size, and the bloom-filter switch set so, or left as the session has it. */
    private static String metricsLog(String bloomFilters) {
        SparkSession spark = TestSpark.session();
        String sessionDefault = spark.conf().get(SparkSessions.RUNTIME_BLOOM_FILTER);
        spark.conf().set(FILTER_AT_ANY_SIZE, "1");
        if (bloomFilters != null) {
            spark.conf().set(SparkSessions.RUNTIME_BLOOM_FILTER, bloomFilters);
        }
        try (LogCapture log = LogCapture.silenced()) {
            new MetricsStage().run(new RunContext(config, AS_OF, TestSpark::session));
            return log.text();
        } finally {
            spark.conf().unset(FILTER_AT_ANY_SIZE);
            spark.conf().set(SparkSessions.RUNTIME_BLOOM_FILTER, sessionDefault);
        }
    }
}
