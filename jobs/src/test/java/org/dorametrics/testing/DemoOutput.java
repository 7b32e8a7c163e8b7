package org.dorametrics.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dorametrics.cli.DoraCli;

/**
 * The output of {@code dora demo}, made once per test JVM: the demo takes most of a minute, and the tests that read
 * its tables only read them.
 */
public final class DemoOutput {
    private static Path folder;

    private DemoOutput() {}

    public static synchronized Path folder() {
        if (folder == null) {
            TestSpark.session();
            try {
                Path created = Files.createTempDirectory("dora-demo");
                assertEquals(0, DoraCli.execute("demo", "--out", created.toString()), "dora demo");
                folder = created;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }
}
