package org.dorametrics.benchmark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** One DORA edition's published benchmark levels (benchmarks/&lt;edition&gt;.json) and the rule that ranks a team against them. */
public final class BenchmarkEdition {

    private static final List<String> EDITIONS = List.of("2018", "2019", "2021", "2022", "2023", "2024");
    private static final Set<String> RESTORE_METRICS = Set.of("time_to_restore", "failed_deployment_recovery_time");

    // Strict on purpose: a missing, null or misspelt field in a benchmark file must fail the load, not read as 0.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // The shape of benchmarks/<edition>.json.
    private record EditionFile(String edition, String source, String restoreMetric, List<LevelRow> levels) {
    }

    private record LevelRow(String level, AnswerCell deploymentFrequency, AnswerCell leadTime, AnswerCell restoreTime,
                            RateCell changeFailureRate) {
    }

    // ours: how this project measures the answer (Answers.durationRule / frequencyRule), kept beside the published phrase.
    private record AnswerCell(int answer, String published, String ours) {
    }

    private record RateCell(double max, String published) {
    }

    /** A validated row of the published table. */
    private record Row(Level level, LevelRow cells) {
    }

    private final String edition;
    private final String source;
    private final String restoreMetric;
    private final List<Row> rows; // best level first

    private BenchmarkEdition(String resource, EditionFile file) {
        this.edition = file.edition();
        this.source = file.source();
        this.restoreMetric = file.restoreMetric();
        this.rows = file.levels().stream().map(row -> new Row(publishedLevel(resource, row.level()), row)).toList();
        validate(resource);
    }

    /**
     * Loads an edition's levels from the classpath.
     *
     * @throws IllegalArgumentException if the edition is not one of {@link #available()}
     */
    public static BenchmarkEdition load(String edition) {
        if (edition == null || !EDITIONS.contains(edition)) {
            throw new IllegalArgumentException("unknown DORA benchmark edition '" + edition
                    + "'; available editions: " + String.join(", ", EDITIONS));
        }
        String resource = "benchmarks/" + edition + ".json";
        try (InputStream in = BenchmarkEdition.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            BenchmarkEdition loaded = new BenchmarkEdition(resource, JSON.readValue(in, EditionFile.class));
            if (!loaded.edition.equals(edition)) {
                throw new IllegalStateException(resource + " holds edition '" + loaded.edition + "'");
            }
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The editions with published levels, oldest first: ["2018","2019","2021","2022","2023","2024"] (2025 has team profiles instead). */
    public static List<String> available() {
        return EDITIONS;
    }

    /** The edition's year, e.g. "2024". */
    public String edition() {
        return edition;
    }

    /** Where the levels were transcribed from, for reports. */
    public String source() {
        return source;
    }

    /** The edition's name for the restore metric: "time_to_restore" or "failed_deployment_recovery_time". */
    public String restoreMetric() {
        return restoreMetric;
    }

    /** The edition's levels, best first, as published (2022 has no elite). */
    public List<Level> levels() {
        return rows.stream().map(Row::level).toList();
    }

    /**
     * The published phrase for a level and metric, e.g. "once per day – once per week" or "0–15%".
     *
     * @throws IllegalArgumentException if the edition publishes no such level
     */
    public String published(Level level, BenchmarkMetric metric) {
        LevelRow cells = row(level).cells();
        return metric == BenchmarkMetric.CHANGE_FAILURE_RATE
                ? cells.changeFailureRate().published()
                : answerCell(cells, metric).published();
    }

    /**
     * The answer 1..6 a level publishes for deployment frequency, lead time or restore time.
     *
     * @throws IllegalArgumentException if the edition publishes no such level, or for change failure rate
     */
    public int answer(Level level, BenchmarkMetric metric) {
        return answerCell(row(level).cells(), metric).answer();
    }

    /** The highest change failure ratio a level allows (its published percentage, a range's upper end). */
    public double changeFailureRateMax(Level level) {
        return row(level).cells().changeFailureRate().max();
    }

    private Row row(Level level) {
        return rows.stream().filter(row -> row.level() == level).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the " + edition + " edition publishes no level "
                        + level + "; its levels are " + levels()));
    }

    /**
     * The level of an answer 1..6 for deployment frequency, lead time or restore time: the best level whose published
     * answer it meets or beats, or LOW when it is worse than every level. When levels publish the same answer (2018
     * restore time) the better level wins.
     */
    public Level classifyAnswer(BenchmarkMetric metric, int answer) {
        Answers.requireAnswer(answer);
        return firstMatch(row -> answer >= answerCell(row.cells(), metric).answer());
    }

    /**
     * The level of a change failure ratio in [0, 1]: the best level whose published percentage (a range's upper end)
     * the ratio does not exceed, or LOW. Published percentages need not rise with the level (2024: high 20%, medium
     * 10%), so 0.08 is high there, not medium.
     */
    public Level classifyChangeFailureRate(double ratio) {
        Answers.requireRatio(ratio);
        return firstMatch(row -> ratio <= row.cells().changeFailureRate().max());
    }

