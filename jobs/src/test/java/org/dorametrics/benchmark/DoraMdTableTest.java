package org.dorametrics.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Reads the benchmark table of ../shared/DORA.md §3 itself and proves that every published row is in the data files
 * word for word and classifies as stated: a level's own published answer gets that level, or a better one that
 * publishes the same answer (the rule "the best level whose published answer the value meets or beats").
 */
class DoraMdTableTest {
    private static final Path DORA_MD = Path.of("../../shared/DORA.md");
    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\d{4}) \\| (elite|high|medium|low) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|$");
    private static final Pattern PERCENT = Pattern.compile("(\\d+)%$");

    private record PublishedRow(String edition, Level level, String frequency, String leadTime, String restore, String changeFailure) {}

    @Test
    void everyPublishedRowIsInTheDataFilesAndClassifiesAsStated() throws IOException {
        if (!Files.exists(DORA_MD)) {
            String reason = "DORA.md not found at " + DORA_MD.toAbsolutePath().normalize()
                    + " (../shared is absent next to this clone): published-table check skipped";
            System.out.println("[DoraMdTableTest] " + reason);
            Assumptions.abort(reason);
        }
        List<PublishedRow> rows = publishedRows();
        assertEquals(23, rows.size(), "DORA.md §3 publishes 23 rows (2022 has no elite)");
        for (PublishedRow row : rows) {
            BenchmarkEdition edition = BenchmarkEdition.load(row.edition());
            String where = row.edition() + " " + row.level().label();
            assertEquals(row.frequency(), edition.published(row.level(), BenchmarkMetric.DEPLOYMENT_FREQUENCY), where);
            assertEquals(row.leadTime(), edition.published(row.level(), BenchmarkMetric.LEAD_TIME), where);
            assertEquals(row.restore(), edition.published(row.level(), BenchmarkMetric.RESTORE_TIME), where);
            assertEquals(row.changeFailure(), edition.published(row.level(), BenchmarkMetric.CHANGE_FAILURE_RATE), where);
            for (BenchmarkMetric metric : List.of(BenchmarkMetric.DEPLOYMENT_FREQUENCY, BenchmarkMetric.LEAD_TIME, BenchmarkMetric.RESTORE_TIME)) {
                Level ranked = edition.classifyAnswer(metric, answerOf(edition, row.level(), metric));
                assertSameOrBetterWithTheSamePublication(edition, metric, row.level(), ranked, where);
            }
            Matcher percent = PERCENT.matcher(row.changeFailure());
            assertTrue(percent.find(), where + ": " + row.changeFailure());
            Level ranked = edition.classifyChangeFailureRate(Integer.parseInt(percent.group(1)) / 100.0);
            assertTrue(ranked.compareTo(row.level()) <= 0, where + " change failure rate " + row.changeFailure() + " ranks " + ranked);
        }
    }

    private static void assertSameOrBetterWithTheSamePublication(BenchmarkEdition edition, BenchmarkMetric metric, Level stated,
                                                                 Level ranked, String where) {
        assertTrue(ranked.compareTo(stated) <= 0, where + " " + metric + " ranks worse: " + ranked);
        assertEquals(edition.published(stated, metric), edition.published(ranked, metric),
                where + " " + metric + ": ranked " + ranked + ", which publishes another answer");
    }

    /** The answer a level publishes, found as the smallest answer that the edition ranks at that level or better. */
    private static int answerOf(BenchmarkEdition edition, Level level, BenchmarkMetric metric) {
        for (int answer = 1; answer <= 6; answer++) {
            if (edition.classifyAnswer(metric, answer).compareTo(level) <= 0) {
                return answer;
            }
        }
        throw new AssertionError(level + " " + metric + " is reached by no answer");
    }

    private static List<PublishedRow> publishedRows() throws IOException {
        List<PublishedRow> rows = new ArrayList<>();
        for (String line : Files.readAllLines(DORA_MD)) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                rows.add(new PublishedRow(m.group(1), Level.valueOf(m.group(2).toUpperCase(Locale.ROOT)),
                        m.group(3).strip(), m.group(4).strip(), m.group(5).strip(), m.group(6).strip()));
            }
        }
        return rows;
    }
}
