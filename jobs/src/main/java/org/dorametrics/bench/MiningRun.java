package org.dorametrics.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dorametrics.collect.GitMiner;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.normalize.Commit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mines a repository's main branch as collect does, and reads each commit as normalize does for the changes table
 * (pull request number, revert, trailers): the work a run spends on one repository's history.
 */
@Command(name = "mine", description = "Mine a repository into commits, as collect and normalize do.")
final class MiningRun implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "The git directory.")
    Path repo;

    @Option(names = "--paths", description = "Also mine each commit's changed files (what monorepo path rules need).")
    boolean paths;

    @Override
    public Integer call() {
        // JGit logs through SLF4J, which would start log4j here: half a second of class loading on 2 cores that a dora run
        // spends once, at its start, before any repository. This process measures mining, so it logs nothing.
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        long start = System.nanoTime();
        List<Commit> commits = mine(repo, paths);
        long withPaths = 0;
        long pullRequests = 0;
        for (Commit commit : commits) {
            withPaths += commit.paths() == null ? 0 : commit.paths().size();
            pullRequests += commit.pullRequestNumber() == null ? 0 : 1;
            commit.revertedSha();
            commit.trailers();
        }
        Bench.figure("mine_ms", Bench.millisSince(start));
        Bench.figure("commits", commits.size());
        Bench.figure("pull_requests", pullRequests);
        Bench.figure("changed_paths", withPaths);
        return 0;
    }

    static List<Commit> mine(Path repo, boolean paths) {
        GitMiner.Mined mined = GitMiner.mine(new Repo("bench", repo, List.of("main")), List.of(), paths);
        return mined.commits().stream().map(c -> Commit.of("bench", c)).toList();
    }
}
