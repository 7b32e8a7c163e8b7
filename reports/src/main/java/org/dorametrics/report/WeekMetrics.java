package org.dorametrics.report;

import java.time.LocalDate;

/** One team's figures for one week, as team_metrics has them; durations in seconds, rates as ratios, null for no data. */
public record WeekMetrics(
    LocalDate weekStart, boolean partial,
    long deployments, int deployDays, long failedDeployAttempts,
    long leadTimeN, Double leadTimeP50Seconds, Double leadTimeP90Seconds,
    long failedDeployments, Double changeFailureRate,
    long restoreN, Double timeToRestoreP50Seconds,
    long recoveryN, Double recoveryP50Seconds,
    long reworkDeployments, Double reworkRate,
    Double quickCheckScore) {}
