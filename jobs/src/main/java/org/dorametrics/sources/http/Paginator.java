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
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads paginated listings into a {@link PageStore}: JSON arrays following {@code Link: rel="next"} (GitHub, GitLab,
 * and GitLab's keyset pagination), or, with a {@link BodyPaging}, JSON objects that say in their body where the next
 * page is (PagerDuty, Opsgenie). Each page is stored as it arrives, so a failure keeps what was fetched. Whole
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
    /** Null: the pages are JSON arrays and the next one is in the Link header. */
    private final BodyPaging paging;
    private int fetched;
    private int reused;

    /**
     * @param runStartedAt names this run's fetches
     * @param full whether incremental listings are read from the start ({@code --full}) instead of since their watermark
     * @param overlap how far before the watermark an incremental listing asks from
     */
    public Paginator(ApiClient client, PageStore store, Instant runStartedAt, boolean full, Duration overlap) {
        this(client, store, runStartedAt, full, overlap, null);
    }

    /** A paginator for an API that paginates in the body of its pages, as {@code paging} says. */
    public Paginator(ApiClient client, PageStore store, Instant runStartedAt, boolean full, Duration overlap, BodyPaging paging) {
        this.client = client;
        this.store = store;
        this.runStartedAt = runStartedAt;
        this.full = full;
        this.overlap = overlap;
        this.paging = paging;
    }

    public int fetched() {
        return fetched;
    }

    public int reused() {
        return reused;
    }

    /** Lists a whole endpoint into {@code folder}, page over page; returns the elements read. */
    public List<JsonNode> whole(Path folder, String firstPath, String what) {
        Pages pages = read(folder, 0, client.url(firstPath), true, null, what, elements -> false, number -> { });
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
        return updatedSince(endpoint, firstPath, updatedAt, order, null, what);
    }

    /**
     * The same for a listing whose pages are a JSON object holding the records in an array field, such as GitHub's
     * {@code {"total_count": 2, "workflow_runs": [...]}}, the next page still in the Link header.
     *
     * @param itemsField the field of each page holding its records, or null when a page is the array
     */
    public List<JsonNode> updatedSince(Path endpoint, Function<Instant, String> firstPath, Function<JsonNode, Instant> updatedAt,
                                       Order order, String itemsField, String what) {
        Fetch fetch = beginFetch(endpoint);
        Instant since = fetch.since();
        Predicate<List<JsonNode>> reachesBack = elements -> order == Order.NEWEST_FIRST && since != null && elements.stream()
                .map(updatedAt).anyMatch(time -> time != null && time.isBefore(since));
        list(fetch, firstPath.apply(since), itemsField, what, reachesBack);
        completeFetch(fetch, updatedAt);
        LOG.debug("{}: {} since {}: {} records", store.sourceName(), what, since, fetch.elements().size());
        return fetch.elements();
    }

    /**
     * An incremental fetch in progress, for sources that make several listings (time ranges, single records asked
     * again) into one fetch: {@link #beginFetch}, then {@link #list} as often as needed, then {@link #completeFetch}.
     */
    public static final class Fetch {
        private final Path endpoint;
        private final Path folder;
        private final Optional<Watermark> watermark;
        private final Instant through;
        private final Instant since;
        private final List<JsonNode> elements = new ArrayList<>();
        private int pages;

        private Fetch(Path endpoint, Path folder, Optional<Watermark> watermark, Instant through, Instant since) {
            this.endpoint = endpoint;
            this.folder = folder;
            this.watermark = watermark;
            this.through = through;
            this.since = since;
        }

        /** The time this fetch asks from: the watermark minus the overlap, or null (everything) on a first or full run. */
        public Instant since() {
            return since;
        }

        /** The elements listed into this fetch so far. */
        public List<JsonNode> elements() {
            return elements;
        }
    }

    /** Starts a fetch of an incremental endpoint: a new folder named after the run, asking since the watermark. */
    public Fetch beginFetch(Path endpoint) {
        Optional<Watermark> watermark = store.watermark(endpoint);
        Instant through = watermark.map(Watermark::updatedThrough).filter(Objects::nonNull).map(Instant::parse).orElse(null);
        Instant since = full || through == null ? null : through.minus(overlap);
        Path folder = store.fetchFolder(endpoint, runStartedAt);
        store.beginFetch(endpoint, folder);
        return new Fetch(endpoint, folder, watermark, through, since);
    }

    /**
     * Lists pages into a fetch, numbered on from its earlier pages; returns this listing's elements.
     *
     * @param lastPage whether a page's elements end the listing early
     */
    public List<JsonNode> list(Fetch fetch, String firstPath, String what, Predicate<List<JsonNode>> lastPage) {
        return list(fetch, firstPath, null, what, lastPage);
    }

    private List<JsonNode> list(Fetch fetch, String firstPath, String itemsField, String what, Predicate<List<JsonNode>> lastPage) {
        Pages pages = read(fetch.folder, fetch.pages, client.url(firstPath), false, itemsField, what, lastPage,
                number -> fetch.pages = number);
        fetch.elements.addAll(pages.elements());
        return pages.elements();
    }

    /**
     * Ends a fetch that completed: moves the watermark to the latest update time among its elements, removes the fetch
     * when it found nothing, and on a full run the fetches before it.
     */
    public void completeFetch(Fetch fetch, Function<JsonNode, Instant> updatedAt) {
        Instant latest = fetch.through;
        for (JsonNode element : fetch.elements) {
            Instant time = updatedAt.apply(element);
            if (time != null && (latest == null || time.isAfter(latest))) {
                latest = time;
            }
        }
        if (fetch.elements.isEmpty()) {
            store.delete(fetch.folder); // nothing changed: an empty fetch would only add a folder per run
        } else {
            store.completeFetch(fetch.folder);
        }
        if (full) {
            store.deleteOtherFetches(fetch.endpoint, fetch.folder);
        }
        String fetchName = fetch.folder.getName();
        store.writeWatermark(fetch.endpoint, new Watermark(latest == null ? null : latest.toString(), fetchName,
                full ? fetchName : fetch.watermark.map(Watermark::lastFull).orElse(null)));
    }

    private record Pages(int count, List<JsonNode> elements) {}

    /**
     * Reads pages into a folder, numbering them after {@code numbered} pages already there, telling {@code onStored} each
     * number as its page is stored (a listing that fails keeps the pages before).
     *
     * @param itemsField the field of a Link-paginated page that holds its records, or null when the page is the array
     */
    private Pages read(Path folder, int numbered, String firstUrl, boolean conditional, String itemsField, String what,
                       Predicate<List<JsonNode>> lastPage, IntConsumer onStored) {
        List<JsonNode> elements = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        String url = firstUrl;
        int number = numbered;
        while (url != null) {
            if (!visited.add(url)) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + store.sourceName() + ": the next page of "
                        + what + " leads back to " + url + ", a page already read");
            }
            number++;
            String asked = url;
            Optional<RawPage> stored = conditional
                    ? store.read(folder, number).filter(p -> p.url().equals(asked) && p.etag() != null) : Optional.empty();
            ApiClient.Response response = client.get(url, stored.map(RawPage::etag).orElse(null));
            RawPage page;
            JsonNode body;
            if (response.notModified()) {
                if (stored.isEmpty()) {
                    throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + store.sourceName() + ": GET " + url
                            + " answered 304 Not Modified to a request that was not conditional");
                }
                page = stored.get().confirmedAt(response.fetchedAt().toString());
                body = parse(page.body());
                reused++;
            } else {
                body = parse(response.body());
                page = RawPage.fetched(url, response, paging == null ? response.next() : paging.next(url, body));
                fetched++;
            }
            store.write(folder, number, page);
            onStored.accept(number);
            List<JsonNode> pageElements = paging == null ? arrayElements(body, itemsField) : paging.records(body);
            elements.addAll(pageElements);
            url = lastPage.test(pageElements) ? null : page.next();
        }
        return new Pages(number, elements);
    }

    /** A page's body parsed, or null when it is not JSON. */
    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null; // the client only returns complete JSON; a stored page that is not is left to normalize
        }
    }

    /** The elements of a page body that is a JSON array, or whose field {@code itemsField} (when not null) is one. */
    static List<JsonNode> arrayElements(JsonNode body, String itemsField) {
        JsonNode node = body != null && itemsField != null ? body.get(itemsField) : body;
        List<JsonNode> elements = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(elements::add);
        }
        return elements;
    }
}
