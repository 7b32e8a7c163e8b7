package org.dorametrics.benchmark;

/** A DORA performance level, best first, plus the verdict given when a metric has too few samples to be ranked. */
public enum Level {
    ELITE("elite"),
    HIGH("high"),
    MEDIUM("medium"),
    LOW("low"),
    INSUFFICIENT_DATA("insufficient data");

    private final String label;

    Level(String label) {
        this.label = label;
    }

    /** The lower-case name used in the benchmark files, the SQL results and the reports. */
    public String label() {
        return label;
    }
}
