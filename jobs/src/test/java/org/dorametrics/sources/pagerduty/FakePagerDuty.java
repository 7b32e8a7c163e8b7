package org.dorametrics.sources.pagerduty;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;

/** A {@link FakeApiServer} that answers like PagerDuty's REST API v2, with payloads from src/test/resources/pagerduty. */
final class FakePagerDuty {
    static final String KEY = "test-key-for-the-local-server-only-pd-4c1e";
    private static final FakeApiServer.Vendor PAGERDUTY = new FakeApiServer.Vendor("Authorization", "Token token=" + KEY,
            "{\"error\":{\"message\":\"Authentication Failed\",\"code\":2006,\"errors\":[]}}",
            "{\"error\":{\"message\":\"Not Found\",\"code\":2100}}",
            FakePagerDuty::quota);
    static final ApiClient.Patience QUICK = new ApiClient.Patience(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    /** The run the payloads are collected at: a week after they begin. */
    static final Instant RUN = Instant.parse("2026-03-08T00:00:00Z");
    /** The first listing of a run at {@link #RUN} with a 10 day lookback and page size 3, and its second page. */
    static final String FIRST = "/incidents?service_ids%5B%5D=PAY0001&since=2026-02-26T00%3A00%3A00Z&until=2026-03-08T00%3A00%3A00Z"
            + "&sort_by=created_at%3Aasc&limit=3&offset=0";
    static final String FIRST_PAGE_2 = FIRST.replace("offset=0", "offset=3");
    static final String LOG_ENTRIES_Q3 = "/incidents/Q3REFUND/log_entries?is_overview=true&limit=3";

    private FakePagerDuty() {}

    static FakeApiServer start() throws IOException {
        return FakeApiServer.start(PAGERDUTY);
    }

    static FakeApiServer.Reply json(String name) {
        return FakeApiServer.json("pagerduty/" + name);
    }

    static String resource(String name) {
        return FakeApiServer.resource("pagerduty/" + name);
    }

    /** Service PAY0001 of the payloads, as the first run at {@link #RUN} asks for it. */
    static FakeApiServer servePayments(FakeApiServer server) {
        server.on(FIRST, json("incidents-1.json"));
        server.on(FIRST_PAGE_2, json("incidents-2.json"));
        server.on(LOG_ENTRIES_Q3, json("log-entries-Q3REFUND.json"));
        return server;
    }

    static PagerDutySource source(String baseUrl, PagerDutyService... services) {
        return new PagerDutySource("pagerduty", URI.create(baseUrl), "PAGERDUTY_TOKEN", null, List.of(services), List.of("high", "low"),
                Map.of("P1", "sev1", "P2", "sev2"), Map.of("high", "sev3", "low", "sev4"), Duration.ofDays(10), Duration.ofDays(1), 3);
    }

    static PagerDutyService payments() {
        return new PagerDutyService("PAY0001", "payments-api");
    }

    static PagerDutyCollector collector(PagerDutySource source, OutputLocation output, Instant runAt, boolean full) {
        return new PagerDutyCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new PagerDutyDialect(Secret.of(KEY)), QUICK), runAt, full);
    }

    /** Requests to spare: PagerDuty's 960 a minute, barely used. */
    private static Map<String, String> quota() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ratelimit-limit", "960");
        headers.put("ratelimit-remaining", "959");
        headers.put("ratelimit-reset", "42");
        return headers;
    }
}
