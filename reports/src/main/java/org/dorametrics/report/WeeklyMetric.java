package org.dorametrics.report;

import java.util.function.Function;

/** A weekly figure the report compares week on week: its label, unit and which direction is an improvement. */
enum WeeklyMetric {
    DEPLOYMENTS("Deployments", Unit.COUNT, true, w -> (double) w.deployments()),
    DEPLOY_DAYS("Deploy days", Unit.COUNT, true, w -> (double) w.deployDays()),
    LEAD_TIME_P50("Lead time p50", Unit.DURATION, false, WeekMetrics::leadTimeP50Seconds),
    LEAD_TIME_P90("Lead time p90", Unit.DURATION, false, WeekMetrics::leadTimeP90Seconds),
    CHANGE_FAILURE_RATE("Change failure rate", Unit.RATE, false, WeekMetrics::changeFailureRate),
    TIME_TO_RESTORE_P50("Time to restore p50", Unit.DURATION, false, WeekMetrics::timeToRestoreP50Seconds),
    RECOVERY_P50("Recovery time p50", Unit.DURATION, false, WeekMetrics::recoveryP50Seconds),
    REWORK_RATE("Rework rate", Unit.RATE, false, WeekMetrics::reworkRate);

    /**
     * How a value is stored and how its change is expressed: counts and rates change by their difference (a rate in
     * percentage points), durations by their relative change, since "+2 h" means little without the base.
     */
    enum Unit { COUNT, DURATION, RATE }

    final String label;
    final Unit unit;
    final boolean higherIsBetter;
    private final Function<WeekMetrics, Double> value;

    WeeklyMetric(String label, Unit unit, boolean higherIsBetter, Function<WeekMetrics, Double> value) {
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
    }

    /** The week's value: seconds for a duration, a ratio for a rate; null when the week has none. */
    Double of(WeekMetrics week) {
        return value.apply(week);
    }

    /** The change from {@code base} to {@code value} in this metric's terms, or null when it cannot be told. */
    Double change(Double value, Double base) {
        if (value == null || base == null) {
            return null;
        }
        if (unit == Unit.DURATION) {
            return base == 0 ? null : value / base - 1;
        }
        return value - base;
    }

    /** +1 when {@code change} is an improvement, -1 when it is a deterioration, 0 when there is none. */
    int verdict(double change) {
        if (Math.abs(change) < 1e-9) {
            return 0;
        }
        return (change > 0) == higherIsBetter ? 1 : -1;
    }
}
