package org.dorametrics.sources.gitlab;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiDialect;

/**
 * GitLab REST API v4: the token in {@code PRIVATE-TOKEN} (personal, project and group access tokens all take it; OAuth
 * tokens would need {@code Authorization: Bearer}, which is not supported), the {@code RateLimit-*} quota, and refusals
 * explained in GitLab's terms.
 */
final class GitLabDialect implements ApiDialect {
    private final Secret token;

    GitLabDialect(Secret token) {
        this.token = token;
    }

    @Override
    public String vendor() {
        return "GitLab";
    }

    @Override
    public Map<String, String> requestHeaders() {
        return Map.of("Accept", "application/json", "PRIVATE-TOKEN", token.reveal());
    }

    @Override
    public List<String> keptHeaders() {
        return List.of("x-request-id", "x-gitlab-meta", "ratelimit-limit", "ratelimit-observed", "ratelimit-remaining", "ratelimit-reset",
                "ratelimit-name", "x-page", "x-per-page", "x-next-page", "x-total", "x-total-pages");
    }

    /** {@code RateLimit-Remaining: 0} with {@code RateLimit-Reset} in epoch seconds. */
    @Override
    public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
        return ApiDialect.quotaUsedUpUntil(headers, "ratelimit-remaining", "ratelimit-reset");
    }

    @Override
    public String refusal(int status, Map<String, String> headers) {
        return switch (status) {
            case 401 -> "GitLab refused the token (expired, revoked or mistyped?)";
            case 403 -> "the token may not read this; it needs the read_api scope and at least the Reporter role on the project";
            case 404 -> "no such project, or the token cannot see it (a private or internal project needs a member's token)";
            case 301, 302, 307, 308 -> "check base_url (it ends in /api/v4) and projects[].gitlab";
            default -> "refused";
        };
    }

    @Override
    public String scrub(String text) {
        return token.scrub(text);
    }
}
