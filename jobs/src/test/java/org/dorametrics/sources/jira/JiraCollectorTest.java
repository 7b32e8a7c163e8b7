package org.dorametrics.sources.jira;

import static org.dorametrics.sources.jira.FakeJira.json;
import static org.dorametrics.testing.FakeApiServer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collecting Jira into the raw zone from a real local server: Cloud's nextPageToken and Data Center's startAt pages, an
 * issue's whole changelog, the field found by name, incremental searches in the account's time zone, and failures.
 */
class JiraCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private FakeApiServer jira;

    @AfterEach
    void stop() {
        if (jira != null) {
            jira.close();
        }
    }

    private JiraSource cloud() throws IOException {
        jira = FakeJira.startCloud();
        JiraSource source = FakeJira.config(folder, FakeJira.cloudSource(jira.baseUrl())).sources().jira().get(0);
        FakeJira.serveCloud(jira, source);
        return source;
    }

    private JiraSource dataCenter() throws IOException {
        jira = FakeJira.startDataCenter();
        JiraSource source = FakeJira.config(folder, FakeJira.dataCenterSource(jira.baseUrl())).sources().jira().get(0);
        FakeJira.serveDataCenter(jira, source);
        return source;
    }

    private OutputLocation output() {
        return OutputLocation.open(folder.resolve("out").toString(), new Configuration());
    }

    private Path raw(String name) {
        return folder.resolve("out/raw/jira/" + name);
    }

    @Test
    void cloudSearchFollowsNextPageTokenAndStoresEachPageVerbatim() throws IOException {
        JiraSource source = cloud();
        FakeJira.collector(source, output(), false).collect((repo, sha) -> { throw new AssertionError("Jira deploys nothing"); });

        String search = FakeJira.firstSearch(source, FakeJira.CLOUD_FIELDS);
        assertEquals(List.of("/rest/api/2/myself", "/rest/api/2/status", "/rest/api/2/field", search, search + "&nextPageToken=CAEaAggD",
                FakeJira.OPS_3_CHANGELOG_1, FakeJira.OPS_3_CHANGELOG_2), jira.requests().stream().map(FakeApiServer.Request::target).toList(),
                "one whole changelog, OPS-3's: the search gave 1 of its 3 entries");
        assertTrue(jira.requests().stream().allMatch(r -> FakeJira.BASIC.equals(r.header("Authorization"))), "Basic email:token on Cloud");
        assertEquals("(project in (\"OPS\") AND (issuetype in (\"事件\") OR (issuetype in (\"10004\") AND priority in (\"最高\"))))"
                + " ORDER BY created ASC, key ASC", jql(search), "the default search, from the incident rules");
        assertTrue(search.contains("&fields=" + String.join("%2C", FakeJira.CLOUD_FIELDS) + "&"), "the service field asked by its id: " + search);

        List<Path> fetches = fetches(raw("jira/search/issues"));
        assertEquals(1, fetches.size());
        RawPage first = page(fetches.get(0).resolve("page-0001.json"));
        assertEquals(FakeJira.resource("cloud/search-1.json"), first.body());
        assertEquals(jira.baseUrl() + search + "&nextPageToken=CAEaAggD", first.next());
        RawPage second = page(fetches.get(0).resolve("page-0002.json"));
        assertEquals(FakeJira.resource("cloud/search-2.json"), second.body());
        assertEquals(null, second.next(), "isLast");
        assertEquals(FakeJira.resource("cloud/changelog-OPS-3-2.json"), page(raw("jira/changelog/OPS-3/page-0002.json")).body());
        assertEquals("2026-03-07T08:15:00Z", JSON.readTree(raw("jira/search/issues/_WATERMARK.json").toFile()).get("updated_through").asText(),
                "the latest update seen, OPS-6 at 09:15 in Berlin");
    }

    @Test
    void dataCenterSearchPagesByStartAtUntilTotal() throws IOException {
        JiraSource source = dataCenter();
        FakeJira.collector(source, output(), false).collect((repo, sha) -> { });

        String search = FakeJira.firstSearch(source, FakeJira.fields());
        assertTrue(search.startsWith("/rest/api/2/search?"), search);
        assertEquals(List.of("/rest/api/2/myself", "/rest/api/2/status", search, search.replace("&startAt=0", "&startAt=2")),
                jira.requests().stream().map(FakeApiServer.Request::target).toList(), "no field list: no field is named; no changelog is cut");
        assertTrue(jira.requests().stream().allMatch(r -> ("Bearer " + FakeJira.TOKEN).equals(r.header("Authorization"))));
        assertEquals("(project in (\"INC\") AND (issuetype in (\"Incident\") OR (issuetype in (\"Bug\") AND priority in (\"Highest\"))))"
                + " ORDER BY created ASC, key ASC", jql(search));
        List<Path> fetches = fetches(raw("dc/search/issues"));
        assertEquals(FakeJira.resource("data-center/search-2.json"), page(fetches.get(0).resolve("page-0002.json")).body());
    }

    @Test
    void aSecondRunAsksOnlySinceTheWatermarkInTheAccountsTimeZone() throws IOException {
        JiraSource source = cloud();
        OutputLocation output = output();
        FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-08T06:00:00Z")).collect((repo, sha) -> { });
        String since = JiraCollector.searchPath(source, Instant.parse("2026-03-06T08:15:00Z"), java.time.ZoneId.of(FakeJira.CLOUD_ZONE),
                FakeJira.CLOUD_FIELDS);
        jira.on(since, json("cloud/search-since.json"));

        FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-09T06:00:00Z")).collect((repo, sha) -> { });

        List<String> searches = jira.requests().stream().map(FakeApiServer.Request::target).filter(t -> t.contains("/search/jql?")).toList();
        assertEquals(3, searches.size(), searches.toString());
        assertEquals("(project in (\"OPS\") AND (issuetype in (\"事件\") OR (issuetype in (\"10004\") AND priority in (\"最高\"))))"
                + " AND updated >= \"2026/03/06 09:15\" ORDER BY created ASC, key ASC", jql(searches.get(2)),
                "the watermark (OPS-6, 08:15 UTC) minus a day's overlap, written in Berlin time as Jira reads it");
        assertEquals(2, jira.requests(FakeJira.OPS_3_CHANGELOG_1).size() + jira.requests(FakeJira.OPS_3_CHANGELOG_2).size(),
                "OPS-3 was not found again: its stored changelog stands");
        List<Path> fetches = fetches(raw("jira/search/issues"));
        assertEquals(List.of("fetch-20260308T060000.000Z", "fetch-20260309T060000.000Z"), fetches.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(FakeJira.resource("cloud/search-since.json"), page(fetches.get(1).resolve("page-0001.json")).body());
    }

    @Test
    void withoutTheAccountsTimeZoneTheSearchAsksFourteenHoursEarlierInUtc() throws IOException {
        JiraSource source = cloud();
        jira.on("/rest/api/2/myself", text(200, "{\"accountId\":\"5b10ac8d82e05b22cc7d4ef5\",\"displayName\":\"SRE bot\",\"active\":true}"));
        OutputLocation output = output();
        FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-08T06:00:00Z")).collect((repo, sha) -> { });
        jira.on(JiraCollector.searchPath(source, Instant.parse("2026-03-06T08:15:00Z"), null, FakeJira.CLOUD_FIELDS),
                json("cloud/search-since.json"));
        String log;
        try (LogCapture capture = new LogCapture()) {
            FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-09T06:00:00Z")).collect((repo, sha) -> { });
            log = capture.text();
        }
        String last = jira.requests().get(jira.requests().size() - 1).target();
        assertTrue(jql(last).endsWith(" AND updated >= \"2026/03/05 18:15\" ORDER BY created ASC, key ASC"), jql(last));
        assertTrue(log.contains("Jira gives no usable time zone for the account (none); searching from 14 h earlier, in UTC"), log);
    }

    @Test
    void fullRefreshSearchesEverythingAgainAndDropsTheEarlierFetches() throws IOException {
        JiraSource source = cloud();
        OutputLocation output = output();
        FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-08T06:00:00Z")).collect((repo, sha) -> { });
        FakeJira.collector(source, output, FakeJira.TOKEN, true, Instant.parse("2026-03-09T06:00:00Z")).collect((repo, sha) -> { });

        String search = FakeJira.firstSearch(source, FakeJira.CLOUD_FIELDS);
        assertEquals(2, jira.requests(search).size(), "--full asks without updated >=");
        assertEquals(List.of("fetch-20260309T060000.000Z"), fetches(raw("jira/search/issues")).stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void aRateLimitIsWaitedOutAsRetryAfterSays() throws IOException {
        JiraSource source = cloud();
        String search = FakeJira.firstSearch(source, FakeJira.CLOUD_FIELDS);
        jira.on(search, text(429, "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}").header("Retry-After", "1")
                .header("RateLimit-Reason", "jira-burst-based"), json("cloud/search-1.json"));
        String log;
        try (LogCapture capture = new LogCapture()) {
            FakeJira.collector(source, output(), false).collect((repo, sha) -> { });
            log = capture.text();
        }
        assertEquals(2, jira.requests(search).size());
        assertTrue(log.contains("rate limit (HTTP 429, retry-after 1 s)"), log);
        assertEquals(FakeJira.resource("cloud/search-1.json"), page(fetches(raw("jira/search/issues")).get(0).resolve("page-0001.json")).body());
    }

    @Test
    void serverErrorsAndTruncatedPagesAreRetried() throws IOException {
        JiraSource source = cloud();
        String search = FakeJira.firstSearch(source, FakeJira.CLOUD_FIELDS);
        jira.on(search, text(503, "<html>Service Unavailable</html>"), json("cloud/search-1.json").truncated(), json("cloud/search-1.json"));
        FakeJira.collector(source, output(), false).collect((repo, sha) -> { });
        assertEquals(3, jira.requests(search).size());
        assertEquals(FakeJira.resource("cloud/search-1.json"), page(fetches(raw("jira/search/issues")).get(0).resolve("page-0001.json")).body(),
                "the complete answer is stored, never the cut one");
    }

    @Test
    void aPageFailingMidSearchFailsTheSourceKeepingThePageBeforeAndTheWatermark() throws IOException {
        JiraSource source = cloud();
        String search = FakeJira.firstSearch(source, FakeJira.CLOUD_FIELDS);
        jira.on(search + "&nextPageToken=CAEaAggD", text(500, "{\"errorMessages\":[\"Internal server error\"],\"errors\":{}}"));

        DoraException error = assertThrows(DoraException.class, () -> FakeJira.collector(source, output(), false).collect((repo, sha) -> { }));

        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("HTTP 500, 3 attempts"), error.getMessage());
        assertTrue(error.getMessage().contains("pages stored before are kept"), error.getMessage());
        assertEquals(FakeJira.resource("cloud/search-1.json"), page(fetches(raw("jira/search/issues")).get(0).resolve("page-0001.json")).body());
        assertFalse(Files.exists(raw("jira/search/issues/_WATERMARK.json")), "the watermark moves only when a search completes");
    }

    @Test
    void aChangelogThatFailsIsAskedAgainByTheNextRun() throws IOException {
        JiraSource source = cloud();
        OutputLocation output = output();
        jira.on(FakeJira.OPS_3_CHANGELOG_2, text(502, "<html>Bad Gateway</html>"));

        DoraException error = assertThrows(DoraException.class,
                () -> FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-08T06:00:00Z")).collect((repo, sha) -> { }));

        assertTrue(error.getMessage().contains("HTTP 502, 3 attempts (OPS-3: its changelog as the search gave it is used"), error.getMessage());
        assertTrue(Files.exists(raw("jira/search/issues/_WATERMARK.json")), "the search itself completed");
        assertFalse(Files.exists(raw("jira/changelog/OPS-3")), "half a changelog is not kept");

        jira.on(FakeJira.OPS_3_CHANGELOG_2, json("cloud/changelog-OPS-3-2.json"));
        jira.on(JiraCollector.searchPath(source, Instant.parse("2026-03-06T08:15:00Z"), java.time.ZoneId.of(FakeJira.CLOUD_ZONE),
                FakeJira.CLOUD_FIELDS), json("cloud/search-since.json"));
        FakeJira.collector(source, output, FakeJira.TOKEN, false, Instant.parse("2026-03-09T06:00:00Z")).collect((repo, sha) -> { });

        assertEquals(FakeJira.resource("cloud/changelog-OPS-3-2.json"), page(raw("jira/changelog/OPS-3/page-0002.json")).body(),
                "OPS-3 was not updated, yet its changelog is asked for again");
    }

    @Test
    void refusedCredentialsFailTheSourceWithoutShowingThem() throws IOException {
        JiraSource source = cloud();
        String wrong = "wrong-jira-token-9c2d1e";
        DoraException error = assertThrows(DoraException.class,
                () -> FakeJira.collector(source, output(), wrong, false).collect((repo, sha) -> { }));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().contains("HTTP 401: Jira refused the credentials"), error.getMessage());
        assertTrue(error.getMessage().contains("Jira says: You are not authenticated"), error.getMessage());
        assertFalse(error.getMessage().contains(wrong), error.getMessage());
        assertEquals(1, jira.requests().size(), "a 401 is not retried");
    }

    @Test
    void aFieldNamedButNotOnTheSiteFailsTheSourceBeforeTheSearch() throws IOException {
        jira = FakeJira.startCloud();
        DoraConfig config = FakeJira.config(folder, FakeJira.cloudSource(jira.baseUrl()).replace("from: Affected service", "from: Root cause service"));
        JiraSource source = config.sources().jira().get(0);
        FakeJira.serveCloud(jira, source);
        DoraException error = assertThrows(DoraException.class, () -> FakeJira.collector(source, output(), false).collect((repo, sha) -> { }));
        assertTrue(error.getMessage().contains("Jira lists no field named 'Root cause service' (4 fields listed); configure its id"), error.getMessage());
        assertTrue(jira.requests().stream().noneMatch(r -> r.target().contains("/search")));
    }

    private static String jql(String target) {
        String query = target.substring(target.indexOf('?') + 1);
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("jql=")) {
                return URLDecoder.decode(parameter.substring(4), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no jql in " + target);
    }

    private static List<Path> fetches(Path endpoint) throws IOException {
        try (Stream<Path> entries = Files.list(endpoint)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("fetch-")).sorted().toList();
        }
    }

    private static RawPage page(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RawPage.class);
    }
}
