package org.dorametrics.sources.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JenkinsSource;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;

/**
 * A {@link FakeApiServer} that answers like Jenkins' remote access API (HTTP Basic, no quota headers), with the
 * payloads of src/test/resources/jenkins; {@link #serve} scripts the jobs those payloads describe, three builds a page.
 */
final class FakeJenkins {
    static final String USER = "dora-bot";
    static final String TOKEN = "11a7e5b0c2d94f6e8a1b3c5d7e9f0a2b4c";
    private static final FakeApiServer.Vendor JENKINS = new FakeApiServer.Vendor("Authorization",
            "Basic " + Base64.getEncoder().encodeToString((USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)),
            "<html><head><title>Error 401 Unauthorized</title></head><body><h2>HTTP ERROR 401 Unauthorized</h2></body></html>",
            "<html><head><title>Error 404 Not Found</title></head><body><h2>HTTP ERROR 404 Not Found</h2></body></html>",
            Map::of);
    static final String LISTING = JenkinsPages.listingPath();
    static final String DEPLOY = "payments/deploy";
    static final String STOREFRONT = "storefront/main";
    /** Made-up commit ids for the payloads' placeholders when no real repository is behind them. */
    static final Map<String, String> SHAS = Map.of("c1", "c1".repeat(20), "d", "dd".repeat(20), "e", "ee".repeat(20),
            "w0", "a0".repeat(20), "w1", "a1".repeat(20), "w2", "a2".repeat(20), "w3", "a3".repeat(20));

    static final ApiClient.Patience QUICK = new ApiClient.Patience(4, Duration.ofMillis(20), Duration.ofMillis(300),
            Duration.ofSeconds(5), Duration.ofSeconds(2));

    private FakeJenkins() {}

    /** A collector of the fake server that gives up quickly; its fetches are named after {@code runStartedAt}. */
    static JenkinsCollector collector(DoraConfig config, OutputLocation output, Instant runStartedAt, boolean full, String token) {
        JenkinsSource source = config.sources().jenkins().get(0);
        ApiClient client = new ApiClient(source.sourceName(), URI.create(source.baseUrl().toString()),
                new JenkinsDialect(USER, Secret.of(token)), QUICK);
        return new JenkinsCollector(config, source, output, client, runStartedAt, full);
    }

    static FakeApiServer start() throws IOException {
        return FakeApiServer.start(JENKINS);
    }

    static FakeApiServer.Reply json(String name) {
        return FakeApiServer.json("jenkins/" + name);
    }

    static String builds(String job, int from, int to) {
        return JenkinsPages.buildsPath(job, from, to);
    }

    /** The job tree, payments/deploy (first collect), storefront/main with its stages, and broken. */
    static FakeApiServer serve(FakeApiServer jenkins, Map<String, String> shas) {
        shas.forEach(jenkins::set);
        jenkins.on(LISTING, json("jobs.json"));
        jenkins.on(builds(DEPLOY, 0, 3), json("payments-deploy-builds-1.json"));
        jenkins.on(builds(DEPLOY, 3, 6), json("payments-deploy-builds-2.json"));
        jenkins.on(builds(DEPLOY, 6, 9), json("payments-deploy-builds-3.json"));
        jenkins.on(builds(STOREFRONT, 0, 3), json("storefront-main-builds.json"));
        jenkins.on(builds(STOREFRONT, 3, 6), json("empty-builds.json"));
        for (int run = 1; run <= 3; run++) {
            jenkins.on(JenkinsPages.stagesPath(STOREFRONT, run), json("storefront-main-" + run + "-describe.json"));
        }
        jenkins.on(builds("broken", 0, 3), json("broken-builds.json"));
        jenkins.on(builds("broken", 3, 6), json("empty-builds.json"));
        return jenkins;
    }

    /** What the second collect of payments/deploy sees: two new builds, #7 finished. */
    static void nextRun(FakeApiServer jenkins) {
        jenkins.on(builds(DEPLOY, 0, 3), json("payments-deploy-builds-rerun-1.json"));
        jenkins.on(builds(DEPLOY, 3, 6), json("payments-deploy-builds-rerun-2.json"));
    }
}
