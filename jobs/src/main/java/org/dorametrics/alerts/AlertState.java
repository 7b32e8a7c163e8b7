package org.dorametrics.alerts;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Carries the alerts table from one run to the next: a finding still open keeps its first day and what was sent
 * about it, a new one starts on the as-of day, and an open one that the run no longer finds is closed. Closed rows
 * stay, as the history of what happened.
 */
public final class AlertState {
    private AlertState() {}

    /** The new table: {@code previous} rows updated by {@code findings} as of {@code asOf}, sorted by alert id. */
    public static List<AlertRow> merge(List<AlertRow> previous, List<Finding> findings, LocalDate asOf) {
        Map<String, AlertRow> openBefore = new HashMap<>();
        List<AlertRow> rows = new ArrayList<>();
        for (AlertRow row : previous) {
            if (row.open()) {
                openBefore.put(row.subjectKey(), row);
            } else {
                rows.add(row);
            }
        }
        Set<String> found = new HashSet<>();
        for (Finding finding : findings) {
            if (!found.add(finding.subjectKey())) {
                continue;
            }
            AlertRow before = openBefore.get(finding.subjectKey());
            LocalDate firstSeen = before != null ? before.firstSeen() : asOf;
            rows.add(new AlertRow(alertId(finding, firstSeen), finding.rule().id(), finding.team(), finding.service(),
                    finding.source(), finding.severity().label(), finding.observed(), finding.expectedLow(),
                    finding.expectedHigh(), finding.unit(), finding.message(), firstSeen, asOf, true, null,
                    before != null ? before.notifiedOn() : null, before != null ? before.notifiedRoutes() : List.of(),
                    before != null ? before.notification() : AlertRow.NOT_SENT));
        }
        for (AlertRow row : openBefore.values()) {
            if (!found.contains(row.subjectKey())) {
                rows.add(new AlertRow(row.alertId(), row.rule(), row.team(), row.service(), row.source(), row.severity(),
                        row.observed(), row.expectedLow(), row.expectedHigh(), row.unit(), row.message(), row.firstSeen(),
                        row.lastSeen(), false, asOf, row.notifiedOn(), row.notifiedRoutes(), row.notification()));
            }
        }
        rows.sort(Comparator.comparing(AlertRow::alertId));
        return rows;
    }

    static String alertId(Finding finding, LocalDate firstSeen) {
        String whom = finding.source() != null ? finding.source()
                : finding.service() != null ? finding.team() + "/" + finding.service() : finding.team();
        return finding.rule().id() + ":" + whom + ":" + firstSeen;
    }
}
