package org.dorametrics.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.dorametrics.config.DoraConfig.ChangeStart;
import org.dorametrics.config.DoraConfig.Rules;
import org.dorametrics.normalize.Commit;
import org.dorametrics.normalize.CommitGraph;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.DeploymentChangeLinker;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedDeployment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Attributes commits to deployments spread evenly along a repository's main line, as normalize does (CommitGraph and
 * DeploymentChangeLinker), and writes each deployment's previous and current revision with the number of changes found,
 * so that the script can check them against {@code git rev-list PREV..CUR}.
 */
@Command(name = "attribute", description = "Link deployments to the commits they delivered, as normalize does.")
final class AttributionRun implements Callable<Integer> {
    private static final Rules RULES = new Rules(Pattern.compile("^production$"), Pattern.compile("hotfix"),
            Duration.ofHours(24), Duration.ofDays(30), ChangeStart.AUTHOR_TIME, 0.05);

    @Option(names = "--repo", required = true, description = "The git directory.")
    Path repo;

    @Option(names = "--deployments", defaultValue = "20000", description = "Number of deployments (default: ${DEFAULT-VALUE}).")
    int deployments;

    @Option(names = "--ranges", required = true, description = "File to write 'PREV CUR CHANGES' lines to, one per deployment after the first.")
    Path ranges;

    @Override
    public Integer call() throws IOException {
        List<Commit> commits = MiningRun.mine(repo, false);

        long graphStart = System.nanoTime();
        CommitGraph graph = new CommitGraph("bench", commits);
        Bench.figure("graph_ms", Bench.millisSince(graphStart));

        DeploymentChangeLinker linker = new DeploymentChangeLinker(RULES, commit -> null);
        List<Deployment> chain = deploymentsAlongMainLine(graph, deployments);
        long linkStart = System.nanoTime();
        List<LinkedDeployment> linked = linker.link(chain, graph, commit -> true).deployments();
        Bench.figure("link_ms", Bench.millisSince(linkStart));
        Bench.figure("deployments", linked.size());

        // The reference: the first deployment, then one of the head, which walks the rest of the history at once through
        // the same code. A chain's first deployment is its baseline, whose changes are not searched for references to
        // earlier deployments; the head's, like every later deployment's, are: each delivered commit's message is read,
        // once per graph, so the reference has a graph of its own.
        CommitGraph referenceGraph = new CommitGraph("bench", commits);
        long walkStart = System.nanoTime();
        linker.link(List.of(chain.get(0), chain.get(chain.size() - 1)), referenceGraph, commit -> true);
        Bench.figure("full_walk_ms", Bench.millisSince(walkStart));
        Bench.figure("full_walk_commits", graph.ancestorsExcluding(chain.get(chain.size() - 1).revision(), graph.commitSet()).size());

        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(ranges))) {
            for (int i = 1; i < linked.size(); i++) {
                out.println(linked.get(i - 1).deployment().revision() + " " + linked.get(i).deployment().revision() + " "
                        + linked.get(i).changes().size());
            }
        }
        return 0;
    }

    /** Deployments of one service to production at evenly spaced commits of main's first-parent line, oldest first. */
    private static List<Deployment> deploymentsAlongMainLine(CommitGraph graph, int count) {
        Commit head = graph.commits().stream().max((a, b) -> a.committerTime().compareTo(b.committerTime())).orElseThrow();
        List<Commit> mainLine = new ArrayList<>();
        for (Commit commit = head; commit != null; commit = commit.parents().isEmpty() ? null : graph.get(commit.parents().get(0))) {
            mainLine.add(commit);
        }
        Collections.reverse(mainLine);
        int deployed = Math.min(count, mainLine.size());
        List<Deployment> chain = new ArrayList<>();
        for (int i = 1; i <= deployed; i++) {
            Commit revision = mainLine.get((int) ((long) i * mainLine.size() / deployed) - 1);
            String id = "deploy-" + i;
            chain.add(new Deployment(id, "bench", (long) i, "bench", "production", true, Deployment.Status.SUCCESS,
                    revision.committerTime(), revision.committerTime().plusSeconds(600), "bench", revision.sha(),
                    null, null, "main", List.of(), "{}"));
        }
        return chain;
    }
}
