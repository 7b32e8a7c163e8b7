package org.dorametrics.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.dorametrics.collect.GitMiner.Mined;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.GitSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrors of ssh urls against a real ssh git server: signed in with the configured key, the server's key checked. */
class GitMirrorSshTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path work;

    private final Set<String> remoteShas = new TreeSet<>();
    private GitSshServer server;

    @BeforeEach
    void serveARepository() throws Exception {
        Path source = work.resolve("remote/api.git");
        try (GitFixture git = GitFixture.createBare(source)) {
            git.commit("c1", "First", T0, T0, "a.txt", List.of());
            git.commit("c2", "Second", T0.plusSeconds(3600), T0.plusSeconds(3600), "b.txt", List.of("c1"));
            git.branch("main", "c2");
            git.commits().values().forEach(id -> remoteShas.add(id.name()));
        }
        KeyPair deployKey = GitSshServer.newKeyPair();
        Files.createDirectories(work.resolve("keys"));
        GitSshServer.writePrivateKey(deployKey, work.resolve("keys/deploy"));
        GitSshServer.writePrivateKey(GitSshServer.newKeyPair(), work.resolve("keys/stranger"));
        server = GitSshServer.start(deployKey.getPublic()).serve("api", source);
        Files.writeString(work.resolve("keys/known_hosts"), server.knownHostsLine() + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void anSshUrlIsClonedAndFetchedWithTheKeyFile() throws Exception {
        Repo repo = repo("keys/deploy", "keys/known_hosts");
        assertEquals(List.of(), run(repo).warnings());
        Outcome fetched = run(repo);
        assertEquals(List.of(), fetched.warnings(), "the second run fetches");
        assertEquals(remoteShas, shas(fetched.mined()));
        String mirrorConfig = Files.readString(repo.path().resolve("config"));
        assertTrue(mirrorConfig.contains("url = " + server.url("api")) && !mirrorConfig.contains("keys/deploy"), mirrorConfig);
    }

    @Test
    void anUnknownHostKeyIsRefused() throws Exception {
        GitSshServer.writePrivateKey(GitSshServer.newKeyPair(), work.resolve("keys/other"));
        Files.writeString(work.resolve("keys/no_hosts"), "");
        DoraException error = assertThrows(DoraException.class, () -> run(repo("keys/deploy", "keys/no_hosts")));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source git:api: cannot clone " + server.url("api").replace("git@", "***@") + " ("),
                error.getMessage());
        assertFalse(Files.exists(repo("keys/deploy", "keys/no_hosts").path()), "no mirror from a host nobody vouched for");
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefused() throws Exception {
        DoraException error = assertThrows(DoraException.class, () -> run(repo("keys/stranger", "keys/known_hosts")));
        assertEquals(ExitCode.SOURCE_UNREACHABLE, error.exitCode());
        assertTrue(error.getMessage().startsWith("source git:api: cannot clone "), error.getMessage());
    }

    private record Outcome(List<String> warnings, Mined mined) {}

    private Outcome run(Repo repo) {
        GitMirror mirror = GitMirror.open(repo, name -> null);
        try (GitMirror.Lock lock = mirror.lock()) {
            List<String> warnings = mirror.update();
            return new Outcome(warnings, GitMiner.mine(repo, List.of(), false));
        }
    }

    private Repo repo(String keyFile, String knownHostsFile) throws Exception {
        Path config = Files.writeString(work.resolve("dora.yaml"), """
                repos: [{name: api, url: "%s", credentials: {ssh_key_file: %s, known_hosts_file: %s}}]
                services: [{name: api, repo: api}]
                teams: [{name: core, services: [api]}]
                """.formatted(server.url("api"), keyFile, knownHostsFile));
        return ConfigLoader.withEnvironment(Map.of()).read(config).repos().get(0);
    }

    private static Set<String> shas(Mined mined) {
        return mined.commits().stream().map(MinedCommit::sha).collect(Collectors.toCollection(TreeSet::new));
    }
}
