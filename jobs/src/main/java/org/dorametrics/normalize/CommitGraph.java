package org.dorametrics.normalize;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The commits of one repository and their parent links: ancestry questions answered from the graph, never from times.
 * Not for walks from several threads at once.
 */
public final class CommitGraph {
    private static final Pattern FULL_SHA = Pattern.compile("\\b[0-9a-f]{40}\\b");
    private final String repo;
    /**
     * Each commit's number, by id, for the walks: a hash lookup, where a sorted map compared ids that share their
     * first bytes. The number is the commit's index in {@link #byIndex} and its bit in a {@link CommitSet}.
     */
    private final Map<String, Integer> indexes = new HashMap<>();
    /** In id order, for abbreviated revisions (a binary search) and a stable order of {@link #commits()}. */
    private final Commit[] byIndex;
    /**
     * For each commit, the number of the last walk of {@link #ancestorsExcluding} that reached it: what a walk has seen,
     * without a set of the whole history's size cleared for each of thousands of short walks.
     */
    private final int[] reachedInWalk;
    private int walks;
    /**
     * The parents' numbers of commit i: {@code parentNumbers[firstParent[i]]} up to {@code firstParent[i + 1]}, those
     * the graph has. A walk follows numbers: looking each parent's id up would compare it with its key byte for byte,
     * two other objects in memory, which took most of a walk's time.
     */
    private final int[] firstParent;
    private final int[] parentNumbers;
    /** For each commit, the numbers of the commits its message names ({@link #namesAny}), read when first asked. */
    private final int[][] namedInMessage;

    public CommitGraph(String repo, Collection<Commit> commits) {
        this.repo = repo;
        NavigableMap<String, Commit> sorted = new TreeMap<>();
        for (Commit commit : commits) {
            sorted.put(commit.sha(), commit);
        }
        this.byIndex = sorted.values().toArray(Commit[]::new);
        this.reachedInWalk = new int[byIndex.length];
        for (int i = 0; i < byIndex.length; i++) {
            indexes.put(byIndex[i].sha(), i);
        }
        this.firstParent = new int[byIndex.length + 1];
        int[] parents = new int[byIndex.length];
        int count = 0;
        for (int i = 0; i < byIndex.length; i++) {
            firstParent[i] = count;
            for (String parent : byIndex[i].parents()) {
                Integer number = indexes.get(parent);
                if (number != null) {
                    if (count == parents.length) {
                        parents = Arrays.copyOf(parents, count * 2);
                    }
                    parents[count++] = number;
                }
            }
        }
        firstParent[byIndex.length] = count;
        this.parentNumbers = Arrays.copyOf(parents, count);
        this.namedInMessage = new int[byIndex.length][];
    }

    /**
     * Commits of this graph, each a bit of its number: a set of some commits of a history of millions takes an eighth of
     * a byte per commit of the history, where a set of their ids took some forty bytes per commit in it. Normalize keeps
     * one for each chain of deployments, of every commit the chain delivered.
     */
    public final class CommitSet {
        private final BitSet bits = new BitSet();

        private CommitSet() {
        }

        public boolean contains(String sha) {
            Integer index = indexes.get(sha);
            return index != null && bits.get(index);
        }

        /** Adds the commits a walk of this graph reached. */
        public void addAll(Reached reached) {
            requireCommitsOf(reached.graph());
            for (int i = 0; i < reached.size; i++) {
                bits.set(reached.numbers[i]);
            }
        }

        /** Adds the commits of another set of this graph. */
        public void addAll(CommitSet other) {
            requireCommitsOf(other.graph());
            bits.or(other.bits);
        }

        private CommitGraph graph() {
            return CommitGraph.this;
        }
    }

    /**
     * The commits a walk reached, in the order it reached them: a list held as their numbers, which a {@link CommitSet}
     * takes as they are instead of looking each commit's id up again.
     */
    public final class Reached extends AbstractList<Commit> {
        private final int[] numbers;
        private final int size;

        private Reached(int[] numbers, int size) {
            this.numbers = numbers;
            this.size = size;
        }

        @Override
        public Commit get(int index) {
            Objects.checkIndex(index, size);
            return byIndex[numbers[index]];
        }

        @Override
        public int size() {
            return size;
        }

        private CommitGraph graph() {
            return CommitGraph.this;
        }
    }

    /** Commit numbers mean something only in the graph that gave them. */
    private void requireCommitsOf(CommitGraph other) {
        if (other != this) {
            throw new IllegalArgumentException("commits of repo " + other.repo + " are not commits of repo " + repo);
        }
    }

    /** An empty set of this graph's commits. */
    public CommitSet commitSet() {
        return new CommitSet();
    }

    public String repo() {
        return repo;
    }

    public Collection<Commit> commits() {
        return Collections.unmodifiableList(Arrays.asList(byIndex));
    }

