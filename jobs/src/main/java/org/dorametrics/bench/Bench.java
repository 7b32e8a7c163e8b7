package org.dorametrics.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The measured side of scripts/bench: generators of deterministic workloads and the runs the script times, one per
 * process, so that wall time and peak memory are the process's own. Each run prints {@code key=value} figures the script
 * reads (phase times in milliseconds, counts for the agreement checks).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Workload generators and measured runs for scripts/bench.",
        subcommands = {Bench.History.class, MiningRun.class, AttributionRun.class, SyntheticOrganisation.Generate.class,
                MetricsRun.class, DuckDbMetrics.Baseline.class, DuckDbMetrics.AgreementCheck.class, SparkBaseline.class})
public final class Bench implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Prints one figure for the script. */
    static void figure(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Command(name = "history", description = "Write a deterministic git history as a git fast-import stream on stdout.")
    static final class History implements Callable<Integer> {
        @Option(names = "--commits", defaultValue = "200000", description = "Number of commits (default: ${DEFAULT-VALUE}).")
        int commits;

        @Option(names = "--seed", defaultValue = "8", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            try (PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16))) {
                SyntheticHistory.write(commits, seed, out);
            }
            return 0;
        }
    }
}
