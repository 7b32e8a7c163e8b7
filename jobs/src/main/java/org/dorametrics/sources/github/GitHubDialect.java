package org.dorametrics.sources.github;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiDialect;

/** GitHub REST API v3: bearer token, version header, {@code x-ratelimit-*} quota, and refusals explained in GitHub's terms. */
final class GitHubDialect implements ApiDialect {
    static final String API_VERSION = "2022-11-28";

    private final Supplier<Secret> token;
    /** Every token sent so far (a GitHub App's are renewed): each is scrubbed from foreign texts. */
    private final Set<Secret> sent = new LinkedHashSet<>();

    GitHubDialect(Secret token) {
        this(() -> token);
        sent.add(token);
    }

    /** @param token the token to send, asked before each request: a GitHub App installation token renews itself */
    GitHubDialect(Supplier<Secret> token) {
        this.token = token;
    }

    @Override
    public String vendor() {
        return "GitHub";
    }

    @Override
    public Map<String, String> requestHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/vnd.github+json");
        Secret current = token.get();
        sent.add(current);
        headers.put("Authorization", "Bearer " + current.reveal());
        headers.put("X-GitHub-Api-Version", API_VERSION);
        return headers;
    }

    @Override
    public List<String> keptHeaders() {
        return List.of("x-github-request-id", "x-github-api-version-selected", "x-ratelimit-limit", "x-ratelimit-remaining",
                "x-ratelimit-reset", "x-ratelimit-used", "x-ratelimit-resource", "x-oauth-scopes", "x-accepted-oauth-scopes",
                "x-accepted-github-permissions");
    }

    @Override
    public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
        return ApiDialect.quotaUsedUpUntil(headers, "x-ratelimit-remaining", "x-ratelimit-reset");
    }

    @Override
    public String refusal(int status, Map<String, String> headers) {
        return switch (status) {
            case 401 -> "GitHub refused the token (expired, revoked or mistyped?)";
            case 403 -> "the token may not read this; it needs the repo scope, or fine-grained Deployments: read"
                    + " and Pull requests: read" + (headers.containsKey("x-accepted-github-permissions")
                    ? " (GitHub asks for " + headers.get("x-accepted-github-permissions") + ")" : "");
            case 404 -> "no such repository, or the token cannot see it";
            case 301, 302, 307, 308 -> "check repositories[].github";
            default -> "refused";
        };
    }

    @Override
    public String scrub(String text) {
        String scrubbed = text;
        for (Secret secret : sent) {
            scrubbed = secret.scrub(scrubbed);
        }
        return scrubbed;
    }
}
