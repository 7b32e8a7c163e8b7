package org.dorametrics.sources.gitlab;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dorametrics.testing.FakeApiServer;

/** A {@link FakeApiServer} that answers like GitLab's REST API v4, with payloads from src/test/resources/gitlab. */
final class FakeGitLab {
    static final String TOKEN = "test-token-for-the-local-gitlab-only-4c1e";
    private static final FakeApiServer.Vendor GITLAB = new FakeApiServer.Vendor("PRIVATE-TOKEN", TOKEN,
            "{\"message\":\"401 Unauthorized\"}", "{\"message\":\"404 Project Not Found\"}", FakeGitLab::quota);

    private FakeGitLab() {}

    static FakeApiServer start() throws IOException {
        return FakeApiServer.start(GITLAB);
    }

    /** A 200 whose body is the payload {@code src/test/resources/gitlab/<name>}. */
    static FakeApiServer.Reply json(String name) {
        return FakeApiServer.json("gitlab/" + name);
    }

    static String resource(String name) {
        return FakeApiServer.resource("gitlab/" + name);
    }

    /** A minute's quota as GitLab.com sends it, barely used. */
    private static Map<String, String> quota() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", "2000");
        headers.put("RateLimit-Observed", "1");
        headers.put("RateLimit-Remaining", "1999");
        headers.put("RateLimit-Reset", String.valueOf(Instant.now().plusSeconds(60).getEpochSecond()));
        return headers;
    }
}
