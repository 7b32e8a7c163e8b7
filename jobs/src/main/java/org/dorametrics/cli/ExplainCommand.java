package org.dorametrics.cli;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.RunContext;
import org.dorametrics.metrics.MetricEvidence;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints one team's figures for one week from team_metrics, each followed by the rows of the tables behind it. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Print, for one team and week, the figures of team_metrics and every deployment, change, incident "
                + "and link behind each, read from the tables (never recomputed).")
final class ExplainCommand implements Callable<Integer> {
    /** The tables explain reads besides the evidence's (which normalize writes), written by `dora metrics`. */
    private static final List<String> METRICS = List.of(TableSchemas.TEAM_METRICS, TableSchemas.DATA_QUALITY);

    @Mixin
    DoraCli.JobOptions options;

    @Option(names = "--team", required = true, paramLabel = "TEAM",
            description = "A team of team_metrics, or \"(organisation)\" for the roll-up of every service.")
    String team;

    @Option(names = "--week", required = true, paramLabel = "DATE",
            description = "Any day of the week to explain (yyyy-mm-dd, a local day in reporting.timezone).")
    LocalDate week;

    @Override
    public Integer call() {
        RunContext context = options.context();
        // Spark first: on a cluster file system the output is opened with Spark's Hadoop settings.
        context.spark();
        OutputLocation output = context.output();
        MetricEvidence.PeriodRows.TABLES.forEach(table -> output.requireTable(table, "normalize"));
        METRICS.forEach(table -> output.requireTable(table, "metrics"));
        LocalDate asOf = tablesAsOf(output);
        if (options.asOf != null && !options.asOf.equals(asOf)) {
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, "--as-of " + options.asOf + ": the tables under "
                    + Redaction.redact(output.tables().toString()) + " are as of " + asOf + " and explain does not recompute them; "
                    + "run `dora run --as-of " + options.asOf + "` first, or leave out --as-of");
        }
        requireOneRun(output, TableSchemas.DATA_QUALITY, "metrics", asOf);
        MetricEvidence.PeriodRows.TABLES.forEach(table -> requireOneRun(output, table, "normalize", asOf));
        Row figures = weekRow(context, TableSchemas.TEAM_METRICS, asOf);
        Row quality = weekRow(context, TableSchemas.DATA_QUALITY, asOf);
        MetricEvidence evidence = MetricEvidence.read(context, team, figures.getAs("period_start"), figures.getAs("period_end"));
        String tables = Redaction.redact(output.tables().toString()) + "/{" + String.join(",", METRICS) + ","
                + String.join(",", MetricEvidence.PeriodRows.TABLES) + "}";
        ExplainReport.Facts facts = new ExplainReport.Facts(team, context.config().reporting().timezone(), asOf,
                context.config().reporting().minSamples(), tables);
        System.out.print(ExplainReport.format(facts, figures, quality, evidence));
        return ExitCode.OK.code();
    }

    /** The report date team_metrics was computed for, from the _RUN.json beside it. */
    private static LocalDate tablesAsOf(OutputLocation output) {
        return output.publishedAsOf(TableSchemas.TEAM_METRICS).orElseThrow(() -> new DoraException(ExitCode.SOURCE_UNREACHABLE,
                "table team_metrics: its _RUN.json names no report date; run `dora metrics` again"));
    }

    /**
     * Fails with exit 3 when the table was published for another report date than team_metrics: its rows are not the
     * ones behind the figures. Explain takes its date from team_metrics, so the way out is to publish the table again.
     */
    private static void requireOneRun(OutputLocation output, String table, String writtenByStage, LocalDate asOf) {
        output.publishedAsOf(table).filter(published -> !published.equals(asOf)).ifPresent(published -> {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "table " + table + " under " + Redaction.redact(output.tables().toString())
                    + " is as of " + published + ", but team_metrics is as of " + asOf + ": explain lists the rows of one run;"
                    + " run `dora " + writtenByStage + " --as-of " + asOf + "` first");
        });
    }

    /** The table's row of the team for the week holding --week; names what exists when there is none. */
    private Row weekRow(RunContext context, String table, LocalDate asOf) {
        List<Row> weeks = TableReader.read(context.spark(), context.output(), table)
                .where(functions.col("team").equalTo(team).and(functions.col("period_type").equalTo("week")))
                .collectAsList();
        if (weeks.isEmpty()) {
            List<String> teams = TableReader.read(context.spark(), context.output(), table)
                    .select("team").distinct().orderBy("team").collectAsList().stream().map(r -> r.getString(0)).toList();
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, "--team " + team + ": no such team in " + table
                    + "; teams available: " + String.join(", ", teams));
        }
        return weeks.stream()
                .filter(r -> !week.isBefore(r.getAs("period_start")) && week.isBefore(r.getAs("period_end")))
                .findFirst()
                .orElseThrow(() -> {
                    LocalDate first = weeks.stream().map(r -> r.<LocalDate>getAs("period_start")).min(Comparator.naturalOrder()).orElseThrow();
                    LocalDate last = weeks.stream().map(r -> r.<LocalDate>getAs("period_end")).max(Comparator.naturalOrder()).orElseThrow();
                    return new DoraException(ExitCode.USAGE_OR_CONFIG, "--week " + week + ": no week of " + team + " in " + table
                            + " holds it; the weeks available run from " + first + " to " + last.minusDays(1) + " (as of " + asOf + ")");
                });
    }
}
