package org.dorametrics.sources.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads paginated JSON array listings into a {@link PageStore}, following {@code Link: rel="next"} (GitHub, GitLab,
 * and GitLab's keyset pagination). Each page is stored as it arrives, so a failure keeps what was fetched. Whole
 * listings ask with the stored page's ETag and reuse it on 304; incremental ones ask only for what changed since the
 * endpoint's watermark minus the overlap, or for everything on a full run.
 */
public final class Paginator {
    private static final Logger LOG = LoggerFactory.getLogger(Paginator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How an incremental listing finds what changed. */
    public enum Order {
        /** The server filters by the since time the first URL carries ({@code since=}, {@code updated_after=}): read every page. */
        FILTERED_BY_SERVER,
        /**
         * The listing cannot be filtered but is sorted newest first by the time the records are read by: stop after the
         * first page that reaches back before the since time.
         */
        NEWEST_FIRST
    }

    private final ApiClient client;
    private final PageStore store;
    private final Instant runStartedAt;
    private final boolean full;
    private final Duration overlap;
    private int fetched;
    private int reused;

    /**
     * @param runStartedAt names this run's fetches
     * @param full whether incremental listings are read from the start ({@code --full}) instead of since their watermark
     * @param overlap how far before the watermark an incremental listing asks from
     */
    public Paginator(ApiClient client, PageStore store, Instant runStartedAt, boolean full, Duration overlap) {
        this.client = client;
        this.store = store;
        this.runStartedAt = runStartedAt;
        this.full = full;
        this.overlap = overlap;
    }

    public int fetched() {
        return fetched;
    }

    public int reused() {
        return reused;
    }

    /** Lists a whole endpoint into {@code folder}, page over page; returns the elements read. */
    public List<JsonNode> whole(Path folder, String firstPath, String what) {
        Pages pages = read(folder, client.url(firstPath), true, what, elements -> false);
        store.removeAfter(folder, pages.count());
        return pages.elements();
    }

    /**
     * Lists what changed since the endpoint's watermark (minus the overlap; everything on a first or full run) into a
     * new fetch, then moves the watermark to the latest update seen. Returns the elements of this fetch.
     *
     * @param firstPath the first page's path and query for a since time, or for null: from the start
     * @param updatedAt a record's update time, or null when it has none (normalize rejects it)
     */
    public List<JsonNode> updatedSince(Path endpoint, Function<Instant, String> firstPath, Function<JsonNode, Instant> updatedAt,
                                       Order order, String what) {
        Optional<Watermark> watermark = store.watermark(endpoint);
        Instant through = watermark.map(Watermark::updatedThrough).filter(Objects::nonNull).map(Instant::parse).orElse(null);
        Instant since = full || through == null ? null : through.minus(overlap);
        Path fetch = store.fetchFolder(endpoint, runStartedAt);
        Predicate<List<JsonNode>> reachesBack = elements -> order == Order.NEWEST_FIRST && since != null && elements.stream()
                .map(updatedAt).anyMatch(time -> time != null && time.isBefore(since));
        Pages pages = read(fetch, client.url(firstPath.apply(since)), false, what, reachesBack);
        Instant latest = through;
        for (JsonNode element : pages.elements()) {
            Instant time = updatedAt.apply(element);
            if (time != null && (latest == null || time.isAfter(latest))) {
                latest = time;
            }
        }
        if (pages.elements().isEmpty()) {
            store.delete(fetch); // nothing changed: an empty fetch would only add a folder per run
        }
        if (full) {
            store.fetches(endpoint).stream().filter(f -> !f.getName().equals(fetch.getName())).forEach(store::delete);
        }
        String fetchName = fetch.getName();
        store.writeWatermark(endpoint, new Watermark(latest == null ? null : latest.toString(), fetchName,
                full ? fetchName : watermark.map(Watermark::lastFull).orElse(null)));
        LOG.debug("{}: {} since {}: {} records", store.sourceName(), what, since, pages.elements().size());
        return pages.elements();
    }

    private record Pages(int count, List<JsonNode> elements) {}

    private Pages read(Path folder, String firstUrl, boolean conditional, String what, Predicate<List<JsonNode>> lastPage) {
        List<JsonNode> elements = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        String url = firstUrl;
        int number = 0;
        while (url != null) {
            if (!visited.add(url)) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + store.sourceName() + ": the Link rel=\"next\" of "
                        + what + " leads back to " + url + ", a page already read");
            }
            number++;
            String asked = url;
            Optional<RawPage> stored = conditional
                    ? store.read(folder, number).filter(p -> p.url().equals(asked) && p.etag() != null) : Optional.empty();
            ApiClient.Response response = client.get(url, stored.map(RawPage::etag).orElse(null));
            RawPage page;
            if (response.notModified()) {
                if (stored.isEmpty()) {
                    throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + store.sourceName() + ": GET " + url
                            + " answered 304 Not Modified to a request that was not conditional");
                }
                page = stored.get().confirmedAt(response.fetchedAt().toString());
                reused++;
            } else {
                page = new RawPage(url, response.status(), response.fetchedAt().toString(), null, response.etag(), response.next(),
                        response.headers(), response.body());
                fetched++;
            }
            store.write(folder, number, page);
            List<JsonNode> pageElements = arrayElements(page.body());
            elements.addAll(pageElements);
            url = lastPage.test(pageElements) ? null : page.next();
        }
        return new Pages(number, elements);
    }

    private static List<JsonNode> arrayElements(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            List<JsonNode> elements = new ArrayList<>();
            if (node != null && node.isArray()) {
                node.forEach(elements::add);
            }
            return elements;
        } catch (JsonProcessingException e) {
            return List.of(); // the client only returns complete JSON; a stored page that is not is left to normalize
        }
    }
}
