package org.dorametrics.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.dorametrics.alerts.Finding.Severity;
import org.junit.jupiter.api.Test;

/** The alerts table from one run to the next: kept while open, closed when it clears, new again when it comes back. */
class AlertStateTest {
    private static final LocalDate MONDAY = LocalDate.parse("2026-03-02");

    private static Finding silence(double days) {
        return new Finding(AlertRule.DEPLOY_SILENCE, "payments", null, null, Severity.WARNING, days, null, 2, "working_days",
                "payments has not deployed to production for " + (int) days + " working days");
    }

    @Test
    void aNewFindingStartsOpenOnTheAsOfDayAndAwaitsNotification() {
        AlertRow row = AlertState.merge(List.of(), List.of(silence(3)), MONDAY).get(0);
        assertEquals("deploy_silence:payments:2026-03-02", row.alertId());
        assertEquals(MONDAY, row.firstSeen());
        assertEquals(MONDAY, row.lastSeen());
        assertTrue(row.open());
        assertTrue(row.awaitsNotification());
        assertEquals(AlertRow.NOT_SENT, row.notification());
    }

    @Test
    void aFindingStillOpenKeepsItsFirstDayAndWhatWasSent() {
        AlertRow sent = AlertState.merge(List.of(), List.of(silence(3)), MONDAY).get(0)
                .withNotification(MONDAY, List.of("webhook #payments"), AlertRow.SENT);
        AlertRow next = AlertState.merge(List.of(sent), List.of(silence(4)), MONDAY.plusDays(1)).get(0);
        assertEquals(sent.alertId(), next.alertId());
        assertEquals(MONDAY, next.firstSeen());
        assertEquals(MONDAY.plusDays(1), next.lastSeen());
        assertEquals(4.0, next.observed(), "the latest figures");
        assertFalse(next.awaitsNotification(), "not sent again");
        assertEquals(List.of("webhook #payments"), next.notifiedRoutes());
    }

    @Test
    void aFindingThatClearsIsClosedAndStaysAsHistoryAndComesBackAsANewOne() {
        AlertRow open = AlertState.merge(List.of(), List.of(silence(3)), MONDAY).get(0);
        AlertRow closed = AlertState.merge(List.of(open), List.of(), MONDAY.plusDays(1)).get(0);
        assertFalse(closed.open());
        assertEquals(MONDAY.plusDays(1), closed.resolvedOn());
        assertEquals(MONDAY, closed.lastSeen());
        assertFalse(closed.awaitsNotification());
        List<AlertRow> again = AlertState.merge(List.of(closed), List.of(silence(3)), MONDAY.plusDays(7));
        assertEquals(2, again.size());
        assertEquals(closed, again.get(0));
        assertEquals("deploy_silence:payments:2026-03-09", again.get(1).alertId());
        assertNull(again.get(1).resolvedOn());
    }

    @Test
    void theSameRunTwiceGivesTheSameRows() {
        List<AlertRow> first = AlertState.merge(List.of(), List.of(silence(3)), MONDAY);
        assertEquals(first, AlertState.merge(first, List.of(silence(3)), MONDAY));
    }
}
