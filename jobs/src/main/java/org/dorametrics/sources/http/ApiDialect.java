package org.dorametrics.sources.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What differs between the REST APIs {@link ApiClient} speaks to: credentials, headers, quotas and refusals. */
public interface ApiDialect {

    /** The vendor, as messages name it: {@code GitHub}. */
    String vendor();

    /** The headers every request carries, credentials included; asked for each request, so a token may be renewed. */
    Map<String, String> requestHeaders();

    /** The vendor's response headers kept with each page (lower case), besides date, type, ETag, Link and retry-after. */
    List<String> keptHeaders();

    /** When a response says the request quota is used up: the instant it resets. */
    Optional<Instant> quotaUsedUpUntil(Map<String, String> headers);

    /**
     * {@link #quotaUsedUpUntil} for headers that count the requests remaining and give the reset in epoch seconds
     * (GitHub's {@code x-ratelimit-*}, GitLab's {@code ratelimit-*}).
     */
    static Optional<Instant> quotaUsedUpUntil(Map<String, String> headers, String remainingHeader, String resetEpochSecondsHeader) {
        String remaining = headers.get(remainingHeader);
        String reset = headers.get(resetEpochSecondsHeader);
        if (remaining != null && remaining.strip().equals("0") && reset != null && reset.strip().matches("\\d+")) {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(reset.strip())));
        }
        return Optional.empty();
    }

    /** What a refusal that is not retried means and what to do about it (401, 403, 404, a redirect). */
    String refusal(int status, Map<String, String> headers);

    /** Removes the credentials from a text that came from elsewhere (an exception message), in case it was echoed. */
    String scrub(String text);
}
