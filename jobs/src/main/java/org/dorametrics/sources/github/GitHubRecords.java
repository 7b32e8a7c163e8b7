package org.dorametrics.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.EnvironmentMapping;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.config.DoraConfig.IncidentRule;
import org.dorametrics.config.DoraConfig.Releases;
import org.dorametrics.config.DoraConfig.WorkflowRuns;
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
 * Normalize for one GitHub source, from its raw zone pages only: deployments with the outcome their statuses give
 * ({@link DeploymentStatuses}), and merged pull requests with their first commit, creation, first review by someone
 * else and merge. A record that cannot be used is a row of rejects with its field and its exact text; the rest go on.
 */
public final class GitHubRecords {
    private static final PullRequestCommits.Fields COMMIT_FIELDS = new PullRequestCommits.Fields("sha", "commit.author.date",
            "commit.author.name");
    /** The pull_requests.source of rows that come from GitHub. */
    public static final String PULL_REQUEST_SOURCE = "github";
    private static final Logger LOG = LoggerFactory.getLogger(GitHubRecords.class);
    private static final Pattern TRAILING_NUMBER = Pattern.compile("/(\\d+)/?$");

    private final DoraConfig config;
    private final GitHubSource source;
    private final PageStore pages;
    private final Instant cutoff;
    private final List<Reject> rejects = new ArrayList<>();
    private long seen;
    private long rejected;

    private GitHubRecords(DoraConfig config, GitHubSource source, OutputLocation output, Instant cutoff) {
        this.config = config;
        this.source = source;
        this.pages = GitHubPages.store(output, source);
        this.cutoff = cutoff;
    }

    /**
     * Reads a source's pages as of the report date: a deployment's statuses from the cutoff on are not seen yet.
     *
     * @throws DoraException exit 3 when a repository's deployments or pull requests were never collected
     */
    public static ApiRecords read(DoraConfig config, GitHubSource source, OutputLocation output, Instant cutoff) {
        return new GitHubRecords(config, source, output, cutoff).read();
    }

    private ApiRecords read() {
        List<Deployment> deployments = new ArrayList<>();
        List<PullRequest> pullRequests = new ArrayList<>();
        List<Incident> incidents = new ArrayList<>();
        for (GitHubRepository repository : source.repositories()) {
            if (repository.incidents() != null) {
                incidents.addAll(incidents(repository));
            }
            if (source.deployments() && repository.deploymentsFrom().deploymentsApi()) {
                deployments.addAll(deployments(repository));
            }
            if (source.deployments() && repository.deploymentsFrom().workflowRuns() != null) {
                deployments.addAll(workflowRunDeployments(repository));
            }
            if (source.deployments() && repository.deploymentsFrom().releases() != null) {
                deployments.addAll(releaseDeployments(repository));
            }
            if (source.pullRequests()) {
                pullRequests.addAll(pullRequests(repository));
            }
        }
        return new ApiRecords(source.sourceName(), deployments, pullRequests, incidents, List.copyOf(rejects), seen, rejected);
    }

    // --- deployments -------------------------------------------------------------------------------------------------

    private List<Deployment> deployments(GitHubRepository repository) {
        Map<Long, Element> byId = byKey(repository, requiredFetches(repository, GitHubPages.DEPLOYMENTS), "id");
        List<Deployment> deployments = new ArrayList<>();
        int unfinished = 0;
        for (Map.Entry<Long, Element> entry : byId.entrySet()) {
            seen++;
            String recordId = deploymentId(repository, entry.getKey());
            try {
                Deployment deployment = deployment(repository, recordId, entry.getKey(), entry.getValue());
                if (deployment != null) {
                    deployments.add(deployment);
                } else {
                    unfinished++;
                }
            } catch (BadRecord bad) {
                reject(recordId, bad.field, bad.getMessage(), bad.payload != null ? bad.payload : entry.getValue().text());
            }
        }
        if (unfinished > 0) {
            LOG.info("{} {}: {} deployments not finished as of the report date (latest status pending, queued or in_progress, or"
                    + " none) are left out", source.sourceName(), repository.fullName(), unfinished);
        }
        return deployments;
    }

