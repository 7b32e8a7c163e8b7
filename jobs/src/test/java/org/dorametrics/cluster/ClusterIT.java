package org.dorametrics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.testing.PublishedTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo organisation on a real Spark standalone cluster (scripts/cluster: a master and two workers, each
 * worker's executor a JVM of its own, loading the shaded jar) and in local mode, and proves the tables hold the same
 * rows in the same order, in the same files ({@link PublishedTables}). The cluster's own ports and folder keep it apart from a cluster a
 * developer runs.
 */
class ClusterIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Map<String, String> CLUSTER_ENV = Map.of(
            "DORA_CLUSTER_DIR", ROOT.resolve("jobs/target/it-cluster").toString(),
            "DORA_MASTER_PORT", "17077", "DORA_MASTER_UI_PORT", "18080", "DORA_WORKER_UI_PORT", "18081",
            "DORA_WORKER_MEMORY", "1g");
    private static final String MASTER = "spark://127.0.0.1:17077";
    private static final int REPOS_IN_DEMO = 5;

    /** Kept after the run, beside the cluster's logs, for a look when the tables differ. */
    private static final Path WORK = ROOT.resolve("jobs/target/it-cluster/runs");

    @BeforeAll
    static void startCluster() throws IOException, InterruptedException {
        deleteRecursively(WORK);
        assertEquals(0, cluster("start"), "scripts/cluster start");
    }

    @AfterAll
    static void stopCluster() throws IOException, InterruptedException {
        cluster("stop");
    }

    @Test
    void theDemoOnTheClusterWritesTheTablesOfLocalMode() throws IOException, SQLException, TimeoutException {
        Set<Integer> miningStages = ConcurrentHashMap.newKeySet();
        Map<String, Integer> miningTasksByExecutor = new ConcurrentHashMap<>();
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.executor.memory", "768m");
        SparkSession spark = SparkSessions.getOrCreate(MASTER);
        try {
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                    if (start.properties().getProperty("spark.job.description", "").startsWith("collect: mine ")) {
                        start.stageIds().foreach(stage -> miningStages.add((Integer) stage));
                    }
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (miningStages.contains(end.stageId()) && end.taskInfo().successful()) {
                        miningTasksByExecutor.merge(end.taskInfo().executorId(), 1, Integer::sum);
                    }
                }
            });
            awaitExecutors(spark, 2);
            assertEquals(0, DoraCli.execute("demo", "--out", WORK.resolve("cluster").toString(), "--master", MASTER));
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.stop();
            Stream.of("spark.driver.host", "spark.driver.bindAddress", "spark.executor.memory").forEach(System::clearProperty);
        }
        assertEquals(REPOS_IN_DEMO, miningTasksByExecutor.values().stream().mapToInt(Integer::intValue).sum(),
                "one mining task per repository: " + miningTasksByExecutor);
        assertEquals(2, miningTasksByExecutor.size(), "the repositories were mined on both workers' executors: " + miningTasksByExecutor);
        assertFalse(miningTasksByExecutor.containsKey("driver"), "no mining on the driver: " + miningTasksByExecutor);

        assertEquals(0, DoraCli.execute("demo", "--out", WORK.resolve("local").toString(), "--master", "local[2]"));
        PublishedTables.assertSame(WORK.resolve("local/tables"), WORK.resolve("cluster/tables"));
    }

    /** Both workers' executors registered, so that the tasks can spread (the driver counts as one more). */
    private static void awaitExecutors(SparkSession spark, int executors) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
            assertTrue(System.nanoTime() < deadline, "the cluster's executors did not register within a minute");
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static int cluster(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("scripts/cluster").toString(), command).inheritIO();
        builder.environment().putAll(CLUSTER_ENV);
        return builder.start().waitFor();
    }
}
