package org.dorametrics.sources.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.FeedSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.table.OutputLocation;

/**
 * A feed's part of the raw zone, {@code <output>/raw/feeds/<name>/}: every document ingested, byte for byte, under its
 * content digest ({@code documents/<sha256>.json}: a changed file adds a document, the earlier one stays), and
 * {@code manifest.jsonl}, one line per file of the folder ever ingested, naming its current document.
 */
final class FeedStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A file of the feed folder as last ingested: what tells whether it changed (size and modification time, then the
     * digest of its content), and when its current content was first ingested.
     */
    record Entry(@JsonProperty("file") String file, @JsonProperty("size") long size, @JsonProperty("modified_at") String modifiedAt,
                 @JsonProperty("digest") String digest, @JsonProperty("ingested_at") String ingestedAt) {}

    private final OutputLocation output;
    private final FeedSource source;
    private final Path root;

    FeedStore(OutputLocation output, FeedSource source) {
        this.output = output;
        this.source = source;
        this.root = output.raw("feeds", RawZone.folderName(source.name()));
    }

    boolean collected() {
        return output.exists(manifest());
    }

    /** The manifest's entries, by file name; none before the first collect. */
    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        if (!collected()) {
            return entries;
        }
        for (String line : output.readLines(manifest())) {
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(JSON.readValue(line, Entry.class));
            } catch (JsonProcessingException e) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": raw zone file "
                        + Redaction.redact(manifest().toString()) + " is damaged (" + e.getOriginalMessage() + ")", e);
            }
        }
        return entries;
    }

    void writeEntries(List<Entry> entries) {
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::file)).toList();
        output.writeAtomically(manifest(), out -> {
            for (Entry entry : sorted) {
                out.write(JSON.writeValueAsBytes(entry));
                out.write('\n');
            }
        });
    }

    /** Keeps a document's bytes under its digest, once. */
    void writeDocument(String digest, byte[] content) {
        Path file = document(digest);
        if (!output.exists(file)) {
            output.writeAtomically(file, out -> out.write(content));
        }
    }

    byte[] readDocument(String digest) {
        Path file = document(digest);
        try (InputStream in = output.fileSystem().open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": cannot read raw zone file "
                    + Redaction.redact(file.toString()) + " (" + e.getMessage() + "); run `dora collect` again", e);
        }
    }

    private Path manifest() {
        return new Path(root, "manifest.jsonl");
    }

    private Path document(String digest) {
        return new Path(new Path(root, "documents"), digest.replace("sha256:", "") + ".json");
    }

    static String text(byte[] content) {
        return new String(content, StandardCharsets.UTF_8);
    }
}
