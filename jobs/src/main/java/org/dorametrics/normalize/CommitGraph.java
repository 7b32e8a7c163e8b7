package org.dorametrics.normalize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/** The commits of one repository and their parent links: ancestry questions answered from the graph, never from times. */
public final class CommitGraph {
    private final String repo;
    /** By id, for the walks: a hash lookup, where a sorted map compared ids that share their first bytes. */
    private final Map<String, Commit> commits = new HashMap<>();
    /** In id order, for abbreviated revisions and a stable order of {@link #commits()}. */
    private final NavigableMap<String, Commit> sorted = new TreeMap<>();

    public CommitGraph(String repo, Collection<Commit> commits) {
        this.repo = repo;
        for (Commit commit : commits) {
            this.commits.put(commit.sha(), commit);
            this.sorted.put(commit.sha(), commit);
        }
    }

    public String repo() {
        return repo;
    }

    public Collection<Commit> commits() {
        return sorted.values();
    }

    public Commit get(String sha) {
        return commits.get(sha);
    }

    /** The full id of a full or abbreviated revision, or null when the graph does not have exactly one match. */
    public String resolve(String revision) {
        if (revision.length() == 40) {
            return commits.containsKey(revision) ? revision : null;
        }
        Map.Entry<String, Commit> match = sorted.ceilingEntry(revision);
        if (match == null || !match.getKey().startsWith(revision)) {
            return null;
        }
        Map.Entry<String, Commit> next = sorted.higherEntry(match.getKey());
        return next != null && next.getKey().startsWith(revision) ? null : match.getKey();
    }

    /**
     * The commits reachable from {@code start} (itself included) that are not in {@code stop}, without walking past
     * a stop commit: {@code git rev-list start --not stop…} when stop holds all ancestors of the excluded revisions.
     * Parents the graph does not have (shallow history) end the walk there.
     */
    public List<Commit> ancestorsExcluding(String start, Set<String> stop) {
        List<Commit> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            String sha = pending.pop();
            if (stop.contains(sha) || !seen.add(sha)) {
                continue;
            }
            Commit commit = commits.get(sha);
            if (commit == null) {
                continue;
            }
            found.add(commit);
            for (String parent : commit.parents()) {
                pending.push(parent);
            }
        }
        return found;
    }

    /**
     * {@code git rev-list exclude..include}: the commits reachable from {@code include} and not from {@code exclude},
     * found as git does, by walking both sides newest first until only excluded commits are left to walk, so a pull
     * request's commits cost a walk of the branch, not of the whole history.
     */
    public List<Commit> range(String exclude, String include) {
        Map<String, Boolean> excluded = new HashMap<>();
        PriorityQueue<String> pending = new PriorityQueue<>(
                Comparator.comparing((String sha) -> commits.get(sha).committerTime()).reversed().thenComparing(sha -> sha));
        mark(exclude, true, excluded, pending);
        mark(include, false, excluded, pending);
        Set<String> walkedIncluded = new HashSet<>();
        Set<String> walkedExcluded = new HashSet<>();
        while (pending.stream().anyMatch(sha -> !excluded.get(sha))) {
            String sha = pending.poll();
            boolean isExcluded = excluded.get(sha);
            if (!(isExcluded ? walkedExcluded : walkedIncluded).add(sha)) {
                continue;
            }
            for (String parent : commits.get(sha).parents()) {
                mark(parent, isExcluded, excluded, pending);
            }
        }
        return walkedIncluded.stream().filter(sha -> !excluded.get(sha)).map(commits::get)
                .sorted(Comparator.comparing(Commit::committerTime).thenComparing(Commit::sha)).toList();
    }

    /** Queues a commit the first time it is reached, and again when it turns out to be reachable from the excluded side. */
    private void mark(String sha, boolean fromExcluded, Map<String, Boolean> excluded, PriorityQueue<String> pending) {
        if (!commits.containsKey(sha)) {
            return;
        }
        Boolean before = excluded.get(sha);
        if (before == null || fromExcluded && !before) {
            excluded.put(sha, fromExcluded || before != null && before);
            pending.add(sha);
        }
    }

    /** True when {@code ancestor} is reachable from {@code descendant} (a commit is its own ancestor). */
    public boolean isAncestor(String ancestor, String descendant) {
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.push(descendant);
        while (!pending.isEmpty()) {
            String sha = pending.pop();
            if (sha.equals(ancestor)) {
                return true;
            }
            if (!seen.add(sha)) {
                continue;
            }
            Commit commit = commits.get(sha);
            if (commit != null) {
                commit.parents().forEach(pending::push);
            }
        }
        return false;
    }
}
