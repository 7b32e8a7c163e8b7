package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.dorametrics.testing.PublishedTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job with its output on a real HDFS (a NameNode and a DataNode in this JVM; the job runs as `scripts/dora
 * run` in a JVM of its own, as in production): the worked example published there twice in place holds the rows a
 * local run publishes, in the same files and order ({@link PublishedTables}, on copies of the files), and the
 * atomic publish leaves no staging files behind.
 */
class HdfsOutputIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    static Path work;
    private static MiniDFSCluster hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = new MiniDFSCluster.Builder(new Configuration(), work.resolve("hdfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    void theTablesOnHdfsAreTheTablesOfALocalRun() throws IOException, InterruptedException, SQLException {
        Scenario scenario = Scenario.all(Path.of("src/test/resources/scenarios")).stream()
                .filter(s -> s.name.equals("worked_example")).findFirst().orElseThrow();
        Path localConfig = scenario.materialize(work.resolve("local"));
        assertEquals(0, dora(localConfig, scenario), "local run");
        Path hdfsConfig = scenario.materialize(work.resolve("on-hdfs"));
        Files.writeString(hdfsConfig, Files.readString(hdfsConfig).replace("output: out\n", "output: " + hdfs.getURI() + "/dora\n"));
        assertEquals(0, dora(hdfsConfig, scenario), "first run onto HDFS");
        assertEquals(0, dora(hdfsConfig, scenario), "second run onto HDFS, replacing the first's tables");

        FileSystem fileSystem = hdfs.getFileSystem();
        Path copies = work.resolve("copied-from-hdfs");
        List<String> staging = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fileSystem.listFiles(new org.apache.hadoop.fs.Path("/dora"), true);
        while (files.hasNext()) {
            org.apache.hadoop.fs.Path file = files.next().getPath();
            String relative = file.toUri().getPath().substring("/dora/".length());
            if (relative.contains("/._") || relative.startsWith("._")) {
                staging.add(relative);
            } else if (relative.startsWith("tables/")) {
                fileSystem.copyToLocalFile(file, new org.apache.hadoop.fs.Path(copies.resolve(relative).toUri()));
            }
        }
        assertEquals(List.of(), staging, "staging leftovers on HDFS");
        PublishedTables.assertSame(work.resolve("local/out/tables"), copies.resolve("tables"));
    }

    private static int dora(Path config, Scenario scenario) throws IOException, InterruptedException {
        return new ProcessBuilder(ROOT.resolve("scripts/dora").toString(), "run", "--config", config.toString(),
                "--as-of", scenario.asOf.toString()).inheritIO().start().waitFor();
    }
}
