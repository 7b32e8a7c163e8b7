package org.dorametrics.sources.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.table.OutputLocation;

/**
 * An API source's pages in the raw zone, one file per response page ({@code page-0001.json}, a {@link RawPage}), in a
 * folder per endpoint under the source's root. An endpoint is read one of two ways:
 * <ul>
 * <li>whole: every run lists it again, each page replacing the stored one ({@code <endpoint>/page-NNNN.json});</li>
 * <li>incrementally: each run asks only for what was updated since the endpoint's watermark, and keeps the answer as a
 * new fetch beside the earlier ones ({@code <endpoint>/fetch-<UTC time>/page-NNNN.json}, plus
 * {@code <endpoint>/_WATERMARK.json}). A record is then in several fetches; its copy in the latest fetch is current.
 * A full fetch ({@code --full}) that completes removes the fetches before it.</li>
 * </ul>
 * A fetch holds an {@code _INCOMPLETE} marker from its start until it completes: readers skip a fetch that still has
 * it (a listing that failed, a run that was killed), so its records are neither read nor taken as stored for good, and
 * the endpoint's next fetch, which asks again from the same watermark, deletes it.
 */
public final class PageStore {
    private static final Pattern PAGE_FILE = Pattern.compile("page-(\\d+)\\.json");
    private static final String FETCH_PREFIX = "fetch-";
    private static final String WATERMARK_FILE = "_WATERMARK.json";
    private static final String INCOMPLETE_MARKER = "_INCOMPLETE";
    /** Sorts as it reads: the folders of an endpoint's fetches list oldest first. */
    private static final DateTimeFormatter FETCH_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputLocation output;
    private final String sourceName;
    private final Path root;

    /**
     * @param sourceName the source as messages name it ({@code github:acme})
     * @param root the source's folder in the raw zone
     */
    public PageStore(OutputLocation output, String sourceName, Path root) {
        this.output = output;
        this.sourceName = sourceName;
        this.root = root;
    }

    public String sourceName() {
        return sourceName;
    }

    /** The folder of an endpoint under a scope (a repository, a project): {@code <root>/<scope>/<endpoint parts>}. */
    public Path folder(String scope, String endpoint) {
        Path folder = new Path(root, scope);
        for (String part : endpoint.split("/")) {
            folder = new Path(folder, part);
        }
        return folder;
    }

    public boolean exists(Path folder) {
        return output.exists(folder);
    }

    public Optional<RawPage> read(Path folder, int number) {
        Path file = file(folder, number);
        return output.exists(file) ? Optional.of(parse(file)) : Optional.empty();
    }

    /** Every page of a whole endpoint, or of one fetch, in page order. */
    public List<RawPage> readAll(Path folder) {
        List<RawPage> pages = new ArrayList<>();
        for (Path file : output.listFiles(folder)) {
            if (PAGE_FILE.matcher(file.getName()).matches()) {
                pages.add(parse(file));
            }
        }
        return pages;
    }

    public void write(Path folder, int number, RawPage page) {
        output.writeAtomically(file(folder, number), out -> out.write(JSON.writeValueAsBytes(page)));
    }

    /** Removes the pages after the last one of a complete pagination, left by an earlier, longer listing. */
    public void removeAfter(Path folder, int lastNumber) {
        for (Path file : output.listFiles(folder)) {
            Matcher matcher = PAGE_FILE.matcher(file.getName());
            if (matcher.matches() && Integer.parseInt(matcher.group(1)) > lastNumber) {
                output.delete(file);
            }
        }
    }

    /** The folder a fetch started at {@code startedAt} keeps its pages in. */
    public Path fetchFolder(Path endpoint, Instant startedAt) {
        return new Path(endpoint, FETCH_PREFIX + FETCH_TIME.format(startedAt));
    }

    /**
     * Starts a fetch: deletes the endpoint's fetches that never completed (this run holds the output lock, so no other
     * run is writing them) and marks this one incomplete until {@link #completeFetch}.
     */
    public void beginFetch(Path endpoint, Path fetch) {
        allFetches(endpoint).stream().filter(this::incomplete).forEach(this::delete);
        output.writeAtomically(new Path(fetch, INCOMPLETE_MARKER), out -> { });
    }

    /** Marks a fetch complete: readers see it from now on. */
    public void completeFetch(Path fetch) {
        output.delete(new Path(fetch, INCOMPLETE_MARKER));
    }

    /** The complete fetches of an incremental endpoint, oldest first. */
    public List<Path> fetches(Path endpoint) {
        return allFetches(endpoint).stream().filter(f -> !incomplete(f)).toList();
    }

    private List<Path> allFetches(Path endpoint) {
        return output.listDirectories(endpoint).stream().filter(f -> f.getName().startsWith(FETCH_PREFIX)).toList();
    }

    private boolean incomplete(Path fetch) {
        return output.exists(new Path(fetch, INCOMPLETE_MARKER));
    }

    /** Every page of an incremental endpoint, fetch by fetch, oldest first: a record's last copy is its current one. */
    public List<RawPage> readFetches(Path endpoint) {
        List<RawPage> pages = new ArrayList<>();
        for (Path fetch : fetches(endpoint)) {
            pages.addAll(readAll(fetch));
        }
        return pages;
    }

    /** Removes the fetches of an endpoint other than {@code kept}: a full run's fetch replaces them all. */
    public void deleteOtherFetches(Path endpoint, Path kept) {
        allFetches(endpoint).stream().filter(f -> !f.getName().equals(kept.getName())).forEach(this::delete);
    }

    public void delete(Path folder) {
        output.delete(folder);
    }

    public Optional<Watermark> watermark(Path endpoint) {
        Path file = new Path(endpoint, WATERMARK_FILE);
        if (!output.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(String.join("\n", output.readLines(file)), Watermark.class));
        } catch (JsonProcessingException e) {
            throw damaged(file, e);
        }
    }

    public void writeWatermark(Path endpoint, Watermark watermark) {
        output.writeAtomically(new Path(endpoint, WATERMARK_FILE), out -> out.write(JSON.writeValueAsBytes(watermark)));
    }

    private static Path file(Path folder, int number) {
        return new Path(folder, String.format("page-%04d.json", number));
    }

    private RawPage parse(Path file) {
        try {
            return JSON.readValue(String.join("\n", output.readLines(file)), RawPage.class);
        } catch (JsonProcessingException e) {
            throw damaged(file, e);
        }
    }

    private DoraException damaged(Path file, JsonProcessingException e) {
        return new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + sourceName + ": raw zone file "
                + Redaction.redact(file.toString()) + " is damaged (" + e.getOriginalMessage() + "); run `dora collect` again", e);
    }
}
