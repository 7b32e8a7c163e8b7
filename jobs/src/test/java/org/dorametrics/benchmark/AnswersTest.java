package org.dorametrics.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AnswersTest {

    @Test
    void durationConstantsAreInSecondsWithThirtyDayMonths() {
        assertEquals(3_600, Answers.HOUR);
        assertEquals(86_400, Answers.DAY);
        assertEquals(604_800, Answers.WEEK);
        assertEquals(2_592_000, Answers.MONTH);
        assertEquals(15_552_000, Answers.SIX_MONTHS);
    }

    @Test
    void durationUpperBoundIsTheBoundBelowWhichAnAnswerIsEarned() {
        assertEquals(Answers.HOUR, Answers.durationUpperBound(6));
        assertEquals(Answers.DAY, Answers.durationUpperBound(5));
        assertEquals(Answers.SIX_MONTHS, Answers.durationUpperBound(2));
        assertEquals(null, Answers.durationUpperBound(1));
        assertEquals(5, Answers.durationAnswer(Answers.durationUpperBound(6)), "the bound belongs to the slower answer");
        assertThrows(IllegalArgumentException.class, () -> Answers.durationUpperBound(7));
    }

    @ParameterizedTest(name = "{0} s -> answer {1}")
    @CsvSource({
            "0, 6",
            "3599, 6",
            "3599.999, 6",
            "3600, 5",
            "86399, 5",
            "86400, 4",      // exactly one day is "1 day – 1 week", not "< 1 day"
            "604799, 4",
            "604800, 3",     // 7 days
            "2591999, 3",
            "2592000, 2",    // 30 days
            "15551999, 2",
            "15552000, 1",   // 180 days
            "1e12, 1"})
    void durationAnswerBelongsToTheSlowerAnswerAtEachBound(double seconds, int answer) {
        assertEquals(answer, Answers.durationAnswer(seconds));
    }

    @Test
    void durationAnswerRejectsAMissingMedian() {
        assertThrows(IllegalArgumentException.class, () -> Answers.durationAnswer(Double.NaN));
    }

    @ParameterizedTest(name = "days/week {0}, deploys/deploy day {1}, days/4 weeks {2}, deploys in 26 weeks {3} -> {4}")
    @CsvSource({
            "5,   2,   20, 100, 6",  // on demand: both minimums met
            "7,   3.5, 28, 200, 6",
            "5,   1.5, 20, 60,  5",  // every working day, but not several times a day
            "4,   10,  16, 200, 4",  // several deploys a deploy day do not make 6 without five deploy days a week
            "4.9, 1,   16, 60,  4",
            "1,   1,   4,  26,  4",
            "0.5, 1,   2,  13,  3",  // weekly median below 1, but at least one deploy day per 4 weeks
            "0,   1,   1,  6,   3",
            "0,   1,   0.5, 3,  2",  // some deploy in 26 weeks
            "0,   1,   0,  1,   2",
            "0,   0,   0,  0,   1"})
    void frequencyAnswerFollowsTheAnswerTable(double daysPerWeek, double deploysPerDeployDay, double daysPer4Weeks,
                                              long deploysIn26Weeks, int answer) {
        assertEquals(answer, Answers.frequencyAnswer(daysPerWeek, deploysPerDeployDay, daysPer4Weeks, deploysIn26Weeks));
    }

    @Test
    void anUnmeasuredDeploysPerDeployDayMeetsNoMinimum() {
        assertEquals(5, Answers.frequencyAnswer(5, Double.NaN, 20, 60));
        assertEquals(1, Answers.frequencyAnswer(0, Double.NaN, 0, 0));
    }

    @Test
    void durationAnswerSqlIsTheSameLadderAsACaseExpression() {
        assertEquals("CASE WHEN (lead_p50) IS NULL THEN NULL"
                        + " WHEN (lead_p50) < 3600 THEN 6 WHEN (lead_p50) < 86400 THEN 5 WHEN (lead_p50) < 604800 THEN 4"
                        + " WHEN (lead_p50) < 2592000 THEN 3 WHEN (lead_p50) < 15552000 THEN 2 ELSE 1 END",
                Answers.durationAnswerSql("lead_p50"));
    }

    @Test
    void frequencyAnswerSqlIsTheSameLadderAsACaseExpression() {
        assertEquals("CASE WHEN (dpw) >= 5 AND (dpd) >= 2 THEN 6 WHEN (dpw) >= 5 THEN 5 WHEN (dpw) >= 1 THEN 4"
                        + " WHEN (d4w) >= 1 THEN 3 WHEN (n26) >= 1 THEN 2 ELSE 1 END",
                Answers.frequencyAnswerSql("dpw", "dpd", "d4w", "n26"));
    }

    @ParameterizedTest(name = "answer {0} -> {1}")
    @CsvSource({"1, 0", "2, 2", "3, 4", "4, 6", "5, 8", "6, 10"})
    void quickCheckScoreMapsAnswersLinearlyOntoZeroToTen(int answer, double score) {
        assertEquals(score, Answers.quickCheckScore(answer));
    }

    @ParameterizedTest(name = "ratio {0} -> {1}")
    @CsvSource({"0, 10", "0.05, 9.5", "0.25, 7.5", "0.6, 4", "1, 0"})
    void quickCheckRateScoreIsTenTimesTheSuccessShare(double ratio, double score) {
        assertEquals(score, Answers.quickCheckRateScore(ratio), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, -1})
    void quickCheckScoreRejectsAnswersOutsideOneToSix(int answer) {
        assertThrows(IllegalArgumentException.class, () -> Answers.quickCheckScore(answer));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01, Double.NaN})
    void quickCheckRateScoreRejectsRatiosOutsideZeroToOne(double ratio) {
        assertThrows(IllegalArgumentException.class, () -> Answers.quickCheckRateScore(ratio));
    }
}