    private static String deploymentId(GitHubRepository repository, long id) {
        return "github:" + repository.fullName() + ":" + id;
    }

    /** The deployment its statuses finished, or null while it is not finished. */
    private Deployment deployment(GitHubRepository repository, String recordId, long id, Element element) throws BadRecord {
        JsonNode node = element.node();
        String sha;
        String environment;
        Instant createdAt;
        String ref;
        String task;
        try {
            sha = ApiJson.sha(node, "sha", true);
            environment = ApiJson.requiredText(node, "environment");
            createdAt = ApiJson.requiredInstant(node, "created_at");
            ref = ApiJson.text(node, "ref");
            task = ApiJson.text(node, "task");
        } catch (RecordProblem problem) {
            throw new BadRecord(problem.field(), problem.getMessage(), null);
        }
        List<Element> listed = optionalListing(repository, GitHubPages.deploymentStatuses(id));
        if (listed == null) {
            throw new BadRecord("statuses", "its statuses were not collected (collect stopped before them); run dora collect again", null);
        }
        List<DeploymentStatuses.Status> statuses = new ArrayList<>();
        for (Element status : listed) {
            DeploymentStatuses.Status parsed = status(status);
            if (parsed.createdAt().isBefore(cutoff)) {
                statuses.add(parsed);
            }
        }
        DeploymentStatuses.Outcome outcome = DeploymentStatuses.decide(statuses);
        if (!outcome.finished()) {
            return null;
        }
        if (outcome.finishedAt().isBefore(createdAt)) {
            throw new BadRecord("statuses.created_at", "its " + outcome.decidedBy().state() + " status (" + outcome.finishedAt()
                    + ") is before the deployment was created (" + createdAt + ")", outcome.decidedBy().text());
        }
        Target target = target(repository, environment);
        DeploymentStatuses.Status decidedBy = outcome.decidedBy();
        String url = decidedBy.logUrl() != null ? decidedBy.logUrl() : decidedBy.targetUrl();
        // A deployment of a bare commit id names no branch.
        String branch = ref == null || ref.equalsIgnoreCase(sha) ? null : ref;
        return new Deployment(recordId, source.sourceName(), null, target.service(), environment, target.production(), outcome.status(),
                createdAt, outcome.finishedAt(), repository.repo(), sha, url, task, branch, List.of(), element.text());
    }

    // --- workflow runs -----------------------------------------------------------------------------------------------

    private List<Deployment> workflowRunDeployments(GitHubRepository repository) {
        WorkflowRuns rule = repository.deploymentsFrom().workflowRuns();
        Map<Long, Element> byId = byKey(repository, requiredFetches(repository, GitHubPages.WORKFLOW_RUNS, GitHubPages.WORKFLOW_RUNS_FIELD), "id");
        List<Deployment> deployments = new ArrayList<>();
        int other = 0;
        int noOutcome = 0;
        for (Map.Entry<Long, Element> entry : byId.entrySet()) {
            if (!WorkflowRunDeployments.isDeployment(rule, entry.getValue().node())) {
                other++;
                continue;
            }
            seen++;
            String recordId = "github:" + repository.fullName() + ":run/" + entry.getKey();
            try {
                Deployment deployment = workflowRunDeployment(repository, rule, recordId, entry.getValue());
                if (deployment != null) {
                    deployments.add(deployment);
                } else {
                    noOutcome++;
                }
            } catch (BadRecord bad) {
                reject(recordId, bad.field, bad.getMessage(), entry.getValue().text());
            }
        }
        LOG.info("{} {}: {} workflow runs are deployments; {} of other workflows or branches, {} not completed or without a deployment"
                + " outcome (skipped, neutral, action_required, stale) left out", source.sourceName(), repository.fullName(),
                deployments.size(), other, noOutcome);
        return deployments;
    }

