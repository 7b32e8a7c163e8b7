package org.dorametrics.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM on the test classpath, with this one's module options (Spark's --add-opens) and time zone: what a
 * second process, such as an analyst's spark-sql session, sees of what a test run left behind.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** The finished process's exit code and everything it printed (stdout and stderr together). */
    public record Result(int exitCode, String output) {}

    public static Result run(Path workingDirectory, long timeoutSeconds, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("--add-") || option.startsWith("-XX:+IgnoreUnrecognized")
                        || option.startsWith("-Duser.timezone") || option.startsWith("-Dio.netty"))
                .forEach(command::add);
        command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("child-jvm", ".log");
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertTrue(finished, mainClass.getSimpleName() + " did not finish in " + timeoutSeconds + " s:\n" + output);
        return new Result(process.exitValue(), output);
    }
}
