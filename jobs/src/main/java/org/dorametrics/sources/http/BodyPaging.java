package org.dorametrics.sources.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a listing whose pages are JSON objects gives its records and its next page, for APIs that paginate in the body
 * instead of a {@code Link} header: PagerDuty ({@code {"incidents": [...], "offset": 0, "limit": 100, "more": true}}),
 * Opsgenie ({@code {"data": [...], "paging": {"next": "https://…"}}}) and Jira ({@code {"startAt": 0, "total": 120,
 * "issues": [...]}}, or {@code {"issues": [...], "nextPageToken": "…", "isLast": false}}). A page whose records field
 * holds one object instead of a list (PagerDuty's {@code {"incident": {...}}}) gives that one record.
 */
public interface BodyPaging {

    /** The records field(s) of a page body: the first one present is read. */
    List<String> recordFields();

    /**
     * The URL of the page after {@code url}, or null on the last page.
     *
     * @throws TooDeep when the next page is beyond what the API serves (PagerDuty: offset + limit over 10,000)
     */
    String next(String url, JsonNode body);

    /** The records of a page body, or none when it has no records field. */
    default List<JsonNode> records(JsonNode body) {
        List<JsonNode> records = new ArrayList<>();
        for (String field : recordFields()) {
            JsonNode value = body == null ? null : body.get(field);
            if (value != null && value.isArray()) {
                value.forEach(records::add);
                return records;
            }
            if (value != null && value.isObject()) {
                records.add(value);
                return records;
            }
        }
        return records;
    }

    /**
     * Classic offset pagination (PagerDuty): while the body says {@code more: true}, the next page is the same URL
     * with {@code offset} moved on by the body's {@code limit}.
     *
     * @param maxDepth the largest offset + limit the API serves
     */
    static BodyPaging offset(int maxDepth, String... recordFields) {
        return of(recordFields, (paging, url, body) -> {
            if (body == null || !body.path("more").asBoolean(false)) {
                return null;
            }
            int offset = body.path("offset").asInt(0);
            int limit = body.path("limit").asInt(0);
            if (limit <= 0) {
                return null; // a body that says more but not how many it gave cannot be paged on
            }
            int nextOffset = offset + limit;
            if (nextOffset + limit > maxDepth) {
                throw new TooDeep(url, nextOffset, maxDepth);
            }
            return withQueryParameter(url, "offset", String.valueOf(nextOffset));
        });
    }

    /** The next page's URL is in the body, at a JSON pointer such as {@code /paging/next} (Opsgenie). */
    static BodyPaging nextUrlAt(String pointer, String... recordFields) {
        return of(recordFields, (paging, url, body) -> {
            JsonNode next = body == null ? null : body.at(pointer);
            return next != null && next.isTextual() && !next.asText().isBlank() ? next.asText() : null;
        });
    }

    /**
     * Jira's offset pagination: the page starts at the body's {@code startAt}; the next one starts after the records this
     * one returned (a server may give fewer than asked for), until {@code isLast} says so or, without it, {@code total}
     * is reached. An empty page ends the listing.
     */
    static BodyPaging startAt(String... recordFields) {
        return of(recordFields, (paging, url, body) -> {
            int count = paging.records(body).size();
            if (count == 0 || !body.path("startAt").canConvertToLong()) {
                return null;
            }
            String after = Long.toString(body.get("startAt").asLong() + count);
            if (body.path("isLast").isBoolean()) {
                return body.get("isLast").asBoolean() ? null : withQueryParameter(url, "startAt", after);
            }
            return body.path("total").canConvertToLong() && Long.parseLong(after) < body.get("total").asLong()
                    ? withQueryParameter(url, "startAt", after) : null;
        });
    }

    /**
     * Token pagination (Jira Cloud's search): the next page is asked with the body's {@code nextPageToken}, sent back
     * encoded, until {@code isLast} says so or no token comes.
     */
    static BodyPaging nextPageToken(String... recordFields) {
        return of(recordFields, (paging, url, body) -> {
            JsonNode token = body == null ? null : body.get("nextPageToken");
            if (body == null || body.path("isLast").asBoolean(false) || token == null || !token.isTextual() || token.asText().isEmpty()) {
                return null;
            }
            return withQueryParameter(url, "nextPageToken", URLEncoder.encode(token.asText(), StandardCharsets.UTF_8));
        });
    }

    /** How a listing finds the URL of the page after {@code url} from that page's body; null on the last page. */
    @FunctionalInterface
    interface NextPage {
        String next(BodyPaging paging, String url, JsonNode body);
    }

    private static BodyPaging of(String[] recordFields, NextPage nextPage) {
        List<String> fields = List.of(recordFields);
        return new BodyPaging() {
            @Override
            public List<String> recordFields() {
                return fields;
            }

            @Override
            public String next(String url, JsonNode body) {
                return nextPage.next(this, url, body);
            }
        };
    }

    /** The URL with one query parameter set (replaced when present, appended otherwise); {@code value} is sent as given. */
    static String withQueryParameter(String url, String name, String value) {
        URI uri = URI.create(url);
        String query = uri.getRawQuery();
        Matcher present = Pattern.compile("(^|&)" + Pattern.quote(name) + "=[^&]*").matcher(query == null ? "" : query);
        String newQuery;
        if (query == null || query.isEmpty()) {
            newQuery = name + "=" + value;
        } else if (present.find()) {
            newQuery = present.replaceFirst(Matcher.quoteReplacement(present.group(1) + name + "=" + value));
        } else {
            newQuery = query + "&" + name + "=" + value;
        }
        int start = url.indexOf('?');
        return (start < 0 ? url : url.substring(0, start)) + "?" + newQuery;
    }

    /** A listing goes deeper than the API pages: the caller narrows the request (a shorter time range) and asks again. */
    final class TooDeep extends RuntimeException {
        public TooDeep(String url, int offset, int maxDepth) {
            super("the page after " + url + " would start at offset " + offset + ", beyond the " + maxDepth + " records the API pages",
                    null, false, false);
        }
    }
}
