package org.dorametrics.sources.pagerduty;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiDialect;

/**
 * PagerDuty REST API v2: {@code Authorization: Token token=…}, the version 2 media type, the {@code ratelimit-*} headers
 * (remaining requests and seconds until the limit resets), and refusals explained in PagerDuty's terms.
 */
final class PagerDutyDialect implements ApiDialect {
    static final String ACCEPT = "application/vnd.pagerduty+json;version=2";

    private final Secret key;

    PagerDutyDialect(Secret key) {
        this.key = key;
    }

    @Override
    public String vendor() {
        return "PagerDuty";
    }

    @Override
    public Map<String, String> requestHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", ACCEPT);
        headers.put("Authorization", "Token token=" + key.reveal());
        return headers;
    }

    @Override
    public List<String> keptHeaders() {
        return List.of("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "x-request-id");
    }

    /** {@code ratelimit-reset} is in seconds from now, not an instant: the reset is counted from when the answer came. */
    @Override
    public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
        String remaining = headers.get("ratelimit-remaining");
        String reset = headers.get("ratelimit-reset");
        if (remaining != null && remaining.strip().equals("0") && reset != null && reset.strip().matches("\\d+")) {
            return Optional.of(Instant.now().plusSeconds(Long.parseLong(reset.strip())));
        }
        return Optional.empty();
    }

    @Override
    public String refusal(int status, Map<String, String> headers) {
        return switch (status) {
            case 400 -> "PagerDuty refused the request's parameters";
            case 401 -> "PagerDuty refused the API key (revoked, mistyped, or from the other service region?)";
            case 403 -> "the API key may not read this; use a read-only REST API key of the account, or a user key whose user sees"
                    + " the service";
            case 404 -> "no such service or incident, or the API key cannot see it";
            case 301, 302, 307, 308 -> "check base_url (https://api.pagerduty.com, or https://api.eu.pagerduty.com for the EU region)";
            default -> "refused";
        };
    }

    @Override
    public String scrub(String text) {
        return key.scrub(text);
    }
}
