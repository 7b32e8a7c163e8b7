package org.dorametrics.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.GitMiner.Mined;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.dorametrics.collect.GitMiner.MinedTag;
import org.dorametrics.table.OutputLocation;

/**
 * The raw zone, {@code <output>/raw/}: what collect received, kept verbatim as JSON lines, one folder per source
 * ({@code deployments/<source>/records.jsonl}, {@code incidents/<source>/records.jsonl},
 * {@code git/<repo>/commits.jsonl|tags.jsonl|warnings.jsonl}). Normalize reads only this.
 */
public final class RawZone {
    public static final String DEPLOYMENTS = "deployments";
    public static final String INCIDENTS = "incidents";
    private static final String COLLECT_FAILURES = "_COLLECT_FAILURES.json";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final OutputLocation output;

    public RawZone(OutputLocation output) {
        this.output = output;
    }

    /** Where the raw zone lives, for sources that keep their own layout under it (API pages). */
    public OutputLocation output() {
        return output;
    }

    public void writeRecords(String kind, String sourceName, List<RawRecord> records) {
        writeLines(output.raw(kind, folderName(sourceName), "records.jsonl"), records);
    }

    /** The records collect stored for a source; a source never collected is an error that says to run collect. */
    public List<RawRecord> readRecords(String kind, String sourceName) {
        return readLines(output.raw(kind, folderName(sourceName), "records.jsonl"), RawRecord.class, sourceName);
    }

    public void writeGit(String repo, Mined mined) {
        writeLines(output.raw("git", folderName(repo), "commits.jsonl"), mined.commits());
        writeLines(output.raw("git", folderName(repo), "tags.jsonl"), mined.tags());
        writeLines(output.raw("git", folderName(repo), "warnings.jsonl"), mined.warnings());
    }

    public Mined readGit(String repo) {
        String source = "git:" + repo;
        return new Mined(
                readLines(output.raw("git", folderName(repo), "commits.jsonl"), MinedCommit.class, source),
                readLines(output.raw("git", folderName(repo), "tags.jsonl"), MinedTag.class, source),
                readLines(output.raw("git", folderName(repo), "warnings.jsonl"), String.class, source));
    }

    /**
     * Records which sources the last collect could not read ({@code raw/_COLLECT_FAILURES.json}, source → reason, empty
     * when all were read), so that normalize flags the sources whose records are older than this collect.
     */
    public void writeCollectFailures(Map<String, String> failures) {
        output.writeAtomically(output.raw(COLLECT_FAILURES), out -> out.write(JSON.writeValueAsBytes(new TreeMap<>(failures))));
    }

    /** The sources the last collect could not read, with the reason; none before the first collect. */
    public Map<String, String> collectFailures() {
        Path file = output.raw(COLLECT_FAILURES);
        if (!output.exists(file)) {
            return Map.of();
        }
        try {
            return JSON.readValue(String.join("\n", output.readLines(file)), new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("raw zone file " + file + " is damaged: " + e.getOriginalMessage(), e);
        }
    }

    /** A folder name for a source that keeps it recognisable: `file:data/x.jsonl` → `file_data_x.jsonl`. */
    public static String folderName(String sourceName) {
        return sourceName.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void writeLines(Path path, List<?> items) {
        output.writeAtomically(path, out -> {
            for (Object item : items) {
                out.write(JSON.writeValueAsString(item).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        });
    }

    private <T> List<T> readLines(Path path, Class<T> type, String source) {
        if (!output.exists(path)) {
            throw new org.dorametrics.job.DoraException(org.dorametrics.job.ExitCode.SOURCE_UNREACHABLE,
                    "source " + source + ": nothing collected at " + path + "; run `dora collect` first");
        }
        List<T> items = new ArrayList<>();
        for (String line : output.readLines(path)) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                items.add(JSON.readValue(line, type));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("raw zone file " + path + " is damaged: " + e.getOriginalMessage(), e);
            }
        }
        return items;
    }
}
