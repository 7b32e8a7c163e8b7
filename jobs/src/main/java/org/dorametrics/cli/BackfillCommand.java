package org.dorametrics.cli;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.collect.CollectStage.Collected;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.RunContext;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.OutputLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Computes past weeks for an organisation adopting the tool: collects once, then for each reporting week's last day
 * from --from to --to, and for --to itself, publishes what a run with that --as-of publishes after the previous
 * one, and its snapshot in team_metrics_history. It holds the output's lock throughout, as dora run does.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Collect once, then normalize and compute the metrics as of the last day of each reporting week "
                + "from --from to --to, and as of --to: each adds its snapshot to team_metrics_history; the tables are "
                + "left as of --to.")
final class BackfillCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    Path config;

    @Option(names = "--from", required = true, paramLabel = "DATE", description = "First day of the first week to compute (yyyy-mm-dd).")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last report date (yyyy-mm-dd): the tables are left as of it.")
    LocalDate to;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: local mode, or what spark-submit set), e.g. spark://host:7077.")
    String master;

    @Override
    public Integer call() {
        if (from.isAfter(to)) {
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, "--from " + from + " is after --to " + to
                    + "; expected --from on or before --to");
        }
        DoraConfig loaded = ConfigLoader.load(config);
        List<LocalDate> reportDates = reportDates(from, to, loaded.reporting().weekStart());
        // One session for every report date: each stage asks the supplier, which returns the running session.
        Supplier<SparkSession> spark = () -> SparkSessions.getOrCreate(master);
        RunContext latest = new RunContext(loaded, to, spark);
        try (OutputLock lock = Pipeline.lockAndRepair(latest)) {
            Collected collected = new CollectStage().run(latest);
            for (LocalDate asOf : reportDates) {
                lock.requireHeld();
                // Normalize depends on the report date (nothing after its cutoff is used), so it runs for each one.
                RunContext context = new RunContext(loaded, asOf, spark);
                new NormalizeStage().run(context);
                new MetricsStage().run(context);
                System.out.println("backfill: as of " + asOf);
            }
            // As in dora run: a source that could not be collected is flagged and its last records used; the exit says so.
            if (!collected.failedSources().isEmpty()) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "backfilled, but " + collected.failedSources().size()
                        + " source(s) could not be read, their last collected records used and flagged in rejects: "
                        + String.join("; ", collected.failedSources().values()));
            }
        }
        return ExitCode.OK.code();
    }

    /** The last day of each reporting week that ends from {@code from} to {@code to}, then {@code to} if it is not one. */
    static List<LocalDate> reportDates(LocalDate from, LocalDate to, DayOfWeek weekStart) {
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate weekEnd = from.with(TemporalAdjusters.nextOrSame(weekStart.minus(1))); !weekEnd.isAfter(to); weekEnd = weekEnd.plusWeeks(1)) {
            dates.add(weekEnd);
        }
        if (dates.isEmpty() || !dates.get(dates.size() - 1).equals(to)) {
            dates.add(to);
        }
        return dates;
    }
}
