package org.dorametrics.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dorametrics.normalize.CommitGraph.CommitSet;
import org.junit.jupiter.api.Test;

/** CommitGraph's walks against what `git rev-list` gives on small hand-made histories. */
class CommitGraphTest {
    private final List<Commit> commits = new ArrayList<>();

    @Test
    void rangeIsTheBranchOfAMerge() {
        commit("a", 0);
        commit("b", 1, "a");
        commit("f1", 2, "a");
        commit("f2", 3, "f1");
        commit("c", 4, "b");
        assertEquals(List.of("f1", "f2"), range("c", "f2"));
        assertEquals(List.of("b", "c"), range("f2", "c"));
        assertEquals(List.of(), range("c", "b"), "b is an ancestor of c");
    }

    @Test
    void rangeIsRightWhenCommitTimesLie() {
        commit("a", 0);
        commit("b", 10, "a");
        commit("old", 1, "b");       // committed "before" its parent: clock skew
        commit("main", 11, "old");
        commit("f", 12, "b");
        assertEquals(List.of("f"), range("main", "f"), "b is reachable from main through a commit dated before it");
        assertEquals(List.of("old", "main"), range("f", "main"));
    }

    @Test
    void rangeThroughMergesOnBothSides() {
        commit("a", 0);
        commit("x", 1, "a");
        commit("y", 2, "a");
        commit("m", 3, "x", "y");
        commit("z", 4, "y");
        commit("n", 5, "z", "a");
        assertEquals(List.of("z", "n"), range("m", "n"));
        assertEquals(List.of("x", "m"), range("n", "m"));
    }

    @Test
    void ancestorsStopAtTheCommitsOfASet() {
        commit("a", 0);
        commit("b", 1, "a");
        commit("f", 2, "a");
        commit("m", 3, "b", "f");
        commit("c", 4, "m");
        CommitGraph graph = new CommitGraph("r", commits);
        CommitSet delivered = graph.commitSet();
        delivered.addAll(graph.ancestorsExcluding("b", delivered));
        assertEquals(List.of("c", "m", "f"), graph.ancestorsExcluding("c", delivered).stream().map(Commit::subject).toList());
        assertTrue(delivered.contains("a") && delivered.contains("b"));
        assertFalse(delivered.contains("f") || delivered.contains("unknown"));
        // A walk sees only what it reached itself: the walks before it reached every commit.
        assertEquals(List.of("c", "m", "f", "a", "b"),
                graph.ancestorsExcluding("c", graph.commitSet()).stream().map(Commit::subject).toList());

        CommitSet other = graph.commitSet();
        other.addAll(graph.ancestorsExcluding("f", delivered));
        delivered.addAll(other);
        assertTrue(delivered.contains("f"));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> delivered.addAll(new CommitGraph("s", commits).commitSet()));
        assertEquals("commits of repo s are not commits of repo r", mixed.getMessage());
        CommitGraph otherRepo = new CommitGraph("s", commits);
        IllegalArgumentException walkedElsewhere = assertThrows(IllegalArgumentException.class,
                () -> delivered.addAll(otherRepo.ancestorsExcluding("c", otherRepo.commitSet())));
        assertEquals("commits of repo s are not commits of repo r", walkedElsewhere.getMessage());
    }

    @Test
    void ancestorsEndAtParentsTheGraphDoesNotHave() {
        // A shallow history: the graph's oldest commits name parents it never read.
        commit("a", 0, "cut-1");
        commit("b", 1, "cut-2", "a");
        commit("c", 2, "b", "cut-3");
        CommitGraph graph = new CommitGraph("r", commits);
        assertEquals(List.of("c", "b", "a"), graph.ancestorsExcluding("c", graph.commitSet()).stream().map(Commit::subject).toList());
        assertEquals(List.of(), graph.ancestorsExcluding("cut-1", graph.commitSet()));
    }

    @Test
    void aMessageNamesTheCommitItRevertsAndThoseItGivesInFull() {
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        String c = "c".repeat(40);
        commits.add(commitWithMessage(a, "first"));
        commits.add(commitWithMessage(b, "second"));
        commits.add(commitWithMessage(c, "third"));
        commits.add(commitWithMessage("d".repeat(40), "Revert \"first\"\n\nThis reverts commit aaaaaaa."));
        commits.add(commitWithMessage("e".repeat(40), "Fix what " + b + " broke; " + "f".repeat(40) + " is not ours"));
        commits.add(commitWithMessage("9".repeat(40), "Not an id: x" + c + "x"));
        CommitGraph graph = new CommitGraph("r", commits);
        CommitSet first = graph.commitSet();
        first.addAll(graph.ancestorsExcluding(a, graph.commitSet()));
        CommitSet second = graph.commitSet();
        second.addAll(graph.ancestorsExcluding(b, graph.commitSet()));
        CommitSet third = graph.commitSet();
        third.addAll(graph.ancestorsExcluding(c, graph.commitSet()));

        Commit revert = graph.get("d".repeat(40));
        Commit fix = graph.get("e".repeat(40));
        // Each message is read once; each set is asked about on its own.
        assertTrue(graph.namesAny(revert, first));
        assertFalse(graph.namesAny(revert, second));
        assertFalse(graph.namesAny(fix, first));
        assertTrue(graph.namesAny(fix, second));
        assertFalse(graph.namesAny(graph.get("9".repeat(40)), third), "an id inside a word is not a reference");
        assertFalse(graph.namesAny(graph.get(a), first), "no reference");
    }

    @Test
    void abbreviatedRevisionsResolveWhenOneCommitMatches() {
        commit("abc1", 0);
        commit("abc2", 1, "abc1");
        commit("abd0", 2, "abc2");
        commit("f00", 3, "abd0");
        CommitGraph graph = new CommitGraph("r", commits);
        assertEquals("abd0", graph.resolve("abd"));
        assertEquals("abc2", graph.resolve("abc2"));
        assertEquals("f00", graph.resolve("f"));
        assertNull(graph.resolve("abc"), "two commits match");
        assertNull(graph.resolve("abe"), "no commit matches, one sorts after");
        assertNull(graph.resolve("ff"), "no commit matches, none sorts after");
        assertEquals(List.of("abc1", "abc2", "abd0", "f00"), graph.commits().stream().map(Commit::sha).toList());
    }

    private List<String> range(String exclude, String include) {
        return new CommitGraph("r", commits).range(exclude, include).stream().map(Commit::subject).toList();
    }

    private static Commit commitWithMessage(String sha, String message) {
        Instant time = Instant.parse("2026-03-02T00:00:00Z");
        return new Commit("r", sha, List.of(), "A", "a@x", time, 0, "A", "a@x", time, 0, message, null);
    }

    private void commit(String name, int hour, String... parents) {
        Instant time = Instant.parse("2026-03-02T00:00:00Z").plusSeconds(3600L * hour);
        commits.add(new Commit("r", name, List.of(parents), "A", "a@x", time, 0, "A", "a@x", time, 0, name, null));
    }
}
