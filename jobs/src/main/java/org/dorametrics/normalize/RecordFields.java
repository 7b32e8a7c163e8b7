package org.dorametrics.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dorametrics.collect.CsvRecords;
import org.dorametrics.collect.RawRecord;

/** The named fields of one raw record, JSONL or CSV alike, read with errors that name the field. */
final class RecordFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonNode> jsonFields;
    private final Map<String, String> csvFields;

    private RecordFields(Map<String, JsonNode> jsonFields, Map<String, String> csvFields) {
        this.jsonFields = jsonFields;
        this.csvFields = csvFields;
    }

    static RecordFields of(RawRecord raw) throws RecordProblem {
        if ("csv".equals(raw.format())) {
            if (CsvRecords.hasUnterminatedQuote(raw.payload())) {
                throw new RecordProblem(null, "malformed CSV row: a quoted field is not closed");
            }
            List<String> header = CsvRecords.parseFields(raw.header());
            List<String> values = CsvRecords.parseFields(raw.payload());
            if (values.size() != header.size()) {
                throw new RecordProblem(null, "malformed CSV row: " + values.size() + " fields where the header has " + header.size());
            }
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                fields.put(header.get(i).strip().toLowerCase(Locale.ROOT), values.get(i));
            }
            return new RecordFields(null, fields);
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw.payload());
        } catch (JsonProcessingException e) {
            throw new RecordProblem(null, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RecordProblem(null, "malformed record: expected a JSON object");
        }
        Map<String, JsonNode> fields = new HashMap<>();
        node.fields().forEachRemaining(entry -> fields.put(entry.getKey(), entry.getValue()));
        return new RecordFields(fields, null);
    }

    /** The field's text, or null when it is absent, null or empty. */
    String text(String field) throws RecordProblem {
        if (csvFields != null) {
            String value = csvFields.get(field);
            return value == null || value.isBlank() ? null : value.strip();
        }
        JsonNode value = jsonFields.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new RecordProblem(field, "expected a text value, got " + (value.isArray() ? "a list" : "an object"));
        }
        String text = value.asText();
        return text.isBlank() ? null : text.strip();
    }

    String required(String field) throws RecordProblem {
        String value = text(field);
        if (value == null) {
            throw new RecordProblem(field, "required field is missing or empty");
        }
        return value;
    }

    /** A list given as a JSON array of texts, or as comma-separated text (CSV, or a JSON string). */
    List<String> list(String field) throws RecordProblem {
        if (jsonFields != null && jsonFields.get(field) != null && jsonFields.get(field).isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : jsonFields.get(field)) {
                if (!item.isValueNode() || item.isNull()) {
                    throw new RecordProblem(field, "expected a list of texts");
                }
                if (!item.asText().isBlank()) {
                    items.add(item.asText().strip());
                }
            }
            return items;
        }
        String text = text(field);
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** An ISO-8601 timestamp that carries its offset; null when absent. A local time is refused: its instant is unknown. */
    Instant instant(String field) throws RecordProblem {
        String text = text(field);
        if (text == null) {
            return null;
        }
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + "T" + text.substring(11) : text;
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(iso);
                throw new RecordProblem(field, "timestamp '" + text + "' has no UTC offset; write it as 2026-03-02T12:00:00Z or with +01:00");
            } catch (DateTimeParseException notLocalEither) {
                throw new RecordProblem(field, "expected an ISO-8601 timestamp with offset, got '" + text + "'");
            }
        }
    }

    Instant requiredInstant(String field) throws RecordProblem {
        Instant value = instant(field);
        if (value == null) {
            throw new RecordProblem(field, "required field is missing or empty");
        }
        return value;
    }
}
