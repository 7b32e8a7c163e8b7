package org.dorametrics.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dorametrics.alerts.AlertsStage;
import org.dorametrics.alerts.Notifications;
import org.dorametrics.collect.CollectStage;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.export.ReportStage;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.LogFormat;
import org.dorametrics.job.ProjectVersion;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.RunContext;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.metrics.MetricsStage;
import org.dorametrics.normalize.NormalizeStage;
import org.dorametrics.table.CatalogRegistration;
import org.dorametrics.table.NioLocalFileSystem;
import org.dorametrics.table.OutputLock;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dora command: the weekly job and each of its stages, the demo, and config validation. */
@Command(name = "dora", mixinStandardHelpOptions = true, versionProvider = DoraCli.Version.class,
        description = "DORA metrics per team and service: git + deployments + incidents -> Parquet tables and an Excel report.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  unexpected internal error (a bug)", "  2  bad command line or configuration",
                "  3  a source could not be read", "  4  too many rejected records (rules.max_reject_ratio)",
                "  5  the output location could not be written",
                "  6  another run holds the output location's lock (<output>/_LOCK)",
                "A non-zero exit prints its reason as the last line on stderr: `dora: <reason>`."})
public final class DoraCli implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before any file: path is opened (the output lock comes before Spark), so that none forks chmod or ls.
        NioLocalFileSystem.register();
        int code;
        try {
            code = execute(args);
        } catch (Throwable e) {
            // An Error (out of memory, a linkage problem) passes picocli's handler, which takes Exceptions only.
            LoggerFactory.getLogger(DoraCli.class).error("internal error", e);
            printReason(new PrintWriter(System.err, true), "internal error: " + reason(e));
            code = ExitCode.INTERNAL_ERROR.code();
        }
        System.exit(code);
    }

    /** Ends stderr with the reason of a failed run: a text line, or with JSON logs a log event, so stderr stays JSON. */
    private static void printReason(PrintWriter err, String reason) {
        if (LogFormat.current() == LogFormat.JSON) {
            LoggerFactory.getLogger(DoraCli.class).error("dora: {}", reason);
        } else {
            err.println("dora: " + reason);
            err.flush();
        }
    }

    @Option(names = "--log-format", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Log lines on stderr as text (default) or json: one JSON object per line (Elastic Common Schema fields).")
    void logFormat(String format) {
        switch (format) {
            case "text" -> LogFormat.TEXT.apply();
            case "json" -> LogFormat.JSON.apply();
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--log-format: expected text or json, got " + format);
        }
    }

    /** A failure's reason in one line, redacted: a Spark exception's message can run over many lines. */
    static String reason(Throwable failure) {
        return reason(failure instanceof DoraException ? failure.getMessage() : failure.toString());
    }

    private static String reason(String message) {
        return Redaction.redact(String.valueOf(message)).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Runs the command line and returns its exit code; only {@link #main} exits the JVM. */
    public static int execute(String... args) {
        CommandLine commandLine = commandLine();
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            PrintWriter err = line.getErr();
            if (exception instanceof DoraException dora) {
                printReason(err, reason(dora));
                return dora.exitCode().code();
            }
            // The stack trace goes to the log; the reason is stderr's last line, as for every failure.
            LoggerFactory.getLogger(DoraCli.class).error("internal error", exception);
            printReason(err, "internal error: " + reason(exception));
            return ExitCode.INTERNAL_ERROR.code();
        });
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine failed = exception.getCommandLine();
            printReason(failed.getErr(), reason(exception.getMessage()) + " (see `" + failed.getCommandSpec().qualifiedName() + " --help`)");
            return ExitCode.USAGE_OR_CONFIG.code();
        });
        return commandLine.execute(args);
    }

    /** Every command and option, unexecuted: what a command line is checked against. */
    static CommandLine commandLine() {
        return new CommandLine(new DoraCli())
                .addSubcommand(new DemoCommand())
                .addSubcommand(new ValidateCommand())
                .addSubcommand(new ExplainCommand())
                .addSubcommand(new BackfillCommand());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        printReason(spec.commandLine().getErr(), "no command given");
        return ExitCode.USAGE_OR_CONFIG.code();
    }

    /** Options every stage takes: the config, the report date and where Spark runs. */
    static final class JobOptions {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
        Path config;

        @Option(names = "--as-of", paramLabel = "DATE",
                description = "Report date (yyyy-mm-dd; default: today in UTC, or for explain the date the tables were computed for). "
                        + "Nothing after it is used, so a past date reproduces that week.")
        LocalDate asOf;

        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master (default: local mode, or what spark-submit set), e.g. spark://host:7077.")
        String master;

        RunContext context() {
            return context(false);
        }

        RunContext context(boolean persistentCatalog) {
            DoraConfig loaded = ConfigLoader.load(config);
            LocalDate date = asOf != null ? asOf : LocalDate.now(ZoneOffset.UTC);
            return new RunContext(loaded, date, () -> SparkSessions.getOrCreate(master, persistentCatalog));
        }
    }

    /** {@code --catalog NAME}: register the tables in Spark's catalog once they are published. */
    static final class CatalogOption {
        @Option(names = "--catalog", paramLabel = "NAME",
                description = "Register the tables in Spark's catalog (Hive's metastore) as database NAME, so that spark-sql"
                        + " users query NAME.team_metrics. The tables stay external: the catalog points at the files.")
        String database;

        /** Checked before any work; empty when the option is not given. */
        Optional<CatalogRegistration> registration() {
            return Optional.ofNullable(database).map(CatalogRegistration::forDatabase);
        }
    }

    /** Options of the stages that collect. */
    static final class CollectOptions {
        @Option(names = "--full", description = "Read the API sources from the start instead of since their watermarks,"
                + " and recompute every metric period instead of the recompute window"
                + " (after a source's history was rewritten, or to check that nothing was missed).")
        boolean full;

        RunContext apply(RunContext context) {
            return full ? context.withFullRefresh() : context;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "The scheduled job: collect, normalize, metrics, alerts and report, in order.")
    int run(@Mixin JobOptions options, @Mixin CollectOptions collect, @Mixin CatalogOption catalog) {
        Optional<CatalogRegistration> registration = catalog.registration();
        RunContext context = collect.apply(options.context(registration.isPresent()));
        // A missing webhook URL or SMTP password is a config error: it stops the run before any work.
        Notifications.open(context.config(), System::getenv, false, System.out);
        Pipeline.runAll(context, registration, System.out);
        return ExitCode.OK.code();
    }

    /** Runs a stage alone, holding the output's lock. */
    private static void locked(RunContext context, Runnable stage) {
        try (OutputLock lock = Pipeline.lockAndRepair(context)) {
            stage.run();
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = "Read every source into the raw zone (<output>/raw).")
    int collect(@Mixin JobOptions options, @Mixin CollectOptions collect) {
        RunContext context = collect.apply(options.context());
        locked(context, () -> new CollectStage().run(context).requireAllRead());
        return ExitCode.OK.code();
    }

    @Command(name = "normalize", mixinStandardHelpOptions = true,
            description = "Raw zone -> changes, deployments, deployment_changes, incidents, incident_deployments, rejects.")
    int normalize(@Mixin JobOptions options) {
        RunContext context = options.context();
        locked(context, () -> {
            Map<String, String> unreadable = new NormalizeStage().run(context).unreadableSources();
            if (!unreadable.isEmpty()) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "published, but " + unreadable.size() + " source(s) could not be read"
                        + " from the raw zone, flagged in rejects: " + String.join("; ", unreadable.values()));
            }
        });
        return ExitCode.OK.code();
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = "Domain tables -> team_metrics, service_metrics, data_quality, and a snapshot in team_metrics_history.")
    int metrics(@Mixin JobOptions options,
                @Option(names = "--full", description = "Recompute every period, not only those of reporting.recompute_weeks.") boolean full) {
        RunContext context = options.context();
        locked(context, () -> new MetricsStage().run(full ? context.withFullRefresh() : context));
        return ExitCode.OK.code();
    }

    @Command(name = "alerts", mixinStandardHelpOptions = true,
            description = "Domain tables -> the alerts table: each team, service and source judged against its own recent history"
                    + " and the config's limits; what is new is sent to the team's routes (webhook, e-mail).")
    int alerts(@Mixin JobOptions options,
               @Option(names = "--dry-run", description = "Print what would be sent, per route, and send nothing"
                       + " (the alerts table is still written, its new rows marked not sent).") boolean dryRun) {
        RunContext context = options.context();
        locked(context, () -> new AlertsStage().run(context, dryRun, System.out));
        return ExitCode.OK.code();
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Metric and domain tables -> <output>/reports/dora-<as-of>.xlsx, the weekly manager report.")
    int report(@Mixin JobOptions options,
               @Option(names = "--per-team", description = "Also write one workbook per team (and one for the organisation) "
                       + "to <output>/reports/<as-of>/dora-<as-of>-<team>.xlsx.") boolean perTeam) {
        RunContext context = options.context();
        locked(context, () -> {
            for (org.apache.hadoop.fs.Path workbook : new ReportStage().run(context, perTeam)) {
                System.out.println("report: " + Redaction.redact(workbook.toString()));
            }
        });
        return ExitCode.OK.code();
    }

    /** Reports the project version for --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dora-metrics " + ProjectVersion.get()};
        }
    }
}
