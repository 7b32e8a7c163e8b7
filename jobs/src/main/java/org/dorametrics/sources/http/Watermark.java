package org.dorametrics.sources.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How far an incremental endpoint has been read: the latest update time among the records fetched so far (the
 * server's clock, not ours), and the last fetch that completed. The next fetch asks from {@code updatedThrough} minus
 * the source's overlap, so that a record updated while the last fetch ran, or indexed late, is still seen.
 *
 * @param updatedThrough ISO-8601 instant; null when no record was seen yet
 * @param lastFetch the folder name of the last complete fetch
 * @param lastFull the folder name of the last complete full fetch, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Watermark(
        @JsonProperty("updated_through") String updatedThrough,
        @JsonProperty("last_fetch") String lastFetch,
        @JsonProperty("last_full_fetch") String lastFull) {}
