package org.dorametrics.sources.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.dorametrics.config.DoraConfig.GitLabProject;
import org.dorametrics.config.DoraConfig.GitLabSource;
import org.dorametrics.config.DoraConfig.PipelineDeployments;
import org.dorametrics.job.Secret;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.ScopeFailures;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.Paginator;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one GitLab source into the raw zone, per project: the deployments, the pipelines that count as deployments
 * (with each finished one's own record, which alone has {@code finished_at}), the merged merge requests with their
 * commits and notes, and the incidents. The four listings are incremental ({@code updated_after} the watermark minus
 * the overlap, {@code order_by=updated_at}, which GitLab requires with {@code updated_after}); every page is stored as it
 * arrives, so a failure keeps what was fetched.
 */
public final class GitLabCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GitLabCollector.class);

    private final GitLabSource source;
    private final PageStore pages;
    private final ApiClient client;
    private final Paginator paginator;

    GitLabCollector(GitLabSource source, OutputLocation output, ApiClient client, Instant runStartedAt, boolean full) {
        this.source = source;
        this.pages = GitLabPages.store(output, source);
        this.client = client;
        this.paginator = new Paginator(client, pages, runStartedAt, full, source.overlap());
    }

    /**
     * A collector for a configured source; its token is read now, so a missing one stops the run before any work (exit 2).
     *
     * @param runStartedAt names the run's fetches of incremental listings
     * @param full whether incremental listings are read from the start ({@code --full})
     */
    public static GitLabCollector open(GitLabSource source, OutputLocation output, Function<String, String> environment,
                                       Instant runStartedAt, boolean full) {
        return new GitLabCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new GitLabDialect(token(source, environment)), ApiClient.Patience.DEFAULT), runStartedAt, full);
    }

    /** A source's token; a missing, empty or malformed one is a config error (exit 2). */
    public static Secret token(GitLabSource source, Function<String, String> environment) {
        return Secret.resolve("sources.gitlab[" + source.name() + "]", source.tokenEnv(), source.tokenFile(), environment);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    /**
     * Collects every project, reporting each deployed revision (config repo, sha) as soon as its page is read. A project
     * that fails is reported and the next one still collected; then the source fails with exit 3.
     */
    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        ScopeFailures failures = new ScopeFailures();
        for (GitLabProject project : source.projects()) {
            failures.collect(project.project(), () -> paginator.fetched() + paginator.reused(), () -> {
                int fetchedBefore = paginator.fetched();
                int reusedBefore = paginator.reused();
                collect(project, deployedRevision);
                LOG.info("collected {} {}: {} pages fetched, {} unchanged (304)", source.sourceName(), project.project(),
                        paginator.fetched() - fetchedBefore, paginator.reused() - reusedBefore);
            });
        }
        client.warnIfWaited();
        failures.throwIfAny();
    }

    private void collect(GitLabProject project, BiConsumer<String, String> deployedRevision) {
        String api = GitLabPages.apiPath(project);
        String perPage = "per_page=" + source.pageSize();
        if (source.deployments()) {
            for (JsonNode deployment : updatedSince(project, GitLabPages.DEPLOYMENTS, api + "/deployments?order_by=updated_at&sort=asc&" + perPage)) {
                reportRevision(project, deployment, deployedRevision);
            }
        }
        PipelineDeployments pipelines = source.pipelinesAsDeployments();
        if (pipelines != null) {
            String filter = "ref=" + encode(pipelines.ref()) + (pipelines.source() == null ? "" : "&source=" + encode(pipelines.source()))
                    + (pipelines.pipelineName() == null ? "" : "&name=" + encode(pipelines.pipelineName()));
            List<JsonNode> fetched = updatedSince(project, GitLabPages.PIPELINES, api + "/pipelines?" + filter + "&order_by=updated_at&sort=asc&" + perPage);
            fetched.forEach(pipeline -> reportRevision(project, pipeline, deployedRevision));
            // A finished pipeline's record is settled: asked once, unless this run listed it again (retried, say).
            for (Map.Entry<Long, JsonNode> pipeline : detailsToAsk(project, GitLabPages.PIPELINES, "id", fetched, GitLabPages::pipeline).entrySet()) {
                if (GitLabStatuses.PIPELINE_FINISHED.contains(pipeline.getValue().path("status").asText())) {
                    whole(project, GitLabPages.pipeline(pipeline.getKey()), api + "/pipelines/" + pipeline.getKey());
                }
            }
        }
        if (source.mergeRequests()) {
            List<JsonNode> fetched = updatedSince(project, GitLabPages.MERGE_REQUESTS,
                    api + "/merge_requests?state=merged&order_by=updated_at&sort=asc&" + perPage);
            // A new note updates its merge request, so one listed again has its notes (and commits) asked again.
            for (long iid : detailsToAsk(project, GitLabPages.MERGE_REQUESTS, "iid", fetched, GitLabPages::mergeRequestNotes).keySet()) {
                whole(project, GitLabPages.mergeRequestCommits(iid), api + "/merge_requests/" + iid + "/commits?" + perPage);
                whole(project, GitLabPages.mergeRequestNotes(iid), api + "/merge_requests/" + iid + "/notes?sort=asc&order_by=created_at&" + perPage);
            }
        }
        if (source.incidents() != null) {
            String labels = source.incidents().labels().isEmpty() ? "" : "&labels=" + encode(String.join(",", source.incidents().labels()));
            updatedSince(project, GitLabPages.INCIDENTS, api + "/issues?issue_type=" + encode(source.incidents().issueType()) + labels
                    + "&scope=all&order_by=updated_at&sort=asc&" + perPage);
        }
    }

    private static void reportRevision(GitLabProject project, JsonNode record, BiConsumer<String, String> deployedRevision) {
        if (record.path("sha").isTextual()) {
            deployedRevision.accept(project.repo(), record.get("sha").asText());
        }
    }

    /**
     * The records of an incremental listing whose details are to be asked, by key: those this run listed, and those listed
     * before whose details were never stored (an earlier collect stopped before them).
     */
    private Map<Long, JsonNode> detailsToAsk(GitLabProject project, String endpoint, String key, List<JsonNode> fetched,
                                              Function<Long, String> detailEndpoint) {
        Set<Long> listedNow = new HashSet<>();
        fetched.stream().filter(r -> r.path(key).canConvertToLong() && r.path(key).isIntegralNumber()).forEach(r -> listedNow.add(r.get(key).asLong()));
        Map<Long, JsonNode> toAsk = new LinkedHashMap<>();
        for (RawPage page : pages.readFetches(GitLabPages.folder(pages, project, endpoint))) {
            List<ApiJson.Element> elements;
            try {
                elements = ApiJson.elements(page.body());
            } catch (RecordProblem problem) {
                continue; // normalize rejects the page
            }
            for (ApiJson.Element element : elements) {
                JsonNode value = element.node().path(key);
                if (value.isIntegralNumber() && value.canConvertToLong() && (listedNow.contains(value.asLong())
                        || !pages.exists(GitLabPages.folder(pages, project, detailEndpoint.apply(value.asLong()))))) {
                    toAsk.remove(value.asLong());
                    toAsk.put(value.asLong(), element.node());
                }
            }
        }
        return toAsk;
    }

    private List<JsonNode> updatedSince(GitLabProject project, String endpoint, String firstPath) {
        return paginator.updatedSince(GitLabPages.folder(pages, project, endpoint),
                since -> since == null ? firstPath : firstPath + "&updated_after=" + since,
                GitLabCollector::updatedAt, Paginator.Order.FILTERED_BY_SERVER, project.project() + " " + endpoint);
    }

    private static Instant updatedAt(JsonNode record) {
        try {
            return ApiJson.instant(record, "updated_at");
        } catch (RecordProblem problem) {
            return null; // normalize rejects the record; the watermark moves by the others
        }
    }

    private void whole(GitLabProject project, String endpoint, String firstPath) {
        paginator.whole(GitLabPages.folder(pages, project, endpoint), firstPath, project.project() + " " + endpoint);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
