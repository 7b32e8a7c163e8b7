package org.dorametrics.collect;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.commitgraph.CommitGraph;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.file.WindowCacheConfig;

/**
 * Reads a git repository with JGit, read-only: every commit reachable from the configured branches and from the
 * deployed revisions, and the tags. A missing object (partial clone, shallow history, unknown revision) becomes a
 * warning, never a crash.
 */
public final class GitMiner {
    /** One mined commit, as stored in the raw zone. */
    public record MinedCommit(
            String sha, List<String> parents,
            String authorName, String authorEmail, Instant authorTime, int authorOffsetMinutes,
            String committerName, String committerEmail, Instant committerTime, int committerOffsetMinutes,
            String message, List<String> paths) {}

    /** A tag and the commit it points at; its time is the tagger's for annotated tags, else the commit's. */
    public record MinedTag(String name, String sha, Instant time, boolean annotated) {}

    public record Mined(List<MinedCommit> commits, List<MinedTag> tags, List<String> warnings) {}

    /** Pack bytes JGit keeps in memory, shared by every repository this JVM mines. */
    static final long PACK_CACHE_BYTES = 256L << 20;

    static {
        // JGit's defaults (10 MiB of 8 KiB windows, 10 MiB of delta bases) suit an IDE reading a few objects; mining reads
        // every commit and, for paths, every tree of the history, which then re-reads and re-inflates the same pack
        // windows over and over. Larger windows and caches make it one sequential pass over the pack.
        WindowCacheConfig cache = new WindowCacheConfig();
        cache.setPackedGitLimit(PACK_CACHE_BYTES);
        cache.setPackedGitWindowSize(64 << 10);
        cache.setDeltaBaseCacheLimit(64 << 20);
        cache.install();
    }

    private GitMiner() {}

    /**
     * @param withPaths also record each commit's changed files (against its first parent), which monorepo path
     *     rules need; off otherwise, because diffing every commit's tree costs more than reading the commits
     */
    public static Mined mine(Repo repo, Collection<String> deployedRevisions, boolean withPaths) {
        try (Repository repository = open(repo)) {
            List<String> warnings = new ArrayList<>();
            List<ObjectId> starts = new ArrayList<>();
            for (String branch : repo.branches()) {
                Ref ref = findBranch(repository, branch);
                if (ref == null || ref.getObjectId() == null) {
                    warnings.add("branch '" + branch + "' not found");
                } else {
                    starts.add(ref.getObjectId());
                }
            }
            for (String revision : deployedRevisions) {
                // A revision the repository lacks is reported by normalize, on the deployment that names it.
                ObjectId id = resolveCommit(repository, revision);
                if (id != null) {
                    starts.add(id);
                }
            }
            List<MinedCommit> commits;
            int warningsBeforeWalk = warnings.size();
            try {
                commits = walkHistory(repository, starts, withPaths, warnings);
            } catch (MissingObjectException e) {
                // A shallow or partial clone lacks part of the history: walk again one commit at a time, so that the gap
                // ends one line of history instead of the walk. Complete repositories, the common case, take one walk.
                warnings.subList(warningsBeforeWalk, warnings.size()).clear();
                commits = walkHistoryAroundGaps(repository, new ArrayDeque<>(starts), withPaths, warnings);
            }
            List<MinedCommit> sorted = new ArrayList<>(commits);
            sorted.sort((a, b) -> a.sha().compareTo(b.sha()));
            return new Mined(sorted, tags(repository, warnings), warnings);
        } catch (IOException e) {
            throw DoraException.sourceUnreachable("git:" + repo.name(), "cannot read repository " + repo.path() + " (" + e.getMessage() + ")", e);
        }
    }

    /** Why the repository cannot be opened, or empty when it can. */
    public static java.util.Optional<String> check(Repo repo) {
        try (Repository repository = open(repo)) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    static Repository open(Repo repo) throws IOException {
        Path path = repo.path();
        if (!Files.isDirectory(path)) {
            throw new IOException("no directory at " + path);
        }
        File gitDir = Files.isDirectory(path.resolve(".git")) ? path.resolve(".git").toFile() : path.toFile();
        Repository repository = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build();
        if (!repository.getObjectDatabase().exists()) {
            repository.close();
            throw new IOException("not a git repository: " + path);
        }
        // Git reads a repository's commit-graph unless told not to; JGit only when core.commitGraph says so. In memory only:
        // the repository's files are never written.
        repository.getConfig().setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_COMMIT_GRAPH, true);
        return repository;
    }

