package org.dorametrics.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.bench.SyntheticOrganisation;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.LogCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the session runs the stages' queries: compiled or interpreted by their size, with the same results either way;
 * Spark's runtime bloom-filter joins stay off; local runs take small memory pages and list tables without jobs. Tables
 * of a few thousand rows show what Spark does at millions of changes once it is told to inject filters whatever the
 * size of the scan, and to broadcast nothing.
 */
class SparkSessionsTest {
    private static final String FILTER_AT_ANY_SIZE = "spark.sql.optimizer.runtime.bloomFilter.applicationSideScanSizeThreshold";
    private static final String BROADCAST_THRESHOLD = "spark.sql.autoBroadcastJoinThreshold";
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
        OutputLocation output = OutputLocation.open(folder.toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        organisation.writeTables(output);
        TableReader.read(TestSpark.session(), output, TableSchemas.DEPLOYMENTS).createOrReplaceTempView("bloom_deployments");
        TableReader.read(TestSpark.session(), output, TableSchemas.DEPLOYMENT_CHANGES).createOrReplaceTempView("bloom_changes");
    }

    /** Spark would size the pages from the heap: 64 MiB with a 6 GiB heap, for a sort of ten rows as for ten million. */
    @Test
    void localTasksTakeMemoryInPagesOfEightMebibytes() {
        assertEquals(8L << 20, SparkEnv.get().memoryManager().pageSizeBytes());
    }

    /**
     * A table of more partition directories than Spark's 32 (a fact table over three years and more) is listed by the
     * driver in local mode; with Spark's threshold the same read runs a job of a task per directory.
     */
    @Test
    void localReadsListPartitionDirectoriesWithoutAJob() throws TimeoutException {
        SparkSession spark = TestSpark.session();
        String table = folder.resolve("forty_months").toString();
        spark.range(40).selectExpr("id", "format_string('2023-%02d', id) AS month").write().partitionBy("month").parquet(table);
        assertEquals(0, jobsStartedBy(() -> spark.read().schema("id BIGINT, month STRING").parquet(table)), "jobs started with the session's threshold");
        spark.conf().set(SparkSessions.PARALLEL_LISTING_THRESHOLD, "32");
        try {
            assertEquals(1, jobsStartedBy(() -> spark.read().schema("id BIGINT, month STRING").parquet(table)), "jobs started with Spark's threshold");
        } finally {
            spark.conf().set(SparkSessions.PARALLEL_LISTING_THRESHOLD, SparkSessions.LOCAL_PARALLEL_LISTING_THRESHOLD);
        }
    }

