package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run killed while publishing leaves, and how the next run puts it right before it writes anything. */
class OutputLocationRepairTest {
    private static final String UUID = "0b6f3c1e-2f4a-4d7b-9a43-5d0e8f1c2b7a";

    @TempDir
    Path folder;

    @Test
    void aTableMovedAsideByAKilledPublishIsRestored() throws IOException {
        OutputLocation output = OutputLocation.open(folder.toString(), new Configuration());
        Path tables = folder.resolve("tables");
        // The crash state of replace(): the old deployments table renamed aside, the new one still staged.
        Path previous = Files.createDirectories(tables.resolve("._previous-" + UUID + "-deployments"));
        Files.writeString(previous.resolve("part-00000.parquet"), "old table");
        Path staged = Files.createDirectories(tables.resolve("._staging-" + UUID + "-deployments"));
        Files.writeString(staged.resolve("part-00000.parquet"), "new table, never published");
        // Killed after the second rename: both the new table and the previous copy exist.
        Files.createDirectories(tables.resolve("changes"));
        Files.writeString(tables.resolve("changes/part-00000.parquet"), "new changes");
        Files.createDirectories(tables.resolve("._previous-" + UUID + "-changes"));
        // A raw zone file staged by writeAtomically and a Spark staging directory with its _temporary folder.
        Path raw = Files.createDirectories(folder.resolve("raw/deployments/file_d.jsonl"));
        Files.writeString(raw.resolve("records.jsonl"), "{}\n");
        Files.writeString(raw.resolve("._staging-" + UUID + "-records.jsonl"), "{\"half\":");
        Files.createDirectories(tables.resolve("._staging-" + UUID + "-incidents/_temporary/0"));

        try (LogCapture log = new LogCapture()) {
            assertEquals(5, output.repairInterruptedPublishes());
            assertTrue(log.text().contains("restored " + output.table("deployments") + " from ._previous-" + UUID + "-deployments"), log.text());
        }

        assertEquals("old table", Files.readString(tables.resolve("deployments/part-00000.parquet")));
        assertEquals("new changes", Files.readString(tables.resolve("changes/part-00000.parquet")));
        assertEquals(List.of("tables/changes", "tables/changes/part-00000.parquet", "tables/deployments", "tables/deployments/part-00000.parquet",
                "raw/deployments/file_d.jsonl/records.jsonl").stream().sorted().toList(), everything());
        assertEquals(0, output.repairInterruptedPublishes(), "nothing left to repair");
    }

    private List<String> everything() throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(p -> !Files.isDirectory(p) || p.getParent().getFileName().toString().equals("tables"))
                    .map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }
}
