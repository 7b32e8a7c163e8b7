package org.dorametrics.report;

import java.util.List;

/**
 * A benchmark edition's published levels, best first, as plain data. {@code restoreMetric} is the edition's name for
 * the restore column: "time_to_restore" (up to 2022) or "failed_deployment_recovery_time" (2023 on).
 */
public record BenchmarkTable(String edition, String source, String restoreMetric, List<BenchmarkLevel> levels) {

    public static final String FAILED_DEPLOYMENT_RECOVERY_TIME = "failed_deployment_recovery_time";

    public BenchmarkTable {
        levels = List.copyOf(levels);
    }

    /** True when the edition ranks failed deployment recovery time rather than time to restore service. */
    public boolean ranksRecoveryTime() {
        return FAILED_DEPLOYMENT_RECOVERY_TIME.equals(restoreMetric);
    }
}
