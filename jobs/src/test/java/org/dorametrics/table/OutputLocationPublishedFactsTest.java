package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a published table's _RUN.json tells later stages: its report date and its rows, or nothing when it cannot. */
class OutputLocationPublishedFactsTest {
    @TempDir
    Path folder;

    @Test
    void aTablesRunFileGivesItsReportDateAndRows() throws IOException {
        OutputLocation output = OutputLocation.open(folder.toString(), new Configuration());
        runFile(TableSchemas.DEPLOYMENT_CHANGES, "{\"as_of\":\"2026-11-25\",\"table\":\"deployment_changes\",\"rows\":49988123}");
        runFile(TableSchemas.DEPLOYMENTS, "{\"as_of\":\"2026-11-25\",\"rows\":\"many\"}");
        runFile(TableSchemas.INCIDENTS, "{\"as_of\":");

        assertEquals(OptionalLong.of(49_988_123), output.publishedRows(TableSchemas.DEPLOYMENT_CHANGES));
        assertEquals(Optional.of(LocalDate.of(2026, 11, 25)), output.publishedAsOf(TableSchemas.DEPLOYMENT_CHANGES));
        assertEquals(OptionalLong.empty(), output.publishedRows(TableSchemas.DEPLOYMENTS), "rows that are not a count");
        assertEquals(Optional.of(LocalDate.of(2026, 11, 25)), output.publishedAsOf(TableSchemas.DEPLOYMENTS));
        assertEquals(OptionalLong.empty(), output.publishedRows(TableSchemas.INCIDENTS), "an unreadable run file");
        assertEquals(Optional.empty(), output.publishedAsOf(TableSchemas.INCIDENTS));
        assertEquals(OptionalLong.empty(), output.publishedRows(TableSchemas.CHANGES), "no table");
        assertEquals(Optional.empty(), output.publishedAsOf(TableSchemas.CHANGES));
    }

    private void runFile(String table, String json) throws IOException {
        Files.writeString(Files.createDirectories(folder.resolve("tables").resolve(table)).resolve("_RUN.json"), json);
    }
}
