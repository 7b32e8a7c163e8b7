package org.dorametrics.sources;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.sources.feed.FeedCollector;
import org.dorametrics.sources.feed.FeedRecords;
import org.dorametrics.sources.github.GitHubCollector;
import org.dorametrics.sources.github.GitHubRecords;
import org.dorametrics.sources.gitlab.GitLabCollector;
import org.dorametrics.sources.gitlab.GitLabRecords;
import org.dorametrics.sources.jenkins.JenkinsCollector;
import org.dorametrics.sources.jenkins.JenkinsRecords;
import org.dorametrics.sources.jira.JiraCollector;
import org.dorametrics.sources.jira.JiraRecords;
import org.dorametrics.sources.opsgenie.OpsgenieCollector;
import org.dorametrics.sources.opsgenie.OpsgenieRecords;
import org.dorametrics.sources.pagerduty.PagerDutyCollector;
import org.dorametrics.sources.pagerduty.PagerDutyRecords;
import org.dorametrics.table.OutputLocation;

/** Every API source a config names, for collect (to call them) and normalize (to read what they stored). */
public final class ApiSources {
    private ApiSources() {}

    /**
     * A collector per configured API source. Secrets are read now, so a missing one stops the run before any work
     * (exit 2), with every source's problem in the one message.
     *
     * @param runStartedAt names this run's fetches of incremental listings
     * @param full whether incremental listings are read from the start ({@code --full})
     */
    public static List<ApiCollector> open(DoraConfig config, OutputLocation output, Function<String, String> environment,
                                          Instant runStartedAt, boolean full) {
        List<Supplier<ApiCollector>> openers = new ArrayList<>();
        config.sources().github().forEach(s -> openers.add(() -> GitHubCollector.open(s, output, environment, runStartedAt, full)));
        config.sources().gitlab().forEach(s -> openers.add(() -> GitLabCollector.open(s, output, environment, runStartedAt, full)));
        config.sources().pagerduty().forEach(s -> openers.add(() -> PagerDutyCollector.open(s, output, environment, runStartedAt, full)));
        config.sources().opsgenie().forEach(s -> openers.add(() -> OpsgenieCollector.open(s, output, environment, runStartedAt, full)));
        config.sources().jenkins().forEach(s -> openers.add(() -> JenkinsCollector.open(config, s, output, environment, runStartedAt, full)));
        config.sources().feeds().forEach(s -> openers.add(() -> FeedCollector.open(config, s, output, runStartedAt, full)));
        config.sources().jira().forEach(s -> openers.add(() -> JiraCollector.open(s, output, environment, runStartedAt, full)));
        List<ApiCollector> collectors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Supplier<ApiCollector> opener : openers) {
            try {
                collectors.add(opener.get());
            } catch (DoraException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new DoraException(ExitCode.USAGE_OR_CONFIG, String.join("; ", problems));
        }
        return collectors;
    }

    /**
     * What every configured API source stored, in the domain model, as of the cutoff. A source whose raw zone cannot be
     * read (never collected, damaged) is told to {@code unreadable} and left out; the others are still read.
     */
    public static List<ApiRecords> read(DoraConfig config, OutputLocation output, Instant cutoff, BiConsumer<String, DoraException> unreadable) {
        List<ApiRecords> records = new ArrayList<>();
        config.sources().github().forEach(s -> readOne(s.sourceName(), () -> GitHubRecords.read(config, s, output, cutoff), records, unreadable));
        config.sources().gitlab().forEach(s -> readOne(s.sourceName(), () -> GitLabRecords.read(config, s, output), records, unreadable));
        config.sources().pagerduty().forEach(s -> readOne(s.sourceName(), () -> PagerDutyRecords.read(s, output), records, unreadable));
        config.sources().opsgenie().forEach(s -> readOne(s.sourceName(), () -> OpsgenieRecords.read(config, s, output), records, unreadable));
        config.sources().jenkins().forEach(s -> readOne(s.sourceName(), () -> JenkinsRecords.read(config, s, output, cutoff), records, unreadable));
        config.sources().feeds().forEach(s -> readOne(s.sourceName(), () -> FeedRecords.read(config, s, output), records, unreadable));
        config.sources().jira().forEach(s -> readOne(s.sourceName(), () -> JiraRecords.read(config, s, output, cutoff), records, unreadable));
        return records;
    }

    private static void readOne(String source, Supplier<ApiRecords> reader, List<ApiRecords> records, BiConsumer<String, DoraException> unreadable) {
        try {
            records.add(reader.get());
        } catch (DoraException e) {
            if (e.exitCode() != ExitCode.SOURCE_UNREACHABLE) {
                throw e;
            }
            unreadable.accept(source, e);
        }
    }
}
