package org.dorametrics.normalize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pull request as git shows it (DORA.md §1): a merge commit `Merge pull request #N` with the commits its
 * branch brought (`git rev-list first-parent..second-parent`), or a squash commit `… (#N)` standing for its whole
 * branch. Creation and review times need the hosting API and are unknown here.
 *
 * @param mergeSha the commit that brought the pull request into its base branch
 * @param headSha the branch tip that was merged (null for a squash merge)
 * @param commits the pull request's commits, the merge commit included
 * @param firstCommitAt the earliest author time among its commits
 * @param mergedAt the merge (or squash) commit's committer time
 */
public record PullRequest(String repo, long number, String mergeSha, String headSha, List<String> commits, String authorName,
                          Instant firstCommitAt, Instant mergedAt) {

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
        return new PullRequest(graph.repo(), number, merge.sha(), head, members.stream().map(Commit::sha).toList(),
                first.authorName(), first.authorTime(), merge.committerTime());
    }
}
