package org.dorametrics.sources.jenkins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JenkinsJob;
import org.dorametrics.config.DoraConfig.JenkinsSource;
import org.dorametrics.config.DoraConfig.Service;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.normalize.Reject;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.ApiJson.Element;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Normalize for one Jenkins source, from its raw zone pages only: each finished build of a configured job (its latest
 * stored copy) as a deployment of the job's service, or, for a job whose deployment is a stage, the matching stage of
 * the run. A build that cannot be used is a row of rejects with its field and its exact text.
 */
public final class JenkinsRecords {
    private static final Logger LOG = LoggerFactory.getLogger(JenkinsRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DoraConfig config;
    private final JenkinsSource source;
    private final PageStore pages;
    private final List<Reject> rejects = new ArrayList<>();
    private long seen;
    private long rejected;

    private JenkinsRecords(DoraConfig config, JenkinsSource source, OutputLocation output) {
        this.config = config;
        this.source = source;
        this.pages = JenkinsPages.store(output, source);
    }

    /**
     * Reads a source's pages. Builds finished from the cutoff on are left to normalize, which drops them.
     *
     * @throws DoraException exit 3 when a job was never collected
     */
    public static ApiRecords read(DoraConfig config, JenkinsSource source, OutputLocation output, Instant cutoff) {
        return new JenkinsRecords(config, source, output).read();
    }

    private ApiRecords read() {
        Set<String> jobs = new LinkedHashSet<>();
        source.jobs().stream().map(JenkinsJob::name).filter(name -> name != null).forEach(jobs::add);
        if (source.listsJobs()) {
            Path listing = JenkinsPages.listing(pages);
            if (!pages.exists(listing)) {
                throw notCollected("the job tree", listing);
            }
            jobs.addAll(JenkinsCollector.selected(source, pages.readAll(listing)));
        }
        List<Deployment> deployments = new ArrayList<>();
        for (String job : jobs) {
            deployments.addAll(deployments(job, source.entryFor(job).orElseThrow()));
        }
        return new ApiRecords(source.sourceName(), deployments, List.of(), List.of(), List.copyOf(rejects), seen, rejected);
    }

    private List<Deployment> deployments(String job, JenkinsJob entry) {
        Path builds = JenkinsPages.builds(pages, job);
        if (!pages.exists(builds)) {
            throw notCollected("job " + job, builds);
        }
        // Fetches oldest first: a build's later copy (it was running, now it is finished) replaces the earlier one.
        Map<Long, Element> byNumber = new TreeMap<>();
        for (RawPage page : pages.readFetches(builds)) {
            List<Element> elements;
            try {
                elements = ApiJson.elements(page.body(), List.of(JenkinsPages.BUILDS_FIELD));
            } catch (RecordProblem problem) {
                seen++;
                reject(null, problem.field(), "page " + Redaction.redact(page.url()) + ": " + problem.getMessage(), page.body());
                continue;
            }
            for (Element element : elements) {
                try {
                    byNumber.put(JenkinsBuilds.number(element.node()), element);
                } catch (RecordProblem problem) {
                    seen++;
                    reject(null, problem.field(), "a build of " + job + ": " + problem.getMessage(), element.text());
                }
            }
        }
        Service service = config.service(entry.service()).orElseThrow();
        List<Deployment> deployments = new ArrayList<>();
        int running = 0;
        int notDeployed = 0;
        for (Map.Entry<Long, Element> build : byNumber.entrySet()) {
            seen++;
            String id = source.sourceName() + ":" + job + "#" + build.getKey();
            JsonNode node = build.getValue().node();
            if (JenkinsBuilds.running(node)) {
                running++;
                continue;
            }
            try {
                JenkinsBuilds.Outcome outcome = entry.stage() == null ? JenkinsBuilds.buildOutcome(node)
                        : JenkinsBuilds.stageOutcome(stages(job, build.getKey()), entry.stage());
                if (outcome == null) {
                    notDeployed++;
                    continue;
                }
                JenkinsBuilds.Revision revision = JenkinsBuilds.revision(node, entry);
                String environment = JenkinsBuilds.environment(node, entry);
                boolean production = config.rules().productionEnvironment().matcher(environment).find();
                deployments.add(new Deployment(id, source.sourceName(), null, service.name(), environment, production, outcome.status(),
                        outcome.startedAt(), outcome.finishedAt(), service.repo(), revision.sha(), ApiJson.text(node, "url"), null,
                        revision.branch(), List.of(), build.getValue().text()));
            } catch (RecordProblem problem) {
                reject(id, problem.field(), problem.getMessage(), build.getValue().text());
            }
        }
        if (running + notDeployed > 0) {
            LOG.info("{} {}: {} builds still running and {} that deployed nothing (NOT_BUILT, or no finished matching stage) are left out",
                    source.sourceName(), job, running, notDeployed);
        }
        return deployments;
    }

    /** A run's stored {@code wfapi/describe}. */
    private JsonNode stages(String job, long number) throws RecordProblem {
        Path folder = JenkinsPages.stages(pages, job, number);
        List<RawPage> stored = pages.exists(folder) ? pages.readAll(folder) : List.of();
        if (stored.isEmpty()) {
            throw new RecordProblem("stages", "its stages were not collected (collect stopped before them); run dora collect again");
        }
        try {
            JsonNode describe = JSON.readTree(stored.get(0).body());
            if (describe == null || !describe.path("stages").isArray()) {
                throw new RecordProblem("stages", "its wfapi/describe has no stages list: is the job a pipeline?");
            }
            return describe;
        } catch (JsonProcessingException e) {
            throw new RecordProblem("stages", "its wfapi/describe is not JSON: " + e.getOriginalMessage());
        }
    }

    private DoraException notCollected(String what, Path folder) {
        return new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected for " + what
                + " at " + Redaction.redact(folder.toString()) + "; run `dora collect` first");
    }

    private void reject(String recordId, String field, String reason, String payload) {
        rejected++;
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.REJECTED, reason, payload));
    }
}
