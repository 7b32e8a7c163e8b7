package org.dorametrics.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.dorametrics.collect.GitMiner.Mined;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.dorametrics.collect.GitMiner.MinedTag;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.testing.GitFixture;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitMinerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path folder;

    @Test
    void minesBranchesAndDeployedRevisionsWithIdentitiesAndTags() throws Exception {
        Path gitDir = folder.resolve("api.git");
        String feature;
        try (GitFixture git = GitFixture.createBare(gitDir)) {
            git.commit("c1", "first", T0, T0.plusSeconds(60), "a.txt", List.of());
            git.commit("c2", "Merge pull request #12 from org/x\n\nBody.\n\nCo-authored-by: Bo <bo@example.com>", T0.plusSeconds(3600),
                    T0.plusSeconds(7200), "b.txt", List.of("c1"));
            feature = git.commit("f1", "feature only", T0.plusSeconds(100), T0.plusSeconds(100), "f.txt", List.of("c1")).name();
            git.commit("orphan", "never deployed", T0, T0, "o.txt", List.of("c1"));
            git.branch("main", "c2");
            git.branch("orphan-branch", "orphan");
        }
        try (Git git = Git.open(gitDir.toFile())) {
            git.tag().setName("v1.0").setObjectId(git.getRepository().parseCommit(git.getRepository().resolve("main")))
                    .setTagger(new PersonIdent("Rel", "rel@example.com", T0.plusSeconds(9000), java.time.ZoneOffset.UTC)).setAnnotated(true).call();
            git.tag().setName("light").setObjectId(git.getRepository().parseCommit(ObjectId.fromString(feature))).setAnnotated(false).call();
        }
        Mined mined = GitMiner.mine(new Repo("api", gitDir, List.of("main")), List.of(feature.substring(0, 10)), true);
        Set<String> subjects = mined.commits().stream().map(c -> c.message().lines().findFirst().orElse("")).collect(Collectors.toSet());
        assertEquals(Set.of("first", "Merge pull request #12 from org/x", "feature only"), subjects,
                "main and the deployed revision are mined; the undeployed branch is not");
        MinedCommit merge = mined.commits().stream().filter(c -> c.message().startsWith("Merge")).findFirst().orElseThrow();
        assertEquals(T0.plusSeconds(3600), merge.authorTime());
        assertEquals(T0.plusSeconds(7200), merge.committerTime());
        assertEquals("ada@example.com", merge.authorEmail());
        assertEquals(1, merge.parents().size());
        assertEquals(List.of("b.txt"), merge.paths(), "files changed against the first parent");
        MinedCommit root = mined.commits().stream().filter(c -> c.parents().isEmpty()).findFirst().orElseThrow();
        assertEquals(List.of("a.txt"), root.paths(), "a root commit changes every file it has");
        assertEquals(List.of(), mined.warnings());
        List<MinedTag> tags = mined.tags();
        assertEquals(List.of("light", "v1.0"), tags.stream().map(MinedTag::name).toList());
        assertEquals(T0.plusSeconds(9000), tags.get(1).time(), "an annotated tag's time is the tagger's");
        assertEquals(T0.plusSeconds(100), tags.get(0).time(), "a lightweight tag's time is its commit's");
    }

    @Test
    void missingObjectsAndRefsAreWarningsNotCrashes() throws IOException {
        Path gitDir = folder.resolve("shallow.git");
        try (GitFixture git = GitFixture.createBare(gitDir)) {
            git.commit("c1", "first", T0, T0, "a.txt", List.of());
            git.branch("main", "c1");
        }
        try (GitFixture git = GitFixture.reopen(gitDir)) {
            // A commit whose parent object is absent, as in a shallow or partial clone.
            git.commitWithParentIds("c2", "child of a missing commit", T0.plusSeconds(60), "b.txt",
                    List.of(ObjectId.fromString("1111111111111111111111111111111111111111")));
            git.branch("main", "c2");
        }
        Mined mined = GitMiner.mine(new Repo("shallow", gitDir, List.of("main", "release")),
                List.of("2222222222222222222222222222222222222222"), true);
        assertEquals(1, mined.commits().size(), "the commit that is there is mined");
        assertEquals(null, mined.commits().get(0).paths(), "no diff against a parent that is missing");
        assertEquals(2, mined.warnings().size(), mined.warnings().toString());
        assertEquals("branch 'release' not found", mined.warnings().get(0));
        assertTrue(mined.warnings().get(1).startsWith("history stops at missing object 1111111111111111111111111111111111111111"));
    }

    @Test
    void aCommitGraphGivesTheHistoryTheCommitsThemselvesGive() throws Exception {
        Path gitDir = folder.resolve("graph.git");
        ObjectId deployed;
        ObjectId mainTip;
        try (GitFixture git = GitFixture.createBare(gitDir)) {
            deployed = longHistory(git, "m", 700, null);
            mainTip = git.repository().resolve("main");
        }
        Repo repo = new Repo("graph", gitDir, List.of("main"));
        List<String> deployments = List.of(deployed.name());
        Mined fromObjects = GitMiner.mine(repo, deployments, true);
        Mined fromObjectsWithoutPaths = GitMiner.mine(repo, deployments, false);
        assertEquals(700 + 140 * 3 + 1, fromObjects.commits().size(), "main, its merged pull requests and the deployed commit");
        assertTrue(fromObjects.commits().size() > CommitDecoder.CHUNK, "enough commits for two decoding threads");

        writeCommitGraph(gitDir);
        try (Repository repository = GitMiner.open(repo); ObjectReader reader = repository.newObjectReader()) {
            assertTrue(reader.getCommitGraph().isPresent(), "the miner reads the commit-graph git gc writes");
        }
        assertEquals(fromObjects, GitMiner.mine(repo, deployments, true));
        assertEquals(fromObjectsWithoutPaths, GitMiner.mine(repo, deployments, false));

        // Commits fetched after the graph was written are not in it: they are read for their parents.
        try (GitFixture git = GitFixture.reopen(gitDir)) {
            longHistory(git, "n", 40, mainTip);
        }
        Mined staleGraph = GitMiner.mine(repo, deployments, true);
        assertEquals(fromObjects.commits().size() + 40 + 8 * 3, staleGraph.commits().size(), "the new commits and their pull requests");
        Files.move(gitDir.resolve("objects/info/commit-graph"), folder.resolve("commit-graph"));
        assertEquals(GitMiner.mine(repo, deployments, true), staleGraph);
    }

    @Test
    void aMissingCommitStopsEveryDecodingThread() throws Exception {
        Path gitDir = folder.resolve("decode.git");
        List<ObjectId> commits = new ArrayList<>();
        try (GitFixture git = GitFixture.createBare(gitDir)) {
            longHistory(git, "m", 5, null);
            // The same few commits many times over: enough work for every thread.
            for (int i = 0; i < 3 * CommitDecoder.CHUNK; i++) {
                commits.addAll(git.commits().values());
            }
        }
        try (Repository repository = GitMiner.open(new Repo("decode", gitDir, List.of("main")))) {
            assertEquals(commits.size(), CommitDecoder.decodeAll(repository, commits, false, CommitDecoder::read).size());
            commits.add(commits.size() / 2, ObjectId.fromString("1111111111111111111111111111111111111111"));
            MissingObjectException missing = assertThrows(MissingObjectException.class,
                    () -> CommitDecoder.decodeAll(repository, commits, false, CommitDecoder::read));
            assertEquals("1111111111111111111111111111111111111111", missing.getObjectId().name());
        }
    }

    /**
     * Writes {@code count} commits on main after {@code base} (null: from a root commit), with a pull request of two
     * commits merged after every fifth, then a commit only a deployment reaches, which it returns.
     */
    private static ObjectId longHistory(GitFixture git, String prefix, int count, ObjectId base) throws IOException {
        ObjectId main = base;
        String mainName = null;
        Instant time = T0;
        for (int i = 0; i < count; i++) {
            time = time.plusSeconds(60);
            mainName = prefix + i;
            main = git.commitWithParentIds(mainName, "Change " + mainName + "\n\nChange-Id: I" + i + "\n", time,
                    "src/file-" + i % 7 + ".txt", main == null ? List.of() : List.of(main));
            if (i % 5 == 4) {
                ObjectId work = git.commitWithParentIds(mainName + "a", "Work", time, "lib/a-" + i % 3 + ".txt", List.of(main));
                work = git.commitWithParentIds(mainName + "b", "More work", time, "lib/b-" + i % 3 + ".txt", List.of(work));
                mainName = mainName + "m";
                main = git.commitWithParentIds(mainName, "Merge pull request #" + i + " from org/feature", time.plusSeconds(30),
                        "merged-" + i % 4 + ".txt", List.of(main, work));
            }
        }
        git.branch("main", mainName);
        return git.commitWithParentIds(prefix + "-deployed", "Only deployed", time, "hotfix.txt", List.of(main));
    }

    /** What {@code git gc} writes besides the pack: JGit's garbage collection, told to write the commit-graph. */
    private static void writeCommitGraph(Path gitDir) throws Exception {
        try (Git git = Git.open(gitDir.toFile())) {
            git.getRepository().getConfig().setBoolean("core", null, "commitGraph", true);
            git.getRepository().getConfig().setBoolean("gc", null, "writeCommitGraph", true);
            git.gc().call();
        }
        assertTrue(Files.isRegularFile(gitDir.resolve("objects/info/commit-graph")), "gc wrote a commit-graph");
    }

    @Test
    void workingCopiesAreReadLikeBareRepositories() throws Exception {
        Path workTree = folder.resolve("checkout");
        try (Git git = Git.init().setDirectory(workTree.toFile()).setInitialBranch("main").call()) {
            git.commit().setMessage("in a working copy").setAllowEmpty(true)
                    .setAuthor(new PersonIdent("A", "a@x", T0, java.time.ZoneOffset.UTC))
                    .setCommitter(new PersonIdent("A", "a@x", T0, java.time.ZoneOffset.UTC)).call();
        }
        assertEquals(1, GitMiner.mine(new Repo("wc", workTree, List.of("main")), List.of(), false).commits().size());
    }

    @Test
    void aFolderThatIsNoRepositoryIsAnUnreachableSource() {
        DoraException error = assertThrows(DoraException.class,
                () -> GitMiner.mine(new Repo("none", folder, List.of("main")), List.of(), false));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source git:none: cannot read repository"), error.getMessage());
    }
}
