package org.dorametrics.job;

/** A failure the user can act on: its message says what is wrong and where, its exit code says which kind. */
public class DoraException extends RuntimeException {
    private final ExitCode exitCode;

    public DoraException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DoraException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static DoraException config(String keyPath, String problem) {
        return new DoraException(ExitCode.USAGE_OR_CONFIG, "config " + keyPath + ": " + problem);
    }

    public static DoraException sourceUnreachable(String source, String problem, Throwable cause) {
        return new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source + ": " + problem, cause);
    }
}
