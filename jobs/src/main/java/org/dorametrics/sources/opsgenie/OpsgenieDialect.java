package org.dorametrics.sources.opsgenie;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiDialect;

/**
 * Opsgenie REST API: {@code Authorization: GenieKey …}, the {@code X-RateLimit-State} header (THROTTLED until the end
 * of its period), and refusals explained in Opsgenie's terms.
 */
final class OpsgenieDialect implements ApiDialect {
    /** Opsgenie's rate limit periods are a minute or shorter; when it does not say, a minute is waited. */
    private static final long DEFAULT_PERIOD_SECONDS = 60;

    private final Secret key;

    OpsgenieDialect(Secret key) {
        this.key = key;
    }

    @Override
    public String vendor() {
        return "Opsgenie";
    }

    @Override
    public Map<String, String> requestHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Authorization", "GenieKey " + key.reveal());
        return headers;
    }

    @Override
    public List<String> keptHeaders() {
        return List.of("x-request-id", "x-ratelimit-state", "x-ratelimit-period-in-sec", "x-response-time");
    }

    @Override
    public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
        if (!"THROTTLED".equalsIgnoreCase(headers.getOrDefault("x-ratelimit-state", "").strip())) {
            return Optional.empty();
        }
        String period = headers.getOrDefault("x-ratelimit-period-in-sec", "").strip();
        return Optional.of(Instant.now().plusSeconds(period.matches("\\d+") ? Long.parseLong(period) : DEFAULT_PERIOD_SECONDS));
    }

    @Override
    public String refusal(int status, Map<String, String> headers) {
        return switch (status) {
            case 401 -> "Opsgenie refused the API key (revoked, mistyped, or of the other region: EU accounts use"
                    + " https://api.eu.opsgenie.com)";
            case 403 -> "the API key may not read this; it needs Read access (an API integration's key, or an account API key with"
                    + " Read access)";
            case 404 -> "no such incident or alert, or the API key cannot see it";
            case 422 -> "Opsgenie refused the request; check the search query";
            case 301, 302, 307, 308 -> "check base_url (https://api.opsgenie.com, or https://api.eu.opsgenie.com)";
            default -> "refused";
        };
    }

    @Override
    public String scrub(String text) {
        return key.scrub(text);
    }
}
