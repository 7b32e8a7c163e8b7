package org.dorametrics.sources.jira;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;

/**
 * A {@link FakeApiServer} that answers like Jira Cloud (Basic email:token) or Data Center (Bearer personal access token),
 * with the payloads of src/test/resources/jira, and the configs that read them.
 */
final class FakeJira {
    static final String EMAIL = "sre-bot@acme.example";
    static final String TOKEN = "test-jira-token-for-the-local-server-only-4b1e";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((EMAIL + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
    /** The fields the Cloud config asks for: ours, the affected service (named in the config, found by its name) and the deployment. */
    static final List<String> CLOUD_FIELDS = fields("customfield_10042", "customfield_10043");
    static final String CLOUD_ZONE = "Europe/Berlin";
    static final String OPS_3_CHANGELOG_1 = "/rest/api/3/issue/OPS-3/changelog?startAt=0&maxResults=100";
    static final String OPS_3_CHANGELOG_2 = "/rest/api/3/issue/OPS-3/changelog?startAt=2&maxResults=100";
    private static final String UNAUTHORIZED = "{\"errorMessages\":[\"You are not authenticated. Authentication required to perform this"
            + " operation.\"],\"errors\":{}}";
    private static final String NOT_FOUND = "{\"errorMessages\":[\"The requested resource could not be found.\"],\"errors\":{}}";

    private FakeJira() {}

    static FakeApiServer startCloud() throws IOException {
        return FakeApiServer.start(new FakeApiServer.Vendor("Authorization", BASIC, UNAUTHORIZED, NOT_FOUND, Map::of));
    }

    static FakeApiServer startDataCenter() throws IOException {
        return FakeApiServer.start(new FakeApiServer.Vendor("Authorization", "Bearer " + TOKEN, UNAUTHORIZED, NOT_FOUND, Map::of));
    }

    /** A 200 whose body is the payload {@code src/test/resources/jira/<name>}. */
    static FakeApiServer.Reply json(String name) {
        return FakeApiServer.json("jira/" + name);
    }

    static String resource(String name) {
        return FakeApiServer.resource("jira/" + name);
    }

    static List<String> fields(String... more) {
        List<String> fields = new ArrayList<>(JiraCollector.FIELDS);
        fields.addAll(List.of(more));
        return fields;
    }

    /** The first search page of a first (or full) run. */
    static String firstSearch(JiraSource source, List<String> fields) {
        return JiraCollector.searchPath(source, null, null, fields);
    }

    /** The Cloud site: account, statuses, fields, two search pages (nextPageToken) and OPS-3's changelog in two pages (startAt). */
    static FakeApiServer serveCloud(FakeApiServer jira, JiraSource source) {
        String search = firstSearch(source, CLOUD_FIELDS);
        return jira.on("/rest/api/2/myself", json("cloud/myself.json"))
                .on("/rest/api/2/status", json("cloud/statuses.json"))
                .on("/rest/api/2/field", json("cloud/fields.json"))
                .on(search, json("cloud/search-1.json"))
                .on(search + "&nextPageToken=CAEaAggD", json("cloud/search-2.json"))
                .on(OPS_3_CHANGELOG_1, json("cloud/changelog-OPS-3-1.json"))
                .on(OPS_3_CHANGELOG_2, json("cloud/changelog-OPS-3-2.json"));
    }

    /** The Data Center site: account, statuses and two search pages (startAt/total). */
    static FakeApiServer serveDataCenter(FakeApiServer jira, JiraSource source) {
        String search = firstSearch(source, fields());
        return jira.on("/rest/api/2/myself", json("data-center/myself.json"))
                .on("/rest/api/2/status", json("data-center/statuses.json"))
                .on(search, json("data-center/search-1.json"))
                .on(search.replace("&startAt=0", "&startAt=2"), json("data-center/search-2.json"));
    }

    /** The Cloud source of the payloads: Chinese issue type and priority names, the service by field name. */
    static String cloudSource(String baseUrl) {
        return """
                    - base_url: %s
                      deployment: cloud
                      email: sre-bot@acme.example
                      token_env: JIRA_TOKEN
                      projects: [OPS]
                      incident_types: [事件]
                      bug_types: ["10004"]
                      bug_priorities: [最高]
                      service: {from: Affected service, map: {支付: payments-api, Payments: payments-api}}
                      deployment_field: customfield_10043
                      severity: {"1": sev1, 高: sev2}
                      page_size: 3
                """.formatted(baseUrl);
    }

    static String dataCenterSource(String baseUrl) {
        return """
                    - name: dc
                      base_url: %s
                      deployment: data_center
                      token_env: JIRA_TOKEN
                      projects: [INC]
                      service: {map: {Payments: payments-api}}
                      page_size: 2
                """.formatted(baseUrl);
    }

    /** A config with one service, payments-api, and the given sources.jira entries. */
    static DoraConfig config(Path folder, String jiraSources) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  jira:
                %s
                """.formatted(jiraSources));
        return ConfigLoader.withEnvironment(Map.of("JIRA_TOKEN", TOKEN)).read(file);
    }

    /** A collector of the fake server that gives up quickly. */
    static JiraCollector collector(JiraSource source, OutputLocation output, boolean full) {
        return collector(source, output, TOKEN, full);
    }

    static JiraCollector collector(JiraSource source, OutputLocation output, String token, boolean full) {
        return collector(source, output, token, full, Instant.now());
    }

    /** @param runStartedAt names the run's search fetch: two runs need two instants */
    static JiraCollector collector(JiraSource source, OutputLocation output, String token, boolean full, Instant runStartedAt) {
        ApiClient client = new ApiClient(source.sourceName(), URI.create(source.baseUrl().toString()),
                new JiraDialect(source.deployment(), source.email(), Secret.of(token)),
                new ApiClient.Patience(3, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(2)));
        return new JiraCollector(source, output, client, runStartedAt, full);
    }
}
