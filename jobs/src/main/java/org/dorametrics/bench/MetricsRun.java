package org.dorametrics.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.job.RunContext;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.metrics.MetricsStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The metrics stage on the tables a config's output holds: every metric table, as {@code dora metrics --full} writes
 * them. Every period is recomputed, so that each measurement does the same work whatever an earlier one published.
 */
@Command(name = "metrics", description = "Run the metrics stage on the tables under the config's output.")
final class MetricsRun implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The config file.")
    Path config;

    @Option(names = "--as-of", required = true, description = "The report date.")
    LocalDate asOf;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        RunContext context = new RunContext(ConfigLoader.load(config), asOf, () -> SparkSessions.getOrCreate(null)).withFullRefresh();
        new MetricsStage().run(context);
        Bench.figure("metrics_ms", Bench.millisSince(start));
        return 0;
    }
}
