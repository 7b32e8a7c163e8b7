package org.dorametrics.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.demo.DemoOrganisation;
import org.dorametrics.export.ReportStage;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.RunContext;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.report.TeamSummary;
import org.dorametrics.table.CatalogRegistration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Builds the sample organisation and runs the whole job on it, then prints a summary per team. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a sample organisation (4 teams, 6 services, git history, deployments, incidents) under DIR/sample "
                + "and run the whole job on it; tables and workbook go to DIR.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "dora-demo",
            description = "Folder for the sample organisation and the output (default: ${DEFAULT-VALUE}). Nothing is written outside it.")
    Path out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local mode).")
    String master;

    @Mixin
    DoraCli.CatalogOption catalog;

    @Override
    public Integer call() {
        Optional<CatalogRegistration> registration = catalog.registration();
        Path root = out.toAbsolutePath().normalize();
        Path config;
        try {
            config = DemoOrganisation.build(root.resolve("sample"), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the sample organisation under " + root, e);
        }
        RunContext context = new RunContext(ConfigLoader.load(config), DemoOrganisation.AS_OF, 
                () -> SparkSessions.getOrCreate(master, registration.isPresent()));
        System.out.println("sample organisation: " + config);
        Pipeline.runAll(context, registration, System.out);
        List<TeamSummary> teams = ReportStage.teamSummaries(context);
        System.out.println();
        System.out.print(TeamSummaryTable.format(teams, context.config().reporting().trailingWeeks(), DemoOrganisation.AS_OF));
        return ExitCode.OK.code();
    }
}
