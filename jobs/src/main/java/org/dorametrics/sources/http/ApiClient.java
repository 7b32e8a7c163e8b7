package org.dorametrics.sources.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.ProjectVersion;
import org.dorametrics.job.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A REST API over the JDK's HttpClient, for the vendor its {@link ApiDialect} describes: one GET at a time (GitHub and
 * GitLab ask integrators not to call concurrently), authenticated by the dialect's headers, conditional on an ETag when
 * one is known. It waits out quotas that are used up (until the reset the dialect reads from the headers) and rate
 * limits (403/429 with {@code retry-after}, or at least a minute, growing), up to a cap; it retries timeouts, connection
 * failures, 5xx and truncated JSON with exponential backoff; then it fails with exit 3. Every message it writes is free
 * of the credentials.
 */
public final class ApiClient {
    private static final Logger LOG = LoggerFactory.getLogger(ApiClient.class);
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"([^\"]*)\"");
    /** Headers every vendor's pages keep: what explains the response later. */
    private static final List<String> COMMON_HEADERS = List.of("date", "content-type", "etag", "last-modified", "link", "retry-after");
    private static final ObjectMapper STRICT_JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * How patient the client is.
     *
     * @param maxAttempts attempts per request, rate-limit waits included
     * @param firstBackoff the wait after the first failed attempt; it doubles after each further one
     * @param secondaryRateLimitWait the wait after a secondary rate limit without retry-after; it doubles too
     * @param maxWait the longest single wait; a rate limit that resets later fails the source instead
     * @param requestTimeout how long one request may take
     */
    public record Patience(int maxAttempts, Duration firstBackoff, Duration secondaryRateLimitWait, Duration maxWait, Duration requestTimeout) {
        public static final Patience DEFAULT = new Patience(5, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(15),
                Duration.ofSeconds(60));
    }

    /** One answer: 200 with its body, or 304 Not Modified (no body). */
    public record Response(String url, int status, String body, Map<String, String> headers, Instant fetchedAt) {
        public boolean notModified() {
            return status == 304;
        }

        public String etag() {
            return headers.get("etag");
        }

        /** The URL of the next page (Link rel="next"), or null on the last page. */
        public String next() {
            String link = headers.get("link");
            if (link == null) {
                return null;
            }
            Matcher matcher = LINK.matcher(link);
            while (matcher.find()) {
                if (List.of(matcher.group(2).trim().split("\\s+")).contains("next")) {
                    return matcher.group(1);
                }
            }
            return null;
        }
    }

    private final String sourceName;
    private final URI baseUrl;
    private final ApiDialect dialect;
    private final Patience patience;
    private final HttpClient http;
    /** Set when a response said the primary rate limit is used up: no request goes out before it. */
    private Instant rateLimitedUntil;
    private Duration waited = Duration.ZERO;

    public ApiClient(String sourceName, URI baseUrl, ApiDialect dialect, Patience patience) {
        this.sourceName = sourceName;
        this.baseUrl = baseUrl;
        this.dialect = dialect;
        this.patience = patience;
        // Redirects are not followed: the JDK would resend the Authorization header to wherever Location points.
        this.http = HttpClient.newBuilder()
                .connectTimeout(patience.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** An API URL from a path such as {@code /repos/acme/payments/deployments?per_page=100}. */
    public String url(String pathAndQuery) {
        return baseUrl + pathAndQuery;
    }

    /** Time spent waiting for rate limits so far. */
    public Duration waited() {
        return waited;
    }

    /** Logs the time spent waiting for rate limits, if any: it explains a slow collect. */
    public void warnIfWaited() {
        if (!waited.isZero()) {
            LOG.warn("{}: waited {} s for {} rate limits", sourceName, waited.toSeconds(), dialect.vendor());
        }
    }

    /**
     * GETs one page, retrying what can be retried.
     *
     * @param etag the ETag of the stored copy, sent as If-None-Match, or null
     * @throws DoraException exit 3 when the request fails for good
     */
    public Response get(String url, String etag) {
        return send("GET", url, etag, null);
    }

    /**
     * POSTs a JSON body (such as a request for a GitHub App installation token) with the same retries; a 200 or 201
     * answer is returned.
     *
     * @throws DoraException exit 3 when the request fails for good
     */
    public Response post(String url, String jsonBody) {
        return send("POST", url, null, jsonBody);
    }

    private Response send(String method, String url, String etag, String jsonBody) {
        requireSameOrigin(url);
        String problem = "no attempt made";
        Duration backoff = patience.firstBackoff();
        Duration secondaryWait = patience.secondaryRateLimitWait();
        for (int attempt = 1; attempt <= patience.maxAttempts(); attempt++) {
            waitForPrimaryRateLimit(url);
            boolean last = attempt == patience.maxAttempts();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request(method, url, etag, jsonBody), HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpTimeoutException e) {
                problem = "no answer within " + patience.requestTimeout().toSeconds() + " s";
                backoff = backOff(url, problem, backoff, last);
                continue;
            } catch (IOException e) {
                problem = "connection failed (" + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + clean(e.getMessage()) : "") + ")";
                backoff = backOff(url, problem, backoff, last);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(method, url, "interrupted");
            }
            Map<String, String> headers = keptHeaders(response.headers());
            Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            noteRateLimit(headers);
            int status = response.statusCode();
            String body = new String(response.body(), StandardCharsets.UTF_8);
            LOG.debug("{}: {} {} -> {}", sourceName, method, Redaction.redact(url), status);
            if (status == 304) {
                return new Response(url, status, null, headers, receivedAt);
            }
            if (status == 200 || status == 201 && method.equals("POST")) {
                if (isCompleteJson(body)) {
                    return new Response(url, status, body, headers, receivedAt);
                }
                problem = "the body is not complete JSON (" + body.length() + " characters: truncated?)";
                backoff = backOff(url, problem, backoff, last);
                continue;
            }
            if (status == 403 || status == 429) {
                String retryAfter = headers.get("retry-after");
                if (retryAfter != null && retryAfter.strip().matches("\\d+")) {
                    problem = "rate limit (HTTP " + status + ", retry-after " + retryAfter.strip() + " s)";
                    pause(url, Duration.ofSeconds(Long.parseLong(retryAfter.strip())), problem);
                    continue;
                }
                if (rateLimitedUntil != null) {
                    problem = "quota used up (HTTP " + status + ")";
                    continue; // waited out before the next attempt
                }
                if (status == 429 || message(body).toLowerCase(Locale.ROOT).contains("rate limit")) {
                    problem = "rate limit (HTTP " + status + ")";
                    pause(url, secondaryWait, problem);
                    secondaryWait = secondaryWait.multipliedBy(2);
                    continue;
                }
            }
            if (status >= 500) {
                problem = "HTTP " + status;
                backoff = backOff(url, problem, backoff, last);
                continue;
            }
            throw failure(method, url, refusal(status, body, headers));
        }
        throw failure(method, url, problem + ", " + patience.maxAttempts() + " attempts");
    }

    private HttpRequest request(String method, String url, String etag, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(patience.requestTimeout())
                .header("User-Agent", "dora-metrics/" + ProjectVersion.get());
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)).header("Content-Type", "application/json");
        }
        dialect.requestHeaders().forEach(request::header);
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        return request.build();
    }

    /** Credentials go only to the configured API origin: a Link header pointing elsewhere is refused. */
    private void requireSameOrigin(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw failure(url, "not a valid URL");
        }
        if (!Objects.equals(uri.getScheme(), baseUrl.getScheme()) || !Objects.equals(uri.getHost(), baseUrl.getHost())
                || port(uri) != port(baseUrl)) {
            throw failure(url, "points outside " + baseUrl + "; the token is only sent to the configured base_url");
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private void noteRateLimit(Map<String, String> headers) {
        // One second past the reset: the headers have whole seconds, and an early retry is refused again.
        dialect.quotaUsedUpUntil(headers).ifPresent(reset -> rateLimitedUntil = reset.plusSeconds(1));
    }

    private void waitForPrimaryRateLimit(String url) {
        if (rateLimitedUntil == null) {
            return;
        }
        Duration wait = Duration.between(Instant.now(), rateLimitedUntil);
        // Kept when the wait is too long, so that the source's other requests fail at once instead of asking again.
        pause(url, wait, "primary rate limit used up until " + rateLimitedUntil.truncatedTo(ChronoUnit.SECONDS));
        rateLimitedUntil = null;
    }

    private Duration backOff(String url, String problem, Duration backoff, boolean last) {
        if (!last) {
            LOG.warn("{}: GET {}: {}; retrying in {} ms", sourceName, Redaction.redact(url), problem, backoff.toMillis());
            sleep(url, backoff);
        }
        return backoff.multipliedBy(2);
    }

    /** Waits for a rate limit, or fails when the wait is longer than allowed; every wait is reported. */
    private void pause(String url, Duration wait, String why) {
        if (wait.isNegative() || wait.isZero()) {
            return;
        }
        if (wait.compareTo(patience.maxWait()) > 0) {
            throw failure(url, why + "; waiting " + wait.toSeconds() + " s is more than the " + patience.maxWait().toSeconds()
                    + " s allowed: run collect again after it");
        }
        LOG.warn("{}: {}; waiting {} ms", sourceName, why, wait.toMillis());
        sleep(url, wait);
        waited = waited.plus(wait);
    }

    private void sleep(String url, Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(url, "interrupted");
        }
    }

    private static boolean isCompleteJson(String body) {
        try {
            JsonNode node = STRICT_JSON.readTree(body);
            return node != null && !node.isMissingNode();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private String refusal(int status, String body, Map<String, String> headers) {
        String said = message(body);
        String reason = switch (status) {
            case 301, 302, 307, 308 -> "HTTP " + status + ": moved" + (headers.containsKey("location")
                    ? " to " + clean(headers.get("location")) : "") + "; " + dialect.refusal(status, headers);
            default -> "HTTP " + status + ": " + dialect.refusal(status, headers);
        };
        return said.isEmpty() ? reason : reason + " (" + dialect.vendor() + " says: " + said + ")";
    }

    /**
     * The {@code message} (GitHub, GitLab), {@code error} (GitLab, OAuth) or first of {@code errorMessages} (Jira) of an
     * error body, short and clean, or empty.
     */
    private String message(String body) {
        try {
            JsonNode node = STRICT_JSON.readTree(body);
            JsonNode said = node == null ? null : node.path("message").isTextual() ? node.get("message")
                    : node.path("errorMessages").path(0).isTextual() ? node.get("errorMessages").get(0) : node.path("error");
            String text = said != null && said.isTextual() ? said.asText() : "";
            return clean(text.length() > 200 ? text.substring(0, 200) + "…" : text);
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    private String clean(String text) {
        return dialect.scrub(Redaction.redact(text));
    }

    /** The headers kept with a page: never cookies, never anything about credentials. */
    private Map<String, String> keptHeaders(HttpHeaders headers) {
        Map<String, String> kept = new TreeMap<>();
        for (String name : Stream.concat(COMMON_HEADERS.stream(), dialect.keptHeaders().stream()).toList()) {
            headers.firstValue(name).ifPresent(value -> kept.put(name, value));
        }
        headers.firstValue("location").ifPresent(value -> kept.put("location", Redaction.redact(value)));
        return kept;
    }

    private DoraException failure(String url, String problem) {
        return failure("GET", url, problem);
    }

    private DoraException failure(String method, String url, String problem) {
        return new DoraException(ExitCode.SOURCE_UNREACHABLE,
                "source " + sourceName + ": " + method + " " + clean(url) + " failed: " + problem);
    }
}
