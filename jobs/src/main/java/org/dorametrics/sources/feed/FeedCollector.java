package org.dorametrics.sources.feed;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.FeedSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up a feed folder's new and changed documents into the raw zone. A document is a {@code *.json} file directly in
 * the folder; names starting with a dot or an underscore, and any other name ({@code x.json.tmp}, {@code x.json.part}),
 * are files still being written and are left for a later run. A file whose size and modification time are those of
 * the manifest is not read again; one that changed is read, and when its content differs too, stored as a new
 * document that becomes the file's current one. A file removed from the folder stays ingested: tools may clean up what
 * was picked up. On {@code --full} every file is read again (an unchanged content is still not stored twice).
 */
public final class FeedCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(FeedCollector.class);

    private final DoraConfig config;
    private final FeedSource source;
    private final FileSystem fileSystem;
    private final Path folder;
    private final FeedStore store;
    private final Instant runStartedAt;
    private final boolean full;

    FeedCollector(DoraConfig config, FeedSource source, OutputLocation output, Instant runStartedAt, boolean full) {
        this.config = config;
        this.source = source;
        this.folder = new Path(source.folder());
        this.store = new FeedStore(output, source);
        this.runStartedAt = runStartedAt;
        this.full = full;
        try {
            this.fileSystem = folder.getFileSystem(output.fileSystem().getConf());
        } catch (IOException e) {
            throw DoraException.config("sources.feeds[" + source.name() + "].folder", "no file system for "
                    + Redaction.redact(source.folder()) + " (" + e.getMessage() + ")");
        }
    }

    /** @param full whether every file is read again ({@code --full}), whatever its size and modification time */
    public static FeedCollector open(DoraConfig config, FeedSource source, OutputLocation output, Instant runStartedAt, boolean full) {
        return new FeedCollector(config, source, output, runStartedAt, full);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    /** Whether a file name is a finished document, not a file still being written or a hidden one. */
    static boolean isDocument(String name) {
        return name.endsWith(".json") && !name.startsWith(".") && !name.startsWith("_");
    }

    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        FileStatus[] listed;
        try {
            if (!fileSystem.exists(folder)) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": feed folder "
                        + Redaction.redact(source.folder()) + " does not exist");
            }
            listed = fileSystem.listStatus(folder);
        } catch (IOException e) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": cannot list feed folder "
                    + Redaction.redact(source.folder()) + " (" + e.getMessage() + ")", e);
        }
        Map<String, FeedStore.Entry> entries = new LinkedHashMap<>();
        store.entries().forEach(entry -> entries.put(entry.file(), entry));
        List<String> failures = new ArrayList<>();
        int added = 0;
        int changed = 0;
        int skipped = 0;
        for (FileStatus status : listed) {
            String name = status.getPath().getName();
            if (!status.isFile() || !isDocument(name)) {
                skipped += status.isFile() ? 1 : 0;
                continue;
            }
            FeedStore.Entry previous = entries.get(name);
            String modifiedAt = Instant.ofEpochMilli(status.getModificationTime()).toString();
            if (!full && previous != null && previous.size() == status.getLen() && previous.modifiedAt().equals(modifiedAt)) {
                continue;
            }
            byte[] content;
            try (InputStream in = fileSystem.open(status.getPath())) {
                content = in.readAllBytes();
            } catch (IOException e) {
                failures.add("cannot read " + name + " (" + e.getMessage() + ")");
                continue;
            }
            if (content.length != status.getLen()) {
                LOG.warn("{}: {} changed while it was read (still being written?); it is picked up by a later run", source.sourceName(), name);
                continue;
            }
            String digest = digest(content);
            if (previous != null && previous.digest().equals(digest)) {
                entries.put(name, new FeedStore.Entry(name, status.getLen(), modifiedAt, digest, previous.ingestedAt()));
                continue; // touched, not changed
            }
            store.writeDocument(digest, content);
            entries.put(name, new FeedStore.Entry(name, status.getLen(), modifiedAt, digest, runStartedAt.toString()));
            if (previous == null) {
                added++;
            } else {
                changed++;
            }
        }
        store.writeEntries(new ArrayList<>(entries.values()));
        LOG.info("collected {}: {} new and {} changed documents, {} in all; {} files not (yet) documents left alone",
                source.sourceName(), added, changed, entries.size(), skipped);
        if (source.kind() == DoraConfig.FeedKind.DEPLOYMENTS) {
            FeedRecords.read(config, source, store).deployments()
                    .forEach(deployment -> deployedRevision.accept(deployment.repo(), deployment.revision()));
        }
        if (!failures.isEmpty()) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": " + String.join("; ", failures));
        }
    }

    private static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
