package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.dorametrics.table.TableSchemas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job with its output on a real HDFS (a NameNode and a DataNode in this JVM; the job runs as `scripts/dora
 * run` in a JVM of its own, as in production): the worked example published there twice in place holds the rows a
 * local run publishes, in the same files and order, and the atomic publish leaves no staging files behind. Rows are
 * compared with DuckDB on copies of the files, so that nothing of the job's reading path is trusted.
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
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            for (String table : TableSchemas.ALL) {
                Path local = work.resolve("local/out/tables").resolve(table);
                Path fromHdfs = copies.resolve("tables").resolve(table);
                assertEquals(parquetFiles(local), parquetFiles(fromHdfs), table + " files");
                assertFalse(parquetFiles(local).isEmpty(), table + " has data files");
                assertEquals(rows(duckdb, local), rows(duckdb, fromHdfs), table + " rows, in order");
                assertEquals(Files.readString(local.resolve("_SCHEMA.json")), Files.readString(fromHdfs.resolve("_SCHEMA.json")));
            }
        }
    }

    private static int dora(Path config, Scenario scenario) throws IOException, InterruptedException {
        return new ProcessBuilder(ROOT.resolve("scripts/dora").toString(), "run", "--config", config.toString(),
                "--as-of", scenario.asOf.toString()).inheritIO().start().waitFor();
    }

    private static List<String> parquetFiles(Path table) throws IOException {
        try (Stream<Path> walk = Files.walk(table)) {
            return walk.filter(f -> f.toString().endsWith(".parquet")).map(f -> table.relativize(f).toString()).sorted().toList();
        }
    }

    /** A table's rows as text, in the order of its files. */
    private static List<String> rows(Connection duckdb, Path table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = duckdb.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM read_parquet('" + table + "/**/*.parquet', filename = true,"
                     + " file_row_number = true) ORDER BY filename, file_row_number")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= columns; column++) {
                    String name = result.getMetaData().getColumnName(column);
                    if (!name.equals("filename") && !name.equals("file_row_number")) {
                        row.append(result.getString(column)).append('\t');
                    }
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
