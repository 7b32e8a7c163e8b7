package org.dorametrics.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.dorametrics.normalize.RecordProblem;
import org.junit.jupiter.api.Test;

/** Pagination in the body: the next page of offset, link, startAt and token pagination, and a page's records with their exact text. */
class BodyPagingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void offsetPaginationMovesTheOffsetOnByTheBodysLimitWhileMoreIsTrue() throws Exception {
        BodyPaging paging = BodyPaging.offset(10_000, "incidents");
        String url = "https://api.pagerduty.com/incidents?limit=25&offset=0&sort_by=created_at%3Aasc";
        assertEquals("https://api.pagerduty.com/incidents?limit=25&offset=25&sort_by=created_at%3Aasc",
                paging.next(url, JSON.readTree("{\"incidents\":[],\"offset\":0,\"limit\":25,\"more\":true}")));
        assertEquals("https://api.pagerduty.com/log_entries?is_overview=true&offset=100",
                paging.next("https://api.pagerduty.com/log_entries?is_overview=true", JSON.readTree("{\"offset\":0,\"limit\":100,\"more\":true}")),
                "a URL without offset gets one");
        assertNull(paging.next(url, JSON.readTree("{\"incidents\":[],\"offset\":0,\"limit\":25,\"more\":false}")));
        assertNull(paging.next(url, JSON.readTree("{\"incidents\":[],\"offset\":0,\"limit\":0,\"more\":true}")), "no limit: no way on");
        assertThrows(BodyPaging.TooDeep.class, () -> paging.next(url, JSON.readTree("{\"offset\":9900,\"limit\":100,\"more\":true}")));
    }

    @Test
    void linkPaginationTakesTheNextUrlFromTheBody() throws Exception {
        BodyPaging paging = BodyPaging.nextUrlAt("/paging/next", "data");
        assertEquals("https://api.opsgenie.com/v1/incidents?offset=20", paging.next("https://api.opsgenie.com/v1/incidents",
                JSON.readTree("{\"data\":[],\"paging\":{\"next\":\"https://api.opsgenie.com/v1/incidents?offset=20\"}}")));
        assertNull(paging.next("u", JSON.readTree("{\"data\":[],\"paging\":{\"first\":\"f\"}}")));
        assertNull(paging.next("u", JSON.readTree("{\"data\":[],\"paging\":{\"next\":\"\"}}")));
    }

    @Test
    void startAtMovesPastTheRecordsReturnedUntilTheTotal() throws Exception {
        BodyPaging paging = BodyPaging.startAt("issues");
        String url = "https://jira.example/rest/api/2/search?jql=a%3Db&startAt=0&maxResults=50";
        assertEquals("https://jira.example/rest/api/2/search?jql=a%3Db&startAt=2&maxResults=50",
                paging.next(url, JSON.readTree("{\"startAt\": 0, \"maxResults\": 50, \"total\": 3, \"issues\": [{}, {}]}")),
                "the server gave 2 of the 50 asked for: the next page starts at 2");
        assertNull(paging.next(url, JSON.readTree("{\"startAt\": 2, \"maxResults\": 50, \"total\": 3, \"issues\": [{}]}")));
        assertNull(paging.next(url, JSON.readTree("{\"startAt\": 0, \"total\": 5, \"issues\": []}")), "an empty page ends it");
        assertEquals(2, paging.records(JSON.readTree("{\"issues\": [{}, {}]}")).size());
    }

    @Test
    void startAtFollowsIsLastWhenTheBodyHasIt() throws Exception {
        BodyPaging paging = BodyPaging.startAt("values");
        assertEquals("https://jira.example/c?startAt=2&maxResults=2",
                paging.next("https://jira.example/c?startAt=0&maxResults=2", JSON.readTree("{\"startAt\": 0, \"isLast\": false, \"values\": [{}, {}]}")));
        assertNull(paging.next("https://jira.example/c?startAt=0&maxResults=2",
                JSON.readTree("{\"startAt\": 0, \"total\": 9, \"isLast\": true, \"values\": [{}, {}]}")));
    }

    @Test
    void nextPageTokenIsSentBackEncodedUntilIsLast() throws Exception {
        BodyPaging paging = BodyPaging.nextPageToken("issues");
        String first = "https://acme.atlassian.net/rest/api/3/search/jql?jql=a&maxResults=2";
        String second = paging.next(first, JSON.readTree("{\"issues\": [{}], \"nextPageToken\": \"Ab/c+d=\", \"isLast\": false}"));
        assertEquals(first + "&nextPageToken=Ab%2Fc%2Bd%3D", second);
        assertEquals(first + "&nextPageToken=xyz", paging.next(second, JSON.readTree("{\"issues\": [{}], \"nextPageToken\": \"xyz\"}")),
                "the token replaces the one before");
        assertNull(paging.next(second, JSON.readTree("{\"issues\": [{}], \"isLast\": true}")));
        assertNull(paging.next(second, JSON.readTree("{\"issues\": []}")), "no token, no next page");
    }

    @Test
    void recordsOfAListOrOfOneObjectKeepTheirExactText() throws Exception {
        String listing = "{\"took\": 0.1, \"data\": [ {\"id\": \"a\",  \"n\": [1, 2]}, {\"id\": \"b\"} ], \"paging\": {}}";
        List<ApiJson.Element> elements = ApiJson.elements(listing, List.of("data"));
        assertEquals(List.of("{\"id\": \"a\",  \"n\": [1, 2]}", "{\"id\": \"b\"}"), elements.stream().map(ApiJson.Element::text).toList());
        assertEquals(2, BodyPaging.nextUrlAt("/paging/next", "data").records(JSON.readTree(listing)).size());

        String single = "{\"incident\": {\"id\": \"PT4KHLK\"}}";
        assertEquals("{\"id\": \"PT4KHLK\"}", ApiJson.elements(single, List.of("incidents", "incident")).get(0).text());
        JsonNode one = JSON.readTree(single);
        assertEquals("PT4KHLK", BodyPaging.offset(10_000, "incidents", "incident").records(one).get(0).get("id").asText());

        assertEquals(List.of(), ApiJson.elements("{\"error\": {\"message\": \"x\"}}", List.of("data")), "no records field: no records");
        assertThrows(RecordProblem.class, () -> ApiJson.elements("[1, 2]", List.of("data")));
    }
}
