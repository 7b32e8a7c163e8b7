package org.dorametrics.sources.jira;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.job.Redaction;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.ApiJson.Element;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;

/**
 * Where a Jira source's pages live in the raw zone, under {@code <output>/raw/jira/<name>/}: {@code search/issues/}
 * (incremental: a {@code fetch-<time>/} folder per run and {@code _WATERMARK.json}), {@code changelog/<issue key>/}
 * (an issue's whole changelog, when the search gave only part of it), and {@code reference/statuses/},
 * {@code reference/fields/} and {@code reference/myself/} (the account, for its time zone).
 */
final class JiraPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ISSUE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]*-\\d+");

    private JiraPages() {}

    static PageStore store(OutputLocation output, JiraSource source) {
        return new PageStore(output, source.sourceName(), output.raw("jira", RawZone.folderName(source.name())));
    }

    static Path search(PageStore store) {
        return store.folder("search", "issues");
    }

    static Path statuses(PageStore store) {
        return store.folder("reference", "statuses");
    }

    static Path fields(PageStore store) {
        return store.folder("reference", "fields");
    }

    static Path myself(PageStore store) {
        return store.folder("reference", "myself");
    }

    /** An issue key, such as OPS-12: it names a raw zone folder, so nothing else may. */
    static boolean isIssueKey(String text) {
        return ISSUE_KEY.matcher(text).matches();
    }

    /**
     * The elements of a page's list {@code field}, with their exact text. Jira always sends the list, if empty: a page
     * without it is a problem, not a page of no records.
     */
    static List<Element> list(String body, String field) throws RecordProblem {
        List<Element> elements = ApiJson.elements(body, List.of(field));
        try {
            if (elements.isEmpty() && !JSON.readTree(body).path(field).isArray()) {
                throw new RecordProblem(field, "the page has no list " + field);
            }
        } catch (JsonProcessingException e) {
            throw new RecordProblem(null, "malformed JSON page: " + e.getOriginalMessage());
        }
        return elements;
    }

    /** @param issueKey an issue key ({@link #isIssueKey}) */
    static Path changelog(PageStore store, String issueKey) {
        return store.folder("changelog", issueKey);
    }

    /**
     * Every issue the searches stored, once, in its latest copy (a later fetch, or a later page of the same fetch, wins),
     * by issue id in the order first seen. A page or issue that cannot be read goes to {@code unreadable} with its text.
     */
    static Map<String, Element> latestIssues(PageStore store, BiConsumer<RecordProblem, String> unreadable) {
        Map<String, Element> byId = new LinkedHashMap<>();
        for (RawPage page : store.readFetches(search(store))) {
            List<Element> issues;
            try {
                issues = list(page.body(), "issues");
            } catch (RecordProblem problem) {
                unreadable.accept(new RecordProblem(problem.field(), "page " + Redaction.redact(page.url()) + ": " + problem.getMessage()), page.body());
                continue;
            }
            for (Element issue : issues) {
                try {
                    byId.put(ApiJson.requiredText(issue.node(), "id"), issue);
                } catch (RecordProblem problem) {
                    unreadable.accept(problem, issue.text());
                }
            }
        }
        return byId;
    }

    /** Whether the search gave only part of an issue's changelog (Jira embeds at most 100 histories, Cloud fewer). */
    static boolean changelogTruncated(JsonNode issue) {
        JsonNode changelog = issue.path("changelog");
        return changelog.path("total").canConvertToInt() && changelog.get("total").asInt() > changelog.path("histories").size();
    }
}
