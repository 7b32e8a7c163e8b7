package org.dorametrics.collect;

import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.commitgraph.CommitGraph;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The commits reachable from some starts, found through a repository's commit-graph (which {@code git gc} writes): its
 * parent positions give the whole history without reading a commit object, so that reading the commits is left to the
 * decoding threads. A commit newer than the graph (fetched since it was written) is read here for its parents.
 */
final class GraphHistory {
    private final CommitGraph graph;
    private final BitSet reached;
    /** Graph positions in the order a walk from the starts meets them: each commit before its parents' histories. */
    private int[] walkOrder = new int[1024];
    private int inGraph;
    private final List<ObjectId> outside = new ArrayList<>();

    private GraphHistory(CommitGraph graph) {
        this.graph = graph;
        this.reached = new BitSet(Math.toIntExact(graph.getCommitCnt()));
    }

    /** A start that is missing is a warning; a missing parent of a commit outside the graph throws MissingObjectException. */
    static GraphHistory reachable(RevWalk walk, CommitGraph graph, List<ObjectId> starts, List<String> warnings) throws IOException {
        GraphHistory history = new GraphHistory(graph);
        Deque<ObjectId> toFollow = new ArrayDeque<>();
        for (ObjectId start : starts) {
            if (graph.findGraphPosition(start) >= 0) {
                toFollow.push(start);
            } else {
                // Not a commit of the graph: a newer commit, or a tag to peel.
                try {
                    toFollow.push(walk.parseCommit(start));
                } catch (MissingObjectException e) {
                    warnings.add(GitMiner.missingHistory(start));
                }
            }
        }
        Set<ObjectId> outsideSeen = new HashSet<>();
        while (!toFollow.isEmpty()) {
            ObjectId id = toFollow.pop();
            int position = graph.findGraphPosition(id);
            if (position >= 0) {
                history.follow(position);
            } else if (outsideSeen.add(id.copy())) {
                history.outside.add(id.copy());
                for (RevCommit parent : walk.parseCommit(id).getParents()) {
                    toFollow.push(parent);
                }
            }
        }
        return history;
    }

    /** Marks a commit of the graph and all its history, which the graph holds whole. */
    private void follow(int start) {
        if (reached.get(start)) {
            return;
        }
        reached.set(start);
        int[] pending = {start};
        for (int count = 1; count > 0; ) {
            int commit = pending[--count];
            if (inGraph == walkOrder.length) {
                walkOrder = Arrays.copyOf(walkOrder, inGraph * 2);
            }
            walkOrder[inGraph++] = commit;
            for (int parent : graph.getCommitData(commit).getParents()) {
                if (!reached.get(parent)) {
                    reached.set(parent);
                    if (count == pending.length) {
                        pending = Arrays.copyOf(pending, Math.max(64, count * 2));
                    }
                    pending[count++] = parent;
                }
            }
        }
    }

    /**
     * The commits in walk order, which keeps the trees one diff reads close to those the previous one read. Ids are made
     * from the graph when a decoding thread asks for them.
     */
    List<ObjectId> inWalkOrder() {
        return new AbstractList<>() {
            @Override
            public ObjectId get(int index) {
                return index < inGraph ? graph.getObjectId(walkOrder[index]) : outside.get(index - inGraph);
            }

            @Override
            public int size() {
                return inGraph + outside.size();
            }
        };
    }

    /**
     * The commits decoded in walk order, put in id order: the graph's positions are in id order already, so this is no
     * sort. The commits outside the graph follow, unsorted.
     */
    List<MinedCommit> inIdOrder(List<MinedCommit> decoded) {
        int[] rank = new int[Math.toIntExact(graph.getCommitCnt())];
        int next = 0;
        for (int position = reached.nextSetBit(0); position >= 0; position = reached.nextSetBit(position + 1)) {
            rank[position] = next++;
        }
        MinedCommit[] ordered = new MinedCommit[decoded.size()];
        for (int i = 0; i < inGraph; i++) {
            ordered[rank[walkOrder[i]]] = decoded.get(i);
        }
        for (int i = inGraph; i < ordered.length; i++) {
            ordered[i] = decoded.get(i);
        }
        return Arrays.asList(ordered);
    }
}
