package org.dorametrics.normalize;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedDeployment;
import org.dorametrics.normalize.IncidentAttributor.Attribution;

/**
 * Decides, for each successful production deployment, whether it was a hotfix, rework, a change failure, and when
 * it recovered (DORA.md §1-2).
 */
public final class DeploymentOutcomes {
    /** A word that may hold inner dots, dashes and underscores (INC-8, ops.42) but ends on a letter or digit. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_.\\-]*[A-Za-z0-9])?");

    /** What happened to one deployment. */
    public record Outcome(boolean hotfix, boolean rework, boolean failed, List<String> failureReasons, Instant recoveredAt,
                          boolean recoveryClamped) {}

    private final Pattern hotfixRule;
    private final Duration window;
    /** Whether a commit's subject matches the hotfix rule, by commit: one commit is a change of every chain delivering it. */
    private final Map<Commit, Boolean> hotfixSubjects = new IdentityHashMap<>();

    public DeploymentOutcomes(Pattern hotfixRule, Duration window) {
        this.hotfixRule = hotfixRule;
        this.window = window;
    }

    /**
     * @param chain successful production deployments of one service and environment, in finish order
     * @param attributions incident links of the deployments
     * @param incidents incidents by id
     * @param clamped receives the failed deployments whose recovery came out before they finished (clock skew, or an
     *     incident resolved during the rollout): their recovery time is clamped to 0, and reported
     */
    public Map<String, Outcome> decide(List<LinkedDeployment> chain, Map<String, List<Attribution>> attributions,
                                       Map<String, Incident> incidents, List<Deployment> clamped) {
        int size = chain.size();
        boolean[] hotfix = new boolean[size];
        boolean[] rework = new boolean[size];
        for (int i = 0; i < size; i++) {
            hotfix[i] = isHotfix(chain.get(i));
            rework[i] = chain.get(i).rollback() || hotfix[i] || namesIncident(chain.get(i), incidents.keySet());
        }
        List<List<String>> reasons = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> why = new ArrayList<>();
            LinkedDeployment deployment = chain.get(i);
            if (!attributions.getOrDefault(deployment.deployment().id(), List.of()).isEmpty()) {
                why.add("incident");
            }
            if (i + 1 < size) {
                LinkedDeployment next = chain.get(i + 1);
                if (next.rollback()) {
                    why.add("rollback");
                }
                Duration gap = Duration.between(deployment.deployment().finishedAt(), next.deployment().finishedAt());
                if (hotfix[i + 1] && gap.compareTo(window) <= 0) {
                    why.add("hotfix");
                }
            }
            reasons.add(why);
        }
        Map<String, Outcome> outcomes = new HashMap<>();
        for (int i = 0; i < size; i++) {
            boolean failed = !reasons.get(i).isEmpty();
            Instant recoveredAt = failed ? recovery(i, chain, reasons, attributions, incidents) : null;
            Instant finishedAt = chain.get(i).deployment().finishedAt();
            boolean recoveryClamped = recoveredAt != null && recoveredAt.isBefore(finishedAt);
            if (recoveryClamped) {
                clamped.add(chain.get(i).deployment());
                recoveredAt = finishedAt;
            }
            outcomes.put(chain.get(i).deployment().id(),
                    new Outcome(hotfix[i], rework[i], failed, reasons.get(i), recoveredAt, recoveryClamped));
        }
        return outcomes;
    }

    /** The earlier of: all attributed incidents resolved, and the next successful deployment that did not fail. */
    private static Instant recovery(int index, List<LinkedDeployment> chain, List<List<String>> reasons,
                                    Map<String, List<Attribution>> attributions, Map<String, Incident> incidents) {
        Instant recovered = null;
        List<Attribution> links = attributions.getOrDefault(chain.get(index).deployment().id(), List.of());
        if (!links.isEmpty()) {
            Instant lastResolved = null;
            for (Attribution link : links) {
                Instant resolved = incidents.get(link.incidentId()).resolvedAt();
                if (resolved == null) {
                    lastResolved = null;
                    break;
                }
                lastResolved = lastResolved == null || resolved.isAfter(lastResolved) ? resolved : lastResolved;
            }
            recovered = lastResolved;
        }
        for (int next = index + 1; next < chain.size(); next++) {
            if (reasons.get(next).isEmpty()) {
                Instant nextGood = chain.get(next).deployment().finishedAt();
                if (recovered == null || nextGood.isBefore(recovered)) {
                    recovered = nextGood;
                }
                break;
            }
        }
        return recovered;
    }

    /** The hotfix rule on the deployment's branch, labels, trigger and new commit subjects, or a revert of earlier work. */
    private boolean isHotfix(LinkedDeployment linked) {
        Deployment deployment = linked.deployment();
        if (matches(deployment.branch()) || matches(deployment.trigger()) || deployment.labels().stream().anyMatch(this::matches)) {
            return true;
        }
        if (linked.referencesEarlierChange()) {
            return true;
        }
        return !linked.baseline() && linked.changes().stream()
                .anyMatch(c -> hotfixSubjects.computeIfAbsent(c, commit -> matches(commit.subject())));
    }

    private boolean matches(String text) {
        return text != null && hotfixRule.matcher(text).find();
    }

    private static boolean namesIncident(LinkedDeployment linked, Set<String> incidentIds) {
        if (linked.baseline() || incidentIds.isEmpty()) {
            return false;
        }
        for (Commit commit : linked.changes()) {
            Matcher token = TOKEN.matcher(commit.message());
            while (token.find()) {
                if (incidentIds.contains(token.group())) {
                    return true;
                }
            }
        }
        return false;
    }
}
