package org.dorametrics.sources.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a listing's records are in a page, and how a page says which one comes next: the {@code Link: rel="next"}
 * header over a JSON array (GitHub, GitLab), or a position in the body (Jira's {@code startAt}/{@code total} and
 * {@code nextPageToken}/{@code isLast}).
 */
public interface PageFlow {

    /** The records of a page's body (parsed; null when it is not JSON). */
    List<JsonNode> elements(JsonNode body);

    /**
     * The URL of the page after this one, or null on the last.
     *
     * @param url the URL this page was asked with
     * @param linkNext the URL its {@code Link: rel="next"} header names, or null
     */
    String next(String url, String linkNext, JsonNode body);

    /** A JSON array per page, the next one named by the Link header. */
    PageFlow LINK_HEADER = new PageFlow() {
        @Override
        public List<JsonNode> elements(JsonNode body) {
            return body != null && body.isArray() ? list(body) : List.of();
        }

        @Override
        public String next(String url, String linkNext, JsonNode body) {
            return linkNext;
        }
    };

    /**
     * Offset pages: the records in the body's {@code itemsField}, the page at {@code startAt}; the next page starts after
     * the records this one returned (a server may give fewer than asked for), until {@code isLast} says so or
     * {@code total} is reached.
     */
    static PageFlow startAt(String itemsField) {
        return new PageFlow() {
            @Override
            public List<JsonNode> elements(JsonNode body) {
                return items(body, itemsField);
            }

            @Override
            public String next(String url, String linkNext, JsonNode body) {
                int count = elements(body).size();
                if (count == 0 || !body.path("startAt").canConvertToInt()) {
                    return null;
                }
                long after = body.get("startAt").asLong() + count;
                if (body.path("isLast").isBoolean()) {
                    return body.get("isLast").asBoolean() ? null : withParameter(url, "startAt", Long.toString(after));
                }
                return body.path("total").canConvertToLong() && after < body.get("total").asLong()
                        ? withParameter(url, "startAt", Long.toString(after)) : null;
            }
        };
    }

    /** Token pages: the records in the body's {@code itemsField}, the next page asked with the body's {@code nextPageToken}. */
    static PageFlow nextPageToken(String itemsField) {
        return new PageFlow() {
            @Override
            public List<JsonNode> elements(JsonNode body) {
                return items(body, itemsField);
            }

            @Override
            public String next(String url, String linkNext, JsonNode body) {
                JsonNode token = body == null ? null : body.get("nextPageToken");
                if (body.path("isLast").asBoolean(false) || token == null || !token.isTextual() || token.asText().isEmpty()) {
                    return null;
                }
                return withParameter(url, "nextPageToken", token.asText());
            }
        };
    }

    private static List<JsonNode> items(JsonNode body, String field) {
        JsonNode items = body == null ? null : body.get(field);
        return items != null && items.isArray() ? list(items) : List.of();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }

    /** The URL with one query parameter set to a value (encoded), replacing the parameter if it is there. */
    static String withParameter(String url, String name, String value) {
        int question = url.indexOf('?');
        String base = question < 0 ? url : url.substring(0, question);
        List<String> parameters = new ArrayList<>();
        if (question >= 0) {
            for (String parameter : url.substring(question + 1).split("&")) {
                if (!parameter.isEmpty() && !parameter.startsWith(name + "=")) {
                    parameters.add(parameter);
                }
            }
        }
        parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        return base + "?" + String.join("&", parameters);
    }
}
