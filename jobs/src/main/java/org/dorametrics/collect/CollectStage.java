package org.dorametrics.collect;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.FileSource;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.RunContext;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.RecordParsers;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.ApiSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1, collect: reads every configured source (deployment and incident files, API sources, git repositories, url
 * repos through their mirrors in the git cache) into the raw zone; git comes last, so that the commits every
 * deployment names are mined, one Spark task per repository ({@link RepoMining}). A source that cannot be read is
 * reported and the others still run, its raw zone kept as its last successful collect left it; the stage records the
 * failures in the raw zone (for normalize to flag) and returns them: {@code dora collect} then fails with exit 3,
 * {@code dora run} publishes first.
 */
public final class CollectStage {
    private static final Logger LOG = LoggerFactory.getLogger(CollectStage.class);

    /**
     * What a collect read: records of the deployment and incident files and commits of git (API sources log their own
     * counts), and the sources it could not read, by name, with the reason.
     */
    public record Collected(long records, Map<String, String> failedSources) {
        /** Fails with exit 3 naming the sources that could not be read, if any. */
        public void requireAllRead() {
            if (!failedSources.isEmpty()) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, failedSources.size() + " source(s) could not be read: "
                        + String.join("; ", failedSources.values()));
            }
        }
    }

    public Collected run(RunContext context) {
        DoraConfig config = context.config();
        RawZone raw = new RawZone(context.output());
        Instant ingestTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> failures = new LinkedHashMap<>();
        long records = 0;
        // Secrets are read before any work: a missing one is a config error (exit 2), not a half-collected run.
        List<ApiCollector> apiSources = ApiSources.open(config, context.output(), System::getenv, ingestTime, context.fullRefresh());
        // The mining task reads a mirror's credentials again on its executor; reading them here fails a missing one first.
        config.repos().stream().filter(Repo::isMirrored).forEach(repo -> GitMirror.open(repo, System::getenv));
        List<RawRecord> deploymentRecords = new ArrayList<>();
        for (FileSource source : config.sources().deployments()) {
            collectFile(raw, RawZone.DEPLOYMENTS, source, ingestTime, failures).ifPresent(deploymentRecords::addAll);
        }
        records += deploymentRecords.size();
        for (FileSource source : config.sources().incidents()) {
            records += collectFile(raw, RawZone.INCIDENTS, source, ingestTime, failures).map(List::size).orElse(0);
        }
        Map<String, TreeSet<String>> deployedRevisions = deployedRevisionsByRepo(config, deploymentRecords);
        for (ApiCollector collector : apiSources) {
            try {
                collector.collect((repo, sha) -> deployedRevisions.computeIfAbsent(repo, r -> new TreeSet<>()).add(sha));
            } catch (DoraException e) {
                failures.put(collector.sourceName(), e.getMessage());
            }
        }
        records += mineRepos(context, deployedRevisions, failures);
        raw.writeCollectFailures(failures);
        return new Collected(records, failures);
    }

    /**
     * Mines the repos one Spark task each (see {@link RepoMining}) and reports each on the driver, in config order.
     *
     * @return the commits mined
     */
    private static long mineRepos(RunContext context, Map<String, TreeSet<String>> deployedRevisions, Map<String, String> failures) {
        DoraConfig config = context.config();
        if (config.repos().isEmpty()) {
            return 0;
        }
        long commits = 0;
        List<RepoMining.Task> tasks = new ArrayList<>();
        for (Repo repo : config.repos()) {
            boolean monorepo = config.services().stream().anyMatch(s -> s.repo().equals(repo.name()) && !s.ownsWholeRepo());
            tasks.add(new RepoMining.Task(repo, deployedRevisions.getOrDefault(repo.name(), new TreeSet<>()), monorepo));
        }
        for (RepoMining.Outcome outcome : RepoMining.mineAll(context.spark(), context.output(), tasks)) {
            if (outcome.failure() != null) {
                LOG.error(outcome.failure());
                failures.put("git:" + outcome.repo(), outcome.failure());
            } else {
                outcome.warnings().forEach(w -> LOG.warn("git:{}: {}", outcome.repo(), w));
                LOG.info("collected git:{}: {} commits, {} tags", outcome.repo(), outcome.commits(), outcome.tags());
                commits += outcome.commits();
            }
        }
        return commits;
    }

    private static Optional<List<RawRecord>> collectFile(RawZone raw, String kind, FileSource source, Instant ingestTime,
                                                                    Map<String, String> failures) {
        try {
            List<RawRecord> records = SourceFileReader.read(source, ingestTime);
            raw.writeRecords(kind, source.name(), records);
            LOG.info("collected {}: {} records", source.name(), records.size());
            return Optional.of(records);
        } catch (DoraException e) {
            LOG.error(e.getMessage());
            failures.put(source.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The revisions deployments name, so that commits deployed from other branches are mined too. */
    private static Map<String, TreeSet<String>> deployedRevisionsByRepo(DoraConfig config, List<RawRecord> records) {
        RecordParsers parsers = new RecordParsers(config);
        Map<String, TreeSet<String>> revisions = new LinkedHashMap<>();
        for (RawRecord record : records) {
            try {
                Deployment deployment = parsers.deployment(record);
                revisions.computeIfAbsent(deployment.repo(), r -> new TreeSet<>()).add(deployment.revision());
            } catch (RecordProblem e) {
                // normalize reports the bad record with its line and field; collect only needs the good ones
            }
        }
        return revisions;
    }
}
