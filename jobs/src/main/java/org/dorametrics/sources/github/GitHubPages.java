package org.dorametrics.sources.github;

import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.table.OutputLocation;

/**
 * Where a GitHub source's pages live in the raw zone:
 * {@code <output>/raw/github/<name>/<owner>_<repo>/<endpoint>/page-0001.json}, one file per response page, where
 * endpoint is {@code deployments}, {@code deployment_statuses/<id>}, {@code pulls}, {@code pull_reviews/<number>},
 * {@code pull_commits/<number>}, {@code review_comments} or {@code issue_comments}.
 */
final class GitHubPages {
    static final String DEPLOYMENTS = "deployments";
    static final String PULLS = "pulls";
    static final String REVIEW_COMMENTS = "review_comments";
    static final String ISSUE_COMMENTS = "issue_comments";

    private GitHubPages() {}

    static PageStore store(OutputLocation output, GitHubSource source) {
        return new PageStore(output, source.sourceName(), output.raw("github", RawZone.folderName(source.name())));
    }

    static Path folder(PageStore store, GitHubRepository repository, String endpoint) {
        return store.folder(repository.owner() + "_" + repository.name(), endpoint);
    }

    static String deploymentStatuses(long deploymentId) {
        return "deployment_statuses/" + deploymentId;
    }

    static String pullReviews(long number) {
        return "pull_reviews/" + number;
    }

    static String pullCommits(long number) {
        return "pull_commits/" + number;
    }
}
