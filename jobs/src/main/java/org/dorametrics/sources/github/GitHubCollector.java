package org.dorametrics.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
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
 * Collects one GitHub source into the raw zone, per repository: the deployments (newest first, only those created
 * since the last run's latest less the overlap) and the statuses of each stored one not yet finished; the pull
 * requests updated since the last run (newest update first) with, for each merged one among them, its reviews and
 * commits; the review comments and issue comments updated since the last run ({@code since=}); the workflow runs and
 * releases when they are deployments; the issues updated since the last run when some are incidents. Every page is stored
 * as it arrives, so a failure keeps what was fetched; a whole listing's page whose stored ETag still matches costs no
 * quota (HTTP 304).
 */
public final class GitHubCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubCollector.class);

    private final GitHubSource source;
    private final PageStore pages;
    private final ApiClient client;
    private final Paginator paginator;
    private int kept;

    GitHubCollector(GitHubSource source, OutputLocation output, ApiClient client, Instant runStartedAt, boolean full) {
        this.source = source;
        this.pages = GitHubPages.store(output, source);
        this.client = client;
        this.paginator = new Paginator(client, pages, runStartedAt, full, source.overlap());
    }

    /**
     * A collector for a configured source; its token (or GitHub App private key) is read now, so a missing one stops
     * the run before any work (exit 2).
     *
     * @param runStartedAt names the run's fetches of incremental listings
     * @param full whether incremental listings are read from the start ({@code --full})
     */
    public static GitHubCollector open(GitHubSource source, OutputLocation output, Function<String, String> environment,
                                       Instant runStartedAt, boolean full) {
        return new GitHubCollector(source, output, client(source, credential(source, environment)), runStartedAt, full);
    }

    /**
     * A source's credential, asked before each request: its token, or its GitHub App's installation tokens. A missing,
     * empty or malformed token or private key is a config error (exit 2).
     */
    public static Supplier<Secret> credential(GitHubSource source, Function<String, String> environment) {
        String keyPath = "sources.github[" + source.name() + "]";
        if (source.app() != null) {
            return GitHubAppTokens.open(keyPath, source.app(), environment, jwt -> client(source, jwt), Clock.systemUTC());
        }
        Secret token = Secret.resolve(keyPath, source.tokenEnv(), source.tokenFile(), environment);
        return () -> token;
    }

    private static ApiClient client(GitHubSource source, Supplier<Secret> credential) {
        return new ApiClient(source.sourceName(), source.baseUrl(), new GitHubDialect(credential), ApiClient.Patience.DEFAULT);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    /**
     * Collects every repository, reporting each deployed revision (config repo, sha) as soon as its page is read. A
     * repository that fails is reported and the next one still collected; then the source fails with exit 3.
     */
    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        ScopeFailures failures = new ScopeFailures();
        for (GitHubRepository repository : source.repositories()) {
            failures.collect(repository.fullName(), () -> paginator.fetched() + paginator.reused(), () -> {
                int fetchedBefore = paginator.fetched();
                int reusedBefore = paginator.reused();
                int keptBefore = kept;
                collect(repository, deployedRevision);
                LOG.info("collected {} {}: {} pages fetched, {} unchanged (304), statuses of {} finished deployments kept",
                        source.sourceName(), repository.fullName(), paginator.fetched() - fetchedBefore, paginator.reused() - reusedBefore, kept - keptBefore);
            });
        }
        client.warnIfWaited();
        failures.throwIfAny();
    }

    private void collect(GitHubRepository repository, BiConsumer<String, String> deployedRevision) {
        String api = "/repos/" + repository.owner() + "/" + repository.name();
        String perPage = "per_page=" + source.pageSize();
        if (source.deployments() && repository.deploymentsFrom().deploymentsApi()) {
            // Newest first by creation, and a deployment does not change once created (its statuses do, asked below).
            incremental(repository, GitHubPages.DEPLOYMENTS, since -> api + "/deployments?" + perPage, "created_at", Paginator.Order.NEWEST_FIRST);
            for (JsonNode deployment : GitHubPages.latest(pages, GitHubPages.folder(pages, repository, GitHubPages.DEPLOYMENTS), "id").values()) {
                if (deployment.path("sha").isTextual()) {
                    deployedRevision.accept(repository.repo(), deployment.get("sha").asText());
                }
                long id = deployment.get("id").asLong();
                if (finished(repository, id)) {
                    kept++;
                } else {
                    paginate(repository, GitHubPages.deploymentStatuses(id), api + "/deployments/" + id + "/statuses?" + perPage);
                }
            }
        }
        if (source.deployments() && repository.deploymentsFrom().workflowRuns() != null) {
            workflowRuns(repository, api, perPage, deployedRevision);
        }
        if (source.deployments() && repository.deploymentsFrom().releases() != null) {
            releases(repository, api, perPage, deployedRevision);
        }
        if (source.pullRequests()) {
            Set<Long> changed = new HashSet<>();
            for (JsonNode pull : incremental(repository, GitHubPages.PULLS,
                    since -> api + "/pulls?state=all&sort=updated&direction=desc&" + perPage, "updated_at", Paginator.Order.NEWEST_FIRST)) {
                changed.add(pull.path("number").asLong());
            }
            // The merged pull requests of this fetch, and any stored one whose details an earlier collect did not get to.
            for (JsonNode pull : GitHubPages.latest(pages, GitHubPages.folder(pages, repository, GitHubPages.PULLS), "number").values()) {
                long number = pull.get("number").asLong();
                if (pull.path("merged_at").isTextual() && (changed.contains(number) || !detailsStored(repository, number))) {
                    paginate(repository, GitHubPages.pullReviews(number), api + "/pulls/" + number + "/reviews?" + perPage);
                    paginate(repository, GitHubPages.pullCommits(number), api + "/pulls/" + number + "/commits?" + perPage);
                }
            }
            incremental(repository, GitHubPages.REVIEW_COMMENTS, since -> api + "/pulls/comments?sort=updated&direction=asc"
                    + since(since) + "&" + perPage, "updated_at", Paginator.Order.FILTERED_BY_SERVER);
            incremental(repository, GitHubPages.ISSUE_COMMENTS, since -> api + "/issues/comments?sort=updated&direction=asc"
                    + since(since) + "&" + perPage, "updated_at", Paginator.Order.FILTERED_BY_SERVER);
        }
        if (repository.incidents() != null) {
            // Every issue, whatever the rule: which are incidents is decided when normalizing, so a new rule needs no --full.
            incremental(repository, GitHubPages.ISSUES, since -> api + "/issues?state=all&sort=updated&direction=asc" + since(since) + "&" + perPage,
                    "updated_at", Paginator.Order.FILTERED_BY_SERVER);
        }
    }

    /**
     * The repository's workflow runs created since the last run's latest less the overlap, or since the oldest stored
     * run that was not completed yet, whichever is earlier: a run is listed by creation, but only a completed one is a
     * deployment. Runs are stored whatever their workflow, so that a change of {@code workflow_runs} needs no new collect.
     */
    private void workflowRuns(GitHubRepository repository, String api, String perPage, BiConsumer<String, String> deployedRevision) {
        Path folder = GitHubPages.folder(pages, repository, GitHubPages.WORKFLOW_RUNS);
        Instant oldestRunning = GitHubPages.latest(pages, folder, "id", GitHubPages.WORKFLOW_RUNS_FIELD).values().stream()
                .filter(run -> !"completed".equalsIgnoreCase(run.path("status").asText())).map(run -> time(run, "created_at"))
                .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
        paginator.updatedSince(folder, since -> api + "/actions/runs?exclude_pull_requests=true" + createdSince(since, oldestRunning) + "&" + perPage,
                node -> time(node, "created_at"), Paginator.Order.FILTERED_BY_SERVER, GitHubPages.WORKFLOW_RUNS_FIELD,
                repository.fullName() + " " + GitHubPages.WORKFLOW_RUNS);
        for (JsonNode run : GitHubPages.latest(pages, folder, "id", GitHubPages.WORKFLOW_RUNS_FIELD).values()) {
            if (WorkflowRunDeployments.isDeployment(repository.deploymentsFrom().workflowRuns(), run) && run.path("head_sha").isTextual()) {
                deployedRevision.accept(repository.repo(), run.get("head_sha").asText());
            }
        }
    }

    /**
     * The repository's releases (a whole listing: a draft may be published, a release edited, at any time) and, for
     * each published one, the commit its tag names: {@code /git/ref/tags/<tag>}, then the annotated tag object it may
     * point to. A release's {@code target_commitish} is no answer: it names the branch the tag was created from.
     */
    private void releases(GitHubRepository repository, String api, String perPage, BiConsumer<String, String> deployedRevision) {
        for (JsonNode release : paginate(repository, GitHubPages.RELEASES, api + "/releases?" + perPage)) {
            if (release.path("draft").asBoolean(false) || !release.path("id").isIntegralNumber() || !release.path("tag_name").isTextual()) {
                continue;
            }
            long id = release.get("id").asLong();
            String tag = release.get("tag_name").asText();
            paginate(repository, GitHubPages.releaseTagRef(id), api + "/git/ref/tags/" + pathSegments(tag));
            JsonNode target = GitHubPages.object(pages, repository, GitHubPages.releaseTagRef(id)).path("object");
            if ("tag".equals(target.path("type").asText()) && target.path("sha").isTextual()) {
                paginate(repository, GitHubPages.releaseTagObject(id), api + "/git/tags/" + target.get("sha").asText());
                target = GitHubPages.object(pages, repository, GitHubPages.releaseTagObject(id)).path("object");
            }
            if ("commit".equals(target.path("type").asText()) && target.path("sha").isTextual()) {
                deployedRevision.accept(repository.repo(), target.get("sha").asText());
            }
        }
    }

    /** A tag such as {@code release/1.2} as URL path segments, each encoded. */
    private static String pathSegments(String tag) {
        return Arrays.stream(tag.split("/")).map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    /** GitHub's search syntax for "created at or after", URL-encoded; nothing on a first or full run. */
    private static String createdSince(Instant since, Instant oldestRunning) {
        if (since == null) {
            return "";
        }
        Instant from = oldestRunning != null && oldestRunning.isBefore(since) ? oldestRunning : since;
        return "&created=" + URLEncoder.encode(">=" + from, StandardCharsets.UTF_8);
    }

    private boolean detailsStored(GitHubRepository repository, long number) {
        return pages.exists(GitHubPages.folder(pages, repository, GitHubPages.pullReviews(number)))
                && pages.exists(GitHubPages.folder(pages, repository, GitHubPages.pullCommits(number)));
    }

    private static String since(Instant since) {
        return since == null ? "" : "&since=" + since;
    }

    /** An incremental listing of the repository, read by the time in {@code timeField}; returns this fetch's elements. */
    private List<JsonNode> incremental(GitHubRepository repository, String endpoint, Function<Instant, String> firstPath, String timeField,
                                       Paginator.Order order) {
        return paginator.updatedSince(GitHubPages.folder(pages, repository, endpoint), firstPath, node -> time(node, timeField), order,
                repository.fullName() + " " + endpoint);
    }

    /** A record's time, or null when it has none that parses (normalize rejects the record). */
    private static Instant time(JsonNode node, String field) {
        try {
            return ApiJson.instant(node, field);
        } catch (RecordProblem problem) {
            return null;
        }
    }

    /**
     * Whether the stored statuses already finish the deployment (success, failure, error, or made inactive). Its outcome
     * is then settled, since a later status can only retire it: its statuses are not asked again, which saves a request
     * per deployment and run, and keeps them when GitHub deletes statuses older than 90 days.
     */
    private boolean finished(GitHubRepository repository, long id) {
        Path folder = GitHubPages.folder(pages, repository, GitHubPages.deploymentStatuses(id));
        if (!pages.exists(folder)) {
            return false;
        }
        List<DeploymentStatuses.Status> statuses = new ArrayList<>();
        try {
            for (RawPage page : pages.readAll(folder)) {
                for (ApiJson.Element element : ApiJson.elements(page.body())) {
                    statuses.add(DeploymentStatuses.parse(element));
                }
            }
        } catch (RecordProblem problem) {
            return false; // asked again: the stored answer is not one normalize can use
        }
        return DeploymentStatuses.decide(statuses).finished();
    }

    private List<JsonNode> paginate(GitHubRepository repository, String endpoint, String firstPath) {
        return paginator.whole(GitHubPages.folder(pages, repository, endpoint), firstPath, repository.fullName() + " " + endpoint);
    }
}
