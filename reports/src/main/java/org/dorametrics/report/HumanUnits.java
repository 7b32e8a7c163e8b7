package org.dorametrics.report;

import java.util.Locale;

/** Numbers as a manager reads them in a sentence: "45 min", "3.2 h", "4.0 d", "8%". */
final class HumanUnits {

    private static final double MINUTE = 60;
    private static final double HOUR = 3600;
    private static final double DAY = 86_400;

    private HumanUnits() {}

    /** Under an hour in minutes, under two days in hours, else in days. */
    static String duration(double seconds) {
        if (seconds < HOUR) {
            return String.format(Locale.ROOT, "%.0f min", seconds / MINUTE);
        }
        if (seconds < 2 * DAY) {
            return String.format(Locale.ROOT, "%.1f h", seconds / HOUR);
        }
        return String.format(Locale.ROOT, "%.1f d", seconds / DAY);
    }

    /**
     * A duration bound as DORA words it: "1 hour", "1 day", "1 week", "30 days" (a month), "180 days".
     * Bounds are whole hours, days or weeks.
     */
    static String bound(long seconds) {
        if (seconds % (7 * (long) DAY) == 0) {
            long weeks = seconds / (7 * (long) DAY);
            return weeks + (weeks == 1 ? " week" : " weeks");
        }
        if (seconds % (long) DAY == 0) {
            long days = seconds / (long) DAY;
            return days + (days == 1 ? " day" : " days");
        }
        long hours = Math.round(seconds / HOUR);
        return hours + (hours == 1 ? " hour" : " hours");
    }

    /** A ratio as a whole percentage: 0.083 is "8%". */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    /** One decimal: 4.0. */
    static String decimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
