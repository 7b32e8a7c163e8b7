package org.dorametrics.sources.opsgenie;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;

/** A {@link FakeApiServer} that answers like Opsgenie's REST API, with payloads from src/test/resources/opsgenie. */
final class FakeOpsgenie {
    static final String KEY = "test-key-for-the-local-server-only-og-8d2b";
    private static final FakeApiServer.Vendor OPSGENIE = new FakeApiServer.Vendor("Authorization", "GenieKey " + KEY,
            "{\"message\":\"Could not authenticate\",\"took\":0.0,\"requestId\":\"0f1e2d3c-401\"}",
            "{\"message\":\"Not Found\",\"took\":0.0,\"requestId\":\"0f1e2d3c-404\"}",
            () -> Map.of("X-RateLimit-State", "OK"));
    static final ApiClient.Patience QUICK = new ApiClient.Patience(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    static final Instant RUN = Instant.parse("2026-03-08T00:00:00Z");
    static final String SVC = "6f0b3c1e-2a4d-4b8e-9c57-0d1e2f3a4b5c";
    static final String QUERY = "priority%3A%20%28P1%20OR%20P2%20OR%20P3%20OR%20P4%20OR%20P5%29";
    static final String INCIDENTS = "/v1/incidents?query=" + QUERY + "&offset=0&limit=3&sort=createdAt&order=desc";
    static final String INCIDENTS_2 = INCIDENTS.replace("offset=0", "offset=3");
    static final String INCIDENTS_3 = INCIDENTS.replace("offset=0", "offset=4");
    static final String ALERTS = "/v2/alerts?offset=0&limit=3&sort=createdAt&order=desc";

    private FakeOpsgenie() {}

    static FakeApiServer start() throws IOException {
        return FakeApiServer.start(OPSGENIE);
    }

    static FakeApiServer.Reply json(String name) {
        return FakeApiServer.json("opsgenie/" + name);
    }

    static String resource(String name) {
        return FakeApiServer.resource("opsgenie/" + name);
    }

    /** An organisation with two teams and one Opsgenie source of the given kind, read from YAML as a user writes it. */
    static DoraConfig config(Path folder, String baseUrl, String kind, String query) throws IOException {
        return ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(folder.resolve("dora.yaml"), """
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}, {name: payments-worker, repo: payments}]
                teams: [{name: payments, services: [payments-api]}, {name: platform, services: [payments-worker]}]
                sources:
                  opsgenie:
                    - base_url: %s
                      token_env: OPSGENIE_API_KEY
                      kind: %s
                      query: "%s"
                      services: {%s: payments-api, checkout: payments-worker}
                      teams: {Payments: payments}
                      priority_severity: {P1: sev1, P2: sev2}
                      lookback: 10d
                      page_size: 3
                """.formatted(baseUrl, kind, query, SVC)));
    }

    static OpsgenieCollector collector(OpsgenieSource source, OutputLocation output, Instant runAt, boolean full, String key) {
        return new OpsgenieCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(), new OpsgenieDialect(Secret.of(key)),
                QUICK), runAt, full);
    }
}
