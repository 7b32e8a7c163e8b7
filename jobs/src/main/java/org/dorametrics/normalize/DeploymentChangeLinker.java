package org.dorametrics.normalize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.dorametrics.normalize.CommitGraph.CommitSet;
import org.dorametrics.config.DoraConfig.Rules;

/**
 * Finds the commits each deployment newly delivered (DORA.md §1 Deployment changes): for the successful deployments
 * of one service to one environment, in order, the ancestors of the deployed revision that no earlier deployment of
 * that chain delivered. A commit is delivered once, by the first deployment that contains it, so a rollback followed
 * by a redeploy does not count the same commits twice.
 */
public final class DeploymentChangeLinker {
    private final Rules rules;
    private final Function<Commit, PullRequest> pullRequestOf;

    /** @param pullRequestOf the pull request a commit belongs to, or null */
    public DeploymentChangeLinker(Rules rules, Function<Commit, PullRequest> pullRequestOf) {
        this.rules = rules;
        this.pullRequestOf = pullRequestOf;
    }

    /** A deployment with what it delivered and how it relates to the deployment before it. */
    public record LinkedDeployment(
            Deployment deployment,
            String previousDeploymentId,
            boolean baseline,
            boolean rollback,
            boolean revisionFound,
            boolean referencesEarlierChange,
            List<Commit> changes) {}

    /** A chain's deployments, linked, and every commit one of them contains (whether the service owns it or not). */
    public record LinkedChain(List<LinkedDeployment> deployments, CommitSet delivered) {}

    /**
     * Links one chain: successful deployments of one service and environment, sorted by finish time then id.
     *
     * @param ownsChange which reachable commits count as the service's changes (in a monorepo, those touching its
     *     paths); every reachable commit still counts as delivered
     */
    public LinkedChain link(List<Deployment> chain, CommitGraph graph, Predicate<Commit> ownsChange) {
        List<LinkedDeployment> linked = new ArrayList<>();
        CommitSet delivered = graph.commitSet();
        Set<String> earlierRevisions = new HashSet<>();
        String previousRevision = null;
        String previousId = null;
        for (Deployment deployment : chain) {
            String revision = graph.resolve(deployment.revision());
            if (revision == null) {
                linked.add(new LinkedDeployment(deployment, previousId, false, false, false, false, List.of()));
                previousId = deployment.id();
                continue;
            }
            boolean first = previousRevision == null;
            boolean rollback = !first && !revision.equals(previousRevision)
                    && (earlierRevisions.contains(revision) || delivered.contains(revision) && graph.isAncestor(revision, previousRevision));
            CommitGraph.Reached reachable = graph.ancestorsExcluding(revision, delivered);
            List<Commit> owned = reachable.stream().filter(ownsChange).toList();
            List<Commit> changes = first ? withinBaselineLookback(owned, deployment.finishedAt()) : owned;
            // A revert of, or a full-id reference to, a commit an earlier deployment delivered: the mark of a hotfix.
            boolean referencesEarlier = !first && changes.stream().anyMatch(c -> graph.namesAny(c, delivered));
            delivered.addAll(reachable);
            changes = new ArrayList<>(changes);
            changes.sort(Comparator.comparing(Commit::committerTime).thenComparing(Commit::sha));
            linked.add(new LinkedDeployment(deployment.withRevision(revision), previousId, first, rollback, true, referencesEarlier, changes));
            earlierRevisions.add(revision);
            previousRevision = revision;
            previousId = deployment.id();
        }
        return new LinkedChain(linked, delivered);
    }

    public PullRequest pullRequestOf(Commit commit) {
        return pullRequestOf.apply(commit);
    }

    /**
     * When a change started, per rules.change_start: its author or committer time, or for a commit of a pull request
     * the request's first commit or its merge; a commit of no pull request falls back to its author time
     * (pr_first_commit) or committer time (pr_merged).
     */
    public Instant changeStart(Commit commit) {
        return changeStart(commit, pullRequestOf.apply(commit));
    }

    /** {@link #changeStart(Commit)} of a commit whose pull request (or null) the caller has already looked up. */
    public Instant changeStart(Commit commit, PullRequest pullRequest) {
        return switch (rules.changeStart()) {
            case AUTHOR_TIME -> commit.authorTime();
            case COMMITTER_TIME -> commit.committerTime();
            case PR_FIRST_COMMIT -> pullRequest != null ? pullRequest.firstCommitAt() : commit.authorTime();
            case PR_MERGED -> pullRequest != null ? pullRequest.mergedAt() : commit.committerTime();
        };
    }

    private List<Commit> withinBaselineLookback(List<Commit> commits, Instant deployedAt) {
        Instant earliest = deployedAt.minus(rules.baselineLookback());
        return commits.stream().filter(c -> !changeStart(c).isBefore(earliest)).toList();
    }
}
