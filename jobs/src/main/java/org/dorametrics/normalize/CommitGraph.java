package org.dorametrics.normalize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/** The commits of one repository and their parent links: ancestry questions answered from the graph, never from times. */
public final class CommitGraph {
    private final String repo;
    private final NavigableMap<String, Commit> commits = new TreeMap<>();

    public CommitGraph(String repo, Collection<Commit> commits) {
        this.repo = repo;
        for (Commit commit : commits) {
            this.commits.put(commit.sha(), commit);
        }
    }

    public String repo() {
        return repo;
    }

    public Collection<Commit> commits() {
        return commits.values();
    }

    public Commit get(String sha) {
        return commits.get(sha);
    }

    /** The full id of a full or abbreviated revision, or null when the graph does not have exactly one match. */
    public String resolve(String revision) {
        if (revision.length() == 40) {
            return commits.containsKey(revision) ? revision : null;
        }
        Map.Entry<String, Commit> match = commits.ceilingEntry(revision);
        if (match == null || !match.getKey().startsWith(revision)) {
            return null;
        }
        Map.Entry<String, Commit> next = commits.higherEntry(match.getKey());
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
