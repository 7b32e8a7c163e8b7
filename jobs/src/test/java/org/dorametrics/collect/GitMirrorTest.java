package org.dorametrics.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dorametrics.collect.GitMiner.Mined;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.dorametrics.collect.GitMiner.MinedTag;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.GitHttpServer;
import org.dorametrics.testing.LockHolder;
import org.dorametrics.testing.LogCapture;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors of url repos against a real git server over HTTP with basic auth: the first run clones, later runs fetch
 * only what changed, failures keep the last good mirror (or leave no half one), concurrent runs take turns, and the
 * token never shows.
 */
class GitMirrorTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Function<String, String> NO_ENVIRONMENT = name -> null;
    private static final int HISTORY = 40;

    @TempDir
    Path work;

    private Path source;
    private GitHttpServer server;

    @BeforeEach
    void serveARepository() throws Exception {
        source = work.resolve("remote/api.git");
        try (GitFixture git = GitFixture.createBare(source)) {
            for (int i = 1; i <= HISTORY; i++) {
                git.commit("c" + i, "Change " + i, T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * i), "src/file" + i + ".txt",
                        i == 1 ? List.of() : List.of("c" + (i - 1)));
            }
            git.branch("main", "c" + HISTORY);
            git.branch("release", "c20");
        }
        try (Git git = Git.open(source.toFile())) {
            git.tag().setName("v1").setObjectId(git.getRepository().parseCommit(git.getRepository().resolve("release"))).setAnnotated(false).call();
        }
        server = GitHttpServer.start().serve("api", source);
        Files.writeString(work.resolve("git-token"), GitHttpServer.TOKEN + "\n");
        Files.writeString(work.resolve("wrong-token"), "wrong-token-0a9b8c7d6e\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void firstRunClonesAndLaterRunsFetchOnlyWhatChanged() throws Exception {
        Repo repo = repo("git-token");
        Outcome first = run(repo);
        assertEquals(List.of(), first.warnings());
        assertEquals(sourceShas(), shas(first.mined()));
        assertEquals(List.of("v1"), first.mined().tags().stream().map(MinedTag::name).toList());
        assertEquals(work.resolve(".dora-git-cache"), repo.path().getParent(), "the default cache is beside the config");
        String mirrorConfig = Files.readString(repo.path().resolve("config"));
        assertTrue(mirrorConfig.contains("url = " + server.url("api")), mirrorConfig);
        assertFalse(mirrorConfig.contains(GitHttpServer.TOKEN) || mirrorConfig.contains(GitHttpServer.USER), "no credentials in the mirror:\n" + mirrorConfig);
        long clonePackBytes = server.packBytes();

        ObjectId added = addCommit("c41");
        try (Git git = Git.open(source.toFile())) {
            git.branchDelete().setBranchNames("release").setForce(true).call();
        }
        server.resetCounts();
        Outcome second = run(repo);
        assertTrue(shas(second.mined()).contains(added.name()), "the new commit is fetched");
        assertEquals(List.of("branch 'release' not found"), second.mined().warnings(), "the deleted branch is pruned from the mirror");
        long fetchPackBytes = server.packBytes();
        assertTrue(fetchPackBytes > 0 && fetchPackBytes * 5 < clonePackBytes,
                "the fetch sends only the new commit: " + fetchPackBytes + " bytes after a clone of " + clonePackBytes);

        server.resetCounts();
        run(repo);
        assertTrue(server.requests().stream().noneMatch(request -> request.startsWith("POST")),
                "nothing new: the refs are compared and no pack is asked for " + server.requests());
    }

    @Test
    void refusedCredentialsAreReportedWithoutTheToken() throws Exception {
        try (LogCapture log = new LogCapture()) {
            DoraException error = assertThrows(DoraException.class, () -> run(repo("wrong-token")));
            assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
            assertTrue(error.getMessage().startsWith("source git:api: cannot clone " + server.url("api") + " ("), error.getMessage());
            assertTrue(error.getMessage().contains("not authorized"), error.getMessage());
            assertNoSecretIn(error.getMessage() + log.text());
        }
        Repo repo = repo("git-token");
        assertEquals(List.of(repo.path().getFileName() + ".lock"), cacheEntries(repo), "a refused clone leaves no mirror");

        run(repo);
        Outcome revoked = run(repo("wrong-token"));
        assertEquals(1, revoked.warnings().size());
        assertTrue(revoked.warnings().get(0).startsWith("fetching " + server.url("api") + " failed ("), revoked.warnings().get(0));
        assertTrue(revoked.warnings().get(0).contains("not authorized"), revoked.warnings().get(0));
        assertNoSecretIn(revoked.warnings().get(0));
        assertEquals(sourceShas(), shas(revoked.mined()));
    }

    @Test
    void aFailedFetchKeepsTheLastGoodMirrorAndSaysHowOldItIs() throws Exception {
        Repo repo = repo("git-token");
        run(repo);
        addCommit("c41");

        server.failWith(500);
        Outcome serverError = run(repo);
        assertEquals(1, serverError.warnings().size(), serverError.warnings().toString());
        String warning = serverError.warnings().get(0);
        assertTrue(warning.startsWith("fetching " + server.url("api") + " failed (") && warning.contains("500"), warning);
        assertTrue(warning.matches(".*; mined the last good mirror, fetched \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), warning);
        assertEquals(sourceShas().size() - 1, shas(serverError.mined()).size(), "the mirror as it was: without the new commit");

        server.close();
        Outcome serverDown = run(repo);
        assertEquals(1, serverDown.warnings().size(), serverDown.warnings().toString());
        assertTrue(serverDown.warnings().get(0).startsWith("fetching " + server.url("api") + " failed ("), serverDown.warnings().get(0));
        assertEquals(shas(serverError.mined()), shas(serverDown.mined()));
    }

    @Test
    void aCloneCutShortLeavesNoHalfMirrorAndAKilledOneIsCleanedUp() throws Exception {
        Repo repo = repo("git-token");
        server.cutPacksAfter(500);
        DoraException error = assertThrows(DoraException.class, () -> run(repo));
        assertTrue(error.getMessage().startsWith("source git:api: cannot clone " + server.url("api")), error.getMessage());
        assertEquals(List.of(repo.path().getFileName() + ".lock"), cacheEntries(repo), "no mirror and no partial clone");

        // What a clone killed mid-way (kill -9, power loss) leaves beside the mirror.
        Path killed = repo.path().resolveSibling(repo.path().getFileName() + ".cloning-killed");
        Files.createDirectories(killed.resolve("objects/pack"));
        Files.writeString(killed.resolve("objects/pack/tmp_pack_1"), "half a pack");
        server.cutPacksAfter(-1);
        Outcome outcome = run(repo);
        assertEquals(sourceShas(), shas(outcome.mined()));
        assertFalse(Files.exists(killed), "the next run removes the unfinished clone");
        assertConnected(repo.path());
    }

    @Test
    void concurrentRunsTakeTurnsAndBothMineTheWholeMirror() throws Exception {
        Repo repo = repo("git-token");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService runs = Executors.newFixedThreadPool(2);
        try (LogCapture log = new LogCapture()) {
            List<Future<Set<String>>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(runs.submit(() -> {
                    go.await();
                    GitMirror mirror = GitMirror.open(repo, NO_ENVIRONMENT);
                    try (GitMirror.Lock lock = mirror.lock()) {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        mirror.update();
                        Set<String> mined = shas(GitMiner.mine(repo, List.of(), false));
                        Thread.sleep(300);
                        inside.decrementAndGet();
                        return mined;
                    }
                }));
            }
            go.countDown();
            assertEquals(sourceShas(), results.get(0).get());
            assertEquals(sourceShas(), results.get(1).get());
            assertEquals(1, mostInside.get(), "one run at a time updates and mines the mirror");
            assertTrue(log.text().contains("git:api: another run is updating or mining the mirror " + repo.path() + "; waiting up to 30 min"),
                    log.text());
        } finally {
            runs.shutdownNow();
        }
        assertConnected(repo.path());
    }

    @Test
    void aLockHeldByAnotherProcessIsWaitedFor() throws Exception {
        Repo repo = repo("git-token");
        Path lockFile = repo.path().resolveSibling(repo.path().getFileName() + ".lock");
        Files.createDirectories(lockFile.getParent());
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString(), "1500")
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
             LogCapture log = new LogCapture()) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.equals("locked"));
            assertEquals("locked", line, "the other process took the lock");
            long start = System.nanoTime();
            Outcome outcome = run(repo);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(sourceShas(), shas(outcome.mined()));
            assertTrue(waitedMillis >= 800, "waited for the other process: " + waitedMillis + " ms");
            assertTrue(log.text().contains("waiting up to 30 min") && log.text().contains("git:api: got the lock on"), log.text());
        } finally {
            assertEquals(0, holder.waitFor());
        }
    }

    @Test
    void aLockHeldTooLongFailsTheSource() throws Exception {
        Repo repo = repo("git-token");
        GitMirror holder = GitMirror.open(repo, NO_ENVIRONMENT);
        try (GitMirror.Lock held = holder.lock()) {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<DoraException> error = other.submit(() -> assertThrows(DoraException.class,
                        () -> GitMirror.open(repo, NO_ENVIRONMENT, Duration.ofMillis(300)).lock()));
                assertEquals(ExitCode.SOURCE_UNREACHABLE, error.get().exitCode());
                assertTrue(error.get().getMessage().startsWith("source git:api: another run has held the mirror's lock "
                        + repo.path() + ".lock for over 0.3 s"), error.get().getMessage());
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void credentialsThatCannotBeReadAreConfigErrors() throws IOException {
        Repo fromEnvironment = repo("{username: x-access-token, token_env: DORA_TEST_GIT_TOKEN}");
        DoraException unset = assertThrows(DoraException.class, () -> GitMirror.open(fromEnvironment, NO_ENVIRONMENT));
        assertEquals(ExitCode.USAGE_OR_CONFIG, unset.exitCode());
        assertEquals("config repos[api].credentials.token_env: environment variable DORA_TEST_GIT_TOKEN is not set", unset.getMessage());
        GitMirror.open(fromEnvironment, Map.of("DORA_TEST_GIT_TOKEN", GitHttpServer.TOKEN)::get);

        Repo missingFile = repo("{username: x-access-token, token_file: no-such-file}");
        DoraException unreadable = assertThrows(DoraException.class, () -> GitMirror.open(missingFile, NO_ENVIRONMENT));
        assertEquals("config repos[api].credentials.token_file: cannot read token_file " + work.resolve("no-such-file")
                + " (NoSuchFileException)", unreadable.getMessage());
        assertFalse(Files.exists(work.resolve(".dora-git-cache")), "nothing is done before the credentials are read");
    }

    /** The outcome of one run's update and mining of the mirror. */
    private record Outcome(List<String> warnings, Mined mined) {}

    private Outcome run(Repo repo) {
        GitMirror mirror = GitMirror.open(repo, NO_ENVIRONMENT);
        try (GitMirror.Lock lock = mirror.lock()) {
            List<String> warnings = mirror.update();
            return new Outcome(warnings, GitMiner.mine(repo, List.of(), false));
        }
    }

    /** The repo as the loader makes it from a config naming the served url, signing in with a token file. */
    private Repo repo(String tokenFileOrCredentials) throws IOException {
        String credentials = tokenFileOrCredentials.startsWith("{") ? tokenFileOrCredentials
                : "{username: " + GitHttpServer.USER + ", token_file: " + tokenFileOrCredentials + "}";
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                repos: [{name: api, url: "%s", credentials: %s, branches: [main, release]}]
                services: [{name: api, repo: api}]
                teams: [{name: core, services: [api]}]
                """.formatted(server.url("api"), credentials));
        return ConfigLoader.withEnvironment(Map.of()).read(config).repos().get(0);
    }

    private ObjectId addCommit(String name) throws IOException {
        try (GitFixture git = GitFixture.reopen(source)) {
            ObjectId head = git.repository().resolve("main");
            ObjectId added = git.commitWithParentIds(name, "Change " + name, T0.plusSeconds(3600L * (HISTORY + 1)), "src/" + name + ".txt",
                    List.of(head));
            git.branch("main", name);
            return added;
        }
    }

    private Set<String> sourceShas() throws IOException {
        try (Repository repository = new FileRepositoryBuilder().setGitDir(source.toFile()).setMustExist(true).build();
             Git git = new Git(repository)) {
            Set<String> shas = new java.util.TreeSet<>();
            git.log().all().call().forEach(commit -> shas.add(commit.name()));
            return shas;
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException(e);
        }
    }

    private static Set<String> shas(Mined mined) {
        return mined.commits().stream().map(MinedCommit::sha).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static List<String> cacheEntries(Repo repo) throws IOException {
        try (Stream<Path> entries = Files.list(repo.path().getParent())) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    /** Every object reachable from every ref is there, as {@code git fsck --connectivity-only} checks. */
    private static void assertConnected(Path gitDir) throws IOException {
        try (Repository repository = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
             ObjectWalk walk = new ObjectWalk(repository)) {
            for (Ref ref : repository.getRefDatabase().getRefs()) {
                walk.markStart(walk.parseAny(ref.getObjectId()));
            }
            walk.checkConnectivity();
        }
    }

    private static void assertNoSecretIn(String text) {
        assertFalse(text.contains(GitHttpServer.TOKEN) || text.contains("wrong-token-0a9b8c7d6e"), text);
    }
}
