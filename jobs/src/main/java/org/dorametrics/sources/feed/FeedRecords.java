package org.dorametrics.sources.feed;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dorametrics.collect.RawRecord;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.FeedKind;
import org.dorametrics.config.DoraConfig.FeedSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.RecordParsers;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.normalize.Reject;
import org.dorametrics.table.OutputLocation;

/**
 * Normalize for one feed: each file's current document, parsed and checked exactly like a line of the deployment or
 * incident file format ({@link RecordParsers}). Documents are read in ingestion order, so that when two files name the
 * same id the later one replaces the earlier (normalize counts it as replaced). A document that is not UTF-8, not
 * JSON, not one object, or not a valid record is a row of rejects naming its file, with its exact text.
 */
public final class FeedRecords {
    private FeedRecords() {}

    /** @throws DoraException exit 3 when the feed was never collected */
    public static ApiRecords read(DoraConfig config, FeedSource source, OutputLocation output) {
        FeedStore store = new FeedStore(output, source);
        if (!store.collected()) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected from feed folder"
                    + " yet; run `dora collect` first");
        }
        return read(config, source, store);
    }

    static ApiRecords read(DoraConfig config, FeedSource source, FeedStore store) {
        RecordParsers parsers = new RecordParsers(config);
        List<Deployment> deployments = new ArrayList<>();
        List<Incident> incidents = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        List<FeedStore.Entry> entries = store.entries().stream()
                .sorted(Comparator.comparing((FeedStore.Entry e) -> Instant.parse(e.ingestedAt())).thenComparing(FeedStore.Entry::file)).toList();
        for (FeedStore.Entry entry : entries) {
            byte[] content = store.readDocument(entry.digest());
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(content)).toString();
            } catch (CharacterCodingException e) {
                rejects.add(reject(source, entry, null, null, "not UTF-8 text", FeedStore.text(content)));
                continue;
            }
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            RawRecord raw = new RawRecord(source.sourceName(), null, null, entry.ingestedAt(), "json", null, text);
            String id = RecordParsers.recordId(raw);
            try {
                if (source.kind() == FeedKind.DEPLOYMENTS) {
                    deployments.add(parsers.deployment(raw));
                } else {
                    incidents.add(parsers.incident(raw));
                }
            } catch (RecordProblem problem) {
                rejects.add(reject(source, entry, id, problem.field(), problem.getMessage(), text));
            }
        }
        return new ApiRecords(source.sourceName(), deployments, List.of(), incidents, rejects, entries.size(), rejects.size());
    }

    private static Reject reject(FeedSource source, FeedStore.Entry entry, String id, String field, String reason, String payload) {
        return new Reject(source.sourceName(), id, null, field, Reject.Action.REJECTED, "file " + entry.file() + ": " + reason, payload);
    }
}
