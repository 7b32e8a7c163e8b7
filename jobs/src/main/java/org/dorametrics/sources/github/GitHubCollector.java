package org.dorametrics.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.Paginator;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one GitHub source into the raw zone: per repository, the deployments and the statuses of each one not yet
 * finished, and the pull requests with, for each merged one, its reviews and commits, plus the repository's review
 * comments and issue comments (two listings in creation order instead of two requests per pull request). Every page is
 * stored as it arrives, so a failure keeps what was fetched; a page whose stored ETag still matches costs no quota
 * (HTTP 304).
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
        this.paginator = new Paginator(client, pages, runStartedAt, full, Duration.ZERO);
    }

    /**
     * A collector for a configured source; its token is read now, so a missing one stops the run before any work (exit 2).
     *
     * @param runStartedAt names the run's fetches of incremental listings
     * @param full whether incremental listings are read from the start ({@code --full})
     */
    public static GitHubCollector open(GitHubSource source, OutputLocation output, Function<String, String> environment,
                                       Instant runStartedAt, boolean full) {
        return new GitHubCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new GitHubDialect(token(source, environment)), ApiClient.Patience.DEFAULT), runStartedAt, full);
    }

    /** A source's token; a missing, empty or malformed one is a config error (exit 2). */
    public static Secret token(GitHubSource source, Function<String, String> environment) {
        return Secret.resolve("sources.github[" + source.name() + "]", source.tokenEnv(), "token_env", source.tokenFile(),
                "token_file", environment);
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
        List<String> failures = new ArrayList<>();
        for (GitHubRepository repository : source.repositories()) {
            int fetchedBefore = paginator.fetched();
            int reusedBefore = paginator.reused();
            int keptBefore = kept;
            try {
                collect(repository, deployedRevision);
                LOG.info("collected {} {}: {} pages fetched, {} unchanged (304), statuses of {} finished deployments kept",
                        source.sourceName(), repository.fullName(), paginator.fetched() - fetchedBefore, paginator.reused() - reusedBefore, kept - keptBefore);
            } catch (DoraException e) {
                int stored = paginator.fetched() - fetchedBefore + paginator.reused() - reusedBefore;
                String message = e.getMessage() + " (" + repository.fullName() + ": "
                        + (stored == 0 ? "nothing stored" : "the " + stored + " pages stored before are kept") + ")";
                LOG.error(message);
                failures.add(message);
            }
        }
        if (!client.waited().isZero()) {
            LOG.warn("{}: waited {} s for GitHub rate limits", source.sourceName(), client.waited().toSeconds());
        }
        if (!failures.isEmpty()) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, String.join("; ", failures));
        }
    }

    private void collect(GitHubRepository repository, BiConsumer<String, String> deployedRevision) {
        String api = "/repos/" + repository.owner() + "/" + repository.name();
        String perPage = "per_page=" + source.pageSize();
        if (source.deployments()) {
            for (JsonNode deployment : paginate(repository, GitHubPages.DEPLOYMENTS, api + "/deployments?" + perPage)) {
                if (deployment.path("sha").isTextual()) {
                    deployedRevision.accept(repository.repo(), deployment.get("sha").asText());
                }
                // A deployment without a numeric id is rejected by normalize; there is nothing to ask about it.
                if (deployment.path("id").canConvertToLong() && deployment.path("id").isIntegralNumber()) {
                    long id = deployment.get("id").asLong();
                    if (finished(repository, id)) {
                        kept++;
                    } else {
                        paginate(repository, GitHubPages.deploymentStatuses(id), api + "/deployments/" + id + "/statuses?" + perPage);
                    }
                }
            }
        }
        if (source.pullRequests()) {
            // Creation order, all states: new pull requests land on the last page, so earlier pages keep their ETags.
            for (JsonNode pull : paginate(repository, GitHubPages.PULLS, api + "/pulls?state=all&sort=created&direction=asc&" + perPage)) {
                if (pull.path("number").isIntegralNumber() && pull.path("merged_at").isTextual()) {
                    long number = pull.get("number").asLong();
                    paginate(repository, GitHubPages.pullReviews(number), api + "/pulls/" + number + "/reviews?" + perPage);
                    paginate(repository, GitHubPages.pullCommits(number), api + "/pulls/" + number + "/commits?" + perPage);
                }
            }
            paginate(repository, GitHubPages.REVIEW_COMMENTS, api + "/pulls/comments?sort=created&direction=asc&" + perPage);
            paginate(repository, GitHubPages.ISSUE_COMMENTS, api + "/issues/comments?sort=created&direction=asc&" + perPage);
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
