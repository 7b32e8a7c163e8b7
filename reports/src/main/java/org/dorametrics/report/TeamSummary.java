package org.dorametrics.report;

import java.time.LocalDate;

/** One team's numbers as of the report date: the current week, and the trailing window its levels come from. */
public record TeamSummary(
    String team,
    LocalDate weekStart, boolean weekPartial,
    long weekDeployments, int weekDeployDays, long weekFailedDeployAttempts,
    Double weekLeadTimeP50Seconds, Double weekChangeFailureRate, Double weekTimeToRestoreP50Seconds,
    Double windowMedianDeployDaysPerWeek, Integer deploymentFrequencyAnswer, String deploymentFrequencyLevel,
    Double windowLeadTimeP50Seconds, long windowLeadTimeN, String leadTimeLevel,
    Double windowChangeFailureRate, long windowDeployments, String changeFailureRateLevel,
    Double windowTimeToRestoreP50Seconds, long windowRestoreN, String timeToRestoreLevel,
    Double windowRecoveryP50Seconds, long windowRecoveryN, String recoveryLevel,
    Double windowReworkRate,
    Double quickCheckScore) {}
