package org.dorametrics.metrics;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The figures of every owner and period, of the period itself (DORA.md §2) and of the trailing window the benchmark
 * levels judge (§3), computed in one pass over each owner's events in day order.
 *
 * <p>Periods are taken in the order they become due: once the owner's events have passed both the period's end and
 * its window's end. Events are kept only while a period still to come needs them, so each event enters and leaves
 * once and a period's values are at hand when it is due. Grouping events by period instead copies each event three
 * times (week, month, quarter) and joining it with every window that holds it some twenty times (13 weeks, 3 months,
 * 2 quarters); at an organisation's scale those copies were most of the metrics stage.
 *
 * <p>Input rows ({@link #EVENTS}), partitioned by owner and sorted by owner and day: lead times, restore times and
 * recovery times (one row per value) and daily deployment counts (one row per day with a deployment), each with the
 * count of its data-quality findings: a lead time or recovery time clamped to 0, the day's deployments of an unknown
 * revision (which the data-quality table takes from the figures rather than read the events twice); the daily counts
 * of failed deployment attempts; and one {@link #OWNER} event per owner. Output rows ({@link #FIGURES}): one per owner
 * and period of the calendar, zero-filled, with the period's and its window's dates: the metric tables' rows.
 * Percentiles are exact and interpolated exactly as Spark's {@code percentile} (PERCENTILE_CONT), so that a figure
 * does not depend on where it was computed.
 */
final class PeriodFigures implements FlatMapFunction<Iterator<InternalRow>, Row> {
    static final int LEAD_TIME = 0;
    static final int RESTORE = 1;
    static final int RECOVERY = 2;
    static final int DAILY_DEPLOYS = 3;
    /** A day's failed production deployment attempts, their number the event's value. */
    static final int FAILED_ATTEMPTS = 4;
    /**
     * The owner is there: one event per owner, whatever its day, so that an owner without any other event still has
     * its rows, every one zero.
     */
    static final int OWNER = 5;
    /** The frequency answer's "deploys in the last 26 weeks" (DORA.md §3), whatever the trailing window. */
    static final int HALF_YEAR_DAYS = 182;
    private static final double[] PERIOD_PERCENTILES = {0.5, 0.75, 0.9};
    private static final double[] MEDIAN = {0.5};

    /**
     * The events, three numbers each, so that the tens of millions of an organisation take little memory to shuffle
     * and sort: {@code owner_day}, the owner's number (an index into the owners' names) and the day ({@link
     * #ownerDay}), by which they are partitioned and sorted; {@code value}, the duration in seconds or the day's
     * deployments; and {@code detail}, the kind and the counts of failed and rework deployments and of findings
     * ({@link #detail}).
     */
    static final StructType EVENTS = new StructType()
            .add("owner_day", DataTypes.LongType, false)
            .add("value", DataTypes.LongType, false)
            .add("detail", DataTypes.LongType, false);

    static final StructType FIGURES = durations(durations(durations(new StructType()
            .add("owner", DataTypes.StringType, false)
            .add("period_type", DataTypes.StringType, false)
            .add("period_start", DataTypes.DateType, false)
            .add("period_end", DataTypes.DateType, false)
            .add("window_start", DataTypes.DateType, false)
            .add("window_end", DataTypes.DateType, false)
            .add("deployments", DataTypes.LongType, false)
            .add("deploy_days", DataTypes.IntegerType, false)
            .add("failed_deployments", DataTypes.LongType, false)
            .add("rework_deployments", DataTypes.LongType, false)
            .add("lead_time_clamped", DataTypes.LongType, false)
            .add("recovery_clamped", DataTypes.LongType, false)
            .add("deployments_unknown_revision", DataTypes.LongType, false)
            .add("failed_deploy_attempts", DataTypes.LongType, false), "lead_time"), "restore"), "recovery")
            .add("median_days_per_week", DataTypes.DoubleType, false)
            .add("median_days_per_4_weeks", DataTypes.DoubleType, false)
            .add("median_deploys_per_day", DataTypes.DoubleType, true)
            .add("window_deployments", DataTypes.LongType, false)
            .add("window_failed", DataTypes.LongType, false)
            .add("window_rework", DataTypes.LongType, false)
            .add("deployments_26_weeks", DataTypes.LongType, false);

    /** Bits of the kind in {@link #detail}. */
    private static final int KIND_BITS = 4;
    /** Bits of each count in {@link #detail}: three of them after the kind fill the 64 bits of a long. */
    private static final int COUNT_BITS = 20;
    /** The largest count an event carries: more deployments than this on one day of one owner cannot be counted. */
    static final long MAX_COUNT = (1L << COUNT_BITS) - 1;
    private static final long DAY_OFFSET = 1L << 31;

    /**
     * An event's owner and day as one number, which orders events by owner, then day: Spark sorts it by radix on its
     * bits rather than comparing rows.
     */
    static long ownerDay(int ownerId, int day) {
        return ((long) ownerId << 32) + (day + DAY_OFFSET);
    }

    /** An event's kind and counts, each below {@link #MAX_COUNT}, as one number. */
    static long detail(int kind, long failed, long rework, long flagged) {
        return kind | flagged << KIND_BITS | failed << (KIND_BITS + COUNT_BITS) | rework << (KIND_BITS + 2 * COUNT_BITS);
    }

    /** The kind of a {@link #detail}. */
    static int kind(long detail) {
        return (int) (detail & ((1 << KIND_BITS) - 1));
    }

    /** Count number {@code index} of a {@link #detail}: 0 flagged, 1 failed, 2 rework. */
    static long count(long detail, int index) {
        return detail >>> (KIND_BITS + index * COUNT_BITS) & MAX_COUNT;
    }

    /**
     * The events of a query with columns owner_id, day, kind, value, failed, rework and flagged as {@link #EVENTS}:
     * {@link #ownerDay} and {@link #detail} in SQL.
     */
    static String eventsOf(String query) {
        return """
                SELECT shiftleft(CAST(owner_id AS BIGINT), 32) + (day + %dL) AS owner_day, value,
                       kind | shiftleft(flagged, %d) | shiftleft(failed, %d) | shiftleft(rework, %d) AS detail
                FROM (%s)
                """.formatted(DAY_OFFSET, KIND_BITS, KIND_BITS + COUNT_BITS, KIND_BITS + 2 * COUNT_BITS, query);
    }

    /** The events' partitioning: by owner. */
    static final Column EVENT_OWNER = functions.expr("shiftright(owner_day, 32)");

    /** A duration's figures: the period's count, p50, p75, p90 and mean, then the window's count and p50. */
    private static StructType durations(StructType schema, String name) {
        return schema.add(name + "_n", DataTypes.LongType, false)
                .add(name + "_p50", DataTypes.DoubleType, true)
                .add(name + "_p75", DataTypes.DoubleType, true)
                .add(name + "_p90", DataTypes.DoubleType, true)
                .add(name + "_mean", DataTypes.DoubleType, true)
                .add("window_" + name + "_n", DataTypes.LongType, false)
                .add("window_" + name + "_p50", DataTypes.DoubleType, true);
    }

    /**
     * A period of the calendar: its local days {@code [start, end)} and the end of its trailing window (the day after
     * the report date for the current period), in days since 1970-01-01 as {@link #EVENTS} has them.
     */
    record Period(String type, LocalDate startDate, int start, int end, int windowEnd) implements Serializable {
        /** The owner's events must have passed this day before the period's figures are complete. */
        int due() {
            return Math.max(end, windowEnd);
        }
    }

    /** The dates of a period's row: its start and end, and its window's. */
    private record PeriodDates(LocalDate start, LocalDate end, LocalDate windowStart, LocalDate windowEnd) implements Serializable {}

    private final List<String> owners;
    private final List<Period> periods;
    private final int windowDays;
    /** For the period at each index: the first day it or any later period needs. */
    private final int[] keepFrom;
    private final List<PeriodDates> dates;

    /**
     * @param owners the owners' names, by owner_id
     * @param periods the calendar's periods in the order they are due ({@link Period#due()})
     * @param weeks the trailing window in weeks ({@code reporting.trailing_weeks})
     */
    PeriodFigures(List<String> owners, List<Period> periods, int weeks) {
        this.owners = List.copyOf(owners);
        this.periods = List.copyOf(periods);
        this.windowDays = 7 * weeks;
        this.keepFrom = new int[periods.size()];
        this.dates = periods.stream().map(p -> new PeriodDates(p.startDate(), LocalDate.ofEpochDay(p.end()),
                LocalDate.ofEpochDay(p.windowEnd() - windowDays), LocalDate.ofEpochDay(p.windowEnd()))).toList();
        int earliest = Integer.MAX_VALUE;
        for (int i = periods.size() - 1; i >= 0; i--) {
            Period period = periods.get(i);
            if (i > 0 && period.due() < periods.get(i - 1).due()) {
                throw new IllegalArgumentException("periods must come in the order they are due: " + periods);
            }
            earliest = Math.min(earliest, Math.min(period.start(), period.windowEnd() - Math.max(windowDays, HALF_YEAR_DAYS)));
            keepFrom[i] = earliest;
        }
    }

    /**
     * The figures of events as Spark holds them: reading the three numbers of each is all the pass needs, where
     * converting each to a {@link Row} first was a tenth of its time.
     */
    @Override
    public Iterator<Row> call(Iterator<InternalRow> events) {
        return new FiguresIterator(events);
    }

    /** Pulls one owner's events at a time and hands out that owner's rows, period by period. */
    private final class FiguresIterator implements Iterator<Row> {
        private final Iterator<InternalRow> events;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        /** The next event's numbers, read at once: Spark may reuse the row it hands out. */
        private long nextOwnerDay;
        private long nextValue;
        private long nextDetail;
        private boolean more;

        FiguresIterator(Iterator<InternalRow> events) {
            this.events = events;
            advance();
        }

        private void advance() {
            more = events.hasNext();
            if (more) {
                InternalRow event = events.next();
                nextOwnerDay = event.getLong(0);
                nextValue = event.getLong(1);
                nextDetail = event.getLong(2);
            }
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && more) {
                nextOwner();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void nextOwner() {
            long ownerId = nextOwnerDay >>> 32;
            OwnerEvents owner = new OwnerEvents(owners.get((int) ownerId));
            int due = 0;
            while (more && nextOwnerDay >>> 32 == ownerId) {
                int day = (int) ((nextOwnerDay & 0xFFFF_FFFFL) - DAY_OFFSET);
                for (; due < periods.size() && periods.get(due).due() <= day; due++) {
                    ready.add(owner.figures(due));
                }
                owner.add(day, kind(nextDetail), nextValue, count(nextDetail, 1), count(nextDetail, 2), count(nextDetail, 0));
                advance();
            }
            for (; due < periods.size(); due++) {
                ready.add(owner.figures(due));
            }
        }
    }

    /** One owner's events that periods still to come need, oldest first. */
    private final class OwnerEvents {
        private final String name;
        private final DayValues[] durations = {new DayValues(), new DayValues(), new DayValues()};
        private final SortedWindow[] windows = {new SortedWindow(), new SortedWindow(), new SortedWindow()};
        /**
         * The findings by kind: lead times and recovery times clamped to 0, deployments of an unknown revision; restore
         * times have none (an incident's findings are not its owners').
         */
        private final DayValues[] flagged = {new DayValues(), new DayValues(), new DayValues(), new DayValues()};
        private final DayValues deploys = new DayValues();
        private final DayValues failed = new DayValues();
        private final DayValues rework = new DayValues();
        private final DayValues failedAttempts = new DayValues();
        /** Every one of the above, for dropping the days no period to come needs. */
        private final List<DayValues> kept = List.of(durations[0], durations[1], durations[2], flagged[0], flagged[1],
                flagged[2], flagged[3], deploys, failed, rework, failedAttempts);

        OwnerEvents(String name) {
            this.name = name;
        }

        void add(int day, int kind, long value, long failedCount, long reworkCount, long flaggedCount) {
            switch (kind) {
                case OWNER -> { }
                case FAILED_ATTEMPTS -> failedAttempts.add(day, value);
                case DAILY_DEPLOYS -> {
                    deploys.add(day, value);
                    failed.add(day, failedCount);
                    rework.add(day, reworkCount);
                }
                default -> durations[kind].add(day, value);
            }
            if (flaggedCount > 0) {
                flagged[kind].add(day, flaggedCount);
            }
        }

        Row figures(int index) {
            Period period = periods.get(index);
            int windowStart = period.windowEnd() - windowDays;
            // The windows move before old values are dropped: the values leaving a window are among them.
            for (int kind = 0; kind < durations.length; kind++) {
                windows[kind].moveTo(durations[kind], windowStart, period.windowEnd());
            }
            for (DayValues values : kept) {
                values.dropBefore(keepFrom[index]);
            }
            PeriodDates periodDates = dates.get(index);
            int start = period.start();
            int end = period.end();
            List<Object> row = new ArrayList<>(List.of(name, period.type(), periodDates.start(), periodDates.end(),
                    periodDates.windowStart(), periodDates.windowEnd(), deploys.sum(start, end), deploys.count(start, end),
                    failed.sum(start, end), rework.sum(start, end), flagged[LEAD_TIME].sum(start, end),
                    flagged[RECOVERY].sum(start, end), flagged[DAILY_DEPLOYS].sum(start, end), failedAttempts.sum(start, end)));
            for (int kind = 0; kind < durations.length; kind++) {
                long[] inPeriod = durations[kind].between(start, end);
                row.add((long) inPeriod.length);
                double[] percentiles = inPeriod.length == 0 ? null : percentiles(inPeriod, PERIOD_PERCENTILES);
                for (int i = 0; i < PERIOD_PERCENTILES.length; i++) {
                    row.add(percentiles == null ? null : percentiles[i]);
                }
                row.add(inPeriod.length == 0 ? null : (double) sum(inPeriod) / inPeriod.length);
                row.add((long) windows[kind].size());
                row.add(windows[kind].size() == 0 ? null : windows[kind].median());
            }
            long[] daysPerWeek = new long[windowDays / 7];
            for (int i = 0; i < deploys.size(); i++) {
                int day = deploys.day(i);
                if (day >= windowStart && day < period.windowEnd()) {
                    daysPerWeek[(period.windowEnd() - day - 1) / 7]++;
                }
            }
            // Whole 4-week blocks counted back from the window's end; a shorter rest is left out.
            long[] daysPerFourWeeks = new long[Math.max(1, daysPerWeek.length / 4)];
            for (int week = 0; week < Math.min(daysPerWeek.length, 4 * daysPerFourWeeks.length); week++) {
                daysPerFourWeeks[week / 4] += daysPerWeek[week];
            }
            long[] windowDeploys = deploys.between(windowStart, period.windowEnd());
            row.add(median(daysPerWeek));
            row.add(median(daysPerFourWeeks));
            row.add(windowDeploys.length == 0 ? null : median(windowDeploys));
            row.add(sum(windowDeploys));
            row.add(failed.sum(windowStart, period.windowEnd()));
            row.add(rework.sum(windowStart, period.windowEnd()));
            row.add(deploys.sum(period.windowEnd() - HALF_YEAR_DAYS, period.windowEnd()));
            return RowFactory.create(row.toArray());
        }
    }

    /**
     * Spark's {@code percentile} of sorted values: the value at rank {@code level * (n - 1)}, interpolated between its
     * neighbours with Spark's own arithmetic.
     */
    static double percentile(long[] sorted, double level) {
        return percentile(sorted, sorted.length, level);
    }

    /** {@link #percentile(long[], double)} of the first {@code length} values. */
    static double percentile(long[] sorted, int length, double level) {
        double position = (length - 1) * level;
        int lower = (int) Math.floor(position);
        int higher = (int) Math.ceil(position);
        return interpolate(position, lower, higher, sorted[lower], sorted[higher]);
    }

    /** Spark's interpolation between the values at ranks {@code lower} and {@code higher} around {@code position}. */
    private static double interpolate(double position, long lower, long higher, long lowerValue, long higherValue) {
        if (higher == lower || lowerValue == higherValue) {
            return lowerValue;
        }
        return (higher - position) * lowerValue + (position - lower) * higherValue;
    }

    /**
     * {@link #percentile} at each of the ascending {@code levels} of unsorted values, which it reorders: selections of
     * the ranks the levels need, each in what the previous one left above it, instead of a sort.
     */
    static double[] percentiles(long[] values, double[] levels) {
        double[] percentiles = new double[levels.length];
        int placed = 0;
        for (int i = 0; i < levels.length; i++) {
            double position = (values.length - 1) * levels[i];
            int lower = (int) Math.floor(position);
            int higher = (int) Math.ceil(position);
            long lowerValue = select(values, placed, values.length - 1, lower);
            placed = lower;
            percentiles[i] = interpolate(position, lower, higher, lowerValue, higher == lower ? lowerValue : min(values, lower + 1));
        }
        return percentiles;
    }

    /** The smallest of the values from index {@code from} on. */
    private static long min(long[] values, int from) {
        long min = Long.MAX_VALUE;
        for (int i = from; i < values.length; i++) {
            min = Math.min(min, values[i]);
        }
        return min;
    }

    /**
     * The median ({@link #percentile} at 0.5) of unsorted values, which it reorders: a selection, linear in the number
     * of values, not a sort.
     */
    static double median(long[] values) {
        return percentiles(values, MEDIAN)[0];
    }

    /**
     * The k-th smallest value (0-based), leaving smaller values before index k and larger ones after it
     * (Hoare's selection with a median-of-three pivot).
     */
    static long select(long[] values, int k) {
        return select(values, 0, values.length - 1, k);
    }

    /** {@link #select(long[], int)} among the values at indexes {@code [left, right]}, the rank counted from index 0. */
    private static long select(long[] values, int left, int right, int k) {
        Objects.checkFromToIndex(left, right + 1, values.length);
        Objects.checkIndex(k - left, right - left + 1);
        while (left < right) {
            int middle = (left + right) >>> 1;
            long pivot = medianOfThree(values[left], values[middle], values[right]);
            int i = left;
            int j = right;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return values[k];
            }
        }
        return values[k];
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum;
    }

    /**
     * The values of one kind of duration in a trailing window, sorted. Windows move forward (the periods come in the
     * order they are due, and their windows end in that order), so a move removes the values of the days the window
     * leaves and merges in those of the days it enters, in one pass, instead of copying and selecting the whole window
     * for every period: an organisation's window holds millions of values. A move backwards rebuilds the window.
     */
    static final class SortedWindow {
        private long[] sorted = new long[0];
        private long[] spare = new long[0];
        private int size;
        private int from;
        private int until;

        /**
         * Holds the values of the days {@code [newFrom, newUntil)}, which {@code values} must hold, as well as those of
         * the days the window leaves.
         */
        void moveTo(DayValues values, int newFrom, int newUntil) {
            if (size == 0 || newFrom < from || newUntil < until || newFrom >= until) {
                long[] window = values.between(newFrom, newUntil);
                Arrays.sort(window);
                sorted = window;
                size = window.length;
            } else {
                long[] leaving = values.between(from, newFrom);
                long[] entering = values.between(until, newUntil);
                Arrays.sort(leaving);
                Arrays.sort(entering);
                merge(leaving, entering);
            }
            from = newFrom;
            until = newUntil;
        }

        private void merge(long[] leaving, long[] entering) {
            int length = size - leaving.length + entering.length;
            if (spare.length < length) {
                spare = new long[Math.max(length, 2 * spare.length)];
            }
            int kept = 0;
            int left = 0;
            int entered = 0;
            for (int i = 0; i < size; i++) {
                long value = sorted[i];
                if (left < leaving.length && leaving[left] == value) {
                    left++;
                    continue;
                }
                while (entered < entering.length && entering[entered] < value) {
                    spare[kept++] = entering[entered++];
                }
                spare[kept++] = value;
            }
            if (left != leaving.length) {
                throw new IllegalStateException("values leaving the window were not in it");
            }
            while (entered < entering.length) {
                spare[kept++] = entering[entered++];
            }
            long[] previous = sorted;
            sorted = spare;
            spare = previous;
            size = kept;
        }

        int size() {
            return size;
        }

        double median() {
            return percentile(sorted, size, 0.5);
        }
    }

    /** (day, value) pairs in day order, appended at the end and dropped from the front: a growing ring buffer. */
    static final class DayValues {
        private int[] days = new int[16];
        private long[] values = new long[16];
        private int head;
        private int size;

        void add(int day, long value) {
            if (size == days.length) {
                int[] moreDays = new int[2 * size];
                long[] moreValues = new long[2 * size];
                for (int i = 0; i < size; i++) {
                    moreDays[i] = day(i);
                    moreValues[i] = values[(head + i) % values.length];
                }
                days = moreDays;
                values = moreValues;
                head = 0;
            }
            int slot = (head + size) % days.length;
            days[slot] = day;
            values[slot] = value;
            size++;
        }

        void dropBefore(int day) {
            while (size > 0 && days[head] < day) {
                head = (head + 1) % days.length;
                size--;
            }
        }

        int size() {
            return size;
        }

        int day(int i) {
            return days[(head + i) % days.length];
        }

        /** The number of values of the days {@code [from, until)}. */
        int count(int from, int until) {
            return Math.max(0, firstFrom(until) - firstFrom(from));
        }

        /** The sum of the values of the days {@code [from, until)}, without copying them. */
        long sum(int from, int until) {
            int end = firstFrom(until);
            long sum = 0;
            for (int i = firstFrom(from); i < end; i++) {
                sum += values[(head + i) % values.length];
            }
            return sum;
        }

        /** The values of the days {@code [from, until)}, in day order. */
        long[] between(int from, int until) {
            int first = firstFrom(from);
            int end = firstFrom(until);
            long[] between = new long[Math.max(0, end - first)];
            for (int i = first; i < end; i++) {
                between[i - first] = values[(head + i) % values.length];
            }
            return between;
        }

        /** The index of the first pair on or after {@code day} (binary search: the days are in order). */
        private int firstFrom(int day) {
            int low = 0;
            int high = size;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (day(middle) < day) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }
    }
}
