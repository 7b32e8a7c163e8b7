package org.dorametrics.collect;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.config.DoraConfig.Remote;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.table.OutputLocation;

/**
 * Mines the git repositories as Spark tasks, one per repository, so that mining spreads over the executors of a
 * cluster (and over the cores in local mode). Each task updates the repo's mirror when it has a url, mines it and
 * writes its raw files itself, through the output's Hadoop file system; only counts, warnings and failures come back
 * to the driver. A url repo's mirror lives in the git cache at the same path on every executor's machine.
 */
final class RepoMining {
    private RepoMining() {}

    /** One repository to mine, in the serializable form a task carries to an executor. */
    record Task(RepoSpec repo, List<String> revisions, boolean withPaths) implements Serializable {
        Task(Repo repo, TreeSet<String> revisions, boolean withPaths) {
            this(RepoSpec.of(repo), List.copyOf(revisions), withPaths);
        }
    }

    /** What a task reports: its counts and warnings, or why the repository could not be read. */
    record Outcome(String repo, int commits, int tags, List<String> warnings, String failure) implements Serializable {}

    /** Mines every task, one Spark task each, and returns their outcomes in the tasks' order. */
    static List<Outcome> mineAll(SparkSession spark, OutputLocation output, List<Task> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        String root = output.root().toString();
        Map<String, String> hadoopSettings = settings(spark.sparkContext().hadoopConfiguration());
        spark.sparkContext().setJobDescription("collect: mine " + tasks.size() + " git repositories");
        try {
            return new JavaSparkContext(spark.sparkContext()).parallelize(tasks, tasks.size())
                    .map(task -> mine(task, OutputLocation.open(root, configuration(hadoopSettings))))
                    .collect();
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
    }

    /** Runs on an executor: the repo's raw files are written when it returns, whatever the others do. */
    static Outcome mine(Task task, OutputLocation output) {
        Repo repo = task.repo().toRepo();
        try {
            GitMiner.Mined mined = repo.isMirrored()
                    ? mineMirror(GitMirror.open(repo, System::getenv), repo, task.revisions(), task.withPaths())
                    : GitMiner.mine(repo, task.revisions(), task.withPaths());
            new RawZone(output).writeGit(repo.name(), mined);
            return new Outcome(repo.name(), mined.commits().size(), mined.tags().size(), mined.warnings(), null);
        } catch (DoraException e) {
            return new Outcome(repo.name(), 0, 0, List.of(), e.getMessage());
        }
    }

    /**
     * Updates a url repo's mirror and mines it, holding its lock throughout so that no other run fetches into it
     * meanwhile. A failed fetch's warning leads the repo's warnings: normalize flags it in rejects.
     */
    private static GitMiner.Mined mineMirror(GitMirror mirror, Repo repo, List<String> revisions, boolean withPaths) {
        try (GitMirror.Lock lock = mirror.lock()) {
            List<String> warnings = new ArrayList<>(mirror.update());
            GitMiner.Mined mined = GitMiner.mine(repo, revisions, withPaths);
            warnings.addAll(mined.warnings());
            return new GitMiner.Mined(mined.commits(), mined.tags(), List.copyOf(warnings));
        }
    }

    /** The driver's Hadoop settings (spark.hadoop.* included), for the executors to reach the same output. */
    private static Map<String, String> settings(Configuration configuration) {
        Map<String, String> settings = new HashMap<>();
        configuration.forEach(entry -> settings.put(entry.getKey(), entry.getValue()));
        return settings;
    }

    private static Configuration configuration(Map<String, String> settings) {
        Configuration configuration = new Configuration(false);
        settings.forEach(configuration::set);
        return configuration;
    }

    /**
     * A {@link Repo} as plain strings: its paths are {@link Path}s, which Java serialization cannot carry. Secrets
     * are named only; the executor reads them from its own environment or files.
     */
    record RepoSpec(String name, String path, List<String> branches, String url, Remote.Protocol protocol, String username,
                    String tokenEnv, String tokenFile, String sshKeyFile, String knownHostsFile) implements Serializable {
        static RepoSpec of(Repo repo) {
            Remote remote = repo.remote();
            return remote == null
                    ? new RepoSpec(repo.name(), repo.path().toString(), List.copyOf(repo.branches()), null, null, null, null, null, null, null)
                    : new RepoSpec(repo.name(), repo.path().toString(), List.copyOf(repo.branches()), remote.url(), remote.protocol(),
                            remote.username(), remote.tokenEnv(), text(remote.tokenFile()), text(remote.sshKeyFile()), text(remote.knownHostsFile()));
        }

        Repo toRepo() {
            Remote remote = url == null ? null
                    : new Remote(url, protocol, username, tokenEnv, path(tokenFile), path(sshKeyFile), path(knownHostsFile));
            return new Repo(name, Path.of(path), branches, remote);
        }

        private static String text(Path path) {
            return path == null ? null : path.toString();
        }

        private static Path path(String text) {
            return text == null ? null : Path.of(text);
        }
    }
}
