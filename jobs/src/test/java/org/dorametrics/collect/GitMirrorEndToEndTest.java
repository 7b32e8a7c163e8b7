package org.dorametrics.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.testing.ConsoleCapture;
import org.dorametrics.testing.GitFixture;
import org.dorametrics.testing.GitHttpServer;
import org.dorametrics.testing.LogCapture;
import org.dorametrics.testing.TestSpark;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A url repo through the command line: collect mirrors it from a real git server over HTTP, normalize turns the
 * mirror's commits into changes; when the server is down, the next run goes on with the mirror and flags it.
 */
class GitMirrorEndToEndTest {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path work;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private Path source;
    private GitHttpServer server;
    private final Set<String> remoteShas = new TreeSet<>();

    @BeforeEach
    void serveARepository() throws IOException {
        source = work.resolve("remote/api.git");
        try (GitFixture git = GitFixture.createBare(source)) {
            git.commit("c1", "First", T0, T0, "a.txt", List.of());
            git.commit("c2", "Second", T0.plusSeconds(3600), T0.plusSeconds(3600), "b.txt", List.of("c1"));
            git.commit("c3", "Third", T0.plusSeconds(7200), T0.plusSeconds(7200), "c.txt", List.of("c2"));
            git.branch("main", "c3");
            git.commits().values().forEach(id -> remoteShas.add(id.name()));
        }
        server = GitHttpServer.start().serve("api", source);
        Files.writeString(work.resolve("git-token"), GitHttpServer.TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aUrlRepoIsMirroredAndItsCommitsBecomeChanges() throws IOException {
        String config = config("{username: " + GitHttpServer.USER + ", token_file: git-token}").toString();
        assertEquals(0, DoraCli.execute("validate", "--config", config), console.err());
        assertTrue(server.requests().isEmpty(), "validate reads the token but does not call the server");
        TestSpark.session();
        assertEquals(0, DoraCli.execute("collect", "--config", config), console.err());
        assertEquals(0, DoraCli.execute("normalize", "--config", config, "--as-of", "2026-03-08"), console.err());
        assertEquals(remoteShas, changeShas());

        try (GitFixture git = GitFixture.reopen(source)) {
            ObjectId head = git.repository().resolve("main");
            git.commitWithParentIds("c4", "Fourth", T0.plusSeconds(10_800), "d.txt", List.of(head));
            git.branch("main", "c4");
        }
        server.close();
        try (LogCapture log = new LogCapture()) {
            assertEquals(0, DoraCli.execute("collect", "--config", config), "a failed fetch goes on with the mirror: " + console.err());
            assertTrue(log.text().contains("WARN CollectStage: git:api: fetching " + server.url("api") + " failed ("), log.text());
            assertFalse(log.text().contains(GitHttpServer.TOKEN), log.text());
        }
        assertEquals(0, DoraCli.execute("normalize", "--config", config, "--as-of", "2026-03-08"), console.err());
        assertEquals(remoteShas, changeShas(), "the changes of the last good mirror");
        List<Row> flagged = TestSpark.session().read().parquet(work.resolve("out/tables/rejects").toString())
                .where("source = 'git:api' AND action = 'flagged'").collectAsList();
        assertEquals(1, flagged.size(), flagged.toString());
        assertTrue(flagged.get(0).<String>getAs("reason").matches("fetching http://127\\.0\\.0\\.1:\\d+/api\\.git failed \\(.*\\); "
                + "mined the last good mirror, fetched \\d{4}-.*"), flagged.get(0).toString());
        assertFalse(Files.readString(work.resolve("out/raw/git/api/warnings.jsonl")).contains(GitHttpServer.TOKEN));
    }

    @Test
    void aTokenThatIsNotSetStopsCollectBeforeAnyWork() throws IOException {
        String config = config("{username: " + GitHttpServer.USER + ", token_env: DORA_TEST_UNSET_GIT_TOKEN}").toString();
        assertEquals(2, DoraCli.execute("collect", "--config", config));
        assertTrue(console.err().contains("dora: config repos[api].credentials.token_env: environment variable DORA_TEST_UNSET_GIT_TOKEN is not set"),
                console.err());
        assertFalse(Files.exists(work.resolve("out")) || Files.exists(work.resolve(".dora-git-cache")), "nothing was written");
        assertEquals(2, DoraCli.execute("validate", "--config", config), "validate reports it too");
        assertTrue(server.requests().isEmpty(), "the server was never asked");
    }

    private Path config(String credentials) throws IOException {
        return Files.writeString(work.resolve("dora.yaml"), """
                output: out
                repos: [{name: api, url: "%s", credentials: %s}]
                services: [{name: api, repo: api}]
                teams: [{name: core, services: [api]}]
                """.formatted(server.url("api"), credentials));
    }

    private Set<String> changeShas() {
        try (Stream<Row> rows = TestSpark.session().read().parquet(work.resolve("out/tables/changes").toString())
                .select("sha").collectAsList().stream()) {
            return rows.map(row -> row.<String>getAs("sha")).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
