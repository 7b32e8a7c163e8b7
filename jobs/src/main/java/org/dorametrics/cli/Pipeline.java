package org.dorametrics.cli;

import java.io.PrintStream;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.export.ReportStage;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.TableSchemas;

/** The four stages in their one direction: collect → normalize → metrics → report. */
final class Pipeline {
    private Pipeline() {}

    static Path runAll(RunContext context, PrintStream out) {
        new CollectStage().run(context);
        new NormalizeStage().run(context);
        new MetricsStage().run(context);
        Path workbook = new ReportStage().run(context);
        out.println("tables:   " + context.output().tables() + "/{" + String.join(",", TableSchemas.ALL) + "}");
        out.println("workbook: " + workbook);
        return workbook;
    }
}
