package org.dorametrics.alerts;

import java.time.LocalDate;
import java.util.List;

/** One row of the {@code alerts} table: a finding with its history across runs and what was sent about it. */
public record AlertRow(String alertId, String rule, String team, String service, String source, String severity,
                       double observed, Double expectedLow, double expectedHigh, String unit, String message,
                       LocalDate firstSeen, LocalDate lastSeen, boolean open, LocalDate resolvedOn,
                       LocalDate notifiedOn, List<String> notifiedRoutes, String notification) {

    public static final String SENT = "sent";
    public static final String NO_ROUTE = "no route";
    public static final String NOT_SENT = "not sent";
    public static final String DRY_RUN = "dry run: not sent";

    public AlertRow {
        notifiedRoutes = List.copyOf(notifiedRoutes);
    }

    /** Whom and what it is about, the same from one run to the next (see {@link Finding#subjectKey}). */
    public String subjectKey() {
        return rule + "|" + team + "|" + service + "|" + source;
    }

    /** Open and not yet delivered everywhere: the next delivery sends it. */
    public boolean awaitsNotification() {
        return open && !SENT.equals(notification);
    }

    public AlertRow withNotification(LocalDate on, List<String> routes, String outcome) {
        return new AlertRow(alertId, rule, team, service, source, severity, observed, expectedLow, expectedHigh, unit, message,
                firstSeen, lastSeen, open, resolvedOn, on, routes, outcome);
    }
}
