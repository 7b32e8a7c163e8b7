package org.dorametrics.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dorametrics.normalize.RecordProblem;
import org.junit.jupiter.api.Test;

/** Reading stored pages: the latest copy of each record over an endpoint's fetches, and what cannot be read. */
class ApiJsonTest {
    private static final List<String> FIELDS = List.of("incidents", "incident");

    @Test
    void aLaterCopyReplacesAnEarlierOneAndWhatCannotBeReadIsReportedWithItsText() {
        List<String> reported = new ArrayList<>();
        ApiJson.Unreadable unreadable = new ApiJson.Unreadable() {
            @Override
            public void page(RawPage page, RecordProblem problem) {
                reported.add(problem.getMessage() + " | " + page.body());
            }

            @Override
            public void record(ApiJson.Element element, RecordProblem problem) {
                reported.add(problem.field() + ": " + problem.getMessage() + " | " + element.text());
            }
        };
        List<RawPage> fetches = List.of(
                page("https://api.example.com/incidents?offset=0", "{\"incidents\":[{\"id\":\"A\",\"v\":1},{\"id\":\"B\",\"v\":1},{\"v\":9}]}"),
                page("https://api.example.com/incidents?offset=2", "[1, 2]"),
                page("https://api.example.com/incidents/A", "{\"incident\": {\"id\":\"A\",\"v\":2}}"));

        Map<String, ApiJson.Element> latest = ApiJson.latestCopies(fetches, FIELDS, record -> ApiJson.requiredText(record, "id"), unreadable);

        assertEquals("B={\"id\":\"B\",\"v\":1}, A={\"id\":\"A\",\"v\":2}",
                latest.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().text()).collect(Collectors.joining(", ")),
                "the later copy wins and moves to the end");
        assertEquals(List.of("id: required field is missing or empty | {\"v\":9}",
                "page https://api.example.com/incidents?offset=2: expected a JSON object, got '[1, 2]' | [1, 2]"), reported);
    }

    private static RawPage page(String url, String body) {
        return new RawPage(url, 200, "2026-03-01T00:00:00Z", null, null, null, Map.of(), body);
    }
}
