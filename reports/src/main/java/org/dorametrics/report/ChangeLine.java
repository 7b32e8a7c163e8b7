package org.dorametrics.report;

import java.time.LocalDateTime;

/** A change delivered in the report week with its lead time, for the list of the slowest ones. */
public record ChangeLine(String shortSha, String subject, String deploymentId, LocalDateTime deployedAt,
                         long leadTimeSeconds) {}
