package org.dorametrics.benchmark;

/** The four DORA metrics that the published benchmark levels rank. */
public enum BenchmarkMetric {
    DEPLOYMENT_FREQUENCY,
    LEAD_TIME,
    /** Time to restore service up to the 2022 edition, failed deployment recovery time from 2023 on. */
    RESTORE_TIME,
    CHANGE_FAILURE_RATE
}
