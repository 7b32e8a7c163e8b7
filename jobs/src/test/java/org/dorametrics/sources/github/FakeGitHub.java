package org.dorametrics.sources.github;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dorametrics.testing.FakeApiServer;

/** A {@link FakeApiServer} that answers like GitHub's REST API, with payloads from src/test/resources/github. */
final class FakeGitHub {
    static final String TOKEN = "test-token-for-the-local-server-only-7f3a9c";
    private static final FakeApiServer.Vendor GITHUB = new FakeApiServer.Vendor("Authorization", "Bearer " + TOKEN,
            "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}",
            "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}",
            FakeGitHub::quota);

    private FakeGitHub() {}

    static FakeApiServer start() throws IOException {
        return FakeApiServer.start(GITHUB);
    }

    /** A 200 whose body is the payload {@code src/test/resources/github/<name>}. */
    static FakeApiServer.Reply json(String name) {
        return FakeApiServer.json("github/" + name);
    }

    static String resource(String name) {
        return FakeApiServer.resource("github/" + name);
    }

    /** An hour's quota, barely used. */
    private static Map<String, String> quota() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit", "5000");
        headers.put("x-ratelimit-remaining", "4999");
        headers.put("x-ratelimit-reset", String.valueOf(Instant.now().plusSeconds(3600).getEpochSecond()));
        headers.put("x-ratelimit-resource", "core");
        return headers;
    }
}
