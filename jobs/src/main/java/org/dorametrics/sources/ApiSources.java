package org.dorametrics.sources;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** What every configured API source stored, in the domain model, as of the cutoff. */
    public static List<ApiRecords> read(DoraConfig config, OutputLocation output, Instant cutoff) {
        List<ApiRecords> records = new ArrayList<>();
        for (DoraConfig.GitHubSource source : config.sources().github()) {
            records.add(GitHubRecords.read(config, source, output, cutoff));
        }
        for (DoraConfig.GitLabSource source : config.sources().gitlab()) {
            records.add(GitLabRecords.read(config, source, output));
        }
        for (DoraConfig.PagerDutySource source : config.sources().pagerduty()) {
            records.add(PagerDutyRecords.read(source, output));
        }
        for (DoraConfig.OpsgenieSource source : config.sources().opsgenie()) {
            records.add(OpsgenieRecords.read(config, source, output));
        }
        for (DoraConfig.JenkinsSource source : config.sources().jenkins()) {
            records.add(JenkinsRecords.read(config, source, output, cutoff));
        }
        for (DoraConfig.FeedSource source : config.sources().feeds()) {
            records.add(FeedRecords.read(config, source, output));
        }
        for (DoraConfig.JiraSource source : config.sources().jira()) {
            records.add(JiraRecords.read(config, source, output, cutoff));
        }
        return records;
    }
}
