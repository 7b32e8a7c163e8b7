package org.dorametrics.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven built, written into every _RUN.json and report so a number can be traced to its code. */
public final class ProjectVersion {
    private ProjectVersion() {}

    public static String get() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("/org/dorametrics/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
