package org.dorametrics.cli;

import java.io.PrintStream;
import org.apache.hadoop.fs.Path;
import org.dorametrics.alerts.AlertsStage;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.export.ReportStage;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableSchemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stages in their one direction: collect → normalize → metrics → alerts → report. */
final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private Pipeline() {}

    static Path runAll(RunContext context, PrintStream out) {
        timed("collect", () -> new CollectStage().run(context));
        timed("normalize", () -> new NormalizeStage().run(context));
        timed("metrics", () -> new MetricsStage().run(context));
        timed("alerts", () -> new AlertsStage().run(context, false, out));
        Path workbook = new ReportStage().run(context);
        out.println("tables:   " + Redaction.redact(context.output().tables().toString()) + "/{" + String.join(",", TableSchemas.ALL) + "}");
        out.println("workbook: " + Redaction.redact(workbook.toString()));
        return workbook;
    }

    private static void timed(String stage, Runnable work) {
        long start = System.nanoTime();
        work.run();
        LOG.info("{} done in {} s", stage, String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }
}
