package org.dorametrics.report;

import java.time.LocalDate;

/** What produced the report, shown on top of every sheet. */
public record ReportHeader(String title, LocalDate asOf, String benchmarkEdition, String timezone, String weekStart,
                           int trailingWeeks, int minSamples, String projectVersion) {}