    /**
     * A completed run of the deployment workflow, finished at its {@code updated_at}: the run object has no completion
     * time, and a completed run is last updated when it completes (as DevLake reads it too), unless it is re-run or its
     * logs are deleted later. Null for a run not completed as of the report date, or without a deployment outcome.
     */
    private Deployment workflowRunDeployment(GitHubRepository repository, WorkflowRuns rule, String recordId, Element element) throws BadRecord {
        JsonNode node = element.node();
        try {
            String status = ApiJson.requiredText(node, "status");
            Instant finishedAt = ApiJson.requiredInstant(node, "updated_at");
            if (!status.equalsIgnoreCase("completed") || !finishedAt.isBefore(cutoff)) {
                return null;
            }
            Deployment.Status outcome = WorkflowRunDeployments.outcome(ApiJson.requiredText(node, "conclusion"));
            if (outcome == null) {
                return null;
            }
            String sha = ApiJson.sha(node, "head_sha", true);
            Instant startedAt = ApiJson.instant(node, "run_started_at");
            if (startedAt == null) {
                startedAt = ApiJson.requiredInstant(node, "created_at");
            }
            if (finishedAt.isBefore(startedAt)) {
                throw new BadRecord("updated_at", "the run finished (" + finishedAt + ") before it started (" + startedAt + ")", null);
            }
            Target target = target(repository, rule.environment());
            return new Deployment(recordId, source.sourceName(), null, target.service(), rule.environment(), target.production(), outcome,
                    startedAt, finishedAt, repository.repo(), sha, ApiJson.text(node, "html_url"), ApiJson.text(node, "event"),
                    ApiJson.text(node, "head_branch"), List.of(), element.text());
        } catch (RecordProblem problem) {
            throw new BadRecord(problem.field(), problem.getMessage(), null);
        }
    }

    // --- releases ----------------------------------------------------------------------------------------------------

    /**
     * Published releases (drafts are not; prereleases only when configured) as successful deployments at their
     * {@code published_at} (a release's {@code created_at} is its commit's date, not when it was made), of the commit
     * their tag names.
     */
    private List<Deployment> releaseDeployments(GitHubRepository repository) {
        Releases rule = repository.deploymentsFrom().releases();
        List<Element> listed = optionalListing(repository, GitHubPages.RELEASES);
        if (listed == null) {
            throw notCollected(repository, GitHubPages.RELEASES);
        }
        List<Deployment> deployments = new ArrayList<>();
        for (Map.Entry<Long, Element> entry : byKey(repository, listed, "id").entrySet()) {
            JsonNode node = entry.getValue().node();
            boolean prerelease = node.path("prerelease").asBoolean(false);
            if (node.path("draft").asBoolean(false) || prerelease && !rule.prereleases()) {
                continue;
            }
            seen++;
            String recordId = "github:" + repository.fullName() + ":release/" + entry.getKey();
            try {
                String tag = ApiJson.requiredText(node, "tag_name");
                Instant publishedAt = ApiJson.requiredInstant(node, "published_at");
                String sha = tagCommit(repository, entry.getKey(), tag);
                Target target = target(repository, rule.environment());
                deployments.add(new Deployment(recordId, source.sourceName(), null, target.service(), rule.environment(), target.production(),
                        Deployment.Status.SUCCESS, publishedAt, publishedAt, repository.repo(), sha, ApiJson.text(node, "html_url"), "release",
                        null, prerelease ? List.of("prerelease") : List.of(), entry.getValue().text()));
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            } catch (BadRecord bad) {
                reject(recordId, bad.field, bad.getMessage(), entry.getValue().text());
            }
        }
        return deployments;
    }

