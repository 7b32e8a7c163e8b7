package org.dorametrics.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;

/**
 * The figures' events as the metrics stage's SQL packs them ({@link PeriodFigures#eventsOf}) are the numbers
 * {@link PeriodFigures#ownerDay} and {@link PeriodFigures#detail} define, which {@link PeriodFigures} reads back; and
 * they sort by owner, then day.
 */
class FigureEventsTest {
    @Test
    void theSqlPacksEventsAsPeriodFiguresReadsThem() {
        // Owners from the first to a large number, days before 1970 and far after, counts up to the largest.
        String events = """
                SELECT * FROM VALUES
                  (0, -40000, 0, 5L, 0L, 0L, 1L), (0, 0, 1, 0L, 0L, 0L, 0L), (7, 20000, 2, 86400L, 0L, 0L, 1L),
                  (7, 20001, 3, 1048575L, 1048575L, 1048575L, 1048575L), (9, 20002, 4, 12L, 0L, 0L, 0L),
                  (2000000, 0, 5, 0L, 0L, 0L, 0L), (2000000, 80000, 3, 3L, 2L, 1L, 0L)
                  AS events(owner_id, day, kind, value, failed, rework, flagged)
                """;
        List<Row> packed = TestSpark.session().sql(PeriodFigures.eventsOf(events)).collectAsList();
        List<Row> given = TestSpark.session().sql(events).collectAsList();
        assertEquals(given.size(), packed.size());
        for (int i = 0; i < given.size(); i++) {
            Row event = given.get(i);
            assertEquals(PeriodFigures.ownerDay(event.getInt(0), event.getInt(1)), packed.get(i).getLong(0), event.toString());
            assertEquals(event.getLong(3), packed.get(i).getLong(1), event.toString());
            long detail = packed.get(i).getLong(2);
            assertEquals(PeriodFigures.detail(event.getInt(2), event.getLong(4), event.getLong(5), event.getLong(6)),
                    detail, event.toString());
            // What PeriodFigures reads back is what was given, the largest counts included.
            assertEquals(List.of(event.getInt(2), event.getLong(6), event.getLong(4), event.getLong(5)),
                    List.of(PeriodFigures.kind(detail), PeriodFigures.count(detail, 0), PeriodFigures.count(detail, 1),
                            PeriodFigures.count(detail, 2)), event.toString());
        }
        List<Long> order = new ArrayList<>(packed.stream().map(r -> r.getLong(0)).toList());
        order.sort(Comparator.naturalOrder());
        assertEquals(packed.stream().map(r -> r.getLong(0)).toList(), order, "given by owner, then day: sorted so");
    }
}
