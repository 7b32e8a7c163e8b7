package org.dorametrics.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Builds real bare git repositories with JGit for tests: commits are named, given explicit author and committer
 * times, and get a tree of their own, so every test repository is reproducible to the SHA.
 */
public final class GitFixture implements AutoCloseable {
    private final Repository repository;
    private final ObjectInserter inserter;
    private final Map<String, ObjectId> commitsByName = new LinkedHashMap<>();

    private GitFixture(Repository repository) {
        this.repository = repository;
        this.inserter = repository.newObjectInserter();
    }

    public static GitFixture createBare(Path gitDir) throws IOException {
        Repository repository = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
        repository.create(true);
        return new GitFixture(repository);
    }

    /** Opens a repository this fixture made earlier, to add to it. */
    public static GitFixture reopen(Path gitDir) throws IOException {
        return new GitFixture(new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build());
    }

    /** A commit with parents given by id, which need not exist: how a shallow clone's oldest commits look. */
    public ObjectId commitWithParentIds(String name, String message, Instant time, String path, List<ObjectId> parents)
            throws IOException {
        return write(name, message, time, time, path, parents);
    }

    /**
     * A commit whose author time is {@code authored} and committer time {@code committed}: its first parent's files
     * with {@code path} added or changed.
     */
    public ObjectId commit(String name, String message, Instant authored, Instant committed, String path, List<String> parents)
            throws IOException {
        return write(name, message, authored, committed, path, parents.stream().map(this::id).toList());
    }

    private ObjectId write(String name, String message, Instant authored, Instant committed, String path, List<ObjectId> parents)
            throws IOException {
        // The first parent's files, plus this commit's one: a tree like a real history's, so diffs show one file.
        SortedMap<String, ObjectId> files = new TreeMap<>();
        if (!parents.isEmpty() && repository.getObjectDatabase().has(parents.get(0))) {
            try (RevWalk walk = new RevWalk(repository); TreeWalk parentTree = new TreeWalk(repository)) {
                parentTree.addTree(walk.parseCommit(parents.get(0)).getTree());
                parentTree.setRecursive(true);
                while (parentTree.next()) {
                    files.put(parentTree.getPathString(), parentTree.getObjectId(0));
                }
            }
        }
        files.put(path, inserter.insert(Constants.OBJ_BLOB, (name + "\n").getBytes(StandardCharsets.UTF_8)));
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        files.forEach((file, blob) -> {
            DirCacheEntry entry = new DirCacheEntry(file);
            entry.setFileMode(FileMode.REGULAR_FILE);
            entry.setObjectId(blob);
            builder.add(entry);
        });
        builder.finish();
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(index.writeTree(inserter));
        commit.setAuthor(new PersonIdent("Ada Author", "ada@example.com", authored, ZoneOffset.UTC));
        commit.setCommitter(new PersonIdent("Cy Committer", "cy@example.com", committed, ZoneOffset.UTC));
        commit.setMessage(message);
        commit.setParentIds(parents);
        ObjectId id = inserter.insert(commit);
        inserter.flush();
        commitsByName.put(name, id);
        return id;
    }

    public void branch(String branch, String commitName) throws IOException {
        RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
        update.setNewObjectId(id(commitName));
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("cannot set branch " + branch + ": " + result);
        }
    }

    public ObjectId id(String name) {
        ObjectId id = commitsByName.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no commit named " + name + " (have " + commitsByName.keySet() + ")");
        }
        return id;
    }

    public Map<String, ObjectId> commits() {
        return commitsByName;
    }

    public Repository repository() {
        return repository;
    }

    @Override
    public void close() {
        inserter.close();
        repository.close();
    }
}
