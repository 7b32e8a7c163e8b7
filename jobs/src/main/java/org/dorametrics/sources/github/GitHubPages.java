package org.dorametrics.sources.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;

/**
 * Where a GitHub source's pages live in the raw zone: {@code <output>/raw/github/<name>/<owner>_<repo>/<endpoint>/},
 * one file per response page. Incremental listings ({@code deployments}, {@code pulls}, {@code review_comments},
 * {@code issue_comments}, {@code workflow_runs}, {@code issues}) keep a {@code fetch-<time>/page-0001.json} folder per run; whole ones
 * ({@code deployment_statuses/<id>}, {@code pull_reviews/<number>}, {@code pull_commits/<number>}, {@code releases},
 * {@code release_tags/<release id>/ref} and {@code /tag}) a
 * {@code page-0001.json} each, replaced by every run.
 */
final class GitHubPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DEPLOYMENTS = "deployments";
    static final String PULLS = "pulls";
    static final String REVIEW_COMMENTS = "review_comments";
    static final String ISSUE_COMMENTS = "issue_comments";
    static final String WORKFLOW_RUNS = "workflow_runs";
    static final String RELEASES = "releases";
    static final String ISSUES = "issues";
    /** The field of a workflow runs page that holds its runs: {@code {"total_count": 2, "workflow_runs": [...]}}. */
    static final String WORKFLOW_RUNS_FIELD = "workflow_runs";

    private GitHubPages() {}

    static PageStore store(OutputLocation output, GitHubSource source) {
        return new PageStore(output, source.sourceName(), output.raw("github", RawZone.folderName(source.name())));
    }

    static Path folder(PageStore store, GitHubRepository repository, String endpoint) {
        return store.folder(repository.owner() + "_" + repository.name(), endpoint);
    }

    /**
     * The latest copy of each record of an incremental listing, by its key ({@code id}, {@code number}): fetches are
     * read oldest first, so a later copy replaces an earlier one. Records without a usable key are left out here (the
     * records reader rejects them).
     */
    static Map<Long, JsonNode> latest(PageStore store, Path endpoint, String key) {
        return latest(store, endpoint, key, null);
    }

    /** The same, for a listing whose pages hold their records in {@code itemsField}. */
    static Map<Long, JsonNode> latest(PageStore store, Path endpoint, String key, String itemsField) {
        Map<Long, JsonNode> latest = new LinkedHashMap<>();
        for (RawPage page : store.readFetches(endpoint)) {
            try {
                for (ApiJson.Element element : itemsField == null ? ApiJson.elements(page.body()) : ApiJson.elements(page.body(), List.of(itemsField))) {
                    JsonNode value = element.node().path(key);
                    if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() > 0) {
                        latest.remove(value.asLong());
                        latest.put(value.asLong(), element.node());
                    }
                }
            } catch (RecordProblem problem) {
                // a page that is no JSON array has no records; the records reader rejects it
            }
        }
        return latest;
    }

    /** The JSON object a single-object endpoint (such as a tag reference) stored, or a missing node. */
    static JsonNode object(PageStore store, GitHubRepository repository, String endpoint) {
        return store.read(folder(store, repository, endpoint), 1).map(page -> {
            try {
                return JSON.readTree(page.body());
            } catch (JsonProcessingException e) {
                return (JsonNode) MissingNode.getInstance();
            }
        }).orElse(MissingNode.getInstance());
    }

    static String deploymentStatuses(long deploymentId) {
        return "deployment_statuses/" + deploymentId;
    }

    /** The tag reference of a release's tag ({@code /git/ref/tags/<tag>}): a commit, or an annotated tag object. */
    static String releaseTagRef(long releaseId) {
        return "release_tags/" + releaseId + "/ref";
    }

    /** The annotated tag object a release's tag reference points to ({@code /git/tags/<sha>}), when it is one. */
    static String releaseTagObject(long releaseId) {
        return "release_tags/" + releaseId + "/tag";
    }

    static String pullReviews(long number) {
        return "pull_reviews/" + number;
    }

    static String pullCommits(long number) {
        return "pull_commits/" + number;
    }
}