    private static Ref findBranch(Repository repository, String branch) throws IOException {
        for (String name : List.of(Constants.R_HEADS + branch, Constants.R_REMOTES + "origin/" + branch, branch)) {
            Ref ref = repository.exactRef(name);
            if (ref != null) {
                return ref;
            }
        }
        return null;
    }

    private static ObjectId resolveCommit(Repository repository, String revision) {
        if (!revision.matches("[0-9a-fA-F]{4,40}")) {
            return null;
        }
        try {
            ObjectId id = repository.resolve(revision + "^{commit}");
            return id;
        } catch (IOException | RuntimeException e) {
            // an ambiguous abbreviation or an id of a missing object: reported as not found
            return null;
        }
    }

    /**
     * Every commit reachable from the starts. With a commit-graph (what {@code git gc} writes) the history is found there,
     * without reading a commit, and the commits are then read and decoded on every core. Without one, one RevWalk reads
     * each commit once, keeping its body, and the bodies are decoded on every core. Throws MissingObjectException when part
     * of the history is absent.
     */
    private static List<MinedCommit> walkHistory(Repository repository, List<ObjectId> starts, boolean withPaths,
                                                 List<String> warnings) throws IOException {
        try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            CommitGraph graph = reader.getCommitGraph().orElse(null);
            if (graph != null && reader.getShallowCommits().isEmpty()) {
                GraphHistory history = GraphHistory.reachable(walk, graph, starts, warnings);
                return history.inIdOrder(CommitDecoder.decodeAll(repository, history.inWalkOrder(), withPaths, CommitDecoder::read));
            }
            walk.setRetainBody(true);
            walk.sort(RevSort.NONE);
            for (ObjectId start : starts) {
                try {
                    walk.markStart(walk.parseCommit(start));
                } catch (MissingObjectException e) {
                    warnings.add(missingHistory(start));
                }
            }
            List<RevCommit> walked = new ArrayList<>();
            for (RevCommit commit = walk.next(); commit != null; commit = walk.next()) {
                walked.add(commit);
            }
            return CommitDecoder.decodeAll(repository, walked, withPaths, CommitDecoder::decode);
        }
    }

    static String missingHistory(ObjectId id) {
        return "history stops at missing object " + id.name() + " (shallow or partial clone?): older commits are not mined";
    }

    /**
     * Every commit reachable from the pending ones, parsed one at a time, so that an absent parent (shallow or partial
     * clone) ends that line of history with a warning instead of ending the walk.
     */
    private static List<MinedCommit> walkHistoryAroundGaps(Repository repository, Deque<ObjectId> pending, boolean withPaths,
                                                           List<String> warnings) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.setRetainBody(true);
            Set<ObjectId> seen = new HashSet<>();
            List<RevCommit> walked = new ArrayList<>();
            while (!pending.isEmpty()) {
                ObjectId id = pending.pop();
                if (!seen.add(id)) {
                    continue;
                }
                RevCommit commit;
                try {
                    commit = walk.parseCommit(id);
                } catch (MissingObjectException e) {
                    warnings.add(missingHistory(id));
                    continue;
                }
                walked.add(commit);
                for (RevCommit parent : commit.getParents()) {
                    pending.push(parent.getId());
                }
            }
            return CommitDecoder.decodeAll(repository, walked, withPaths, CommitDecoder::decode);
        }
    }

    private static List<MinedTag> tags(Repository repository, List<String> warnings) throws IOException {
        List<MinedTag> tags = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repository)) {
            for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                String name = ref.getName().substring(Constants.R_TAGS.length());
                try {
                    RevObject object = walk.parseAny(ref.getObjectId());
                    Instant tagTime = null;
                    boolean annotated = false;
                    while (object instanceof RevTag tag) {
                        annotated = true;
                        if (tagTime == null && tag.getTaggerIdent() != null) {
                            tagTime = tag.getTaggerIdent().getWhenAsInstant();
                        }
                        object = walk.parseAny(tag.getObject());
                    }
                    if (object instanceof RevCommit commit) {
                        tags.add(new MinedTag(name, commit.name(),
                                tagTime != null ? tagTime : commit.getCommitterIdent().getWhenAsInstant(), annotated));
                    }
                } catch (MissingObjectException e) {
                    warnings.add("tag '" + name + "' points at missing object " + e.getObjectId().name());
                }
            }
        }
        tags.sort((a, b) -> a.name().compareTo(b.name()));
        return tags;
    }
}
