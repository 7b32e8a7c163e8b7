package org.dorametrics.sources.jira;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.config.DoraConfig.JiraDeployment;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiDialect;

/**
 * Jira REST: Cloud signs in with the account's email and an API token (Basic), Data Center with a personal access
 * token (Bearer). Cloud answers a rate limit with 429 and {@code Retry-After}, which the client honours; its
 * {@code X-RateLimit-Reset} is an ISO timestamp.
 */
final class JiraDialect implements ApiDialect {
    private final Secret token;
    /** The whole Authorization value: Basic base64(email:token) holds the token in a form scrubbing must know too. */
    private final Secret authorization;

    JiraDialect(JiraDeployment deployment, String email, Secret token) {
        this.token = token;
        this.authorization = Secret.of(deployment == JiraDeployment.CLOUD
                ? "Basic " + Base64.getEncoder().encodeToString((email + ":" + token.reveal()).getBytes(StandardCharsets.UTF_8))
                : "Bearer " + token.reveal());
    }

    @Override
    public String vendor() {
        return "Jira";
    }

    @Override
    public Map<String, String> requestHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Authorization", authorization.reveal());
        return headers;
    }

    @Override
    public List<String> keptHeaders() {
        return List.of("x-arequestid", "atl-traceid", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                "ratelimit-reason", "x-seraph-loginreason");
    }

    @Override
    public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
        String remaining = headers.get("x-ratelimit-remaining");
        String reset = headers.get("x-ratelimit-reset");
        if (remaining == null || !remaining.strip().equals("0") || reset == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(reset.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty(); // the 429 that follows says how long to wait
        }
    }

    @Override
    public String refusal(int status, Map<String, String> headers) {
        return switch (status) {
            case 400 -> "Jira refused the request: check jql, and that the fields, issue types and priorities it names exist";
            case 401 -> "Jira refused the credentials (Cloud: the account's email and one of its API tokens; Data Center: a personal"
                    + " access token); expired, revoked or mistyped?";
            case 403 -> "the account may not read this: it needs the Browse projects permission on the projects the search reads";
            case 404 -> "not found: check base_url (Cloud: https://<site>.atlassian.net; Data Center: with its context path, such as"
                    + " https://example.com/jira) and deployment";
            case 301, 302, 307, 308 -> "check base_url";
            default -> "refused";
        };
    }

    @Override
    public String scrub(String text) {
        return token.scrub(authorization.scrub(text));
    }
}