    /**
     * Spark SQL CASE expression giving the level label (string) for an answer column; NULL when the column is NULL.
     * It tests the same published answers, in the same order, as {@link #classifyAnswer}.
     */
    public String answerLevelSql(BenchmarkMetric metric, String answerColumnExpression) {
        String answer = "(" + answerColumnExpression + ")";
        StringBuilder sql = new StringBuilder("CASE WHEN ").append(answer).append(" IS NULL THEN NULL");
        for (Row row : rows) {
            sql.append(" WHEN ").append(answer).append(" >= ").append(answerCell(row.cells(), metric).answer())
                    .append(" THEN ").append(quoted(row.level()));
        }
        return sql.append(" ELSE ").append(quoted(Level.LOW)).append(" END").toString();
    }

    /**
     * Same for a change failure ratio column (double in [0,1]), testing the same maximums, in the same order, as
     * {@link #classifyChangeFailureRate}.
     */
    public String changeFailureRateLevelSql(String ratioColumnExpression) {
        String ratio = "(" + ratioColumnExpression + ")";
        StringBuilder sql = new StringBuilder("CASE WHEN ").append(ratio).append(" IS NULL THEN NULL");
        for (Row row : rows) {
            // A plain decimal literal (never "1.0E-4"): Spark compares it with a double column as that double.
            String max = BigDecimal.valueOf(row.cells().changeFailureRate().max()).toPlainString();
            sql.append(" WHEN ").append(ratio).append(" <= ").append(max).append(" THEN ").append(quoted(row.level()));
        }
        return sql.append(" ELSE ").append(quoted(Level.LOW)).append(" END").toString();
    }

    private Level firstMatch(Predicate<Row> meetsOrBeats) {
        return rows.stream().filter(meetsOrBeats).map(Row::level).findFirst().orElse(Level.LOW);
    }

    private static AnswerCell answerCell(LevelRow cells, BenchmarkMetric metric) {
        return switch (metric) {
            case DEPLOYMENT_FREQUENCY -> cells.deploymentFrequency();
            case LEAD_TIME -> cells.leadTime();
            case RESTORE_TIME -> cells.restoreTime();
            case CHANGE_FAILURE_RATE -> throw new IllegalArgumentException(
                    "change failure rate is a ratio, not an answer: use the change failure rate methods");
        };
    }

    private static void requireRule(String resource, Row row, AnswerCell cell, String rule) {
        if (!rule.equals(cell.ours())) {
            throw new IllegalStateException(resource + ": " + row.level().label() + " answer " + cell.answer()
                    + " is measured as '" + rule + "', but the file says '" + cell.ours() + "'");
        }
    }

    private static String quoted(Level level) {
        return "'" + level.label() + "'";
    }

    private static Level publishedLevel(String resource, String label) {
        for (Level level : List.of(Level.ELITE, Level.HIGH, Level.MEDIUM, Level.LOW)) {
            if (level.label().equals(label)) {
                return level;
            }
        }
        throw new IllegalStateException(resource + ": '" + label + "' is not a published level");
    }

    // A broken benchmark file is a packaging bug, so it fails loudly here rather than misranking teams later.
    private void validate(String resource) {
        if (!RESTORE_METRICS.contains(restoreMetric)) {
            throw new IllegalStateException(resource + ": restore_metric must be one of " + RESTORE_METRICS);
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(resource + ": no levels");
        }
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i - 1).level().compareTo(rows.get(i).level()) >= 0) {
                throw new IllegalStateException(resource + ": levels must be listed once each, best first");
            }
        }
        for (Row row : rows) {
            LevelRow cells = row.cells();
            for (AnswerCell cell : List.of(cells.deploymentFrequency(), cells.leadTime(), cells.restoreTime())) {
                if (cell.answer() < Answers.WORST_ANSWER || cell.answer() > Answers.BEST_ANSWER || cell.published().isBlank()) {
                    throw new IllegalStateException(resource + ": " + row.level().label() + " needs an answer 1..6 and its published phrase");
                }
            }
            requireRule(resource, row, cells.deploymentFrequency(), Answers.frequencyRule(cells.deploymentFrequency().answer()));
            requireRule(resource, row, cells.leadTime(), Answers.durationRule(cells.leadTime().answer()));
            requireRule(resource, row, cells.restoreTime(), Answers.durationRule(cells.restoreTime().answer()));
            RateCell rate = cells.changeFailureRate();
            if (!(rate.max() >= 0 && rate.max() <= 1) || rate.published().isBlank()) {
                throw new IllegalStateException(resource + ": " + row.level().label() + " needs a change failure max in [0, 1] and its published percentage");
            }
        }
    }
}
