package org.dorametrics.sources.gitlab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.EnvironmentService;
import org.dorametrics.config.DoraConfig.GitLabProject;
import org.dorametrics.config.DoraConfig.GitLabSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.PullRequest;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.normalize.Reject;
import org.dorametrics.sources.PullRequestCommits;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.ApiJson.Element;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Normalize for one GitLab source, from its raw zone pages only, each record in its latest copy (an incremental listing
 * lists a record again in every fetch after it changed): deployments and pipelines that count as deployments, merged
 * merge requests with their first commit, creation, first review by someone else and merge, and incidents. A record
 * that cannot be used is a row of rejects with its field and its exact text; the rest go on.
 */
public final class GitLabRecords {
    private static final PullRequestCommits.Fields COMMIT_FIELDS = new PullRequestCommits.Fields("id", "authored_date",
            "author_name");
    /** The pull_requests.source of rows that come from GitLab. */
    public static final String PULL_REQUEST_SOURCE = "gitlab";
    private static final Logger LOG = LoggerFactory.getLogger(GitLabRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** GitLab's project bots ({@code project_12_bot_…}, {@code group_3_bot}) and the usual naming of other bots. */
    private static final Pattern BOT = Pattern.compile("(?i)^(project|group)_\\d+_bot(_\\w+)?$|[-_]bot$|\\[bot]$");
    /** The system note GitLab writes when someone approves: the only trace of an approval among the notes. */
    private static final String APPROVED = "approved this merge request";
    /** {@code !12}: a merge request of the same project, in GitLab's references. */
    private static final Pattern MERGE_REQUEST_REFERENCE = Pattern.compile("(?<![\\w/.!-])!(\\d+)\\b");
    private static final Pattern COMMIT_REFERENCE = Pattern.compile("\\b[0-9a-f]{40}\\b");
    private static final Pattern SEVERITY_LABEL = Pattern.compile("(?i)^severity::\\s*(.+)$");

    private final DoraConfig config;
    private final GitLabSource source;
    private final PageStore pages;
    private final List<Reject> rejects = new ArrayList<>();
    private long seen;
    private long rejected;

    private GitLabRecords(DoraConfig config, GitLabSource source, OutputLocation output) {
        this.config = config;
        this.source = source;
        this.pages = GitLabPages.store(output, source);
    }

    /**
     * Reads a source's pages. Deployments finished and incidents opened from the cutoff on are left to normalize, which
     * drops them like those of the files; GitLab keeps no history of a record's states, so its latest copy stands.
     *
     * @throws DoraException exit 3 when a project's listing was never collected
     */
    public static ApiRecords read(DoraConfig config, GitLabSource source, OutputLocation output) {
        return new GitLabRecords(config, source, output).read();
    }

    private ApiRecords read() {
        List<Deployment> deployments = new ArrayList<>();
        List<PullRequest> pullRequests = new ArrayList<>();
        List<Incident> incidents = new ArrayList<>();
        for (GitLabProject project : source.projects()) {
            if (source.deployments()) {
                deployments.addAll(deployments(project));
            }
            if (source.pipelinesAsDeployments() != null) {
                deployments.addAll(pipelines(project));
            }
            if (source.mergeRequests()) {
                pullRequests.addAll(mergeRequests(project));
            }
            if (source.incidents() != null) {
                incidents.addAll(incidents(project));
            }
        }
        return new ApiRecords(source.sourceName(), deployments, pullRequests, incidents, List.copyOf(rejects), seen, rejected);
    }

    // --- deployments -------------------------------------------------------------------------------------------------

    private List<Deployment> deployments(GitLabProject project) {
        List<Deployment> deployments = new ArrayList<>();
        int unfinished = 0;
        for (Map.Entry<Long, Element> entry : latest(project, GitLabPages.DEPLOYMENTS, "id").entrySet()) {
            seen++;
            String recordId = "gitlab:" + project.project() + ":" + entry.getKey();
            try {
                Deployment deployment = deployment(project, recordId, entry.getValue());
                if (deployment != null) {
                    deployments.add(deployment);
                } else {
                    unfinished++;
                }
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        if (unfinished > 0) {
            LOG.info("{} {}: {} deployments not finished (created, running or blocked) are left out", source.sourceName(),
                    project.project(), unfinished);
        }
        return deployments;
    }

    /**
     * The deployment, or null while it is not finished. It happened at its {@code finished_at}, or, where GitLab does not
     * give one, its job's ({@code deployable.finished_at}); never at its {@code updated_at}, which moves when GitLab
     * touches the record later.
     */
    private Deployment deployment(GitLabProject project, String recordId, Element element) throws RecordProblem {
        JsonNode node = element.node();
        Deployment.Status status = status(node, GitLabStatuses.DEPLOYMENT_UNFINISHED, "deployment");
        if (status == null) {
            return null;
        }
        String sha = ApiJson.sha(node, "sha", true);
        String environment = ApiJson.requiredText(node, "environment.name");
        Instant createdAt = ApiJson.requiredInstant(node, "created_at");
        Instant finishedAt = ApiJson.instant(node, "finished_at");
        if (finishedAt == null) {
            finishedAt = ApiJson.instant(node, "deployable.finished_at");
        }
        if (finishedAt == null) {
            throw new RecordProblem("deployable.finished_at", "status " + node.get("status").asText() + " but neither finished_at nor"
                    + " deployable.finished_at says when it finished (its updated_at is not that time)");
        }
        Instant startedAt = ApiJson.instant(node, "deployable.started_at");
        // The environment's tier is GitLab's own production signal (set in the pipeline, or guessed from the name).
        boolean production = "production".equalsIgnoreCase(ApiJson.text(node, "environment.tier"))
                || config.rules().productionEnvironment().matcher(environment).find();
        String ref = ApiJson.text(node, "ref");
        boolean tag = node.path("deployable").path("tag").asBoolean(false);
        String branch = ref == null || tag || ref.equalsIgnoreCase(sha) ? null : ref;
        return new Deployment(recordId, source.sourceName(), null, service(project, environment), environment, production, status,
                startedAt != null ? startedAt : createdAt, finishedAt, project.repo(), sha, ApiJson.text(node, "deployable.web_url"),
                ApiJson.text(node, "deployable.name"), branch, List.of(), element.text());
    }

    private List<Deployment> pipelines(GitLabProject project) {
        List<Deployment> deployments = new ArrayList<>();
        for (Map.Entry<Long, Element> entry : latest(project, GitLabPages.PIPELINES, "id").entrySet()) {
            seen++;
            String recordId = "gitlab:" + project.project() + ":pipeline:" + entry.getKey();
            try {
                Deployment deployment = pipeline(project, recordId, entry.getKey(), entry.getValue());
                if (deployment != null) {
                    deployments.add(deployment);
                }
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        return deployments;
    }

    /** A finished pipeline as a deployment to the configured environment, finished at its own record's {@code finished_at}. */
    private Deployment pipeline(GitLabProject project, String recordId, long id, Element element) throws RecordProblem {
        JsonNode node = element.node();
        Deployment.Status status = status(node, GitLabStatuses.PIPELINE_UNFINISHED, "pipeline");
        if (status == null) {
            return null;
        }
        String sha = ApiJson.sha(node, "sha", true);
        Instant createdAt = ApiJson.requiredInstant(node, "created_at");
        Path folder = GitLabPages.folder(pages, project, GitLabPages.pipeline(id));
        List<RawPage> stored = pages.exists(folder) ? pages.readAll(folder) : List.of();
        if (stored.isEmpty()) {
            throw new RecordProblem("finished_at", "its own record (GET /pipelines/" + id + "), which alone says when it finished,"
                    + " was not collected (collect stopped before it); run dora collect again");
        }
        JsonNode detail;
        try {
            detail = JSON.readTree(stored.get(0).body());
        } catch (JsonProcessingException e) {
            throw new RecordProblem("finished_at", "its own record is not JSON: " + e.getOriginalMessage());
        }
        Instant finishedAt = ApiJson.instant(detail, "finished_at");
        if (finishedAt == null) {
            throw new RecordProblem("finished_at", "status " + node.get("status").asText() + " but its own record has no finished_at");
        }
        Instant startedAt = ApiJson.instant(detail, "started_at");
        String environment = source.pipelinesAsDeployments().environment();
        String ref = ApiJson.text(node, "ref");
        String branch = ref == null || detail.path("tag").asBoolean(false) ? null : ref;
        return new Deployment(recordId, source.sourceName(), null, service(project, environment), environment,
                config.rules().productionEnvironment().matcher(environment).find(), status, startedAt != null ? startedAt : createdAt,
                finishedAt, project.repo(), sha, ApiJson.text(node, "web_url"), ApiJson.text(node, "source"), branch, List.of(), element.text());
    }

    /** The outcome a deployment's or pipeline's status gives, or null while it is not finished. */
    private static Deployment.Status status(JsonNode node, Set<String> unfinished, String what) throws RecordProblem {
        String status = ApiJson.requiredText(node, "status").toLowerCase(Locale.ROOT);
        Deployment.Status outcome = GitLabStatuses.FINISHED.get(status);
        if (outcome == null && !unfinished.contains(status)) {
            Set<String> known = new TreeSet<>(GitLabStatuses.FINISHED.keySet());
            known.addAll(unfinished);
            throw new RecordProblem("status", "unknown " + what + " status '" + status + "'; expected one of " + known);
        }
        return outcome;
    }

    /** The service a deployment to this environment deploys: the first mapping naming it exactly, then the first regex. */
    private static String service(GitLabProject project, String environment) throws RecordProblem {
        for (EnvironmentService mapping : project.environments()) {
            if (mapping.name().equals(environment)) {
                return mapping.service();
            }
        }
        for (EnvironmentService mapping : project.environments()) {
            if (mapping.pattern().matcher(environment).matches()) {
                return mapping.service();
            }
        }
        if (project.service() == null) {
            throw new RecordProblem("environment.name", "environment '" + environment + "' is mapped to no service by projects["
                    + project.project() + "].environments, and the project names no service");
        }
        return project.service();
    }

    // --- merge requests ----------------------------------------------------------------------------------------------

    private List<PullRequest> mergeRequests(GitLabProject project) {
        List<PullRequest> pullRequests = new ArrayList<>();
        for (Map.Entry<Long, Element> entry : latest(project, GitLabPages.MERGE_REQUESTS, "iid").entrySet()) {
            seen++;
            String recordId = "gitlab:" + project.project() + "!" + entry.getKey();
            try {
                PullRequest pullRequest = mergeRequest(project, recordId, entry.getKey(), entry.getValue());
                if (pullRequest != null) {
                    pullRequests.add(pullRequest);
                }
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        return pullRequests;
    }

    /**
     * The merged merge request, or null for one that is no longer merged (reverted to open cannot happen; listed by a
     * stale fetch as something else can). The commit that brought it in is its {@code merge_commit_sha}; with
     * fast-forward merges there is none, and it is the {@code squash_commit_sha} when squashed, else its head
     * ({@code sha}), which then lands as it is.
     */
    private PullRequest mergeRequest(GitLabProject project, String recordId, long iid, Element element) throws RecordProblem {
        JsonNode node = element.node();
        if (!"merged".equals(ApiJson.text(node, "state"))) {
            return null;
        }
        Instant mergedAt = ApiJson.instant(node, "merged_at");
        if (mergedAt == null) {
            throw new RecordProblem("merged_at", "state merged but merged_at is empty, so when it was merged is unknown");
        }
        Instant createdAt = ApiJson.requiredInstant(node, "created_at");
        String headSha = ApiJson.sha(node, "sha", false);
        String mergeCommit = ApiJson.sha(node, "merge_commit_sha", false);
        String squashCommit = ApiJson.sha(node, "squash_commit_sha", false);
        String mergeSha = mergeCommit != null ? mergeCommit : squashCommit != null ? squashCommit : headSha;
        if (mergeSha == null) {
            throw new RecordProblem("merge_commit_sha", "merged at " + mergedAt + " but merge_commit_sha, squash_commit_sha and sha are"
                    + " all empty, so no commit can be tied to it");
        }
        String author = ApiJson.text(node, "author.username");

        PullRequestCommits listed = PullRequestCommits.read(optionalListing(project, GitLabPages.mergeRequestCommits(iid)), COMMIT_FIELDS, "GitLab", createdAt,
                element.text(), (field, reason, payload) -> flag(recordId, field, reason, payload));
        Set<String> commits = new LinkedHashSet<>(listed.shas());
        Instant firstCommitAt = listed.firstCommitAt();
        String firstCommitAuthor = listed.firstCommitAuthor();
        if (squashCommit != null) {
            commits.add(squashCommit);
        }
        commits.add(mergeSha);

        Instant firstReviewAt = null;
        List<Element> notes = optionalListing(project, GitLabPages.mergeRequestNotes(iid));
        if (notes == null) {
            flag(recordId, "notes", "its notes were not collected (collect stopped before them): its first review may be later than"
                    + " it was", element.text());
        }
        for (Element note : notes == null ? List.<Element>of() : notes) {
            try {
                Instant at = reviewedAt(note.node(), author);
                if (at != null && !at.isAfter(mergedAt) && (firstReviewAt == null || at.isBefore(firstReviewAt))) {
                    firstReviewAt = at;
                }
            } catch (RecordProblem problem) {
                flag(recordId, "notes." + problem.field(), "a note of it is left out: " + problem.getMessage(), note.text());
            }
        }
        return new PullRequest(project.repo(), iid, PULL_REQUEST_SOURCE, mergeSha, headSha, List.copyOf(commits), firstCommitAuthor,
                firstCommitAt, mergedAt, createdAt, firstReviewAt);
    }

    /**
     * When a note is a review: a comment or thread by someone other than the author, not a bot; GitLab's own system notes
     * (assigned, pushed, …) are none, except the one it writes for an approval.
     */
    private static Instant reviewedAt(JsonNode note, String author) throws RecordProblem {
        String login = ApiJson.text(note, "author.username");
        boolean system = note.path("system").asBoolean(false);
        String body = note.path("body").asText("");
        if (system && !body.strip().toLowerCase(Locale.ROOT).startsWith(APPROVED)) {
            return null;
        }
        boolean bot = note.path("author").path("bot").asBoolean(false) || login != null && BOT.matcher(login).find();
        if (bot || login == null || login.equalsIgnoreCase(author)) {
            return null;
        }
        return ApiJson.requiredInstant(note, "created_at");
    }

    // --- incidents ---------------------------------------------------------------------------------------------------

    private List<Incident> incidents(GitLabProject project) {
        List<String> services = project.service() != null ? List.of(project.service())
                : project.environments().stream().map(EnvironmentService::service).distinct().toList();
        List<Incident> incidents = new ArrayList<>();
        for (Map.Entry<Long, Element> entry : latest(project, GitLabPages.INCIDENTS, "iid").entrySet()) {
            seen++;
            String recordId = "gitlab:" + project.project() + "#" + entry.getKey();
            try {
                incidents.add(incident(project, recordId, services, entry.getValue()));
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        return incidents;
    }

    /** Opened when the issue was created, resolved when it was closed (a reopened one is open again). */
    private Incident incident(GitLabProject project, String recordId, List<String> services, Element element) throws RecordProblem {
        JsonNode node = element.node();
        Instant openedAt = ApiJson.requiredInstant(node, "created_at");
        Instant resolvedAt = null;
        if ("closed".equals(ApiJson.requiredText(node, "state"))) {
            resolvedAt = ApiJson.instant(node, "closed_at");
            if (resolvedAt == null) {
                throw new RecordProblem("closed_at", "state closed but closed_at is empty, so when it was resolved is unknown");
            }
            if (resolvedAt.isBefore(openedAt)) {
                throw new RecordProblem("closed_at", "closed_at " + resolvedAt + " is before created_at " + openedAt);
            }
        }
        String description = node.path("description").asText("");
        Matcher mergeRequest = MERGE_REQUEST_REFERENCE.matcher(description);
        Matcher qualified = Pattern.compile(Pattern.quote(project.project()) + "!(\\d+)\\b").matcher(description);
        Long prRef = mergeRequest.find() ? Long.valueOf(mergeRequest.group(1)) : qualified.find() ? Long.valueOf(qualified.group(1)) : null;
        Matcher commit = COMMIT_REFERENCE.matcher(description);
        return new Incident(recordId, source.sourceName(), null, services, severity(node), openedAt, resolvedAt, ApiJson.text(node, "title"),
                null, commit.find() ? commit.group() : null, prRef, ApiJson.text(node, "web_url"), element.text());
    }

    /** The incident's {@code severity} (GitLab says {@code UNKNOWN} when none was set), else a {@code severity::} label. */
    private static String severity(JsonNode node) throws RecordProblem {
        String severity = ApiJson.text(node, "severity");
        if (severity != null && !severity.equalsIgnoreCase("unknown")) {
            return severity.toLowerCase(Locale.ROOT);
        }
        for (JsonNode label : node.path("labels")) {
            String name = label.isObject() ? label.path("name").asText("") : label.asText("");
            Matcher matcher = SEVERITY_LABEL.matcher(name);
            if (matcher.matches()) {
                return matcher.group(1).strip().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    // --- pages -------------------------------------------------------------------------------------------------------

    /**
     * An incremental listing's records by key, each in its latest copy: fetches are read oldest first, and within one the
     * later page wins (a record updated while the listing was paged moves to its end). A record without a usable key is
     * rejected.
     */
    private Map<Long, Element> latest(GitLabProject project, String endpoint, String key) {
        Path folder = GitLabPages.folder(pages, project, endpoint);
        if (!pages.exists(folder)) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected for "
                    + project.project() + " at " + Redaction.redact(folder.toString()) + "; run `dora collect` first");
        }
        Map<Long, Element> byKey = new LinkedHashMap<>();
        for (Element element : elements(pages.readFetches(folder))) {
            try {
                long value = ApiJson.requiredId(element.node(), key);
                byKey.remove(value);
                byKey.put(value, element);
            } catch (RecordProblem problem) {
                seen++;
                reject(null, problem.field(), "a record of " + project.project() + " " + endpoint + ": " + problem.getMessage(), element.text());
            }
        }
        List<Map.Entry<Long, Element>> ordered = new ArrayList<>(byKey.entrySet());
        ordered.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        Map<Long, Element> sorted = new LinkedHashMap<>();
        ordered.forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The elements of a whole listing, or null when it was never collected (collect stopped before it). */
    private List<Element> optionalListing(GitLabProject project, String endpoint) {
        Path folder = GitLabPages.folder(pages, project, endpoint);
        return pages.exists(folder) ? elements(pages.readAll(folder)) : null;
    }

    private List<Element> elements(List<RawPage> listed) {
        List<Element> elements = new ArrayList<>();
        for (RawPage page : listed) {
            try {
                elements.addAll(ApiJson.elements(page.body()));
            } catch (RecordProblem problem) {
                seen++;
                reject(null, null, "page " + Redaction.redact(page.url()) + ": " + problem.getMessage(), page.body());
            }
        }
        return elements;
    }

    private void reject(String recordId, String field, String reason, String payload) {
        rejected++;
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.REJECTED, reason, payload));
    }

    private void flag(String recordId, String field, String reason, String payload) {
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.FLAGGED, reason, payload));
    }
}
