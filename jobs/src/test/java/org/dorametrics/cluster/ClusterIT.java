package org.dorametrics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
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
 * rows in the same order, in the same files ({@link PublishedTables}). The cluster's own folder, and ports free when
 * the test starts, keep it apart from a cluster a developer runs and from anything else listening on the machine.
 */
class ClusterIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    /** The master's port, then its UI's, then the two workers' UIs (worker N's is the third + N - 1: scripts/cluster). */
    private static final int MASTER_PORT = freePorts(4);
    private static final Map<String, String> CLUSTER_ENV = Map.of(
            "DORA_CLUSTER_DIR", ROOT.resolve("jobs/target/it-cluster").toString(),
            "DORA_MASTER_PORT", Integer.toString(MASTER_PORT), "DORA_MASTER_UI_PORT", Integer.toString(MASTER_PORT + 1),
            "DORA_WORKER_UI_PORT", Integer.toString(MASTER_PORT + 2), "DORA_WORKER_MEMORY", "1g");
    private static final String MASTER = "spark://127.0.0.1:" + MASTER_PORT;
    private static final int REPOS_IN_DEMO = 5;

    /** Kept after the run, beside the cluster's logs, for a look when the tables differ. */
    private static final Path WORK = ROOT.resolve("jobs/target/it-cluster/runs");

    /** The first of {@code count} consecutive ports that nothing listens on now, that the system would hand out. */
    private static int freePorts(int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket first = new ServerSocket(0)) {
                int port = first.getLocalPort();
                if (port + count - 1 <= 65_535 && IntStream.range(1, count).allMatch(i -> isFree(port + i))) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports in 100 attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

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
