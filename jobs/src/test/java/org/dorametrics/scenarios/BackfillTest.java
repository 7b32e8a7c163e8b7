package org.dorametrics.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dora backfill: one snapshot per reporting week's end, each what `dora metrics --as-of` that day publishes. */
class BackfillTest {
    @TempDir
    Path work;

    @Test
    void eachWeeksSnapshotEqualsTheMetricsRunAsOfItsLastDay() throws IOException {
        Path backfilled = materialize("backfilled");
        assertEquals(0, DoraCli.execute("backfill", "--config", backfilled.toString(), "--from", "2026-03-23", "--to", "2026-04-08"));
        OutputLocation output = output(backfilled);
        Dataset<Row> history = TableReader.read(TestSpark.session(), output, TableSchemas.TEAM_METRICS_HISTORY);
        assertEquals(List.of("2026-03-29", "2026-04-05", "2026-04-08"), history.select("as_of").distinct().orderBy("as_of")
                .collectAsList().stream().map(r -> r.get(0).toString()).toList(), "the Sundays ending each Monday-start week, then --to");
        assertEquals("2026-04-08", new ObjectMapper().readTree(backfilled.resolveSibling("out/tables/team_metrics/_RUN.json").toFile())
                .path("as_of").asText(), "the current tables are left as of --to");

        // A fresh output: collect, then normalize and metrics as of one of the week ends, as a weekly run would.
        Path single = materialize("single");
        assertEquals(0, DoraCli.execute("collect", "--config", single.toString()));
        assertEquals(0, DoraCli.execute("normalize", "--config", single.toString(), "--as-of", "2026-04-05"));
        assertEquals(0, DoraCli.execute("metrics", "--config", single.toString(), "--as-of", "2026-04-05"));
        List<String> published = sorted(TableReader.read(TestSpark.session(), output(single), TableSchemas.TEAM_METRICS));
        List<String> snapshot = sorted(history.where("as_of = DATE'2026-04-05'").drop("as_of"));
        assertTrue(published.size() > 30, published.size() + " rows: core and the organisation, weeks, months and quarters");
        assertEquals(published, snapshot);
    }

    private Path materialize(String folder) throws IOException {
        Scenario scenario = Scenario.all(Path.of("src/test/resources/incremental")).get(0);
        return scenario.materialize(Files.createDirectories(work.resolve(folder)));
    }

    private static OutputLocation output(Path config) {
        return OutputLocation.open(config.resolveSibling("out").toString(), TestSpark.session().sparkContext().hadoopConfiguration());
    }

    private static List<String> sorted(Dataset<Row> rows) {
        return rows.collectAsList().stream().map(Row::toString).sorted().toList();
    }
}
