package org.dorametrics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TimeZone;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.job.SparkSessions;

/**
 * One local[2] SparkSession for the whole test JVM (it takes seconds to start), in UTC, with a warehouse of its own:
 * the files of a managed table outlive the in-memory catalog that made it, and a table of the same name made by the
 * next test JVM would find them in the way.
 */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            Path warehouse = temporaryWarehouse();
            System.setProperty("spark.sql.warehouse.dir", warehouse.toUri().toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtils.deleteQuietly(warehouse.toFile())));
            session = SparkSessions.getOrCreate("local[2]");
        }
        return session;
    }

    private static Path temporaryWarehouse() {
        try {
            return Files.createTempDirectory("dora-test-warehouse");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
