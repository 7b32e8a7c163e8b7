package org.dorametrics.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.dorametrics.alerts.AlertsStage;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.collect.CollectStage.Collected;
import org.dorametrics.export.ReportStage;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.normalize.NormalizeStage.Normalized;
import org.dorametrics.table.OutputLock;
import org.dorametrics.table.CatalogRegistration;
import org.dorametrics.table.TableSchemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages in their one direction: collect → normalize → metrics → alerts → report, under the output's lock, each
 * reporting its progress. A source that cannot be collected does not stop the run: its last collected records are
 * used and flagged, everything is published, and then the run fails with exit 3 naming the source.
 */
final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private Pipeline() {}

    static Path runAll(RunContext context, PrintStream out) {
        return runAll(context, Optional.empty(), out);
    }

    /** The same, then the tables registered in Spark's catalog (--catalog) once published, still under the lock. */
    static Path runAll(RunContext context, Optional<CatalogRegistration> catalog, PrintStream out) {
        try (OutputLock lock = lockAndRepair(context)) {
            RunRecord record = new RunRecord(context, lock.runId());
            try {
                Path workbook = stages(context, lock, record, catalog, out);
                out.println("tables:   " + Redaction.redact(context.output().tables().toString()) + "/{" + String.join(",", TableSchemas.ALL) + "}");
                out.println("workbook: " + Redaction.redact(workbook.toString()));
                record.write(null);
                return workbook;
            } catch (DoraException e) {
                writeAfterFailure(record, e, e);
                throw e;
            } catch (RuntimeException e) {
                writeAfterFailure(record, new DoraException(ExitCode.INTERNAL_ERROR, DoraCli.reason(e), e), e);
                throw e;
            }
        }
    }

    private static Path stages(RunContext context, OutputLock lock, RunRecord record, Optional<CatalogRegistration> catalog,
                               PrintStream out) {
        Collected collected = stage("collect", record, () -> new CollectStage().run(context), Collected::records);
        record.failedSources(collected.failedSources());
        lock.requireHeld();
        Normalized normalized = stage("normalize", record, () -> new NormalizeStage().run(context),
                n -> (long) (n.deployments().size() + n.incidents().size() + n.commits().size()));
        record.rejectsBySource(normalized.rejectedBySource());
        record.failedSources(normalized.unreadableSources());
        lock.requireHeld();
        stage("metrics", record, () -> {
            new MetricsStage().run(context);
            return RunRecord.tableRows(context.output());
        }, rows -> rows.getOrDefault(TableSchemas.TEAM_METRICS, 0L) + rows.getOrDefault(TableSchemas.SERVICE_METRICS, 0L));
        lock.requireHeld();
        stage("alerts", record, () -> new AlertsStage().run(context, false, out), alerts -> (long) alerts.size());
        lock.requireHeld();
        Path workbook = stage("report", record, () -> new ReportStage().run(context), w -> null);
        catalog.ifPresent(registration -> {
            List<String> tables = stage("catalog", record, () -> registration.register(context.spark(), context.output()), t -> (long) t.size());
            out.println("catalog:  " + registration.database() + ".{" + tables.stream()
                    .map(table -> table.substring(registration.database().length() + 1)).collect(Collectors.joining(",")) + "}");
        });
        Map<String, String> failed = new LinkedHashMap<>(collected.failedSources());
        normalized.unreadableSources().forEach(failed::putIfAbsent);
        if (!failed.isEmpty()) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "published, but " + failed.size() + " source(s) could not be read, their"
                    + " last collected records used and flagged in rejects: " + String.join("; ", failed.values()));
        }
        return workbook;
    }

    /**
     * Takes the output's lock for a command that writes there, then repairs what a killed run left: a run holding
     * the lock is the only writer, so leftovers are no other run's work in progress.
     */
    static OutputLock lockAndRepair(RunContext context) {
        OutputLock lock = OutputLock.acquire(context.output());
        try {
            int repaired = context.output().repairInterruptedPublishes();
            if (repaired > 0) {
                LOG.warn("output: repaired {} leftover(s) of an interrupted run", repaired);
            }
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Records a failed run; a record that cannot be written either does not hide why the run failed. */
    private static void writeAfterFailure(RunRecord record, DoraException failure, RuntimeException thrown) {
        try {
            record.write(failure);
        } catch (RuntimeException e) {
            thrown.addSuppressed(e);
            LOG.warn("cannot write {}: {}", RunRecord.FILE, e.getMessage());
        }
    }

    /** Runs a stage, logging its start, then its records, rate and duration. */
    private static <T> T stage(String stage, RunRecord record, Supplier<T> work, Function<T, Long> records) {
        LOG.info("{}: started", stage);
        long start = System.nanoTime();
        T result = work.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Long count = records.apply(result);
        record.stage(stage, seconds, count);
        if (count == null) {
            LOG.info("{}: done in {} s", stage, String.format("%.1f", seconds));
        } else {
            LOG.info("{}: done, {} records in {} s ({} records/s)", stage, count, String.format("%.1f", seconds),
                    String.format("%.1f", count / Math.max(seconds, 0.001)));
        }
        return result;
    }
}
