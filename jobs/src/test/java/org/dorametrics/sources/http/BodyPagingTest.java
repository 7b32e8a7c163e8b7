package org.dorametrics.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.dorametrics.normalize.RecordProblem;
import org.junit.jupiter.api.Test;

/** Pagination in the body: the next page of offset and link pagination, and a page's records with their exact text. */
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
