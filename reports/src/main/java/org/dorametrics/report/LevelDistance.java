package org.dorametrics.report;

import java.util.List;
import java.util.function.Function;

/**
 * Where a team stands against the benchmark and what the next level takes, in words:
 * "p50 31.0 h: high; elite needs < 1 day". The next level is the one a team reaches first as it improves: of the
 * better levels, the one asking least (2024's change failure rates are not monotonic: from 30% the next step is
 * high's 20%, not medium's 10%); when several ask the same, the better one, as the level rule gives it.
 */
final class LevelDistance {

    private final BenchmarkTable table;
    private final int minSamples;

    LevelDistance(BenchmarkTable table, int minSamples) {
        this.table = table;
        this.minSamples = minSamples;
    }

    /** A team's standing on one ranked metric: its level, the value it comes from, and what the next level takes. */
    record Standing(String level, String measured, String next) {
        /** "p50 31.0 h: high; elite needs < 1 day". */
        String sentence() {
            return measured + ": " + level + "; " + next;
        }
    }

    private static final String INSUFFICIENT_DATA = "insufficient data";

    Standing deploymentFrequency(TeamSummary team) {
        String measured = team.windowMedianDeployDaysPerWeek() == null ? "no data"
            : "median " + HumanUnits.decimal(team.windowMedianDeployDaysPerWeek()) + " deploy days/wk";
        return new Standing(team.deploymentFrequencyLevel(), measured,
            nextForDeploymentFrequency(team.deploymentFrequencyLevel()));
    }

    Standing leadTime(TeamSummary team) {
        return durationStanding(team.leadTimeLevel(), team.windowLeadTimeP50Seconds(), team.windowLeadTimeN(),
            "changes", false);
    }

    Standing timeToRestore(TeamSummary team) {
        return durationStanding(team.timeToRestoreLevel(), team.windowTimeToRestoreP50Seconds(), team.windowRestoreN(),
            "resolved incidents", true);
    }

    Standing recovery(TeamSummary team) {
        return durationStanding(team.recoveryLevel(), team.windowRecoveryP50Seconds(), team.windowRecoveryN(),
            "recovered failures", true);
    }

    Standing changeFailureRate(TeamSummary team) {
        String level = team.changeFailureRateLevel();
        String measured = team.windowChangeFailureRate() == null ? "no deployments"
            : HumanUnits.percent(team.windowChangeFailureRate()) + " of " + team.windowDeployments() + " deployments";
        String next = INSUFFICIENT_DATA.equals(level) ? samplesNeeded(team.windowDeployments(), "deployments")
            : nextForChangeFailureRate(level);
        return new Standing(level, measured, next);
    }

    private Standing durationStanding(String level, Double p50Seconds, long samples, String what, boolean restore) {
        String measured = p50Seconds == null ? "no data" : "p50 " + HumanUnits.duration(p50Seconds);
        String next = INSUFFICIENT_DATA.equals(level) ? samplesNeeded(samples, what) : nextForDuration(level, restore);
        return new Standing(level, measured, next);
    }

    /** What a team at {@code level} needs for the next one, e.g. "elite needs < 1 day"; for a duration metric. */
    String nextForDuration(String level, boolean restore) {
        return next(level, restore ? BenchmarkLevel::restoreAnswer : BenchmarkLevel::leadTimeAnswer,
            row -> {
                Long below = restore ? row.restoreBelowSeconds() : row.leadTimeBelowSeconds();
                return below == null ? "any time" : "< " + HumanUnits.bound(below);
            });
    }

    String nextForDeploymentFrequency(String level) {
        return next(level, BenchmarkLevel::deploymentFrequencyAnswer,
            row -> frequencyRequirement(row.deploymentFrequencyAnswer()));
    }

    String nextForChangeFailureRate(String level) {
        // A lower maximum asks more, so the negated maximum ranks like an answer.
        return next(level, row -> -row.changeFailureRateMax(),
            row -> "\u2264 " + HumanUnits.percent(row.changeFailureRateMax()));
    }

    /** What insufficient data lacks, e.g. "a level needs 5 changes (has 3)". */
    String samplesNeeded(long samples, String what) {
        return "a level needs " + minSamples + " " + what + " (has " + samples + ")";
    }

    private <T extends Comparable<T>> String next(String level, Function<BenchmarkLevel, T> asks,
                                                  Function<BenchmarkLevel, String> requirement) {
        List<BenchmarkLevel> levels = table.levels();
        int current = indexOf(level, levels);
        if (current == 0) {
            return "the best level";
        }
        BenchmarkLevel target = null;
        for (int i = 0; i < current; i++) {
            BenchmarkLevel candidate = levels.get(i);
            // Strictly less only: on a tie the earlier (better) level stays, as the level rule ranks it.
            if (target == null || asks.apply(candidate).compareTo(asks.apply(target)) < 0) {
                target = candidate;
            }
        }
        return target.level() + " needs " + requirement.apply(target);
    }

    /** The index of {@code level} in the table; a "low" the edition does not list sits after every level. */
    private static int indexOf(String level, List<BenchmarkLevel> levels) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).level().equals(level)) {
                return i;
            }
        }
        return levels.size();
    }

    /** DORA.md's frequency answers as this project measures them over the trailing window. */
    static String frequencyRequirement(int answer) {
        return switch (answer) {
            case 6 -> "\u2265 5 deploy days/wk, \u2265 2 deploys a day";
            case 5 -> "\u2265 5 deploy days/wk";
            case 4 -> "\u2265 1 deploy day/wk";
            case 3 -> "\u2265 1 deploy day per 4 wk";
            case 2 -> "\u2265 1 deploy in 26 wk";
            default -> "no deploy";
        };
    }
}
