package org.dorametrics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.TimeZone;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.job.SparkSessions;

/** One local[2] SparkSession for the whole test JVM (it takes seconds to start), in UTC. */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            // Databases the tests create (catalog registration) get folders in the warehouse: a temporary one, not jobs/.
            try {
                System.setProperty("spark.sql.warehouse.dir", Files.createTempDirectory("spark-warehouse").toUri().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            session = SparkSessions.getOrCreate("local[2]");
        }
        return session;
    }
}
