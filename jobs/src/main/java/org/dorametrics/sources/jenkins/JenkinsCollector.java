package org.dorametrics.sources.jenkins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JenkinsJob;
import org.dorametrics.config.DoraConfig.JenkinsSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.ScopeFailures;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.Paginator;
import org.dorametrics.sources.http.RangePaginator;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one Jenkins source into the raw zone: the job tree when a job entry is a regex, then per job its builds
 * newer than the job's watermark (newest first, by index ranges), and, for a job whose deployment is a pipeline stage,
 * the stages of each finished run not stored yet. Finished builds never change, so a job's watermark is the highest
 * build number below which every build stored was finished: a build still running is asked again next run.
 */
public final class JenkinsCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(JenkinsCollector.class);

    private final JenkinsSource source;
    private final DoraConfig config;
    private final OutputLocation output;
    private final PageStore pages;
    private final RangePaginator ranges;
    private final Paginator paginator;

    JenkinsCollector(DoraConfig config, JenkinsSource source, OutputLocation output, ApiClient client, Instant runStartedAt, boolean full) {
        this.config = config;
        this.source = source;
        this.output = output;
        this.pages = JenkinsPages.store(output, source);
        this.ranges = new RangePaginator(client, pages, runStartedAt, full);
        this.paginator = new Paginator(client, pages, runStartedAt, full, Duration.ZERO);
    }

    /**
     * A collector for a configured source; its API token is read now, so a missing one stops the run before any work (exit 2).
     *
     * @param full whether every build is asked again ({@code --full})
     */
    public static JenkinsCollector open(DoraConfig config, JenkinsSource source, OutputLocation output, Function<String, String> environment,
                                        Instant runStartedAt, boolean full) {
        return new JenkinsCollector(config, source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new JenkinsDialect(source.user(), token(source, environment)), ApiClient.Patience.DEFAULT), runStartedAt, full);
    }

    /** A source's API token; a missing, empty or malformed one is a config error (exit 2). */
    public static Secret token(JenkinsSource source, Function<String, String> environment) {
        return Secret.resolve("sources.jenkins[" + source.name() + "]", source.tokenEnv(), source.tokenFile(), environment);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    /**
     * Collects every configured job, reporting each revision a build names. A job that fails (or the job tree) is
     * reported and the next one still collected; then the source fails with exit 3.
     */
    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        ScopeFailures failures = new ScopeFailures();
        for (String job : jobs(failures)) {
            failures.collect("job " + job, this::fetched, () -> {
                int before = fetched();
                int builds = collect(job, source.entryFor(job).orElseThrow(), deployedRevision);
                LOG.info("collected {} {}: {} new or running builds, {} requests", source.sourceName(), job, builds, fetched() - before);
            });
        }
        failures.throwIfAny();
    }

    private int fetched() {
        return ranges.fetched() + paginator.fetched();
    }

    /**
     * The jobs named in the config, then those of the job tree a regex selects, each once. When the job tree cannot be
     * listed, that is a failure, and the named jobs are still collected.
     */
    private Set<String> jobs(ScopeFailures failures) {
        Set<String> jobs = new LinkedHashSet<>();
        source.jobs().stream().map(JenkinsJob::name).filter(name -> name != null).forEach(jobs::add);
        if (source.listsJobs()) {
            Path listing = JenkinsPages.listing(pages);
            try {
                paginator.whole(listing, JenkinsPages.listingPath(), "job tree");
                jobs.addAll(selected(source, pages.readAll(listing)));
            } catch (DoraException e) {
                failures.add(e.getMessage() + " (the job tree: the jobs regexes select are not collected)");
            }
        }
        return jobs;
    }

    /** The jobs of a stored job tree that an entry of the source selects. */
    static List<String> selected(JenkinsSource source, List<RawPage> listing) {
        List<String> jobs = new ArrayList<>();
        for (RawPage page : listing) {
            try {
                JenkinsPages.jobNames(page.body()).stream().filter(job -> source.entryFor(job).isPresent()).forEach(jobs::add);
            } catch (JsonProcessingException e) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": the stored job tree is"
                        + " not JSON (" + e.getOriginalMessage() + "); run `dora collect` again", e);
            }
        }
        return jobs;
    }

    /** Collects one job; returns how many builds this run read. */
    private int collect(String job, JenkinsJob entry, BiConsumer<String, String> deployedRevision) {
        Path builds = JenkinsPages.builds(pages, job);
        long through = ranges.full() ? 0 : JenkinsPages.watermark(output, builds).map(JenkinsPages.FinishedThrough::number).orElse(0L);
        List<JsonNode> fetched = ranges.newestFirst(builds, source.pageSize(), (from, to) -> JenkinsPages.buildsPath(job, from, to),
                JenkinsPages.BUILDS_FIELD, build -> build.path("number").asLong(Long.MAX_VALUE) <= through);
        String repo = config.service(entry.service()).orElseThrow().repo();
        long highest = through;
        long lowestRunning = Long.MAX_VALUE;
        int read = 0;
        for (JsonNode build : fetched) {
            long number;
            try {
                number = JenkinsBuilds.number(build);
            } catch (RecordProblem problem) {
                continue; // normalize rejects it with its text
            }
            if (number <= through) {
                continue;
            }
            read++;
            highest = Math.max(highest, number);
            if (JenkinsBuilds.running(build)) {
                lowestRunning = Math.min(lowestRunning, number);
                continue;
            }
            try {
                deployedRevision.accept(repo, JenkinsBuilds.revision(build, entry).sha());
            } catch (RecordProblem problem) {
                // normalize rejects the build with its field; collect only needs the revisions it can read
            }
            Path stages = JenkinsPages.stages(pages, job, number);
            if (entry.stage() != null && !pages.exists(stages)) {
                paginator.whole(stages, JenkinsPages.stagesPath(job, number), job + " #" + number + " stages");
            }
        }
        long finishedThrough = lowestRunning == Long.MAX_VALUE ? highest : Math.max(through, lowestRunning - 1);
        JenkinsPages.writeWatermark(output, builds, new JenkinsPages.FinishedThrough(finishedThrough, latestFetch(builds)));
        return read;
    }

    private String latestFetch(Path builds) {
        List<Path> fetches = pages.fetches(builds);
        return fetches.isEmpty() ? null : fetches.get(fetches.size() - 1).getName();
    }
}
