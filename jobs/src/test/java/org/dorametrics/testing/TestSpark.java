package org.dorametrics.testing;

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
            session = SparkSessions.getOrCreate("local[2]");
        }
        return session;
    }
}