    /** The commit a release's tag names, through its annotated tag object when it is one. */
    private String tagCommit(GitHubRepository repository, long releaseId, String tag) throws RecordProblem {
        JsonNode target = GitHubPages.object(pages, repository, GitHubPages.releaseTagRef(releaseId)).path("object");
        if ("tag".equals(target.path("type").asText())) {
            target = GitHubPages.object(pages, repository, GitHubPages.releaseTagObject(releaseId)).path("object");
        }
        if (target.isMissingNode()) {
            throw new RecordProblem("tag_name", "tag " + tag + " was not resolved to a commit (collect stopped before it); run dora"
                    + " collect again");
        }
        if (!"commit".equals(target.path("type").asText())) {
            throw new RecordProblem("tag_name", "tag " + tag + " names a " + target.path("type").asText() + ", not a commit");
        }
        return ApiJson.sha(target, "sha", true);
    }

    /** The service a deployment environment deploys and whether it is production. */
    private record Target(String service, boolean production) {}

    /**
     * The repository's environments mapping decides (a monorepo deploys a service per environment), else the
     * repository's service; production is the mapping's say, else {@code rules.production_environment} on the name.
     */
    private Target target(GitHubRepository repository, String environment) throws BadRecord {
        Optional<EnvironmentMapping> mapping = repository.environment(environment);
        String service = mapping.map(EnvironmentMapping::service).orElse(repository.service());
        if (service == null) {
            throw new BadRecord("environment", "no repositories[].environments entry of " + repository.fullName() + " maps environment '"
                    + environment + "' to a service", null);
        }
        Boolean production = mapping.map(EnvironmentMapping::production).orElse(null);
        return new Target(service, production != null ? production : config.rules().productionEnvironment().matcher(environment).find());
    }

    private static DeploymentStatuses.Status status(Element element) throws BadRecord {
        try {
            return DeploymentStatuses.parse(element);
        } catch (RecordProblem problem) {
            throw new BadRecord("statuses." + problem.field(), "a status of it: " + problem.getMessage(), element.text());
        }
    }

    // --- pull requests -----------------------------------------------------------------------------------------------

    /** Something someone did on a pull request that may be its first review: a review, a review comment, a comment. */
    private record Activity(String login, boolean bot, Instant at) {}

