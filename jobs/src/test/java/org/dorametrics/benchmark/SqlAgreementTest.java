package org.dorametrics.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that every generated SQL CASE expression gives what its Java twin gives, by evaluating the SQL with a small
 * interpreter for exactly the forms the generators write (Spark itself is too heavy for a unit test).
 */
class SqlAgreementTest {

    static List<String> editions() {
        return BenchmarkEdition.available();
    }

    @ParameterizedTest
    @MethodSource("editions")
    void answerLevelSqlAgreesWithClassifyAnswer(String name) {
        BenchmarkEdition edition = BenchmarkEdition.load(name);
        for (BenchmarkMetric metric : List.of(BenchmarkMetric.DEPLOYMENT_FREQUENCY, BenchmarkMetric.LEAD_TIME,
                BenchmarkMetric.RESTORE_TIME)) {
            String sql = edition.answerLevelSql(metric, "answer");
            for (int answer = 1; answer <= 6; answer++) {
                assertEquals(edition.classifyAnswer(metric, answer).label(), evaluate(sql, Map.of("answer", answer)),
                        name + " " + metric + " answer " + answer);
            }
            assertNull(evaluate(sql, columns("answer", null)));
        }
    }

    @ParameterizedTest
    @MethodSource("editions")
    void changeFailureRateLevelSqlAgreesWithClassifyChangeFailureRate(String name) {
        BenchmarkEdition edition = BenchmarkEdition.load(name);
        String sql = edition.changeFailureRateLevelSql("ratio");
        // Every whole percentage, each published maximum and the doubles either side of it.
        List<Double> ratios = new ArrayList<>();
        for (int percent = 0; percent <= 100; percent++) {
            ratios.add(percent / 100.0);
        }
        Matcher maximum = Pattern.compile("<= (\\S+) THEN").matcher(sql);
        while (maximum.find()) {
            double max = Double.parseDouble(maximum.group(1));
            ratios.addAll(List.of(Math.nextDown(max), max, Math.nextUp(max)));
        }
        for (double ratio : ratios) {
            assertEquals(edition.classifyChangeFailureRate(ratio).label(), evaluate(sql, Map.of("ratio", ratio)),
                    name + " ratio " + ratio);
        }
        assertNull(evaluate(sql, columns("ratio", null)));
    }

    @Test
    void durationAnswerSqlAgreesWithDurationAnswer() {
        String sql = Answers.durationAnswerSql("seconds");
        for (long bound : List.of(Answers.HOUR, Answers.DAY, Answers.WEEK, Answers.MONTH, Answers.SIX_MONTHS)) {
            for (double seconds : List.of(bound - 1.0, Math.nextDown((double) bound), (double) bound, bound + 1.0)) {
                assertEquals(Answers.durationAnswer(seconds), evaluate(sql, Map.of("seconds", seconds)), "seconds " + seconds);
            }
        }
        assertEquals(6, evaluate(sql, Map.of("seconds", 0)));
        assertNull(evaluate(sql, columns("seconds", null)));
    }

    @Test
    void frequencyAnswerSqlAgreesWithFrequencyAnswer() {
        String sql = Answers.frequencyAnswerSql("dpw", "dpd", "d4w", "n26");
        double[] medians = {Double.NaN, 0, 0.5, 1, 1.5, 2, 4.99, 5, 7};
        long[] counts = {0, 1, 2};
        for (double daysPerWeek : medians) {
            for (double deploysPerDay : medians) {
                for (double daysPer4Weeks : medians) {
                    for (long deploys : counts) {
                        // NaN in Java stands for NULL in SQL.
                        Map<String, Number> row = columns("dpw", Double.isNaN(daysPerWeek) ? null : daysPerWeek);
                        row.put("dpd", Double.isNaN(deploysPerDay) ? null : deploysPerDay);
                        row.put("d4w", Double.isNaN(daysPer4Weeks) ? null : daysPer4Weeks);
                        row.put("n26", deploys);
                        assertEquals(Answers.frequencyAnswer(daysPerWeek, deploysPerDay, daysPer4Weeks, deploys),
                                evaluate(sql, row), row.toString());
                    }
                }
            }
        }
    }

    private static Map<String, Number> columns(String name, Number value) {
        Map<String, Number> columns = new HashMap<>(); // Map.of refuses the null that stands for SQL NULL
        columns.put(name, value);
        return columns;
    }

    // ---- A tiny interpreter for "CASE WHEN <term> [AND <term>]... THEN <value> ... ELSE <value> END". ----

    private static final Pattern TERM = Pattern.compile("\\((\\w+)\\) (IS NULL|<|<=|>=)(?: (\\S+))?");

    private static Object evaluate(String sql, Map<String, ? extends Number> row) {
        assertTrue(sql.startsWith("CASE WHEN ") && sql.endsWith(" END"), sql);
        String body = sql.substring("CASE WHEN ".length(), sql.length() - " END".length());
        int elseAt = body.lastIndexOf(" ELSE ");
        for (String branch : body.substring(0, elseAt).split(" WHEN ")) {
            String[] conditionAndValue = branch.split(" THEN ");
            assertEquals(2, conditionAndValue.length, branch);
            if (holds(conditionAndValue[0], row)) {
                return value(conditionAndValue[1]);
            }
        }
        return value(body.substring(elseAt + " ELSE ".length()));
    }

    // SQL's three-valued logic: a comparison with NULL is unknown, so neither it nor an AND containing it holds.
    private static boolean holds(String condition, Map<String, ? extends Number> row) {
        for (String term : condition.split(" AND ")) {
            Matcher parts = TERM.matcher(term);
            assertTrue(parts.matches(), term);
            assertTrue(row.containsKey(parts.group(1)), term);
            Number column = row.get(parts.group(1));
            boolean termHolds = switch (parts.group(2)) {
                case "IS NULL" -> column == null;
                // Spark compares a double column with a decimal literal as doubles.
                case "<" -> column != null && column.doubleValue() < Double.parseDouble(parts.group(3));
                case "<=" -> column != null && column.doubleValue() <= Double.parseDouble(parts.group(3));
                case ">=" -> column != null && column.doubleValue() >= Double.parseDouble(parts.group(3));
                default -> throw new AssertionError(term);
            };
            if (!termHolds) {
                return false;
            }
        }
        return true;
    }

    private static Object value(String literal) {
        if (literal.equals("NULL")) {
            return null;
        }
        if (literal.startsWith("'") && literal.endsWith("'")) {
            return literal.substring(1, literal.length() - 1);
        }
        return Integer.parseInt(literal);
    }
}
