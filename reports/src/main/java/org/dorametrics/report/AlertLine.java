package org.dorametrics.report;

import java.time.LocalDate;

/**
 * One open alert as the Alerts sheet lists it (a row of the {@code alerts} table).
 *
 * @param team the team, or null for a source
 * @param subject the service, or the source, or null for the whole team
 * @param unit working_days, rate (0..1) or seconds: how observed and the expected range read
 * @param expectedLow null when only an upper end applies
 * @param message what changed and by how much, in words
 */
public record AlertLine(String team, String subject, String rule, String severity, String unit, double observed,
                        Double expectedLow, double expectedHigh, LocalDate firstSeen, String message) {

    public static final String RATE = "rate";
    public static final String SECONDS = "seconds";
}
