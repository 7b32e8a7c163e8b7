package org.dorametrics.job;

/** The process exit codes of the dora command, documented in the README. */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL_ERROR(1, "unexpected internal error (a bug: please report it with the log)"),
    USAGE_OR_CONFIG(2, "bad command line or configuration; nothing was run"),
    SOURCE_UNREACHABLE(3, "a source could not be read (missing file, repository that cannot be opened, API failing after retries)"),
    DATA_VALIDATION_FAILED(4, "a source rejected more than rules.max_reject_ratio of its records; rejects were written"),
    OUTPUT_FAILED(5, "the output location could not be written"),
    OUTPUT_LOCKED(6, "another run holds the output location's lock (<output>/_LOCK); nothing was written");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
