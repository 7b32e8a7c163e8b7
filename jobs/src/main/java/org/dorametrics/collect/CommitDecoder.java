package org.dorametrics.collect;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * Turns commits into {@link MinedCommit}s on every core: decoding a commit (its identities, message and, for path rules,
 * its diff against the first parent) costs more than finding it, and each commit is decoded alone. One decoder per
 * thread, each with its own ObjectReader and TreeWalk; JGit's pack cache behind them is shared.
 */
final class CommitDecoder implements AutoCloseable {
    /** Commits a thread takes at a time: large enough that threads seldom meet on the counter. */
    static final int CHUNK = 512;
    /**
     * At most this many threads per repository: each holds its own delta-base cache (up to 64 MiB when diffing trees),
     * and on a cluster executor several repositories are mined at once.
     */
    static final int MAX_THREADS = 8;

    /** How one commit of a list is decoded. */
    @FunctionalInterface
    interface Decode<T> {
        MinedCommit apply(CommitDecoder decoder, T commit) throws IOException;
    }

    private final ObjectReader reader;
    private final TreeWalk diff;
    private final Map<String, String> people = new HashMap<>();

    private CommitDecoder(ObjectReader reader, boolean withPaths) {
        this.reader = reader;
        this.diff = withPaths ? new TreeWalk(reader) : null;
        if (diff != null) {
            diff.setFilter(TreeFilter.ANY_DIFF);
            diff.setRecursive(true);
        }
    }

