package org.dorametrics.sources.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;

/**
 * Reads a newest-first listing that the server pages by index ranges instead of Link headers: Jenkins' {@code tree}
 * parameter takes {@code {m,n}}, the elements from m (inclusive) to n (exclusive). Each page is stored as it arrives,
 * in a new fetch of the endpoint (see {@link PageStore}); the listing stops at a short page, or after the first page
 * that reaches an element the caller already holds for good, so that an incremental run asks only for the newest
 * pages. On a full run ({@code --full}) every page is read, and the earlier fetches are removed once it completes.
 * The caller keeps the watermark that decides what it holds.
 */
public final class RangePaginator {
    private final ApiClient client;
    private final PageStore store;
    private final Instant runStartedAt;
    private final boolean full;
    private int fetched;

    /**
     * @param runStartedAt names this run's fetches
     * @param full whether every page is read, whatever the caller already holds
     */
    public RangePaginator(ApiClient client, PageStore store, Instant runStartedAt, boolean full) {
        this.client = client;
        this.store = store;
        this.runStartedAt = runStartedAt;
        this.full = full;
    }

    public int fetched() {
        return fetched;
    }

    public boolean full() {
        return full;
    }

    /**
     * Lists an endpoint into a new fetch, range by range; returns the elements of this fetch, newest first.
     *
     * @param pathOfRange the path and query of the page with the elements from (inclusive) to (exclusive)
     * @param field the field of the object body that holds the page's elements
     * @param held an element already stored for good (ignored on a full run)
     */
    public List<JsonNode> newestFirst(Path endpoint, int pageSize, BiFunction<Integer, Integer, String> pathOfRange, String field,
                                      Predicate<JsonNode> held) {
        Path fetch = store.fetchFolder(endpoint, runStartedAt);
        store.beginFetch(endpoint, fetch);
        List<JsonNode> elements = new ArrayList<>();
        int number = 0;
        String url = client.url(pathOfRange.apply(0, pageSize));
        while (url != null) {
            number++;
            ApiClient.Response response = client.get(url, null);
            fetched++;
            List<JsonNode> page = Paginator.arrayElements(Paginator.parse(response.body()), field);
            elements.addAll(page);
            boolean last = page.size() < pageSize || !full && page.stream().anyMatch(held);
            String next = last ? null : client.url(pathOfRange.apply(number * pageSize, (number + 1) * pageSize));
            store.write(fetch, number, RawPage.fetched(url, response, next));
            url = next;
        }
        if (full ? elements.isEmpty() : elements.stream().allMatch(held)) {
            store.delete(fetch); // nothing new: the fetch would only add a folder per run
        } else {
            store.completeFetch(fetch);
        }
        if (full) {
            store.deleteOtherFetches(endpoint, fetch);
        }
        return elements;
    }
}
