package org.dorametrics.alerts;

import java.util.Locale;

/**
 * One anomaly found by one run: which rule, about whom (a team, a team's service, or a source), what was observed,
 * the range the history or the config expected, and the sentence that says what changed and by how much.
 *
 * @param team the team, or null for a source
 * @param service the service, or null for a whole team or a source
 * @param source the source (as named in rejects), or null for a team or a service
 * @param expectedLow the lower end of the expected range, or null when only an upper end applies
 * @param unit what observed and the range count: working_days, rate or seconds
 */
public record Finding(AlertRule rule, String team, String service, String source, Severity severity, double observed,
                      Double expectedLow, double expectedHigh, String unit, String message) {

    public enum Severity {
        WARNING, CRITICAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What identifies the same anomaly from one run to the next: the rule and whom it is about. */
    public String subjectKey() {
        return rule.id() + "|" + team + "|" + service + "|" + source;
    }
}
