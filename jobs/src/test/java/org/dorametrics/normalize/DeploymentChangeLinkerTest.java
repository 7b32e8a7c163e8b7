package org.dorametrics.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.dorametrics.config.DoraConfig.ChangeStart;
import org.dorametrics.config.DoraConfig.Rules;
import org.dorametrics.normalize.CommitGraph.CommitSet;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedDeployment;
import org.junit.jupiter.api.Test;

/** Ancestry on hand-made graphs: names stand for SHAs (padded to 40 characters). */
class DeploymentChangeLinkerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private final Map<String, Commit> commits = new TreeMap<>();
    private final DeploymentChangeLinker linker = new DeploymentChangeLinker(new Rules(Pattern.compile("^prod$"),
            Pattern.compile("(?i)hotfix"), Duration.ofHours(24), Duration.ofDays(30), ChangeStart.AUTHOR_TIME, 0.05), commit -> null);

    @Test
    void mergeDeliversTheBranchCommitsAndTheMerge() {
        commit("a", 0, "init");
        commit("b", 1, "on main", "a");
        commit("f1", 2, "feature 1", "a");
        commit("f2", 3, "feature 2", "f1");
        commit("m", 4, "Merge pull request #7 from org/feature", "b", "f2");
        List<LinkedDeployment> linked = link(deploy("d1", "b", 5), deploy("d2", "m", 6));
        assertEquals(List.of("a", "b"), names(linked.get(0)));
        assertTrue(linked.get(0).baseline());
        assertEquals(List.of("f1", "f2", "m"), names(linked.get(1)));
        assertFalse(linked.get(1).baseline());
        assertEquals("d1", linked.get(1).previousDeploymentId());
    }

    @Test
    void octopusMergeDeliversEveryBranch() {
        commit("a", 0, "init");
        commit("x", 1, "x", "a");
        commit("y", 2, "y", "a");
        commit("z", 3, "z", "a");
        commit("o", 4, "octopus", "x", "y", "z");
        List<LinkedDeployment> linked = link(deploy("d1", "a", 1), deploy("d2", "o", 5));
        assertEquals(List.of("x", "y", "z", "o"), names(linked.get(1)));
    }

    @Test
    void rollbackRedeployAndForwardDeployDeliverEachCommitOnce() {
        commit("a", 0, "a");
        commit("b", 1, "b", "a");
        commit("c", 2, "c", "b");
        commit("d", 3, "d", "c");
        List<LinkedDeployment> linked = link(deploy("d1", "a", 1), deploy("d2", "c", 3), deploy("d3", "c", 4),
                deploy("d4", "b", 5), deploy("d5", "d", 6));
        assertEquals(List.of("b", "c"), names(linked.get(1)));
        assertEquals(List.of(), names(linked.get(2)), "a redeploy of the same revision delivers nothing");
        assertFalse(linked.get(2).rollback(), "a redeploy is not a rollback");
        assertTrue(linked.get(3).rollback(), "b is a proper ancestor of c");
        assertEquals(List.of(), names(linked.get(3)));
        assertEquals(List.of("d"), names(linked.get(4)), "c was delivered by d2 already");
        assertFalse(linked.get(4).rollback());
    }

    @Test
    void deployOfAnotherBranchThenMainCountsEveryCommitOnce() {
        commit("a", 0, "a");
        commit("f", 1, "feature", "a");
        commit("b", 2, "main", "a");
        commit("m", 3, "merge", "b", "f");
        List<LinkedDeployment> linked = link(deploy("d1", "a", 1), deploy("d2", "f", 2), deploy("d3", "m", 4));
        assertEquals(List.of("f"), names(linked.get(1)));
        assertFalse(linked.get(2).rollback());
        assertEquals(List.of("b", "m"), names(linked.get(2)));
    }

    @Test
    void firstDeploymentAttributesOnlyTheBaselineLookback() {
        commit("old", -40 * 24, "older than 30 days");
        commit("new", 0, "recent", "old");
        List<LinkedDeployment> linked = link(deploy("d1", "new", 1));
        assertEquals(List.of("new"), names(linked.get(0)));
        assertTrue(linked.get(0).baseline());
    }

    @Test
    void unknownRevisionDeliversNothingAndIsReported() {
        commit("a", 0, "a");
        List<LinkedDeployment> linked = link(deploy("d1", "a", 1), deploy("d2", "ffff", 2));
        assertFalse(linked.get(1).revisionFound());
        assertEquals(List.of(), names(linked.get(1)));
    }

    @Test
    void revertOfAnEarlierDeployedCommitIsMarked() {
        commit("a", 0, "a");
        commit("b", 1, "feature", "a");
        commit("r", 2, "Revert \"feature\"\n\nThis reverts commit " + sha("b") + ".", "b");
        List<LinkedDeployment> linked = link(deploy("d1", "b", 1), deploy("d2", "r", 3));
        assertTrue(linked.get(1).referencesEarlierChange());
    }

    @Test
    void commitsInProductionAreEveryCommitAProductionDeploymentContains() {
        commit("a", 0, "a");
        commit("b", 1, "b", "a");
        commit("c", 2, "c", "b");
        commit("d", 3, "d", "c");
        commit("e", 4, "e", "d");
        CommitGraph graph = new CommitGraph("api", commits.values());
        Map<String, CommitSet> inProduction = new HashMap<>();
        // Every deployment production: what the linker delivered.
        NormalizeStage.addCommitsInProduction(linker.link(List.of(deploy("d1", "a", 1), deploy("d2", "c", 3)), graph,
                commit -> true), graph, inProduction);
        assertEquals(Set.of("a", "b", "c"), names(graph, inProduction.get("api")));
        // A chain whose source marked its first deployment not production: the linker delivered b..d to it, and the
        // production deployment after it contains them as well.
        Map<String, CommitSet> mixed = new HashMap<>();
        NormalizeStage.addCommitsInProduction(linker.link(List.of(deploy("d3", "d", 4, false), deploy("d4", "e", 5, true)),
                graph, commit -> true), graph, mixed);
        assertEquals(Set.of("a", "b", "c", "d", "e"), names(graph, mixed.get("api")));
        // A second chain of the same service adds to the first.
        NormalizeStage.addCommitsInProduction(linker.link(List.of(deploy("d5", "e", 6)), graph, commit -> true), graph, inProduction);
        assertEquals(Set.of("a", "b", "c", "d", "e"), names(graph, inProduction.get("api")));
    }

    @Test
    void aChainWithoutProductionDeploymentsPutsNoCommitInProduction() {
        commit("a", 0, "a");
        commit("b", 1, "b", "a");
        CommitGraph graph = new CommitGraph("api", commits.values());
        Map<String, CommitSet> inProduction = new HashMap<>();
        NormalizeStage.addCommitsInProduction(linker.link(List.of(deploy("d1", "b", 2, false)), graph, commit -> true),
                graph, inProduction);
        assertEquals(Set.of(), names(graph, inProduction.get("api")));
    }

    /** The names of the graph's commits in the set. */
    private static Set<String> names(CommitGraph graph, CommitSet set) {
        return graph.commits().stream().filter(c -> set.contains(c.sha())).map(c -> name(c.sha())).collect(Collectors.toSet());
    }

    private List<LinkedDeployment> link(Deployment... chain) {
        return linker.link(List.of(chain), new CommitGraph("api", commits.values()), commit -> true).deployments();
    }

    private void commit(String name, int hours, String message, String... parents) {
        List<String> parentShas = new ArrayList<>();
        for (String parent : parents) {
            parentShas.add(sha(parent));
        }
        Instant time = T0.plus(Duration.ofHours(hours));
        commits.put(sha(name), new Commit("api", sha(name), parentShas, "A", "a@x", time, 0, "C", "c@x", time, 0, message, null));
    }

    private static Deployment deploy(String id, String revision, int hours) {
        return deploy(id, revision, hours, true);
    }

    private static Deployment deploy(String id, String revision, int hours, boolean production) {
        Instant finished = T0.plus(Duration.ofHours(hours));
        return new Deployment(id, "test", null, "api", "prod", production, Deployment.Status.SUCCESS, finished, finished, "api",
                sha(revision), null, null, null, List.of(), "{}");
    }

    private static String sha(String name) {
        StringBuilder hex = new StringBuilder();
        for (char c : name.toCharArray()) {
            hex.append(String.format("%02x", (int) c));
        }
        return (hex + "0".repeat(40)).substring(0, 40);
    }

    private static List<String> names(LinkedDeployment linked) {
        return linked.changes().stream().map(c -> name(c.sha())).toList();
    }

    private static String name(String sha) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i + 1 < sha.length(); i += 2) {
            int c = Integer.parseInt(sha.substring(i, i + 2), 16);
            if (c == 0) {
                break;
            }
            name.append((char) c);
        }
        return name.toString();
    }
}
