package org.dorametrics.report;

import java.time.LocalDateTime;

/**
 * An incident resolved in the report week (local times of the report), and the deployments it is attributed to
 * ({@code attributedTo} and {@code method} empty when it has no link).
 */
public record IncidentLine(String incidentId, String title, String services, LocalDateTime openedAt,
                           LocalDateTime resolvedAt, long restoreSeconds, String attributedTo, String method) {}
