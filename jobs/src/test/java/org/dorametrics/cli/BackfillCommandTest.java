package org.dorametrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.dorametrics.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** dora backfill's dates: which report dates it computes, and a range that ends before it starts. */
class BackfillCommandTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void fromAfterToStopsBeforeAnyWorkNamingBothOptions() {
        assertEquals(2, DoraCli.execute("backfill", "--config", "no-such-config.yaml", "--from", "2026-04-08", "--to", "2026-03-23"));
        assertTrue(console.err().contains("--from 2026-04-08 is after --to 2026-03-23; expected --from on or before --to"), console.err());
    }

    @Test
    void reportDatesAreTheLastDayOfEachWeekThenTo() {
        assertEquals(dates("2026-03-29", "2026-04-05"), BackfillCommand.reportDates(date("2026-03-23"), date("2026-04-05"), DayOfWeek.MONDAY));
        assertEquals(dates("2026-03-29", "2026-04-05", "2026-04-08"),
                BackfillCommand.reportDates(date("2026-03-29"), date("2026-04-08"), DayOfWeek.MONDAY), "--to mid-week comes last");
        assertEquals(dates("2026-03-25"), BackfillCommand.reportDates(date("2026-03-23"), date("2026-03-25"), DayOfWeek.MONDAY),
                "a range within one week: --to only");
        assertEquals(dates("2026-03-28", "2026-03-30"), BackfillCommand.reportDates(date("2026-03-23"), date("2026-03-30"), DayOfWeek.SUNDAY),
                "Sunday-start weeks end on Saturdays");
    }

    private static LocalDate date(String text) {
        return LocalDate.parse(text);
    }

    private static List<LocalDate> dates(String... texts) {
        return Stream.of(texts).map(LocalDate::parse).toList();
    }
}
