package org.dorametrics.report;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A team's report week against the week before it and against the average of the trailing weeks before it. Only
 * complete weeks are compared: a partial week would always look like a drop.
 */
record WeekComparison(WeekMetrics week, WeekMetrics previous, List<WeekMetrics> trailing) {

    static WeekComparison of(TeamReport team, LocalDate reportWeekStart, int trailingWeeks) {
        List<WeekMetrics> weeks = team.weeks();
        int index = -1;
        for (int i = 0; i < weeks.size(); i++) {
            if (weeks.get(i).weekStart().equals(reportWeekStart)) {
                index = i;
            }
        }
        if (index < 0) {
            return new WeekComparison(null, null, List.of());
        }
        WeekMetrics previous = index > 0 ? weeks.get(index - 1) : null;
        List<WeekMetrics> trailing = weeks.subList(Math.max(0, index - trailingWeeks), index);
        return new WeekComparison(weeks.get(index), previous, trailing);
    }

    Double value(WeeklyMetric metric) {
        return week == null ? null : metric.of(week);
    }

    Double changeFromPreviousWeek(WeeklyMetric metric) {
        return previous == null ? null : metric.change(value(metric), metric.of(previous));
    }

    /** The mean of the trailing weeks' values that exist (a week without a lead time does not count as 0). */
    Double trailingAverage(WeeklyMetric metric) {
        return trailing.stream().map(metric::of).filter(Objects::nonNull)
            .mapToDouble(Double::doubleValue).average().stream().boxed().findFirst().orElse(null);
    }

    Double changeFromTrailingAverage(WeeklyMetric metric) {
        return metric.change(value(metric), trailingAverage(metric));
    }
}
