package org.dorametrics.sources.jenkins;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiDialect;

/**
 * Jenkins' remote access API ({@code /api/json}): HTTP Basic with a user and an API token (which needs no CSRF crumb,
 * and collect only GETs), no request quota, and refusals explained in Jenkins' permission terms.
 */
final class JenkinsDialect implements ApiDialect {
    private final String user;
    private final Secret token;

    JenkinsDialect(String user, Secret token) {
        this.user = user;
        this.token = token;
    }

    @Override
    public String vendor() {
        return "Jenkins";
    }

    @Override
    public Map<String, String> requestHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Authorization", "Basic " + basic());
        return headers;
    }

    private String basic() {
        return Base64.getEncoder().encodeToString((user + ":" + token.reveal()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> keptHeaders() {
        return List.of("x-jenkins", "x-hudson");
    }

    @Override
    public Optional<Instant> quotaUsedUpUntil(Map<String, String> headers) {
        return Optional.empty();
    }

    @Override
    public String refusal(int status, Map<String, String> headers) {
        return switch (status) {
            case 401 -> "Jenkins refused the user and API token (wrong user, or the token was revoked?)";
            case 403 -> "the user may not read this; it needs the Overall/Read and Job/Read permissions";
            case 404 -> "no such job, or the user cannot see it (Job/Read)";
            case 301, 302, 307, 308 -> "check base_url: Jenkins redirects to its own root URL (https, or a path such as /jenkins)";
            default -> "refused";
        };
    }

    @Override
    public String scrub(String text) {
        return text == null ? null : token.scrub(text).replace(basic(), "***");
    }
}
