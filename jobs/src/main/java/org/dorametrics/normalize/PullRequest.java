package org.dorametrics.normalize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A merged pull request (DORA.md §1), as git shows it or as the hosting API reports it. From git: a merge commit
 * `Merge pull request #N` with the commits its branch brought (`git rev-list first-parent..second-parent`), or a
 * squash commit `… (#N)` standing for its whole branch; creation and review times are unknown there (null).
 *
 * @param source where it was seen: {@link #GIT}, or the hosting API (e.g. github)
 * @param mergeSha the commit that brought the pull request into its base branch (merge, squash or last rebased commit)
 * @param headSha the branch tip that was merged (from git: null for a squash merge)
 * @param commits the pull request's commits, the merge commit included
 * @param firstCommitAt the earliest author time among its commits
 * @param mergedAt when it was merged: the merge (or squash) commit's committer time from git, the API's merge time
 * @param createdAt when it was opened (null from git)
 * @param firstReviewAt the first review or comment by someone other than its author, before the merge (null from git,
 *     or when nobody else reviewed)
 */
public record PullRequest(String repo, long number, String source, String mergeSha, String headSha, List<String> commits,
                          String authorName, Instant firstCommitAt, Instant mergedAt, Instant createdAt, Instant firstReviewAt) {
    public static final String GIT = "git";

    /** Every pull request a repository's history names; a number named twice keeps its first merge. */
    public static List<PullRequest> fromHistory(CommitGraph graph) {
        Map<Long, PullRequest> byNumber = new LinkedHashMap<>();
        List<Commit> named = new ArrayList<>(graph.commits().stream().filter(c -> c.pullRequestNumber() != null).toList());
        named.sort(Comparator.comparing(Commit::committerTime).thenComparing(Commit::sha));
        for (Commit commit : named) {
            byNumber.computeIfAbsent(commit.pullRequestNumber(), number -> of(graph, number, commit));
        }
        return new ArrayList<>(byNumber.values());
    }

    private static PullRequest of(CommitGraph graph, long number, Commit merge) {
        List<Commit> members = new ArrayList<>();
        String head = null;
        if (merge.isMerge()) {
            head = merge.parents().get(1);
            members.addAll(graph.range(merge.parents().get(0), head));
        }
        members.add(merge);
        Commit first = members.stream().min(Comparator.comparing(Commit::authorTime).thenComparing(Commit::sha)).orElseThrow();
        return new PullRequest(graph.repo(), number, GIT, merge.sha(), head, members.stream().map(Commit::sha).toList(),
                first.authorName(), first.authorTime(), merge.committerTime(), null, null);
    }
}