    public Commit get(String sha) {
        Integer index = indexes.get(sha);
        return index == null ? null : byIndex[index];
    }

    /** The full id of a full or abbreviated revision, or null when the graph does not have exactly one match. */
    public String resolve(String revision) {
        if (revision.length() == 40) {
            return indexes.containsKey(revision) ? revision : null;
        }
        int first = firstFrom(revision);
        if (first == byIndex.length || !byIndex[first].sha().startsWith(revision)) {
            return null;
        }
        boolean ambiguous = first + 1 < byIndex.length && byIndex[first + 1].sha().startsWith(revision);
        return ambiguous ? null : byIndex[first].sha();
    }

    /** The index of the first commit whose id is not before {@code id}. */
    private int firstFrom(String id) {
        int low = 0;
        int high = byIndex.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (byIndex[middle].sha().compareTo(id) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /**
     * The commits reachable from {@code start} (itself included) that are not in {@code stop}, without walking past
     * a stop commit: {@code git rev-list start --not stop…} when stop holds all ancestors of the excluded revisions.
     * Parents the graph does not have (shallow history) end the walk there.
     */
    public Reached ancestorsExcluding(String start, CommitSet stop) {
        Integer startNumber = indexes.get(start);
        if (startNumber == null) {
            return new Reached(new int[0], 0);
        }
        int walk = ++walks;
        int[] found = new int[16];
        int reached = 0;
        int[] pending = new int[16];
        int size = 0;
        pending[size++] = startNumber;
        while (size > 0) {
            int index = pending[--size];
            if (stop.bits.get(index) || reachedInWalk[index] == walk) {
                continue;
            }
            reachedInWalk[index] = walk;
            if (reached == found.length) {
                found = Arrays.copyOf(found, reached * 2);
            }
            found[reached++] = index;
            int parents = firstParent[index + 1] - firstParent[index];
            if (size + parents > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + parents));
            }
            // Last parent first off the stack, as the walk always went.
            System.arraycopy(parentNumbers, firstParent[index], pending, size, parents);
            size += parents;
        }
        return new Reached(found, reached);
    }

    /**
     * Whether the commit's message names a commit of the set: the one it reverts ({@code This reverts commit …}, the id
     * possibly abbreviated) or any by its full id. A commit is a change of every chain that delivers it, so its message
     * is searched once, not once per chain.
     *
     * @param commit a commit of this graph
     */
    public boolean namesAny(Commit commit, CommitSet set) {
        int number = indexes.get(commit.sha());
        if (namedInMessage[number] == null) {
            namedInMessage[number] = namedIn(commit);
        }
        for (int index : namedInMessage[number]) {
            if (set.bits.get(index)) {
                return true;
            }
        }
        return false;
    }

    private int[] namedIn(Commit commit) {
        IntStream.Builder named = IntStream.builder();
        String reverted = commit.revertedSha();
        String resolved = reverted == null ? null : resolve(reverted);
        if (resolved != null) {
            named.add(indexes.get(resolved));
        }
        if (holdsFortyHexDigits(commit.message())) {
            Matcher fullId = FULL_SHA.matcher(commit.message());
            while (fullId.find()) {
                Integer index = indexes.get(fullId.group());
                if (index != null) {
                    named.add(index);
                }
            }
        }
        return named.build().toArray();
    }

    /**
     * Whether the text has forty lowercase hex digits in a row, without which {@link #FULL_SHA} cannot match: most
     * messages have none, and a search for the pattern tests its word boundary at every character.
     */
    private static boolean holdsFortyHexDigits(String text) {
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            run = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' ? run + 1 : 0;
            if (run == 40) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code git rev-list exclude..include}: the commits reachable from {@code include} and not from {@code exclude},
     * found as git does, by walking both sides newest first until only excluded commits are left to walk, so a pull
     * request's commits cost a walk of the branch, not of the whole history.
     */
    public List<Commit> range(String exclude, String include) {
        Map<String, Boolean> excluded = new HashMap<>();
        PriorityQueue<String> pending = new PriorityQueue<>(
                Comparator.comparing((String sha) -> get(sha).committerTime()).reversed().thenComparing(sha -> sha));
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
            for (String parent : get(sha).parents()) {
                mark(parent, isExcluded, excluded, pending);
            }
        }
        return walkedIncluded.stream().filter(sha -> !excluded.get(sha)).map(this::get)
                .sorted(Comparator.comparing(Commit::committerTime).thenComparing(Commit::sha)).toList();
    }

    /** Queues a commit the first time it is reached, and again when it turns out to be reachable from the excluded side. */
    private void mark(String sha, boolean fromExcluded, Map<String, Boolean> excluded, PriorityQueue<String> pending) {
        if (!indexes.containsKey(sha)) {
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
            Commit commit = get(sha);
            if (commit != null) {
                commit.parents().forEach(pending::push);
            }
        }
        return false;
    }
}
