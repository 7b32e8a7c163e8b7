package org.dorametrics.collect;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits RFC 4180 CSV text into records, keeping each record's first line number and its exact text, so that a
 * bad row can be reported by line and stored verbatim. Quoted fields may hold commas, quotes and line breaks.
 */
public final class CsvRecords {
    private CsvRecords() {}

    /** One record of the file: where it starts, its text as written (without the line break) and its fields. */
    public record CsvRecord(long line, String text, List<String> fields) {}

    public static List<CsvRecord> split(String content) {
        List<CsvRecord> records = new ArrayList<>();
        int length = content.length();
        int position = 0;
        long line = 1;
        while (position < length) {
            int start = position;
            long startLine = line;
            boolean quoted = false;
            while (position < length) {
                char c = content.charAt(position);
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\n') {
                    if (!quoted) {
                        break;
                    }
                    line++;
                }
                position++;
            }
            String text = content.substring(start, position);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            position++;
            line++;
            if (!text.isBlank()) {
                records.add(new CsvRecord(startLine, text, parseFields(text)));
            }
        }
        return records;
    }

    /** The fields of one record; an unterminated quote keeps the rest of the text in the last field. */
    public static List<String> parseFields(String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    public static boolean hasUnterminatedQuote(String text) {
        return text.chars().filter(c -> c == '"').count() % 2 == 1;
    }
}
