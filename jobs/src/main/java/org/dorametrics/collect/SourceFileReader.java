package org.dorametrics.collect;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dorametrics.collect.CsvRecords.CsvRecord;
import org.dorametrics.config.DoraConfig.FileFormat;
import org.dorametrics.config.DoraConfig.FileSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.normalize.RecordParsers;

/** Reads a deployment or incident file into raw records, one per JSONL line or CSV row, text kept as written. */
public final class SourceFileReader {
    private SourceFileReader() {}

    public static List<RawRecord> read(FileSource source, Instant ingestTime) {
        String content;
        try {
            byte[] bytes = Files.readAllBytes(source.file());
            content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw DoraException.sourceUnreachable(source.name(), "file " + source.file() + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw DoraException.sourceUnreachable(source.name(), "cannot read file " + source.file() + " (" + e + ")", e);
        }
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        String ingested = ingestTime.toString();
        List<RawRecord> records = new ArrayList<>();
        if (source.format() == FileFormat.JSONL) {
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
                if (!line.isBlank()) {
                    records.add(withId(new RawRecord(source.name(), null, (long) i + 1, ingested, "jsonl", null, line)));
                }
            }
            return records;
        }
        List<CsvRecord> rows = CsvRecords.split(content);
        if (rows.isEmpty()) {
            return records;
        }
        String header = rows.get(0).text();
        for (CsvRecord row : rows.subList(1, rows.size())) {
            records.add(withId(new RawRecord(source.name(), null, row.line(), ingested, "csv", header, row.text())));
        }
        return records;
    }

    private static RawRecord withId(RawRecord record) {
        return new RawRecord(record.source(), RecordParsers.recordId(record), record.line(), record.ingestTime(),
                record.format(), record.header(), record.payload());
    }
}
