package org.dorametrics.cli;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dorametrics.collect.GitMiner;
import org.dorametrics.collect.GitMirror;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.FileSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.sources.github.GitHubCollector;
import org.dorametrics.sources.gitlab.GitLabCollector;
import org.dorametrics.sources.opsgenie.OpsgenieCollector;
import org.dorametrics.sources.pagerduty.PagerDutyCollector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks the config and that every source can be opened, without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the config and its sources (files readable, repositories openable, API and git tokens present) without running. Exit 0 or 2.")
        description = "Check the config and its sources (files readable, repositories openable, API keys and tokens present) without running. Exit 0 or 2.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    java.nio.file.Path config;

    @Override
    public Integer call() {
        DoraConfig loaded = ConfigLoader.load(config);
        List<String> problems = new ArrayList<>();
        for (DoraConfig.Repo repo : loaded.repos()) {
            if (repo.isMirrored()) {
                // Its credentials only: validate makes no network call, and the first collect makes the mirror.
                try {
                    GitMirror.open(repo, System::getenv);
                } catch (DoraException e) {
                    problems.add(e.getMessage());
                }
            } else {
                GitMiner.check(repo).ifPresent(problem -> problems.add("repos " + repo.name() + ": " + problem));
            }
        }
        List<FileSource> files = new ArrayList<>(loaded.sources().deployments());
        files.addAll(loaded.sources().incidents());
        for (FileSource file : files) {
            if (!Files.isReadable(file.file())) {
                problems.add("source " + file.name() + ": no readable file at " + file.file());
            }
        }
        for (DoraConfig.GitHubSource source : loaded.sources().github()) {
            try {
                GitHubCollector.token(source, System::getenv);
            } catch (DoraException e) {
                problems.add(e.getMessage());
            }
        }
        for (DoraConfig.GitLabSource source : loaded.sources().gitlab()) {
            try {
                GitLabCollector.token(source, System::getenv);
            } catch (DoraException e) {
                problems.add(e.getMessage());
            }
        }
        for (DoraConfig.PagerDutySource source : loaded.sources().pagerduty()) {
            try {
                PagerDutyCollector.token(source, System::getenv);
            } catch (DoraException e) {
                problems.add(e.getMessage());
            }
        }
        for (DoraConfig.OpsgenieSource source : loaded.sources().opsgenie()) {
            try {
                OpsgenieCollector.token(source, System::getenv);
            } catch (DoraException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("dora: " + p));
            return ExitCode.USAGE_OR_CONFIG.code();
        }
        System.out.printf("config %s is valid: %d repos, %d services, %d teams, %d deployment and %d incident sources, %d GitHub sources, %d GitLab sources%n",
                loaded.configFile(), loaded.repos().size(), loaded.services().size(), loaded.teams().size(),
                loaded.sources().deployments().size(), loaded.sources().incidents().size(), loaded.sources().github().size(),
                loaded.sources().gitlab().size());
        return ExitCode.OK.code();
    }
}