    /**
     * Every commit decoded, in the order given, by up to one thread per core ({@link #MAX_THREADS} at most). The first
     * failure (a missing object included) stops the other threads and is thrown as it was.
     */
    static <T> List<MinedCommit> decodeAll(Repository repository, List<T> commits, boolean withPaths, Decode<T> decode)
            throws IOException {
        MinedCommit[] mined = new MinedCommit[commits.size()];
        AtomicInteger next = new AtomicInteger();
        int cores = Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
        int threads = Math.max(1, Math.min(cores, (mined.length + CHUNK - 1) / CHUNK));
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "git-mining");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    try (CommitDecoder decoder = new CommitDecoder(repository.newObjectReader(), withPaths)) {
                        for (int from = next.getAndAdd(CHUNK); from < mined.length; from = next.getAndAdd(CHUNK)) {
                            for (int i = from; i < Math.min(from + CHUNK, mined.length); i++) {
                                mined[i] = decode.apply(decoder, commits.get(i));
                            }
                        }
                    } catch (IOException | RuntimeException | Error e) {
                        next.set(mined.length);
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<Void> thread : running) {
                await(thread);
            }
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(mined);
    }

    private static void await(Future<Void> thread) throws IOException {
        try {
            thread.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while mining");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) e.getCause();
        }
    }

    /** A commit known by its id only: its object is read here, and its parents are the ones it names. */
    MinedCommit read(AnyObjectId id) throws IOException {
        byte[] raw = reader.open(id, Constants.OBJ_COMMIT).getCachedBytes();
        List<String> parents = parents(raw);
        List<String> paths = null;
        if (diff != null) {
            ObjectId parentTree = parents.isEmpty() ? null : firstParentTree(parents.get(0));
            paths = parents.isEmpty() || parentTree != null ? changedPaths(tree(raw), parentTree) : null;
        }
        return toMined(id.name(), parents, raw, paths);
    }

    /** A commit a RevWalk parsed with its body: its parents are the walk's (none past a shallow clone's edge). */
    MinedCommit decode(RevCommit commit) throws IOException {
        List<String> parents = new ArrayList<>(commit.getParentCount());
        for (RevCommit parent : commit.getParents()) {
            parents.add(parent.name());
        }
        List<String> paths = null;
        if (diff != null) {
            // A parent the walk could not parse (absent in a partial clone) has no tree: no diff, as for a missing parent.
            boolean root = commit.getParentCount() == 0;
            paths = root || commit.getParent(0).getTree() != null
                    ? changedPaths(commit.getTree(), root ? null : commit.getParent(0).getTree()) : null;
        }
        return toMined(commit.name(), parents, commit.getRawBuffer(), paths);
    }

    /** The parents a commit object names, read as RevCommit reads them: the {@code parent} lines after the tree line. */
    private static List<String> parents(byte[] raw) {
        List<String> parents = new ArrayList<>(2);
        for (int at = 46; raw[at] == 'p'; at += 48) {
            parents.add(ObjectId.fromString(raw, at + 7).name());
        }
        return parents;
    }

    private static ObjectId tree(byte[] raw) {
        return ObjectId.fromString(raw, 5);
    }

    private ObjectId firstParentTree(String parent) throws IOException {
        try {
            return tree(reader.open(ObjectId.fromString(parent), Constants.OBJ_COMMIT).getCachedBytes());
        } catch (MissingObjectException e) {
            return null;
        }
    }

    /**
     * Files changed against the first parent's tree, or every file of a root commit (no parent tree); null when a tree
     * is missing.
     */
    private List<String> changedPaths(AnyObjectId tree, AnyObjectId parentTree) throws IOException {
        try {
            diff.reset();
            if (parentTree == null) {
                diff.addTree(new EmptyTreeIterator());
            } else {
                diff.addTree(parentTree);
            }
            diff.addTree(tree);
            List<String> paths = new ArrayList<>();
            while (diff.next()) {
                paths.add(diff.getPathString());
            }
            return paths;
        } catch (MissingObjectException e) {
            return null;
        }
    }

    /** A commit's row from its raw object: what RevCommit's getters return, read in the thread that decodes it. */
    private MinedCommit toMined(String sha, List<String> parents, byte[] raw, List<String> paths) {
        Ident author = ident(raw, RawParseUtils.author(raw, 0));
        Ident committer = ident(raw, RawParseUtils.committer(raw, 0));
        return new MinedCommit(sha, parents, known(author.name()), known(author.email()), author.time(), author.offsetMinutes(),
                known(committer.name()), known(committer.email()), committer.time(), committer.offsetMinutes(), message(raw), paths);
    }

    /**
     * The one String this thread keeps for a name or email: a history has few people, and sharing their names keeps the
     * mined history small, which is what the garbage collector copies while mining goes on.
     */
    private String known(String text) {
        String known = people.putIfAbsent(text, text);
        return known == null ? text : known;
    }

    /** An author or committer line. */
    private record Ident(String name, String email, Instant time, int offsetMinutes) {}

    /**
     * The identity whose line's name starts at {@code nameStart}, as RevCommit.getAuthorIdent and getCommitterIdent read
     * it; null without the line. The usual line, {@code Name <email> 1700000000 +0100} in ASCII, is read here without
     * the charset decoders and the encoding-header searches of JGit's parser, which reads any other line.
     */
    private static Ident ident(byte[] raw, int nameStart) {
        if (nameStart < 0) {
            return null;
        }
        Ident plain = plainIdent(raw, nameStart);
        if (plain != null) {
            return plain;
        }
        PersonIdent person = RawParseUtils.parsePersonIdent(raw, nameStart);
        return person == null ? null : new Ident(person.getName(), person.getEmailAddress(), person.getWhenAsInstant(),
                person.getZoneOffset().getTotalSeconds() / 60);
    }

    /** {@code Name <email> SECONDS +HHMM\n} with printable ASCII name and email, or null for JGit to read. */
    private static Ident plainIdent(byte[] raw, int nameStart) {
        int emailOpen = printableUntil(raw, nameStart, '<');
        int emailClose = emailOpen < 0 ? -1 : printableUntil(raw, emailOpen + 1, '>');
        if (emailClose < 0 || emailClose + 1 >= raw.length || raw[emailClose + 1] != ' ') {
            return null;
        }
        int at = emailClose + 2;
        long seconds = 0;
        int digits = 0;
        for (; at < raw.length && raw[at] >= '0' && raw[at] <= '9' && digits < 18; at++, digits++) {
            seconds = seconds * 10 + (raw[at] - '0');
        }
        // The zone: space, sign, four digits, end of line; an hour of at most 18 and a minute under 60 (JGit reads any
        // other offset as UTC).
        if (digits == 0 || at + 6 >= raw.length || raw[at] != ' ' || (raw[at + 1] != '+' && raw[at + 1] != '-')
                || raw[at + 6] != '\n') {
            return null;
        }
        int hours = twoDigits(raw, at + 2);
        int minutes = twoDigits(raw, at + 4);
        if (hours < 0 || minutes < 0 || minutes >= 60 || hours * 60 + minutes > 18 * 60) {
            return null;
        }
        int nameEnd = emailOpen > nameStart && raw[emailOpen - 1] == ' ' ? emailOpen - 1 : emailOpen;
        return new Ident(ascii(raw, nameStart, nameEnd), ascii(raw, emailOpen + 1, emailClose), Instant.ofEpochSecond(seconds),
                (raw[at + 1] == '-' ? -1 : 1) * (hours * 60 + minutes));
    }

    /** The index of the first {@code end} from {@code from} when every byte before it is printable ASCII, else -1. */
    private static int printableUntil(byte[] raw, int from, char end) {
        for (int at = from; at < raw.length; at++) {
            if (raw[at] == end) {
                return at;
            }
            if (raw[at] < ' ' || raw[at] > '~') {
                return -1;
            }
        }
        return -1;
    }

    private static int twoDigits(byte[] raw, int at) {
        boolean digits = raw[at] >= '0' && raw[at] <= '9' && raw[at + 1] >= '0' && raw[at + 1] <= '9';
        return digits ? (raw[at] - '0') * 10 + (raw[at + 1] - '0') : -1;
    }

    /** As RevCommit.getFullMessage; an ASCII message, which every charset reads alike, is copied as it is. */
    private static String message(byte[] raw) {
        int start = RawParseUtils.commitMessage(raw, 0);
        if (start < 0) {
            return "";
        }
        for (int at = start; at < raw.length; at++) {
            if (raw[at] < 0) {
                return RawParseUtils.decode(RawParseUtils.guessEncoding(raw), raw, start, raw.length);
            }
        }
        return ascii(raw, start, raw.length);
    }

    private static String ascii(byte[] raw, int start, int end) {
        return new String(raw, start, end - start, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (diff != null) {
            diff.close();
        }
        reader.close();
    }
}
