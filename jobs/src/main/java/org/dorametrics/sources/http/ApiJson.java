package org.dorametrics.sources.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dorametrics.job.Redaction;
import org.dorametrics.normalize.RecordProblem;

/** Reading API JSON: the elements of a page with their exact text, and typed fields with errors that name the field. */
public final class ApiJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiJson() {}

    /** An element of a page's JSON array: its text exactly as in the body (for rejects) and its parsed value. */
    public record Element(String text, JsonNode node) {}

    /** The elements of a JSON array body; throws when the body is not a JSON array. */
    public static List<Element> elements(String body) throws RecordProblem {
        List<Element> elements = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new RecordProblem(null, "expected a JSON array, got " + describe(body));
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                JsonNode node = JSON.readTree(parser);
                int end = (int) parser.currentLocation().getCharOffset();
                elements.add(new Element(body.substring(start, end), node));
            }
        } catch (IOException e) {
            throw new RecordProblem(null, "malformed JSON page: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return elements;
    }

    /**
     * The records of a JSON object body, in its field {@code fields} names (the first present): each element of a list,
     * or the one object (PagerDuty's {@code {"incident": {...}}}), with its exact text. A body without such a field has
     * no records; a body that is not a JSON object throws.
     */
    public static List<Element> elements(String body, List<String> fields) throws RecordProblem {
        List<Element> elements = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new RecordProblem(null, "expected a JSON object, got " + describe(body));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!fields.contains(name) || value != JsonToken.START_ARRAY && value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                if (value == JsonToken.START_OBJECT) {
                    elements.add(element(parser, body));
                    return elements;
                }
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(element(parser, body));
                }
                return elements;
            }
        } catch (IOException e) {
            throw new RecordProblem(null, "malformed JSON page: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return elements;
    }

    /** Where the stored-page readers below report a page, or a record, they cannot read. */
    public interface Unreadable {
        /** Reports nothing, for a reader that only looks: the records reader reads the same pages and reports them. */
        Unreadable LEFT_TO_RECORDS_READER = new Unreadable() {
            @Override
            public void page(RawPage page, RecordProblem problem) {}

            @Override
            public void record(Element element, RecordProblem problem) {}
        };

        /** @param problem says which page ({@code page <url>: ...}) */
        void page(RawPage page, RecordProblem problem);

        void record(Element element, RecordProblem problem);
    }

    /** A record's key, or a problem naming the field. */
    @FunctionalInterface
    public interface Key {
        String of(JsonNode record) throws RecordProblem;
    }

    /** The records of a stored page, as {@link #elements(String, List)} reads them; none when the page is unreadable. */
    public static List<Element> elements(RawPage page, List<String> fields, Unreadable unreadable) {
        try {
            return elements(page.body(), fields);
        } catch (RecordProblem problem) {
            unreadable.page(page, new RecordProblem(problem.field(), "page " + Redaction.redact(page.url()) + ": " + problem.getMessage()));
            return List.of();
        }
    }

    /**
     * The latest copy of each record of an endpoint's fetches ({@link PageStore#readFetches}, oldest first), by key: a
     * later copy replaces an earlier one and moves to the end.
     */
    public static Map<String, Element> latestCopies(List<RawPage> fetches, List<String> fields, Key key, Unreadable unreadable) {
        Map<String, Element> latest = new LinkedHashMap<>();
        for (RawPage page : fetches) {
            for (Element element : elements(page, fields, unreadable)) {
                try {
                    String id = key.of(element.node());
                    latest.remove(id);
                    latest.put(id, element);
                } catch (RecordProblem problem) {
                    unreadable.record(element, problem);
                }
            }
        }
        return latest;
    }

    /** The value the parser is at, with its exact text. */
    private static Element element(JsonParser parser, String body) throws IOException {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        JsonNode node = JSON.readTree(parser);
        int end = (int) parser.currentLocation().getCharOffset();
        return new Element(body.substring(start, end), node);
    }

    private static String describe(String body) {
        String start = body.strip();
        return "'" + (start.length() > 40 ? start.substring(0, 40) + "…" : start) + "'";
    }

    /** A field by dotted path ({@code head.sha}), or null when absent or JSON null. */
    public static JsonNode field(JsonNode node, String path) {
        JsonNode value = node;
        for (String part : path.split("\\.")) {
            value = value == null || !value.isObject() ? null : value.get(part);
        }
        return value == null || value.isNull() ? null : value;
    }

    public static String text(JsonNode node, String path) throws RecordProblem {
        JsonNode value = field(node, path);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new RecordProblem(path, "expected a text, got " + kind(value));
        }
        return value.asText().isBlank() ? null : value.asText();
    }

    public static String requiredText(JsonNode node, String path) throws RecordProblem {
        String value = text(node, path);
        if (value == null) {
            throw new RecordProblem(path, "required field is missing or empty");
        }
        return value;
    }

    public static long requiredId(JsonNode node, String path) throws RecordProblem {
        JsonNode value = field(node, path);
        if (value == null) {
            throw new RecordProblem(path, "required field is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() <= 0) {
            throw new RecordProblem(path, "expected a positive whole number, got " + kind(value));
        }
        return value.asLong();
    }

    /** Timestamps are ISO-8601 with an offset (Z, or -07:00 in GitHub's commit dates). */
    public static Instant instant(JsonNode node, String path) throws RecordProblem {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new RecordProblem(path, "expected an ISO-8601 timestamp with offset, got '" + text + "'");
        }
    }

    public static Instant requiredInstant(JsonNode node, String path) throws RecordProblem {
        Instant value = instant(node, path);
        if (value == null) {
            throw new RecordProblem(path, "required field is missing or empty");
        }
        return value;
    }

    /** A commit id: 40 hex digits, lower case. */
    public static String sha(JsonNode node, String path, boolean required) throws RecordProblem {
        String text = required ? requiredText(node, path) : text(node, path);
        if (text == null) {
            return null;
        }
        String sha = text.toLowerCase(Locale.ROOT);
        if (!sha.matches("[0-9a-f]{40}")) {
            throw new RecordProblem(path, "expected a commit id of 40 hex digits, got '" + text + "'");
        }
        return sha;
    }

    private static String kind(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.isTextual() ? "'" + value.asText() + "'" : value.toString();
    }
}