    private static int jobsStartedBy(Runnable work) throws TimeoutException {
        SparkContext context = TestSpark.session().sparkContext();
        AtomicInteger started = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                started.incrementAndGet();
            }
        };
        context.addSparkListener(listener);
        try {
            work.run();
            context.listenerBus().waitUntilEmpty();
        } finally {
            context.removeSparkListener(listener);
        }
        return started.get();
    }

    /** The switch is what keeps a filter out of a join Spark filters when it is on: one service's deployments' changes. */
    @Test
    void theSessionInjectsNoRuntimeFilter() {
        String join = """
                SELECT count(*) FROM bloom_changes
                JOIN (SELECT deployment_id FROM bloom_deployments WHERE service = '%s') USING (deployment_id)
                """.formatted(SyntheticOrganisation.serviceName(1));
        assertFalse(withFilters(null, () -> optimizedPlan(join)).contains("might_contain"), "filtered with the session's settings");
        assertTrue(withFilters("true", () -> optimizedPlan(join)).contains("might_contain"), "not filtered with the switch on");
    }

    /**
     * The metrics stage compiles every plan with the switch on too. Spark 4.2 could not compile the filter it injected
     * into the data-quality plan of earlier versions, whose key there was a constant ("Expression java.lang.Long is not
     * an rvalue"), and fell back to interpreted code with an ERROR per plan.
     */
    @Test
    void theMetricsPlansCompileWithFiltersOn() {
        String log = withCompiledFromRows(0, () -> withFilters("true", () -> {
            try (LogCapture capture = LogCapture.silenced()) {
                new MetricsStage().run(new RunContext(config, AS_OF, TestSpark::session));
                assertEquals("true", TestSpark.session().conf().get(SparkSessions.WHOLE_STAGE_CODEGEN), "the plans were compiled");
                return capture.text();
            }
        }));
        assertFalse(log.contains("Failed to compile"), log);
    }

    /** A stage over fewer rows than spark.dora.compiledFromRows (100,000 unless set) is interpreted, a larger one compiled. */
    @Test
    void smallStagesAreInterpretedAndLargeOnesCompiled() {
        SparkSession spark = TestSpark.session();
        SparkSessions.fitCodeGeneration(spark, 99_999);
        assertEquals(List.of("false", "NO_CODEGEN"), codeGeneration());
        SparkSessions.fitCodeGeneration(spark, 100_000);
        assertEquals(List.of("true", "FALLBACK"), codeGeneration());
        withCompiledFromRows(10, () -> {
            SparkSessions.fitCodeGeneration(spark, 9);
            assertEquals(List.of("false", "NO_CODEGEN"), codeGeneration());
            SparkSessions.fitCodeGeneration(spark, 10);
            assertEquals(List.of("true", "FALLBACK"), codeGeneration());
            return null;
        });
    }

    /** Interpreted or compiled, the metrics stage publishes the same rows, doubles to the last bit. */
    @Test
    void theMetricsAreTheSameInterpretedOrCompiled() {
        List<String> interpreted = withCompiledFromRows(Long.MAX_VALUE, () -> metricTables("false"));
        List<String> compiled = withCompiledFromRows(0, () -> metricTables("true"));
        assertTrue(interpreted.size() > 1_000, "rows published: " + interpreted.size());
        assertEquals(interpreted, compiled);
    }

    /** The rows of the metric tables the stage publishes, as text, sorted; checks the stage ran as {@code wholeStage} says. */
    private static List<String> metricTables(String wholeStage) {
        new MetricsStage().run(new RunContext(config, AS_OF, TestSpark::session));
        assertEquals(wholeStage, TestSpark.session().conf().get(SparkSessions.WHOLE_STAGE_CODEGEN));
        OutputLocation output = OutputLocation.open(folder.toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        return Stream.of(TableSchemas.TEAM_METRICS, TableSchemas.SERVICE_METRICS, TableSchemas.DATA_QUALITY)
                .flatMap(table -> TableReader.read(TestSpark.session(), output, table).collectAsList().stream().map(row -> table + row))
                .sorted().toList();
    }

    private static List<String> codeGeneration() {
        SparkSession spark = TestSpark.session();
        return List.of(spark.conf().get(SparkSessions.WHOLE_STAGE_CODEGEN), spark.conf().get(SparkSessions.CODEGEN_FACTORY_MODE));
    }

    /** The result of some work with spark.dora.compiledFromRows set so. */
    private static <T> T withCompiledFromRows(long rows, Supplier<T> work) {
        SparkSession spark = TestSpark.session();
        spark.conf().set(SparkSessions.COMPILED_FROM_ROWS, rows);
        try {
            return work.get();
        } finally {
            spark.conf().unset(SparkSessions.COMPILED_FROM_ROWS);
        }
    }

    private static String optimizedPlan(String sql) {
        return TestSpark.session().sql(sql).queryExecution().optimizedPlan().toString();
    }

    /**
     * The result of some work with filters injected whatever the scan's size, no table broadcast (a broadcast join is
     * never filtered), and the bloom-filter switch set so, or left as the session has it.
     */
    private static <T> T withFilters(String bloomFilters, Supplier<T> work) {
        SparkSession spark = TestSpark.session();
        String sessionDefault = spark.conf().get(SparkSessions.RUNTIME_BLOOM_FILTER);
        spark.conf().set(FILTER_AT_ANY_SIZE, "1");
        spark.conf().set(BROADCAST_THRESHOLD, "-1");
        if (bloomFilters != null) {
            spark.conf().set(SparkSessions.RUNTIME_BLOOM_FILTER, bloomFilters);
        }
        try {
            return work.get();
        } finally {
            spark.conf().unset(FILTER_AT_ANY_SIZE);
            spark.conf().unset(BROADCAST_THRESHOLD);
            spark.conf().set(SparkSessions.RUNTIME_BLOOM_FILTER, sessionDefault);
        }
    }
}
