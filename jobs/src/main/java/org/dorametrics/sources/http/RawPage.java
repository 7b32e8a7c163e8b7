package org.dorametrics.sources.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One API response page as the raw zone keeps it: the body exactly as received (a JSON text, kept as a string so
 * that page and metadata are replaced together in one file), the URL asked for (it never carries credentials), the
 * status, the headers that explain it (ETag, Link, rate limit, request id), when it was fetched, and when a
 * conditional request last confirmed it unchanged (HTTP 304).
 *
 * @param next the URL of the next page (Link rel="next", or the one the body's position gives), or null on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RawPage(
        @JsonProperty("url") String url,
        @JsonProperty("status") int status,
        @JsonProperty("fetched_at") String fetchedAt,
        @JsonProperty("checked_at") String checkedAt,
        @JsonProperty("etag") String etag,
        @JsonProperty("next") String next,
        @JsonProperty("headers") Map<String, String> headers,
        @JsonProperty("body") String body) {

    /** A page as a response to {@code url} brought it, followed by {@code next} (null on the last page). */
    static RawPage fetched(String url, ApiClient.Response response, String next) {
        return new RawPage(url, response.status(), response.fetchedAt().toString(), null, response.etag(), next, response.headers(),
                response.body());
    }

    /** The same page, confirmed unchanged by a 304 at {@code checkedAt}. */
    public RawPage confirmedAt(String checkedAt) {
        return new RawPage(url, status, fetchedAt, checkedAt, etag, next, headers, body);
    }
}
