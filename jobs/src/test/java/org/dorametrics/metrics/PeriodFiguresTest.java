package org.dorametrics.metrics;

import static org.dorametrics.metrics.PercentileAgreementTest.percentileCont;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

/**
 * The one-pass figures give, for every owner and period, what filtering all events by the period and by its trailing
 * window gives: counts, sums, means and percentiles (PERCENTILE_CONT) of random events, windows of 4 to 30 weeks, and
 * a current period whose window ends at the report date while later events exist; an owner with no event but its
 * own has every row, zero.
 */
class PeriodFiguresTest {
    private static final int DAYS = 900;
    /** The day after the report date: the window end of the current periods. */
    private static final int AFTER_REPORT_DATE = DAYS - 3;
    /** The owners' names, by owner_id. */
    private static final List<String> OWNERS = List.of("service:a", "team:b", "team:c", "team:idle");

    private record Event(String owner, int day, int kind, long value, long failed, long rework, long flagged) {
        InternalRow row() {
            return new GenericInternalRow(new Object[] {PeriodFigures.ownerDay(OWNERS.indexOf(owner), day), value,
                    PeriodFigures.detail(kind, failed, rework, flagged)});
        }
    }

    @Test
    void everyPeriodHasTheFiguresOfTheEventsInItsWindow() throws Exception {
        for (int weeks : new int[] {4, 12, 13, 30}) {
            Random random = new Random(weeks);
            List<Event> events = new ArrayList<>();
            for (String owner : OWNERS) {
                events.add(new Event(owner, random.nextInt(DAYS), PeriodFigures.OWNER, 0, 0, 0, 0));
                int count = owner.equals("team:idle") ? 0 : owner.equals("team:c") ? 3 : 400 + random.nextInt(400);
                for (int i = 0; i < count; i++) {
                    int kind = random.nextInt(5);
                    int day = random.nextInt(DAYS);
                    // Repeated values, as real lead times have, and the rare huge one.
                    long value = kind >= PeriodFigures.DAILY_DEPLOYS ? 1 + random.nextInt(5)
                            : random.nextInt(10) == 0 ? random.nextInt(3) : (long) Math.exp(random.nextDouble() * 14);
                    boolean daily = kind == PeriodFigures.DAILY_DEPLOYS;
                    events.add(new Event(owner, day, kind, value, daily ? random.nextInt(2) : 0, daily ? random.nextInt(2) : 0,
                            kind == PeriodFigures.RESTORE || kind == PeriodFigures.FAILED_ATTEMPTS ? 0 : random.nextInt(2)));
                }
            }
            // One daily row per owner and day, as daily_deploys and the failed attempts have them.
            events = dailyRowsOnce(events);
            events.sort(Comparator.comparing(Event::owner).thenComparingInt(Event::day));
            List<PeriodFigures.Period> periods = new ArrayList<>();
            for (int start = 0; start < AFTER_REPORT_DATE; start += 7) {
                periods.add(period("week", start, start + 7));
                if (start % 91 == 0) {
                    periods.add(period("quarter", start, start + 91));
                }
            }
            periods.sort(Comparator.comparingInt(PeriodFigures.Period::due));

            Iterator<Row> rows = new PeriodFigures(OWNERS, periods, weeks).call(events.stream().map(Event::row).iterator());
            int checked = 0;
            for (String owner : OWNERS) {
                for (PeriodFigures.Period period : periods) {
                    Row row = rows.next();
                    assertEquals(List.of(owner, period.type(), period.startDate()), List.of(row.getString(0), row.getString(1), row.get(2)));
                    assertFigures(expected(events, owner, period, weeks), figures(row), owner + " " + period + ", " + weeks + " weeks");
                    checked++;
                }
            }
            assertEquals(false, rows.hasNext());
            assertEquals(OWNERS.size() * periods.size(), checked);
        }
    }

    @Test
    void periodsMustComeInTheOrderTheyAreDue() {
        List<PeriodFigures.Period> unordered = List.of(period("week", 7, 14), period("week", 0, 7));
        assertThrows(IllegalArgumentException.class, () -> new PeriodFigures(OWNERS, unordered, 12));
    }

