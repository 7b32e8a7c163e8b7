package org.dorametrics.collect;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.dorametrics.config.DoraConfig.Remote;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.Secret;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteConfig;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare mirror of a url repo in the git cache, which mining then reads like any local repository. The first
 * collect clones it (into a folder beside it, renamed into place once complete, so a killed clone never looks like a
 * mirror); later ones fetch what changed: every branch and tag, pruning the deleted ones. A lock file beside the
 * mirror keeps concurrent runs from updating it together: hold {@link #lock()} from the fetch to the end of mining.
 * A fetch that fails keeps the last good mirror, and says so in a warning; a first clone that fails fails the source.
 */
public final class GitMirror {
    private static final Logger LOG = LoggerFactory.getLogger(GitMirror.class);
    /** Long enough for another run to fetch and mine a large repository; a hung run is then reported, not waited for. */
    static final Duration DEFAULT_LOCK_WAIT = Duration.ofMinutes(30);
    private static final Duration LOCK_POLL = Duration.ofMillis(200);
    /** Seconds without a byte from the server before a fetch gives up. */
    private static final int NETWORK_TIMEOUT_SECONDS = 120;
    private static final String REMOTE = "origin";
    /** Branches and tags only: a host's other refs (GitHub's refs/pull/*) would fetch every fork's commits too. */
    private static final List<RefSpec> REF_SPECS = List.of(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"));
    /** Where the mirror's own git config remembers its last good fetch, to say how old a mirror kept after a failure is. */
    private static final String FETCHED_SECTION = "dora";
    private static final String FETCHED_KEY = "fetched";

    private final Repo repo;
    private final Remote remote;
    private final Secret token;
    private final Duration lockWait;

    private GitMirror(Repo repo, Secret token, Duration lockWait) {
        this.repo = repo;
        this.remote = repo.remote();
        this.token = token;
        this.lockWait = lockWait;
    }

    /**
     * The mirror of a url repo, its credentials read now: a token that is not set or a key file that cannot be read
     * is a config error (exit 2) before any work.
     */
    public static GitMirror open(Repo repo, Function<String, String> environment) {
        return open(repo, environment, DEFAULT_LOCK_WAIT);
    }

    static GitMirror open(Repo repo, Function<String, String> environment, Duration lockWait) {
        Remote remote = repo.remote();
        String keyPath = "repos[" + repo.name() + "].credentials";
        Secret token = remote.hasToken() ? Secret.resolve(keyPath, remote.tokenEnv(), remote.tokenFile(), environment) : null;
        requireReadable(keyPath + ".ssh_key_file", remote.sshKeyFile());
        requireReadable(keyPath + ".known_hosts_file", remote.knownHostsFile());
        return new GitMirror(repo, token, lockWait);
    }

    private static void requireReadable(String keyPath, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw DoraException.config(keyPath, "cannot read " + file);
        }
    }

    /** The lock that one run at a time holds on a mirror; other runs wait for it, up to a bound. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;

        private Lock(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release the lock " + channel, e);
            }
        }
    }

    /**
     * Takes the mirror's lock ({@code <mirror>.lock}, an OS file lock, released if the process dies), waiting while
     * another run holds it; still held after the bound, the source fails (exit 3).
     */
    public Lock lock() {
        Path lockFile = sibling(".lock");
        FileChannel channel;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure("cannot use the git cache " + lockFile.getParent() + " (" + e + ")");
        }
        long start = System.nanoTime();
        boolean waiting = false;
        try {
            while (true) {
                if (tryLock(channel)) {
                    if (waiting) {
                        LOG.info("git:{}: got the lock on {} after {}", repo.name(), repo.path(), describe(Duration.ofNanos(System.nanoTime() - start)));
                    }
                    return new Lock(channel);
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (waited.compareTo(lockWait) >= 0) {
                    channel.close();
                    throw failure("another run has held the mirror's lock " + lockFile + " for over " + describe(lockWait)
                            + "; if no run of dora is using it, it was left by a hung one");
                }
                if (!waiting) {
                    LOG.warn("git:{}: another run is updating or mining the mirror {}; waiting up to {} for it", repo.name(), repo.path(),
                            describe(lockWait));
                    waiting = true;
                }
                Thread.sleep(LOCK_POLL.toMillis());
            }
        } catch (IOException e) {
            throw failure("cannot lock " + lockFile + " (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the lock " + lockFile);
        }
    }

    /** False while another process holds the lock, or another thread of this one (which the JVM reports as an overlap). */
    private static boolean tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    /**
     * Brings the mirror up to date: clones it the first time, fetches after. Call it holding {@link #lock()}.
     *
     * @return warnings for the run's record: a failed fetch, and the age of the mirror mined instead
     * @throws DoraException (exit 3) when the first clone fails: there is no mirror to fall back on
     */
    public List<String> update() {
        deleteAbandonedClones();
        if (!Files.isDirectory(repo.path())) {
            cloneMirror();
            return List.of();
        }
        try (Git git = Git.open(repo.path().toFile())) {
            fetch(git);
            LOG.info("git:{}: fetched {}", repo.name(), remote.shownUrl());
            return List.of();
        } catch (IOException | GitAPIException | JGitInternalException e) {
            return List.of("fetching " + remote.shownUrl() + " failed (" + reason(e) + "); mined the last good mirror, "
                    + lastFetch().map(at -> "fetched " + at).orElse("of an unknown date"));
        }
    }

    private void cloneMirror() {
        Path staging = sibling(".cloning-" + UUID.randomUUID());
        LOG.info("git:{}: cloning {} into {}", repo.name(), remote.shownUrl(), repo.path());
        try {
            try (Git git = Git.init().setBare(true).setDirectory(staging.toFile()).call()) {
                StoredConfig config = git.getRepository().getConfig();
                RemoteConfig origin = new RemoteConfig(config, REMOTE);
                origin.addURI(new URIish(remote.url()));
                origin.setFetchRefSpecs(REF_SPECS);
                origin.update(config);
                config.save();
                fetch(git);
            }
            Files.move(staging, repo.path(), StandardCopyOption.ATOMIC_MOVE);
            LOG.info("git:{}: cloned {}", repo.name(), remote.shownUrl());
        } catch (IOException | GitAPIException | JGitInternalException | URISyntaxException e) {
            deleteRecursively(staging);
            throw failure("cannot clone " + remote.shownUrl() + " (" + reason(e) + ")");
        }
    }

    private void fetch(Git git) throws GitAPIException, IOException {
        FetchCommand fetch = git.fetch().setRemote(REMOTE).setRefSpecs(REF_SPECS).setRemoveDeletedRefs(true).setTimeout(NETWORK_TIMEOUT_SECONDS);
        if (token != null) {
            // Given per command, never written into the url: the mirror's config file keeps no secret.
            fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(remote.username(), token.reveal()));
        }
        if (remote.protocol() == Remote.Protocol.SSH) {
            try (SshdSessionFactory ssh = sshSessions()) {
                fetch.setTransportConfigCallback(transport -> {
                    if (transport instanceof SshTransport sshTransport) {
                        sshTransport.setSshSessionFactory(ssh);
                    }
                });
                fetch.call();
            }
        } else {
            fetch.call();
        }
        StoredConfig config = git.getRepository().getConfig();
        config.setString(FETCHED_SECTION, null, FETCHED_KEY, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        config.save();
    }

    /**
     * ssh with the configured key and known_hosts file, or the user's (~/.ssh/id_*, ~/.ssh/known_hosts) when not
     * given. An unknown or changed host key is always refused: a batch job has no one to ask, and ~/.ssh/config is
     * not read, so that no StrictHostKeyChecking there can loosen it (nor make the job behave unlike its config).
     */
    private SshdSessionFactory sshSessions() {
        File home = FS.DETECTED.userHome();
        SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder().setHomeDirectory(home).setSshDirectory(new File(home, ".ssh"))
                .setConfigFile(sshDirectory -> null);
        if (remote.sshKeyFile() != null) {
            builder.setDefaultIdentities(sshDirectory -> List.of(remote.sshKeyFile()));
        }
        if (remote.knownHostsFile() != null) {
            builder.setDefaultKnownHostsFiles(sshDirectory -> List.of(remote.knownHostsFile()));
        }
        return builder.build(null);
    }

    private Optional<String> lastFetch() {
        try (Git git = Git.open(repo.path().toFile())) {
            return Optional.ofNullable(git.getRepository().getConfig().getString(FETCHED_SECTION, null, FETCHED_KEY));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A clone that a killed run left beside the mirror; safe to delete, since this run holds the lock. */
    private void deleteAbandonedClones() {
        String prefix = repo.path().getFileName() + ".cloning-";
        try (Stream<Path> siblings = Files.list(repo.path().getParent())) {
            siblings.filter(path -> path.getFileName().toString().startsWith(prefix)).forEach(abandoned -> {
                LOG.info("git:{}: deleting {}, an unfinished clone of an earlier run", repo.name(), abandoned);
                deleteRecursively(abandoned);
            });
        } catch (IOException e) {
            throw failure("cannot list the git cache " + repo.path().getParent() + " (" + e + ")");
        }
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }

    private Path sibling(String suffix) {
        return repo.path().resolveSibling(repo.path().getFileName() + suffix);
    }

    /**
     * What went wrong, fit for the log: JGit's messages name the url (which holds no password: the loader refuses
     * one), and a server's own text could echo anything, so the token is scrubbed out too.
     */
    private String reason(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != error && root.getMessage() != null && !text.toString().contains(root.getMessage())) {
            text.append(": ").append(root.getMessage());
        }
        String redacted = Redaction.redact(text.toString());
        return token == null ? redacted : token.scrub(redacted);
    }

    private DoraException failure(String problem) {
        // No cause attached: a JGit exception's own message and stack would reach the log unredacted.
        return DoraException.sourceUnreachable("git:" + repo.name(), problem, null);
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 60_000 == 0 ? duration.toMinutes() + " min" : String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
