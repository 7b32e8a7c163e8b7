package org.dorametrics.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.dorametrics.benchmark.BenchmarkMetric.CHANGE_FAILURE_RATE;
import static org.dorametrics.benchmark.BenchmarkMetric.DEPLOYMENT_FREQUENCY;
import static org.dorametrics.benchmark.BenchmarkMetric.LEAD_TIME;
import static org.dorametrics.benchmark.BenchmarkMetric.RESTORE_TIME;
import static org.dorametrics.benchmark.Level.ELITE;
import static org.dorametrics.benchmark.Level.HIGH;
import static org.dorametrics.benchmark.Level.LOW;
import static org.dorametrics.benchmark.Level.MEDIUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkEditionTest {

    // DORA.md section 3's answer table, phrase by phrase, kept independent of the data files it checks.
    private static final Map<String, Integer> FREQUENCY_ANSWERS = Map.of(
            "on demand", 6,
            "once per hour – once per day", 5,
            "once per day – once per week", 4,
            "once per week – once per month", 3,
            "once per month – once every 6 months", 2,
            "fewer than once per 6 months", 1);
    private static final Map<String, Integer> DURATION_ANSWERS = Map.of(
            "< 1 hour", 6,
            "< 1 day", 5,
            "1 day – 1 week", 4,
            "1 week – 1 month", 3,
            "1 month – 6 months", 2,
            "1 – 6 months", 2,
            "> 6 months", 1);
    // "0–15%" or "5%": the upper end is the maximum.
    private static final Pattern PERCENTAGE = Pattern.compile("(?:\\d+–)?(\\d+)%");

    static List<String> editions() {
        return BenchmarkEdition.available();
    }

    @Test
    void availableListsTheSixEditionsOldestFirst() {
        assertEquals(List.of("2018", "2019", "2021", "2022", "2023", "2024"), BenchmarkEdition.available());
    }

    @ParameterizedTest
    @MethodSource("editions")
    void everyEditionLoadsWithBestFirstLevelsEndingInLow(String name) {
        BenchmarkEdition edition = BenchmarkEdition.load(name);
        assertEquals(name, edition.edition());
        assertFalse(edition.source().isBlank());
        List<Level> expected = name.equals("2022") ? List.of(HIGH, MEDIUM, LOW) : List.of(ELITE, HIGH, MEDIUM, LOW);
        assertEquals(expected, edition.levels());
    }

    @ParameterizedTest
    @CsvSource({
            "2018, time_to_restore",
            "2019, time_to_restore",
            "2021, time_to_restore",
            "2022, time_to_restore",
            "2023, failed_deployment_recovery_time",
            "2024, failed_deployment_recovery_time"})
    void restoreMetricIsRenamedFrom2023(String name, String restoreMetric) {
        assertEquals(restoreMetric, BenchmarkEdition.load(name).restoreMetric());
    }

    /** Every answer in the data files is the one DORA.md's answer table gives its published phrase. */
    @ParameterizedTest
    @MethodSource("editions")
    void dataFilesAgreeWithTheAnswerTable(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("benchmarks/" + name + ".json")) {
            for (JsonNode level : new ObjectMapper().readTree(in).get("levels")) {
                assertAnswer(FREQUENCY_ANSWERS, level.get("deployment_frequency"));
                assertAnswer(DURATION_ANSWERS, level.get("lead_time"));
                assertAnswer(DURATION_ANSWERS, level.get("restore_time"));
                JsonNode rate = level.get("change_failure_rate");
                Matcher percentage = PERCENTAGE.matcher(rate.get("published").asText());
                assertTrue(percentage.matches(), rate::toString);
                assertEquals(Integer.parseInt(percentage.group(1)) / 100.0, rate.get("max").asDouble(), rate::toString);
            }
        }
    }

    private static void assertAnswer(Map<String, Integer> answerTable, JsonNode cell) {
        assertEquals(answerTable.get(cell.get("published").asText()), cell.get("answer").asInt(), cell::toString);
    }

    /** DORA.md's table, at least one row per edition and metric. */
    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            "2018 | ELITE  | LEAD_TIME            | < 1 hour",
            "2018 | HIGH   | DEPLOYMENT_FREQUENCY | once per hour – once per day",
            "2018 | LOW    | RESTORE_TIME         | 1 week – 1 month",
            "2018 | LOW    | CHANGE_FAILURE_RATE  | 46–60%",
            "2019 | ELITE  | LEAD_TIME            | < 1 day",
            "2019 | HIGH   | DEPLOYMENT_FREQUENCY | once per day – once per week",
            "2019 | MEDIUM | RESTORE_TIME         | < 1 day",
            "2019 | MEDIUM | CHANGE_FAILURE_RATE  | 0–15%",
            "2021 | ELITE  | RESTORE_TIME         | < 1 hour",
            "2021 | HIGH   | DEPLOYMENT_FREQUENCY | once per week – once per month",
            "2021 | LOW    | LEAD_TIME            | > 6 months",
            "2021 | ELITE  | CHANGE_FAILURE_RATE  | 0–15%",
            "2021 | HIGH   | CHANGE_FAILURE_RATE  | 16–30%",
            "2022 | HIGH   | DEPLOYMENT_FREQUENCY | on demand",
            "2022 | HIGH   | LEAD_TIME            | 1 day – 1 week",
            "2022 | MEDIUM | RESTORE_TIME         | 1 day – 1 week",
            "2022 | LOW    | CHANGE_FAILURE_RATE  | 46–60%",
            "2023 | ELITE  | CHANGE_FAILURE_RATE  | 5%",
            "2023 | HIGH   | LEAD_TIME            | 1 day – 1 week",
            "2023 | LOW    | DEPLOYMENT_FREQUENCY | once per week – once per month",
            "2023 | LOW    | RESTORE_TIME         | 1 month – 6 months",
            "2023 | LOW    | CHANGE_FAILURE_RATE  | 64%",
            "2024 | ELITE  | DEPLOYMENT_FREQUENCY | on demand",
            "2024 | HIGH   | CHANGE_FAILURE_RATE  | 20%",
            "2024 | MEDIUM | CHANGE_FAILURE_RATE  | 10%",
            "2024 | MEDIUM | RESTORE_TIME         | < 1 day",
            "2024 | LOW    | LEAD_TIME            | 1 – 6 months"})
    void publishedPhrasesAreDoraMdsTable(String name, Level level, BenchmarkMetric metric, String phrase) {
        assertEquals(phrase, BenchmarkEdition.load(name).published(level, metric));
    }

    @Test
    void edition2022HasNoElite() {
        BenchmarkEdition edition = BenchmarkEdition.load("2022");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> edition.published(ELITE, LEAD_TIME));
        assertTrue(error.getMessage().contains("2022"), error.getMessage());
        for (BenchmarkMetric metric : List.of(DEPLOYMENT_FREQUENCY, LEAD_TIME, RESTORE_TIME)) {
            assertEquals(HIGH, edition.classifyAnswer(metric, 6));
        }
        assertEquals(HIGH, edition.classifyChangeFailureRate(0));
    }

    @ParameterizedTest(name = "2024 change failure rate {0} -> {1}")
    @CsvSource({
            "0,     ELITE",
            "0.04,  ELITE",
            "0.05,  ELITE",
            "0.051, HIGH",
            "0.08,  HIGH",    // within medium's 10% too, but high (20%) is the better level it meets
            "0.10,  HIGH",
            "0.15,  HIGH",
            "0.20,  HIGH",
            "0.25,  LOW",
            "0.40,  LOW",
            "0.5,   LOW",
            "1,     LOW"})
    void nonMonotonic2024ChangeFailureRateGetsTheBestLevelItMeets(double ratio, Level level) {
        assertEquals(level, BenchmarkEdition.load("2024").classifyChangeFailureRate(ratio));
    }

    @ParameterizedTest(name = "{0} change failure rate {1} -> {2}")
    @CsvSource({
            "2023, 0.05, ELITE",
            "2023, 0.06, HIGH",
            "2023, 0.10, HIGH",
            "2023, 0.15, MEDIUM",
            "2023, 0.64, LOW",
            "2023, 0.65, LOW",
            "2021, 0.10, ELITE",   // elite 0–15% ties high's lower end; the better level wins
            "2021, 0.15, ELITE",
            "2021, 0.16, HIGH",
            "2021, 0.30, HIGH",
            "2021, 0.31, LOW",
            "2018, 0.15, ELITE",
            "2018, 0.30, LOW",
            "2022, 0.16, MEDIUM",
            "2022, 0.61, LOW"})
    void changeFailureRateGetsTheBestLevelWhoseMaximumItDoesNotExceed(String name, double ratio, Level level) {
        assertEquals(level, BenchmarkEdition.load(name).classifyChangeFailureRate(ratio));
    }

    @ParameterizedTest(name = "{0} {1} answer {2} -> {3}")
    @CsvSource({
            "2018, RESTORE_TIME,         6, ELITE",
            "2018, RESTORE_TIME,         5, HIGH",    // high and medium both publish "< 1 day": the better wins
            "2018, RESTORE_TIME,         4, LOW",
            "2018, RESTORE_TIME,         1, LOW",     // worse than every level
            "2019, RESTORE_TIME,         6, ELITE",
            "2019, RESTORE_TIME,         5, HIGH",
            "2018, DEPLOYMENT_FREQUENCY, 4, MEDIUM",  // between high's answer 5 and medium's 3
            "2018, DEPLOYMENT_FREQUENCY, 3, MEDIUM",  // medium and low publish the same answer
            "2018, DEPLOYMENT_FREQUENCY, 2, LOW",
            "2018, LEAD_TIME,            5, HIGH",    // the 2018 elite (< 1 hour) is a subset of high
            "2019, LEAD_TIME,            5, ELITE",
            "2021, DEPLOYMENT_FREQUENCY, 5, HIGH",
            "2021, LEAD_TIME,            3, MEDIUM",
            "2021, LEAD_TIME,            1, LOW",
            "2022, LEAD_TIME,            5, HIGH",
            "2022, RESTORE_TIME,         2, LOW",
            "2023, LEAD_TIME,            3, MEDIUM",  // medium and low publish the same answer
            "2023, RESTORE_TIME,         3, LOW",
            "2024, DEPLOYMENT_FREQUENCY, 4, HIGH",
            "2024, RESTORE_TIME,         5, HIGH",
            "2024, LEAD_TIME,            1, LOW"})
    void answerGetsTheBestLevelWhosePublishedAnswerItMeetsOrBeats(String name, BenchmarkMetric metric, int answer,
                                                                   Level level) {
        assertEquals(level, BenchmarkEdition.load(name).classifyAnswer(metric, answer));
    }

    /** DORA.md section 3a's week: lead time p50 2 h, recovery p50 4 h, change failure rate 25%, against 2024. */
    @Test
    void workedExampleWeekRanksAgainst2024() {
        BenchmarkEdition edition = BenchmarkEdition.load("2024");
        assertEquals(ELITE, edition.classifyAnswer(LEAD_TIME, Answers.durationAnswer(7_200)));
        assertEquals(HIGH, edition.classifyAnswer(RESTORE_TIME, Answers.durationAnswer(14_400)));
        assertEquals(LOW, edition.classifyChangeFailureRate(0.25));
    }

    @Test
    void unknownEditionNamesTheValueAndTheAvailableEditions() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> BenchmarkEdition.load("2020"));
        assertTrue(error.getMessage().contains("'2020'"), error.getMessage());
        for (String available : BenchmarkEdition.available()) {
            assertTrue(error.getMessage().contains(available), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> BenchmarkEdition.load(null));
    }

    @Test
    void classifyAnswerRejectsChangeFailureRateAndAnswersOutsideOneToSix() {
        BenchmarkEdition edition = BenchmarkEdition.load("2024");
        assertThrows(IllegalArgumentException.class, () -> edition.classifyAnswer(CHANGE_FAILURE_RATE, 3));
        assertThrows(IllegalArgumentException.class, () -> edition.classifyAnswer(LEAD_TIME, 0));
        assertThrows(IllegalArgumentException.class, () -> edition.classifyAnswer(LEAD_TIME, 7));
        assertThrows(IllegalArgumentException.class, () -> edition.answerLevelSql(CHANGE_FAILURE_RATE, "x"));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01, Double.NaN})
    void classifyChangeFailureRateRejectsRatiosOutsideZeroToOne(double ratio) {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkEdition.load("2024").classifyChangeFailureRate(ratio));
    }

    @Test
    void changeFailureRateSqlTests2024sMaximumsBestFirstAndFallsBackToLow() {
        assertEquals("CASE WHEN (failed / deployments) IS NULL THEN NULL"
                        + " WHEN (failed / deployments) <= 0.05 THEN 'elite'"
                        + " WHEN (failed / deployments) <= 0.2 THEN 'high'"
                        + " WHEN (failed / deployments) <= 0.1 THEN 'medium'"
                        + " WHEN (failed / deployments) <= 0.4 THEN 'low'"
                        + " ELSE 'low' END",
                BenchmarkEdition.load("2024").changeFailureRateLevelSql("failed / deployments"));
    }

    @Test
    void answerSqlTests2018RestoreAnswersBestFirstAndFallsBackToLow() {
        assertEquals("CASE WHEN (restore_answer) IS NULL THEN NULL"
                        + " WHEN (restore_answer) >= 6 THEN 'elite'"
                        + " WHEN (restore_answer) >= 5 THEN 'high'"
                        + " WHEN (restore_answer) >= 5 THEN 'medium'"
                        + " WHEN (restore_answer) >= 3 THEN 'low'"
                        + " ELSE 'low' END",
                BenchmarkEdition.load("2018").answerLevelSql(RESTORE_TIME, "restore_answer"));
    }

    @Test
    void answerAndChangeFailureMaximumAreThePublishedCells() {
        BenchmarkEdition edition = BenchmarkEdition.load("2024");
        assertEquals(6, edition.answer(Level.ELITE, BenchmarkMetric.DEPLOYMENT_FREQUENCY));
        assertEquals(4, edition.answer(Level.HIGH, BenchmarkMetric.LEAD_TIME));
        assertEquals(5, edition.answer(Level.MEDIUM, BenchmarkMetric.RESTORE_TIME));
        assertEquals(0.10, edition.changeFailureRateMax(Level.MEDIUM));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkEdition.load("2022").answer(Level.ELITE,
                BenchmarkMetric.LEAD_TIME));
    }
}
