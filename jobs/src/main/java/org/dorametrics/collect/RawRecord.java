package org.dorametrics.collect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One record as a source delivered it, with where it came from. The payload is the exact text received (a JSONL
 * line, or a CSV row with the file's header kept beside it), so normalization can be re-run without the source.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RawRecord(
        @JsonProperty("source") String source,
        @JsonProperty("record_id") String recordId,
        @JsonProperty("line") Long line,
        @JsonProperty("ingest_time") String ingestTime,
        @JsonProperty("format") String format,
        @JsonProperty("header") String header,
        @JsonProperty("payload") String payload) {}
