package org.dorametrics.benchmark;

import java.util.List;
import java.util.stream.Collectors;

/** Turns measured metrics into the six answers of DORA's survey and Quick Check (DORA.md section 3), in Java and as Spark SQL. */
public final class Answers {

    /** One hour, in seconds. */
    public static final long HOUR = 3600;
    /** One day, in seconds. */
    public static final long DAY = 86400;
    /** One week, in seconds. */
    public static final long WEEK = 7 * DAY;
    /** One month, in seconds, taken as 30 days: DORA's answers name calendar months, which have no fixed length. */
    public static final long MONTH = 30 * DAY;
    /** Six months, in seconds, taken as 180 days (six of the 30-day {@link #MONTH}s). */
    public static final long SIX_MONTHS = 180 * DAY;

    static final int BEST_ANSWER = 6;
    static final int WORST_ANSWER = 1;

    // Exclusive upper bounds of the duration answers 6, 5, 4, 3 and 2; anything longer is answer 1.
    // Both durationAnswer and durationAnswerSql read this list, so they cannot disagree.
    private static final List<Long> DURATION_BOUNDS = List.of(HOUR, DAY, WEEK, MONTH, SIX_MONTHS);

    // Positions of frequencyAnswer's arguments, as the frequency ladder refers to them.
    private static final int DEPLOY_DAYS_PER_WEEK = 0;
    private static final int DEPLOYS_PER_DEPLOY_DAY = 1;
    private static final int DEPLOY_DAYS_PER_4_WEEKS = 2;
    private static final int DEPLOYS_IN_26_WEEKS = 3;

    /** One condition of a frequency answer: the argument at {@code argument} is at least {@code atLeast}. */
    private record Minimum(int argument, int atLeast) {
    }

    /** A frequency answer and the minimums that must all be met to earn it. */
    private record Rung(int answer, List<Minimum> minimums) {
    }

    // DORA.md's deployment-frequency column, best answer first; meeting no rung is answer 1.
    // Both frequencyAnswer and frequencyAnswerSql read this ladder, so they cannot disagree.
    private static final List<Rung> FREQUENCY_LADDER = List.of(
            new Rung(6, List.of(new Minimum(DEPLOY_DAYS_PER_WEEK, 5), new Minimum(DEPLOYS_PER_DEPLOY_DAY, 2))),
            new Rung(5, List.of(new Minimum(DEPLOY_DAYS_PER_WEEK, 5))),
            new Rung(4, List.of(new Minimum(DEPLOY_DAYS_PER_WEEK, 1))),
            new Rung(3, List.of(new Minimum(DEPLOY_DAYS_PER_4_WEEKS, 1))),
            new Rung(2, List.of(new Minimum(DEPLOYS_IN_26_WEEKS, 1))));

    private Answers() {
    }

    /**
     * The answer for a median lead, restore or recovery time: under an hour 6, under a day 5, under a week 4,
     * under a month 3, under six months 2, else 1. A bound itself belongs to the slower answer (exactly one day is 4).
     *
     * @throws IllegalArgumentException for NaN: a metric with no median has no answer (the SQL form gives NULL)
     */
    public static int durationAnswer(double medianSeconds) {
        if (Double.isNaN(medianSeconds)) {
            throw new IllegalArgumentException("a median duration must be a number, got NaN");
        }
        int answer = BEST_ANSWER;
        for (long bound : DURATION_BOUNDS) {
            if (medianSeconds < bound) {
                return answer;
            }
            answer--;
        }
        return WORST_ANSWER;
    }

    /**
     * The exclusive upper bound, in seconds, of a duration answer: 3600 for answer 6 (under an hour), 86400 for 5 ...;
     * null for answer 1, which has none.
     */
    public static Long durationUpperBound(int answer) {
        requireAnswer(answer);
        return answer == WORST_ANSWER ? null : DURATION_BOUNDS.get(BEST_ANSWER - answer);
    }

    /** Spark SQL CASE expression computing {@link #durationAnswer} from a seconds column; NULL when the column is NULL. */
    public static String durationAnswerSql(String secondsColumnExpression) {
        String seconds = "(" + secondsColumnExpression + ")";
        StringBuilder sql = new StringBuilder("CASE WHEN ").append(seconds).append(" IS NULL THEN NULL");
        int answer = BEST_ANSWER;
        for (long bound : DURATION_BOUNDS) {
            sql.append(" WHEN ").append(seconds).append(" < ").append(bound).append(" THEN ").append(answer--);
        }
        return sql.append(" ELSE ").append(WORST_ANSWER).append(" END").toString();
    }