    private List<PullRequest> pullRequests(GitHubRepository repository) {
        Map<Long, Element> byNumber = byKey(repository, requiredFetches(repository, GitHubPages.PULLS), "number");
        Map<Long, List<Activity>> comments = new HashMap<>();
        comments(repository, GitHubPages.REVIEW_COMMENTS, "pull_request_url", comments);
        comments(repository, GitHubPages.ISSUE_COMMENTS, "issue_url", comments);
        List<PullRequest> pullRequests = new ArrayList<>();
        for (Map.Entry<Long, Element> entry : byNumber.entrySet()) {
            seen++;
            long number = entry.getKey();
            String recordId = pullRequestId(repository, number);
            try {
                PullRequest pullRequest = pullRequest(repository, recordId, number, entry.getValue(), comments.getOrDefault(number, List.of()));
                if (pullRequest != null) {
                    pullRequests.add(pullRequest);
                }
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        return pullRequests;
    }

    private static String pullRequestId(GitHubRepository repository, long number) {
        return "github:" + repository.fullName() + "#" + number;
    }

    /** The merged pull request, or null for one that is open or was closed without merging. */
    private PullRequest pullRequest(GitHubRepository repository, String recordId, long number, Element element, List<Activity> comments)
            throws RecordProblem {
        JsonNode node = element.node();
        Instant mergedAt = ApiJson.instant(node, "merged_at");
        if (mergedAt == null) {
            return null;
        }
        Instant createdAt = ApiJson.requiredInstant(node, "created_at");
        String mergeSha = ApiJson.sha(node, "merge_commit_sha", false);
        if (mergeSha == null) {
            throw new RecordProblem("merge_commit_sha", "merged at " + mergedAt + " but merge_commit_sha is null (GitHub leaves it out"
                    + " on some old pull requests), so no commit can be tied to it");
        }
        String headSha = ApiJson.sha(node, "head.sha", false);
        String author = ApiJson.text(node, "user.login");

        PullRequestCommits listed = PullRequestCommits.read(optionalListing(repository, GitHubPages.pullCommits(number)), COMMIT_FIELDS, "GitHub", createdAt,
                element.text(), (field, reason, payload) -> flag(recordId, field, reason, payload));
        Set<String> commits = new LinkedHashSet<>(listed.shas());
        Instant firstCommitAt = listed.firstCommitAt();
        String firstCommitAuthor = listed.firstCommitAuthor();
        commits.add(mergeSha);

        List<Activity> activities = new ArrayList<>(comments);
        List<Element> reviews = optionalListing(repository, GitHubPages.pullReviews(number));
        if (reviews == null) {
            flag(recordId, "reviews", "its reviews were not collected (collect stopped before them): its first review may be later"
                    + " than it was", element.text());
        }
        for (Element review : reviews == null ? List.<Element>of() : reviews) {
            try {
                // A pending review is a draft only its author sees: it has no submitted_at and reviewed nothing yet.
                Instant submittedAt = ApiJson.instant(review.node(), "submitted_at");
                if (submittedAt != null && !"PENDING".equalsIgnoreCase(ApiJson.text(review.node(), "state"))) {
                    activities.add(activity(review.node(), submittedAt));
                }
            } catch (RecordProblem problem) {
                flag(recordId, "reviews." + problem.field(), "a review of it is left out: " + problem.getMessage(), review.text());
            }
        }
        Instant firstReviewAt = activities.stream()
                .filter(a -> !a.bot() && (author == null || !author.equalsIgnoreCase(a.login())) && !a.at().isAfter(mergedAt))
                .map(Activity::at).min(Comparator.naturalOrder()).orElse(null);
        return new PullRequest(repository.repo(), number, PULL_REQUEST_SOURCE, mergeSha, headSha, List.copyOf(commits),
                firstCommitAuthor, firstCommitAt, mergedAt, createdAt, firstReviewAt);
    }

    /**
     * A repository-wide comment listing, grouped by the pull request each comment is on (the number at the end of
     * {@code pull_request_url} or {@code issue_url}; GitHub's older review comments give it only in
     * {@code _links.pull_request.href}).
     */
    private void comments(GitHubRepository repository, String endpoint, String urlField, Map<Long, List<Activity>> byNumber) {
        List<Element> listed = optionalFetches(repository, endpoint);
        if (listed == null) {
            flag(null, endpoint, "the " + endpoint.replace('_', ' ') + " of " + repository.fullName() + " were not collected (collect"
                    + " stopped before them): first reviews may be later than they were", null);
            return;
        }
        Map<Long, Element> latest = new LinkedHashMap<>();
        List<Element> withoutId = new ArrayList<>();
        for (Element comment : listed) {
            JsonNode id = comment.node().path("id");
            if (id.isIntegralNumber()) {
                latest.remove(id.asLong());
                latest.put(id.asLong(), comment);
            } else {
                withoutId.add(comment); // cannot be told apart from its other copies; a first review counts once anyway
            }
        }
        withoutId.addAll(latest.values());
        for (Element comment : withoutId) {
            try {
                String url = ApiJson.text(comment.node(), urlField);
                if (url == null) {
                    url = ApiJson.text(comment.node(), "_links.pull_request.href");
                }
                Matcher matcher = TRAILING_NUMBER.matcher(url == null ? "" : url);
                if (!matcher.find()) {
                    throw new RecordProblem(urlField, "names no pull request or issue");
                }
                Instant createdAt = ApiJson.requiredInstant(comment.node(), "created_at");
                byNumber.computeIfAbsent(Long.parseLong(matcher.group(1)), n -> new ArrayList<>()).add(activity(comment.node(), createdAt));
            } catch (RecordProblem problem) {
                flag(null, endpoint + "." + problem.field(), "a comment in " + repository.fullName() + " is left out: " + problem.getMessage(),
                        comment.text());
            }
        }
    }

    private static Activity activity(JsonNode node, Instant at) throws RecordProblem {
        String login = ApiJson.text(node, "user.login");
        boolean bot = "Bot".equals(ApiJson.text(node, "user.type")) || login != null && login.endsWith("[bot]");
        return new Activity(login, bot, at);
    }

    // --- incidents ---------------------------------------------------------------------------------------------------

    /**
     * The repository's issues that are incidents by its rule (pull requests, which GitHub lists among issues, are not),
     * in their latest copy: opened at {@code created_at}, resolved at {@code closed_at}. One closed as not planned was
     * no incident after all: it is left out, and flagged.
     */
    private List<Incident> incidents(GitHubRepository repository) {
        IncidentRule rule = repository.incidents();
        List<Incident> incidents = new ArrayList<>();
        for (Map.Entry<Long, Element> entry : byKey(repository, requiredFetches(repository, GitHubPages.ISSUES), "number").entrySet()) {
            JsonNode node = entry.getValue().node();
            if (isPullRequest(node)) {
                continue;
            }
            String recordId = "github:" + repository.fullName() + "#" + entry.getKey();
            try {
                List<String> labels = labels(node);
                String title = ApiJson.text(node, "title");
                boolean byLabel = labels.stream().anyMatch(l -> rule.labels().contains(l.toLowerCase(Locale.ROOT)));
                if (!byLabel && (rule.title() == null || title == null || !rule.title().matcher(title).find())) {
                    continue;
                }
                seen++;
                Incident incident = incident(repository, rule, recordId, entry.getValue(), labels, title);
                if (incident != null) {
                    incidents.add(incident);
                }
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        return incidents;
    }

    private Incident incident(GitHubRepository repository, IncidentRule rule, String recordId, Element element, List<String> labels,
                              String title) throws RecordProblem {
        JsonNode node = element.node();
        Instant openedAt = ApiJson.requiredInstant(node, "created_at");
        String state = ApiJson.requiredText(node, "state");
        Instant resolvedAt = null;
        if (state.equals("closed")) {
            if ("not_planned".equals(ApiJson.text(node, "state_reason"))) {
                flag(recordId, "state_reason", "closed as not planned: no incident after all, left out", element.text());
                return null;
            }
            resolvedAt = ApiJson.requiredInstant(node, "closed_at");
            if (resolvedAt.isBefore(openedAt)) {
                throw new RecordProblem("closed_at", "closed (" + resolvedAt + ") before it was opened (" + openedAt + ")");
            }
        }
        String severity = null;
        for (String label : labels) {
            Matcher matcher = rule.severity().matcher(label);
            if (matcher.find()) {
                severity = matcher.groupCount() > 0 && matcher.group(1) != null ? matcher.group(1) : label;
                break;
            }
        }
        List<String> services = labels.stream().map(l -> rule.serviceLabels().get(l.toLowerCase(Locale.ROOT))).filter(Objects::nonNull)
                .distinct().toList();
        if (services.isEmpty()) {
            if (repository.service() == null) {
                throw new RecordProblem("labels", "no label of it names a service (incidents.services) and " + repository.fullName()
                        + " has no service of its own");
            }
            services = List.of(repository.service());
        }
        IssueReferences references = IssueReferences.in(ApiJson.text(node, "body"), repository);
        return new Incident(recordId, source.sourceName(), null, services, severity, openedAt, resolvedAt, title, references.deployment(),
                references.commit(), references.pullRequest(), ApiJson.text(node, "html_url"), element.text());
    }

    /**
     * Whether an issue listing's element is a pull request: its {@code pull_request} names one. GitHub's API of 2012
     * gave every issue a {@code pull_request} object, with null URLs when it was none.
     */
    private static boolean isPullRequest(JsonNode issue) {
        JsonNode pull = issue.path("pull_request");
        return pull.path("html_url").isTextual() || pull.path("url").isTextual();
    }

    /** An issue's label names ({@code labels} holds label objects, or plain names in some older payloads). */
    private static List<String> labels(JsonNode node) throws RecordProblem {
        JsonNode labels = ApiJson.field(node, "labels");
        if (labels == null) {
            return List.of();
        }
        if (!labels.isArray()) {
            throw new RecordProblem("labels", "expected a list");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode label : labels) {
            String name = label.isTextual() ? label.asText() : label.path("name").asText(null);
            if (name != null && !name.isBlank()) {
                names.add(name);
            }
        }
        return names;
    }

    // --- pages -------------------------------------------------------------------------------------------------------

    /**
     * A listing's elements by their key ({@code id}, {@code number}); one listed twice (the listing shifted while it
     * was paged) is taken from the later page. An element without a usable key is rejected.
     */
    private Map<Long, Element> byKey(GitHubRepository repository, List<Element> elements, String key) {
        Map<Long, Element> byKey = new LinkedHashMap<>();
        for (Element element : elements) {
            try {
                long value = ApiJson.requiredId(element.node(), key);
                byKey.remove(value);
                byKey.put(value, element);
            } catch (RecordProblem problem) {
                seen++;
                reject(null, problem.field(), "a record of " + repository.fullName() + ": " + problem.getMessage(), element.text());
            }
        }
        return byKey;
    }

    /** Every copy of the records of an incremental listing, oldest fetch first; the listing must have been collected. */
    private List<Element> requiredFetches(GitHubRepository repository, String endpoint) {
        return requiredFetches(repository, endpoint, null);
    }

    /** The same, for a listing whose pages hold their records in {@code itemsField}. */
    private List<Element> requiredFetches(GitHubRepository repository, String endpoint, String itemsField) {
        Path folder = GitHubPages.folder(pages, repository, endpoint);
        if (!pages.exists(folder)) {
            throw notCollected(repository, endpoint);
        }
        return elements(pages.readFetches(folder), itemsField);
    }

    private DoraException notCollected(GitHubRepository repository, String endpoint) {
        return new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected for "
                + repository.fullName() + " at " + Redaction.redact(GitHubPages.folder(pages, repository, endpoint).toString())
                + "; run `dora collect` first");
    }

    /** Every copy of the records of an incremental listing, or null when it was never collected (collect stopped before it). */
    private List<Element> optionalFetches(GitHubRepository repository, String endpoint) {
        Path folder = GitHubPages.folder(pages, repository, endpoint);
        return pages.exists(folder) ? elements(pages.readFetches(folder), null) : null;
    }

    /** The elements of a whole listing, or null when it was never collected (collect stopped before it). */
    private List<Element> optionalListing(GitHubRepository repository, String endpoint) {
        Path folder = GitHubPages.folder(pages, repository, endpoint);
        return pages.exists(folder) ? elements(pages.readAll(folder), null) : null;
    }

    private List<Element> elements(List<RawPage> listed, String itemsField) {
        List<Element> elements = new ArrayList<>();
        for (RawPage page : listed) {
            try {
                elements.addAll(itemsField == null ? ApiJson.elements(page.body()) : ApiJson.elements(page.body(), List.of(itemsField)));
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

    /** A record that cannot be used, with the field at fault and the text to show (a status's, when a status is at fault). */
    private static final class BadRecord extends Exception {
        private final String field;
        private final String payload;

        BadRecord(String field, String reason, String payload) {
            super(reason, null, false, false);
            this.field = field;
            this.payload = payload;
        }
    }
}
