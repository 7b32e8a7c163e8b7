package org.dorametrics.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Where the next page is when the body says it: an offset with a total or isLast, or a token. */
class PageFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URL = "https://jira.example/rest/api/2/search?jql=a%3Db&startAt=0&maxResults=50";

    private static JsonNode body(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void startAtMovesPastTheRecordsReturnedUntilTheTotal() throws Exception {
        PageFlow flow = PageFlow.startAt("issues");
        assertEquals("https://jira.example/rest/api/2/search?jql=a%3Db&maxResults=50&startAt=2",
                flow.next(URL, null, body("{\"startAt\": 0, \"maxResults\": 50, \"total\": 3, \"issues\": [{}, {}]}")),
                "the server gave 2 of the 50 asked for: the next page starts at 2");
        assertNull(flow.next(URL, null, body("{\"startAt\": 2, \"maxResults\": 50, \"total\": 3, \"issues\": [{}]}")));
        assertNull(flow.next(URL, null, body("{\"startAt\": 0, \"total\": 5, \"issues\": []}")), "an empty page ends it");
        assertEquals(2, flow.elements(body("{\"issues\": [{}, {}]}")).size());
    }

    @Test
    void isLastDecidesWhenTheBodyHasIt() throws Exception {
        PageFlow flow = PageFlow.startAt("values");
        assertEquals("https://jira.example/c?maxResults=2&startAt=2",
                flow.next("https://jira.example/c?startAt=0&maxResults=2", null, body("{\"startAt\": 0, \"isLast\": false, \"values\": [{}, {}]}")));
        assertNull(flow.next("https://jira.example/c?startAt=0&maxResults=2", null,
                body("{\"startAt\": 0, \"total\": 9, \"isLast\": true, \"values\": [{}, {}]}")));
    }

    @Test
    void nextPageTokenIsSentBackEncodedUntilIsLast() throws Exception {
        PageFlow flow = PageFlow.nextPageToken("issues");
        String first = "https://acme.atlassian.net/rest/api/3/search/jql?jql=a&maxResults=2";
        String second = flow.next(first, null, body("{\"issues\": [{}], \"nextPageToken\": \"Ab/c+d=\", \"isLast\": false}"));
        assertEquals(first + "&nextPageToken=Ab%2Fc%2Bd%3D", second);
        assertEquals(first + "&nextPageToken=xyz", flow.next(second, null, body("{\"issues\": [{}], \"nextPageToken\": \"xyz\"}")),
                "the token replaces the one before");
        assertNull(flow.next(second, null, body("{\"issues\": [{}], \"isLast\": true}")));
        assertNull(flow.next(second, null, body("{\"issues\": []}")), "no token, no next page");
    }

    @Test
    void theLinkHeaderFlowKeepsTheArrayAndTheHeader() throws Exception {
        assertEquals("https://x/next", PageFlow.LINK_HEADER.next("https://x/first", "https://x/next", body("[1, 2]")));
        assertEquals(2, PageFlow.LINK_HEADER.elements(body("[1, 2]")).size());
        assertEquals(0, PageFlow.LINK_HEADER.elements(body("{\"issues\": [1]}")).size());
    }
}
