package org.dorametrics.cli;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.alerts.Notifications;
import org.dorametrics.collect.GitMiner;
import org.dorametrics.collect.GitMirror;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.FileSource;
import org.dorametrics.config.DoraConfig.Sources;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.sources.ApiSources;
import org.dorametrics.table.OutputLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks the config and that every source can be opened, without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the config and its sources (files readable, repositories openable, git credentials, API keys and tokens present, feed folders there, the alerts' webhook URL and SMTP password present) without running. Exit 0 or 2.")
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
        try {
            // Reads every API source's secret, and calls nothing: the output location is only named.
            ApiSources.open(loaded, OutputLocation.open(loaded.output(), new Configuration()), System::getenv, Instant.now(), false);
        } catch (DoraException e) {
            problems.add(e.getMessage());
        }
        try {
            // The alerts' webhook URL and SMTP password: read, never shown.
            Notifications.open(loaded, System::getenv, true, System.out);
        } catch (DoraException e) {
            problems.add(e.getMessage());
        }
        for (DoraConfig.FeedSource feed : loaded.sources().feeds()) {
            // A Hadoop URI is checked when collect opens it; a local folder can be checked here.
            if (!feed.folder().matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") && !Files.isDirectory(java.nio.file.Path.of(feed.folder()))) {
                problems.add("source " + feed.sourceName() + ": no folder at " + feed.folder());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("dora: " + p));
            return ExitCode.USAGE_OR_CONFIG.code();
        }
        Sources sources = loaded.sources();
        int apiSources = sources.github().size() + sources.gitlab().size() + sources.pagerduty().size() + sources.opsgenie().size()
                + sources.jenkins().size() + sources.feeds().size() + sources.jira().size();
        System.out.printf("config %s is valid: %d repos, %d services, %d teams, %d deployment and %d incident files, %d API sources%n",
                loaded.configFile(), loaded.repos().size(), loaded.services().size(), loaded.teams().size(),
                sources.deployments().size(), sources.incidents().size(), apiSources);
        return ExitCode.OK.code();
    }
}