    /**
     * DORA.md's answer table for deployment frequency: 6 if medianDeployDaysPerWeek >= 5 and medianDeploysPerDeployDay >= 2;
     * 5 if medianDeployDaysPerWeek >= 5; 4 if medianDeployDaysPerWeek >= 1; 3 if medianDeployDaysPer4Weeks >= 1;
     * 2 if deploysIn26Weeks >= 1; else 1. An unmeasured median (NaN here, NULL in the SQL form; e.g. deploys per deploy
     * day when there was no deploy day) meets no minimum.
     */
    public static int frequencyAnswer(double medianDeployDaysPerWeek, double medianDeploysPerDeployDay,
                                      double medianDeployDaysPer4Weeks, long deploysIn26Weeks) {
        double[] arguments = {medianDeployDaysPerWeek, medianDeploysPerDeployDay, medianDeployDaysPer4Weeks, deploysIn26Weeks};
        for (Rung rung : FREQUENCY_LADDER) {
            if (rung.minimums().stream().allMatch(minimum -> arguments[minimum.argument()] >= minimum.atLeast())) {
                return rung.answer();
            }
        }
        return WORST_ANSWER;
    }

    /**
     * Spark SQL CASE expression computing {@link #frequencyAnswer} from four column expressions, in the same order.
     * A NULL input fails its comparisons, as NaN does in Java, so the result is never NULL.
     */
    public static String frequencyAnswerSql(String medianDeployDaysPerWeek, String medianDeploysPerDeployDay,
                                            String medianDeployDaysPer4Weeks, String deploysIn26Weeks) {
        String[] arguments = {medianDeployDaysPerWeek, medianDeploysPerDeployDay, medianDeployDaysPer4Weeks, deploysIn26Weeks};
        StringBuilder sql = new StringBuilder("CASE");
        for (Rung rung : FREQUENCY_LADDER) {
            String condition = rung.minimums().stream()
                    .map(minimum -> "(" + arguments[minimum.argument()] + ") >= " + minimum.atLeast())
                    .collect(Collectors.joining(" AND "));
            sql.append(" WHEN ").append(condition).append(" THEN ").append(rung.answer());
        }
        return sql.append(" ELSE ").append(WORST_ANSWER).append(" END").toString();
    }

    /**
     * How this project measures a duration answer, in seconds of the median: written into every benchmark file beside
     * the published phrase, and checked against it when the file loads.
     */
    public static String durationRule(int answer) {
        requireAnswer(answer);
        int index = BEST_ANSWER - answer;
        if (answer == BEST_ANSWER) {
            return "median < " + DURATION_BOUNDS.get(0) + " s";
        }
        if (answer == WORST_ANSWER) {
            return "median >= " + DURATION_BOUNDS.get(DURATION_BOUNDS.size() - 1) + " s";
        }
        return DURATION_BOUNDS.get(index - 1) + " s <= median < " + DURATION_BOUNDS.get(index) + " s";
    }

    /** How this project measures a deployment frequency answer over the trailing window, as in the benchmark files. */
    public static String frequencyRule(int answer) {
        requireAnswer(answer);
        String[] names = {"median deploy days per week", "median deploys per deploy day", "median deploy days per 4 weeks",
                "deploys in 26 weeks"};
        return FREQUENCY_LADDER.stream().filter(rung -> rung.answer() == answer).findFirst()
                .map(rung -> rung.minimums().stream().map(m -> names[m.argument()] + " >= " + m.atLeast())
                        .collect(Collectors.joining(" and ")))
                .orElse("no deploy in 26 weeks");
    }

    /** The Quick Check score of a duration or frequency answer: (answer - 1) * 2, so 1..6 maps to 0..10. */
    public static double quickCheckScore(int answer) {
        return (requireAnswer(answer) - 1) * 2.0;
    }

    /** The Quick Check score of a change failure or rework ratio p in [0, 1]: 10 * (1 - p). */
    public static double quickCheckRateScore(double ratio) {
        return 10 * (1 - requireRatio(ratio));
    }

    static int requireAnswer(int answer) {
        if (answer < WORST_ANSWER || answer > BEST_ANSWER) {
            throw new IllegalArgumentException("a DORA answer is 1..6, got " + answer);
        }
        return answer;
    }

    static double requireRatio(double ratio) {
        // The negated form also rejects NaN, which a 0/0 ratio (no deployments) produces.
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("a ratio is in [0, 1], got " + ratio);
        }
        return ratio;
    }
}
