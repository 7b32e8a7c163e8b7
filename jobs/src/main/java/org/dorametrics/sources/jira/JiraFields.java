package org.dorametrics.sources.jira;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.http.ApiJson;

/** Reading Jira's field values: its timestamps, the texts of a field of any shape, and a field named by id or by name. */
final class JiraFields {
    /** Jira writes {@code 2026-03-04T11:30:00.000+0100}: an offset without a colon, which ISO-8601 parsing refuses. */
    private static final DateTimeFormatter JIRA_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);
    private static final Pattern FIELD_ID = Pattern.compile("customfield_\\d+|[a-z][A-Za-z]*");

    private JiraFields() {}

    static Instant time(JsonNode node, String path) throws RecordProblem {
        String text = ApiJson.text(node, path);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, JIRA_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new RecordProblem(path, "expected a timestamp with offset such as 2026-03-04T11:30:00.000+0100, got '" + text + "'");
        }
    }

    static Instant requiredTime(JsonNode node, String path) throws RecordProblem {
        Instant time = time(node, path);
        if (time == null) {
            throw new RecordProblem(path, "required field is missing or empty");
        }
        return time;
    }

    /**
     * The texts a field holds: a text; an option, component or version ({@code value} or {@code name}; a cascading
     * option's child too); or a list of those. Empty when the field is empty.
     */
    static List<String> texts(JsonNode fields, String fieldId) throws RecordProblem {
        JsonNode value = fields.get(fieldId);
        List<String> texts = new ArrayList<>();
        if (value == null || value.isNull()) {
            return texts;
        }
        for (JsonNode item : value.isArray() ? value : List.of(value)) {
            String text = text(item);
            if (text == null) {
                throw new RecordProblem("fields." + fieldId, "expected a text, an option ({\"value\": ...}) or a list of them, got "
                        + (item.isObject() ? "an object without value or name" : item.toString()));
            }
            if (!text.isBlank()) {
                texts.add(text.strip());
            }
            JsonNode child = item.path("child");
            if (child.isObject() && text(child) != null && !text(child).isBlank()) {
                texts.add(text(child).strip());
            }
        }
        return texts;
    }

    private static String text(JsonNode item) {
        if (item.isTextual()) {
            return item.asText();
        }
        if (item.isObject()) {
            JsonNode text = item.path("value").isTextual() ? item.get("value") : item.path("name");
            return text.isTextual() ? text.asText() : null;
        }
        return null;
    }

    /**
     * The id of a field configured by id ({@code customfield_10042}, {@code components}) or by name ({@code Affected
     * service}), against the site's field list ({@code /rest/api/2/field}), which an id does not need.
     *
     * @throws RecordProblem when no field, or more than one, has the name
     */
    static String resolve(String configured, List<JsonNode> siteFields) throws RecordProblem {
        if (FIELD_ID.matcher(configured).matches()) {
            return configured;
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode field : siteFields) {
            if (field.path("name").isTextual() && field.get("name").asText().strip().equalsIgnoreCase(configured.strip())
                    && field.path("id").isTextual()) {
                ids.add(field.get("id").asText());
            }
        }
        if (ids.size() == 1) {
            return ids.get(0);
        }
        throw new RecordProblem(configured, ids.isEmpty()
                ? "Jira lists no field named '" + configured + "' (" + siteFields.size() + " fields listed); configure its id (customfield_NNNNN)"
                : "Jira lists " + ids.size() + " fields named '" + configured + "' " + ids + "; configure the id of the one meant");
    }

    /** Whether a field is configured by its id, so that no field list is needed to find it. */
    static boolean isId(String configured) {
        return FIELD_ID.matcher(configured).matches();
    }
}
