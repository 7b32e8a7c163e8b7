package org.dorametrics.report;

/**
 * One row of a benchmark edition's published table, with what it takes to reach it: the DORA answer (1..6) a
 * frequency or duration must meet, how this project measures a frequency answer, the exclusive upper bound in
 * seconds of a duration answer (null for the slowest answer, which has none), and the highest change failure ratio.
 */
public record BenchmarkLevel(
    String level,
    String deploymentFrequencyPublished, int deploymentFrequencyAnswer, String deploymentFrequencyRule,
    String leadTimePublished, int leadTimeAnswer, Long leadTimeBelowSeconds,
    String restorePublished, int restoreAnswer, Long restoreBelowSeconds,
    String changeFailureRatePublished, double changeFailureRateMax) {}
