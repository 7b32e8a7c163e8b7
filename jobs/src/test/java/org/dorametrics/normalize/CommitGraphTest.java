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
        graph.ancestorsExcluding("b", delivered).forEach(delivered::add);
        assertEquals(List.of("c", "m", "f"), graph.ancestorsExcluding("c", delivered).stream().map(Commit::subject).toList());
        assertTrue(delivered.contains("a") && delivered.contains("b"));
        assertFalse(delivered.contains("f") || delivered.contains("unknown"));
        // A walk sees only what it reached itself: the walks before it reached every commit.
        assertEquals(List.of("c", "m", "f", "a", "b"),
                graph.ancestorsExcluding("c", graph.commitSet()).stream().map(Commit::subject).toList());

        CommitSet other = graph.commitSet();
        other.add(graph.get("f"));
        delivered.addAll(other);
        assertTrue(delivered.contains("f"));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> delivered.addAll(new CommitGraph("s", commits).commitSet()));
        assertEquals("commits of repo s are not commits of repo r", mixed.getMessage());
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

    private void commit(String name, int hour, String... parents) {
        Instant time = Instant.parse("2026-03-02T00:00:00Z").plusSeconds(3600L * hour);
        commits.add(new Commit("r", name, List.of(parents), "A", "a@x", time, 0, "A", "a@x", time, 0, name, null));
    }
}