    /** A period of days [start, end), current (its window ending at the report date) when it holds that date. */
    private static PeriodFigures.Period period(String type, int start, int end) {
        return new PeriodFigures.Period(type, LocalDate.ofEpochDay(start), start, end, Math.min(end, AFTER_REPORT_DATE));
    }

    @Test
    void selectionFindsEveryRankOfValuesWithRepeats() {
        Random random = new Random(7);
        for (int n = 1; n < 60; n++) {
            long[] values = LongStream.generate(() -> random.nextInt(6)).limit(n).toArray();
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < n; k++) {
                assertEquals(sorted[k], PeriodFigures.select(values.clone(), k), "rank " + k + " of " + Arrays.toString(values));
                assertEquals(percentileCont(values, 0.5), PeriodFigures.median(values.clone()), "median of " + Arrays.toString(values));
            }
            double[] levels = {0.1, 0.5, 0.75, 0.9, 1.0};
            double[] selected = PeriodFigures.percentiles(values.clone(), levels);
            for (int i = 0; i < levels.length; i++) {
                assertEquals(PeriodFigures.percentile(sorted, levels[i]), selected[i], "p" + levels[i] + " of " + Arrays.toString(values));
            }
        }
    }

    /**
     * A sorted window moved forward day by day, by weeks, by months, and back, holds the values of its days, as a
     * filter of all values gives them, and their median.
     */
    @Test
    void aSortedWindowHoldsTheValuesOfItsDaysWhereverItMoves() {
        Random random = new Random(11);
        PeriodFigures.DayValues values = new PeriodFigures.DayValues();
        List<long[]> pairs = new ArrayList<>();
        for (int day = 0; day < 400; day++) {
            for (int i = random.nextInt(4) == 0 ? 0 : random.nextInt(6); i > 0; i--) {
                long value = random.nextInt(50);
                values.add(day, value);
                pairs.add(new long[] {day, value});
            }
        }
        PeriodFigures.SortedWindow window = new PeriodFigures.SortedWindow();
        int until = 0;
        for (int move = 0; move < 300; move++) {
            until = random.nextInt(10) == 0 ? Math.max(1, until - random.nextInt(60)) : Math.min(400, until + random.nextInt(30));
            int from = until - 1 - random.nextInt(90);
            window.moveTo(values, from, until);
            int windowFrom = from;
            int windowUntil = until;
            long[] expected = pairs.stream().filter(p -> p[0] >= windowFrom && p[0] < windowUntil).mapToLong(p -> p[1]).sorted().toArray();
            assertEquals(expected.length, window.size(), "values of [" + from + ", " + until + ")");
            if (expected.length > 0) {
                assertEquals(PeriodFigures.percentile(expected, 0.5), window.median(), "median of [" + from + ", " + until + ")");
            }
        }
    }

    private static List<Event> dailyRowsOnce(List<Event> events) {
        List<Event> once = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Event event : events) {
            boolean daily = event.kind() == PeriodFigures.DAILY_DEPLOYS || event.kind() == PeriodFigures.FAILED_ATTEMPTS;
            if (!daily || seen.add(event.owner() + "/" + event.kind() + "/" + event.day())) {
                once.add(event);
            }
        }
        return once;
    }

    /**
     * Equal figures; interpolated percentiles to a millionth of a second, as the arithmetic of the interpolation here
     * (PERCENTILE_CONT's textbook form) and Spark's (which PercentileAgreementTest matches bit for bit) can differ in
     * the last bit.
     */
    private static void assertFigures(List<Object> expected, List<Object> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i) instanceof Double value && actual.get(i) instanceof Double) {
                assertEquals(value, (Double) actual.get(i), 1e-6, what + ", figure " + i + " of " + actual);
            } else {
                assertEquals(expected.get(i), actual.get(i), what + ", figure " + i + " of " + actual);
            }
        }
    }

    /** The figures of an output row, as a list to compare. */
    private static List<Object> figures(Row row) {
        List<Object> figures = new ArrayList<>();
        for (int i = 3; i < row.length(); i++) {
            figures.add(row.get(i));
        }
        return figures;
    }

    /** The figures by the definitions, from scratch: the events of the period and of its window, filtered and sorted. */
    private static List<Object> expected(List<Event> events, String owner, PeriodFigures.Period period, int weeks) {
        int end = period.windowEnd();
        int start = end - 7 * weeks;
        List<Event> ours = events.stream().filter(e -> e.owner().equals(owner)).toList();
        List<Event> days = ours.stream().filter(e -> e.kind() == PeriodFigures.DAILY_DEPLOYS).toList();
        List<Event> daysOfPeriod = days.stream().filter(e -> e.day() >= period.start() && e.day() < period.end()).toList();
        List<Object> figures = new ArrayList<>(List.of(LocalDate.ofEpochDay(period.end()), LocalDate.ofEpochDay(start),
                LocalDate.ofEpochDay(end),
                daysOfPeriod.stream().mapToLong(Event::value).sum(), daysOfPeriod.size(),
                daysOfPeriod.stream().mapToLong(Event::failed).sum(), daysOfPeriod.stream().mapToLong(Event::rework).sum(),
                flagged(ours, PeriodFigures.LEAD_TIME, period), flagged(ours, PeriodFigures.RECOVERY, period),
                flagged(ours, PeriodFigures.DAILY_DEPLOYS, period),
                ours.stream().filter(e -> e.kind() == PeriodFigures.FAILED_ATTEMPTS && e.day() >= period.start()
                        && e.day() < period.end()).mapToLong(Event::value).sum()));
        for (int kind : new int[] {PeriodFigures.LEAD_TIME, PeriodFigures.RESTORE, PeriodFigures.RECOVERY}) {
            long[] inPeriod = ours.stream().filter(e -> e.kind() == kind && e.day() >= period.start() && e.day() < period.end())
                    .mapToLong(Event::value).toArray();
            figures.add((long) inPeriod.length);
            for (double level : new double[] {0.5, 0.75, 0.9}) {
                figures.add(inPeriod.length == 0 ? null : percentileCont(inPeriod, level));
            }
            figures.add(inPeriod.length == 0 ? null : LongStream.of(inPeriod).average().orElseThrow());
            long[] inWindow = ours.stream().filter(e -> e.kind() == kind && e.day() >= start && e.day() < end)
                    .mapToLong(Event::value).toArray();
            figures.add((long) inWindow.length);
            figures.add(inWindow.length == 0 ? null : percentileCont(inWindow, 0.5));
        }
        long[] perWeek = new long[weeks];
        days.stream().filter(e -> e.day() >= start && e.day() < end).forEach(e -> perWeek[(end - 1 - e.day()) / 7]++);
        int blocks = Math.max(1, weeks / 4);
        long[] perFourWeeks = new long[blocks];
        for (int week = 0; week < 4 * blocks; week++) {
            perFourWeeks[week / 4] += perWeek[week];
        }
        figures.add(percentileCont(perWeek, 0.5));
        figures.add(percentileCont(perFourWeeks, 0.5));
        List<Event> inWindow = days.stream().filter(e -> e.day() >= start && e.day() < end).toList();
        figures.add(inWindow.isEmpty() ? null : percentileCont(inWindow.stream().mapToLong(Event::value).toArray(), 0.5));
        figures.add(inWindow.stream().mapToLong(Event::value).sum());
        figures.add(inWindow.stream().mapToLong(Event::failed).sum());
        figures.add(inWindow.stream().mapToLong(Event::rework).sum());
        figures.add(days.stream().filter(e -> e.day() >= end - 182 && e.day() < end).mapToLong(Event::value).sum());
        return figures;
    }

    /** The findings counted by the events of one kind in a period. */
    private static long flagged(List<Event> events, int kind, PeriodFigures.Period period) {
        return events.stream().filter(e -> e.kind() == kind && e.day() >= period.start() && e.day() < period.end())
                .mapToLong(Event::flagged).sum();
    }
}
