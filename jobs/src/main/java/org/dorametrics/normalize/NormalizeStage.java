package org.dorametrics.normalize;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dorametrics.collect.GitMiner.Mined;
import org.dorametrics.collect.RawRecord;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.FileSource;
import org.dorametrics.config.DoraConfig.Repo;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.RunContext;
import org.dorametrics.normalize.CommitGraph.CommitSet;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedChain;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedDeployment;
import org.dorametrics.normalize.DeploymentOutcomes.Outcome;
import org.dorametrics.normalize.IncidentAttributor.Attribution;
import org.dorametrics.sources.ApiSources;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.table.TableWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2, normalize: reads the raw zone and writes the domain tables (changes, deployments, deployment_changes,
 * pull_requests, incidents, incident_deployments, rejects); API sources (GitHub) read their own pages there. Nothing
 * at or after the report date's cutoff is used. A source that rejects more than rules.max_reject_ratio of its records
 * fails the run with exit 4, after rejects are written. A source whose raw zone cannot be read (never collected,
 * damaged) counts no records and is flagged in rejects, and so is one the last collect failed to read (its records are
 * those of its last successful collect); the tables are still published, and {@link Normalized#unreadableSources} names
 * the unreadable ones for the caller to fail the run with exit 3 at its end.
 */
public final class NormalizeStage {
    private static final Logger LOG = LoggerFactory.getLogger(NormalizeStage.class);
    /**
     * Changes of one deployment per group of deployment_changes rows: a baseline deployment may deliver a repository's
     * whole history, which in one group would make one task of it.
     */
    private static final int CHANGES_PER_GROUP = 8_192;

    /** What normalize made of the raw zone, kept in memory for tests and the demo summary. */
    public record Normalized(
            List<Commit> commits,
            Map<String, CommitGraph> graphs,
            List<PullRequest> pullRequests,
            DeploymentChangeLinker linker,
            List<Deployment> deployments,
            Map<String, LinkedDeployment> linked,
            Map<String, CommitSet> commitsInProduction,
            Map<String, Outcome> outcomes,
            List<Incident> incidents,
            List<Attribution> attributions,
            List<Reject> rejects,
            Map<String, Long> rejectedBySource,
            List<String> sourcesOverRejectLimit,
            Map<String, String> unreadableSources) {}

    public Normalized run(RunContext context) {
        Normalized normalized = normalize(context.config(), new RawZone(context.output()), context.cutoff());
        List<DeploymentChanges> deploymentChanges = deploymentChangeGroups(normalized.linked().values(), normalized.linker());
        context.fitCodeGeneration(normalized.commits().size() + normalized.deployments().size() + normalized.incidents().size()
                + deploymentChanges.stream().mapToLong(DeploymentChanges::size).sum());
        TableWriter writer = context.tableWriter(normalized.rejectedBySource());
        writer.write(TableSchemas.REJECTS, rejectRows(normalized.rejects()));
        if (!normalized.sourcesOverRejectLimit().isEmpty()) {
            throw new DoraException(ExitCode.DATA_VALIDATION_FAILED, "too many rejected records: "
                    + String.join("; ", normalized.sourcesOverRejectLimit()) + "; see the rejects table");
        }
        writer.write(TableSchemas.CHANGES, changeRows(normalized, context.config()));
        writer.write(TableSchemas.DEPLOYMENTS, deploymentRows(normalized));
        writer.writeGroups(TableSchemas.DEPLOYMENT_CHANGES, deploymentChanges);
        writer.write(TableSchemas.PULL_REQUESTS, pullRequestRows(normalized));
        writer.write(TableSchemas.INCIDENTS, incidentRows(normalized.incidents()));
        writer.write(TableSchemas.INCIDENT_DEPLOYMENTS, attributionRows(normalized.attributions()));
        LOG.info("normalized {} deployments, {} incidents, {} commits; {} rejects rows", normalized.deployments().size(),
                normalized.incidents().size(), normalized.commits().size(), normalized.rejects().size());
        return normalized;
    }

    /** The whole normalization, without Spark: raw zone in, domain records out. */
    public static Normalized normalize(DoraConfig config, RawZone raw, Instant cutoff) {
        RecordParsers parsers = new RecordParsers(config);
        List<Reject> rejects = new ArrayList<>();
        SourceTally tally = new SourceTally();
        Map<String, String> unreadable = new LinkedHashMap<>();
        BiConsumer<String, DoraException> cannotRead = (source, e) -> {
            unreadable.put(source, e.getMessage());
            rejects.add(new Reject(source, null, null, null, Reject.Action.FLAGGED, "the raw zone of this source cannot be read ("
                    + e.getMessage() + "): it counts no records, so its teams' numbers miss its activity", null));
        };
        raw.collectFailures().forEach((source, failure) -> rejects.add(new Reject(source, null, null, null, Reject.Action.FLAGGED,
                "the last collect could not read this source (" + failure + "): its records are those of its last successful"
                        + " collect, so a quiet week may be missing activity", null)));

        UnaryOperator<Deployment> deploymentAsOf = d -> d.finishedAt().isBefore(cutoff) ? d : null;
        UnaryOperator<Incident> incidentAsOf = i -> !i.openedAt().isBefore(cutoff) ? null
                : i.resolvedAt() != null && !i.resolvedAt().isBefore(cutoff) ? i.asOpen() : i;
        Map<String, Deployment> deploymentsById = readRecords(raw, RawZone.DEPLOYMENTS, config.sources().deployments(),
                parsers::deployment, deploymentAsOf, tally, rejects, cannotRead);
        Map<String, Incident> incidentsById = readRecords(raw, RawZone.INCIDENTS, config.sources().incidents(),
                parsers::incident, incidentAsOf, tally, rejects, cannotRead);
        List<PullRequest> apiPullRequests = new ArrayList<>();
        for (ApiRecords records : ApiSources.read(config, raw.output(), cutoff, cannotRead)) {
            records.deployments().stream().map(deploymentAsOf).filter(Objects::nonNull).forEach(d -> keepLast(deploymentsById, d, rejects));
            records.incidents().stream().map(incidentAsOf).filter(Objects::nonNull).forEach(i -> keepLast(incidentsById, i, rejects));
            apiPullRequests.addAll(records.pullRequests());
            rejects.addAll(records.rejects());
            tally.add(records.source(), records.seen(), records.rejected());
        }

        for (Incident incident : incidentsById.values()) {
            if (incident.services().isEmpty()) {
                rejects.add(new Reject(incident.source(), incident.id(), incident.line(), "services", Reject.Action.FLAGGED,
                        "names no service: it counts for the organisation's time to restore only, and for no team",
                        incident.rawPayload()));
            }
        }

        Map<String, CommitGraph> graphs = new LinkedHashMap<>();
        List<Commit> commits = new ArrayList<>();
        for (Repo repo : config.repos()) {
            Mined mined;
            try {
                mined = raw.readGit(repo.name());
            } catch (DoraException e) {
                cannotRead.accept("git:" + repo.name(), e);
                mined = new Mined(List.of(), List.of(), List.of());
            }
            List<Commit> repoCommits = mined.commits().stream().map(c -> Commit.of(repo.name(), c)).toList();
            graphs.put(repo.name(), new CommitGraph(repo.name(), repoCommits));
            repoCommits.stream().filter(c -> c.committerTime().isBefore(cutoff)).forEach(commits::add);
            for (String warning : mined.warnings()) {
                rejects.add(new Reject("git:" + repo.name(), null, null, null, Reject.Action.FLAGGED, warning, null));
            }
        }

        // A pull request the hosting API reports wins over the same number read from git history (one row per repo and
        // number), and so do its commits: the API knows a squash-merged branch's real first commit.
        List<PullRequest> pullRequests = new ArrayList<>(apiPullRequests);
        Set<String> reported = new HashSet<>();
        // By repo, then commit: looked up for every delivered change, where a joined key would be built each time.
        Map<String, Map<String, PullRequest>> pullRequestOfCommit = new HashMap<>();
        for (PullRequest pullRequest : apiPullRequests) {
            reported.add(pullRequest.repo() + "\u0000" + pullRequest.number());
            pullRequest.commits().forEach(sha -> pullRequestOfCommit.computeIfAbsent(pullRequest.repo(), r -> new HashMap<>())
                    .putIfAbsent(sha, pullRequest));
        }
        for (CommitGraph graph : graphs.values()) {
            for (PullRequest pullRequest : PullRequest.fromHistory(graph)) {
                if (reported.contains(graph.repo() + "\u0000" + pullRequest.number())) {
                    continue;
                }
                pullRequests.add(pullRequest);
                pullRequest.commits().forEach(sha -> pullRequestOfCommit.computeIfAbsent(graph.repo(), r -> new HashMap<>())
                        .putIfAbsent(sha, pullRequest));
            }
        }
        DeploymentChangeLinker linker = new DeploymentChangeLinker(config.rules(),
                commit -> pullRequestOfCommit.getOrDefault(commit.repo(), Map.of()).get(commit.sha()));
        Map<String, List<Deployment>> chains = new TreeMap<>();
        deploymentsById.values().stream()
                .filter(d -> d.status() == Deployment.Status.SUCCESS)
                .sorted(Comparator.comparing(Deployment::finishedAt).thenComparing(Deployment::id))
                .forEach(d -> chains.computeIfAbsent(d.service() + "\u0000" + d.environment(), k -> new ArrayList<>()).add(d));
        Map<String, LinkedDeployment> linked = new LinkedHashMap<>();
        Map<String, List<LinkedDeployment>> productionChains = new TreeMap<>();
        Map<String, CommitSet> inProduction = new HashMap<>();
        for (Map.Entry<String, List<Deployment>> chain : chains.entrySet()) {
            Deployment first = chain.getValue().get(0);
            DoraConfig.Service service = config.service(first.service()).orElseThrow();
            LinkedChain linkedChain = linker.link(chain.getValue(), graphs.get(first.repo()), ownedBy(service));
            List<LinkedDeployment> links = linkedChain.deployments();
            addCommitsInProduction(linkedChain, graphs.get(first.repo()), inProduction);
            for (LinkedDeployment link : links) {
                linked.put(link.deployment().id(), link);
                if (!link.revisionFound()) {
                    Deployment d = link.deployment();
                    rejects.add(new Reject(d.source(), d.id(), d.line(), "commit_sha", Reject.Action.FLAGGED,
                            "commit " + d.revision() + " is not in repository " + d.repo()
                                    + "; the deployment counts, but delivers no known changes", d.rawPayload()));
                }
            }
            if (first.production()) {
                productionChains.put(chain.getKey(), links);
            }
        }
        Map<String, List<LinkedDeployment>> productionByService = new TreeMap<>();
        productionChains.values().forEach(links -> links.forEach(l ->
                productionByService.computeIfAbsent(l.deployment().service(), s -> new ArrayList<>()).add(l)));
        productionByService.values().forEach(list -> list.sort(
                Comparator.comparing((LinkedDeployment l) -> l.deployment().finishedAt()).thenComparing(l -> l.deployment().id())));

        Map<String, String> repoOfService = new HashMap<>();
        config.services().forEach(s -> repoOfService.put(s.name(), s.repo()));
        // As of the report date, a pull request merged after it is not merged yet: it is no row, and no incident names it.
        pullRequests.removeIf(pr -> !pr.mergedAt().isBefore(cutoff));
        Map<String, Map<Long, List<String>>> mergesByNumber = new HashMap<>();
        pullRequests.forEach(pr -> mergesByNumber.computeIfAbsent(pr.repo(), r -> new HashMap<>()).put(pr.number(), List.of(pr.mergeSha())));
        List<Incident> incidents = new ArrayList<>(incidentsById.values());
        IncidentAttributor.Result attribution = new IncidentAttributor(config.rules().attributionWindow(), cutoff)
                .attribute(incidents, productionByService, repoOfService, mergesByNumber);
        rejects.addAll(attribution.warnings());

        Map<String, List<Attribution>> byDeployment = new HashMap<>();
        attribution.attributions().forEach(a -> byDeployment.computeIfAbsent(a.deploymentId(), d -> new ArrayList<>()).add(a));
        DeploymentOutcomes outcomesRule = new DeploymentOutcomes(config.rules().hotfix(), config.rules().attributionWindow());
        Map<String, Outcome> outcomes = new HashMap<>();
        List<Deployment> clampedRecoveries = new ArrayList<>();
        for (List<LinkedDeployment> chain : productionChains.values()) {
            outcomes.putAll(outcomesRule.decide(chain, byDeployment, incidentsById, clampedRecoveries));
        }
        for (Deployment d : clampedRecoveries) {
            rejects.add(new Reject(d.source(), d.id(), d.line(), "finished_at", Reject.Action.FLAGGED,
                    "recovery (incident resolved) came before the failed deployment finished; recovery time clamped to 0",
                    d.rawPayload()));
        }

        List<String> overLimit = new ArrayList<>();
        tally.seen.forEach((source, total) -> {
            long rejected = tally.rejected.getOrDefault(source, 0L);
            if (total > 0 && (double) rejected / total > config.rules().maxRejectRatio()) {
                overLimit.add(String.format("%s rejected %d of %d records (%.1f%%, rules.max_reject_ratio is %.1f%%)",
                        source, rejected, total, 100.0 * rejected / total, 100.0 * config.rules().maxRejectRatio()));
            }
        });
        rejects.forEach(r -> LOG.warn(r.describe()));
        return new Normalized(commits, graphs, pullRequests, linker, new ArrayList<>(deploymentsById.values()), linked, inProduction, outcomes, incidents,
                attribution.attributions(), rejects, new TreeMap<>(tally.rejected), overLimit, unreadable);
    }

    /** Parses a raw record, or says which field is wrong. */
    @FunctionalInterface
    private interface RecordParser<T> {
        T parse(RawRecord record) throws RecordProblem;
    }

    /**
     * Every record of one kind, by id: parsed, seen as of the cutoff ({@code asOfCutoff} returns the record as the
     * report date sees it, or null when it is after the cutoff), bad ones rejected with their field.
     */
    private static <T extends SourcedRecord> Map<String, T> readRecords(RawZone raw, String kind, List<FileSource> sources,
            RecordParser<T> parser, UnaryOperator<T> asOfCutoff, SourceTally tally, List<Reject> rejects,
            BiConsumer<String, DoraException> cannotRead) {
        Map<String, T> byId = new LinkedHashMap<>();
        for (FileSource source : sources) {
            List<RawRecord> records;
            try {
                records = raw.readRecords(kind, source.name());
            } catch (DoraException e) {
                cannotRead.accept(source.name(), e);
                continue;
            }
            for (RawRecord record : records) {
                tally.seen(source.name());
                try {
                    T parsed = asOfCutoff.apply(parser.parse(record));
                    if (parsed != null) {
                        keepLast(byId, parsed, rejects);
                    }
                } catch (RecordProblem problem) {
                    tally.rejected(source.name());
                    rejects.add(Reject.of(record, RecordParsers.recordId(record), Reject.Action.REJECTED, problem.field(), problem.getMessage()));
                }
            }
        }
        return byId;
    }

    /** Later records replace earlier ones with the same id; the replaced one is kept in rejects, so it is counted. */
    private static <T extends SourcedRecord> void keepLast(Map<String, T> byId, T record, List<Reject> rejects) {
        String id = record.id();
        T previous = byId.remove(id);
        if (previous != null) {
            rejects.add(new Reject(previous.source(), id, previous.line(), "id", Reject.Action.REPLACED,
                    "duplicate id: replaced by " + record.source() + (record.line() != null ? " line " + record.line() : ""),
                    previous.rawPayload()));
        }
        byId.put(id, record);
    }

    /** Which commits a service's deployments deliver: all of its repo, or those changing its paths (monorepo). */
    private static Predicate<Commit> ownedBy(DoraConfig.Service service) {
        return commit -> service.ownsWholeRepo() || commit.paths() == null || service.owns(commit.paths());
    }

    private static List<Row> changeRows(Normalized n, DoraConfig config) {
        Map<String, CommitSet> inProduction = n.commitsInProduction();
        List<Row> rows = new ArrayList<>();
        for (Commit c : n.commits()) {
            List<Row> trailers = c.trailers().stream().map(t -> RowFactory.create(t.key(), t.value())).toList();
            List<String> services = config.services().stream()
                    .filter(s -> s.repo().equals(c.repo()) && ownedBy(s).test(c)).map(DoraConfig.Service::name).toList();
            List<String> deployedBy = services.stream()
                    .filter(s -> inProduction.containsKey(s) && inProduction.get(s).contains(c.sha())).toList();
            rows.add(RowFactory.create(c.repo(), c.sha(), c.parents(), c.isMerge(), c.authorName(), c.authorEmail(),
                    c.authorTime(), c.authorOffsetMinutes(), c.committerName(), c.committerEmail(), c.committerTime(),
                    c.committerOffsetMinutes(), c.subject(), c.message(), trailers, c.pullRequestNumber(), c.revertedSha(), c.paths(),
                    services, deployedBy));
        }
        return rows;
    }

    /**
     * Adds to the chain's service every commit that one of the chain's successful production deployments contains.
     * When every deployment of the chain is one, that is what the linker delivered. A source may mark an
     * environment's deployments production one by one (GitHub's flag, GitLab's tier); in a chain of both kinds the
     * production ones are walked again, since the linker left out what an earlier other one delivered.
     */
    static void addCommitsInProduction(LinkedChain chain, CommitGraph graph, Map<String, CommitSet> inProduction) {
        List<LinkedDeployment> links = chain.deployments();
        String service = links.get(0).deployment().service();
        if (links.stream().allMatch(l -> l.deployment().isProductionSuccess())) {
            CommitSet earlier = inProduction.putIfAbsent(service, chain.delivered());
            if (earlier != null) {
                earlier.addAll(chain.delivered());
            }
            return;
        }
        CommitSet seen = inProduction.computeIfAbsent(service, s -> graph.commitSet());
        for (LinkedDeployment link : links) {
            if (link.deployment().isProductionSuccess() && link.revisionFound()) {
                seen.addAll(graph.ancestorsExcluding(link.deployment().revision(), seen));
            }
        }
    }

    private static List<Row> deploymentRows(Normalized n) {
        List<Row> rows = new ArrayList<>();
        for (Deployment d : n.deployments()) {
            LinkedDeployment link = n.linked().get(d.id());
            Outcome outcome = n.outcomes().get(d.id());
            Deployment shown = link != null ? link.deployment() : d;
            Instant recoveredAt = outcome != null ? outcome.recoveredAt() : null;
            rows.add(RowFactory.create(d.id(), d.source(), d.service(), d.environment(), d.production(),
                    d.status().name().toLowerCase(java.util.Locale.ROOT), d.startedAt(), d.finishedAt(), d.repo(),
                    shown.revision(), link == null || link.revisionFound(), d.url(), d.trigger(), d.branch(), d.labels(),
                    link != null ? link.previousDeploymentId() : null,
                    link != null ? link.changes().size() : 0,
                    link != null && link.baseline(),
                    link != null && link.rollback(),
                    outcome != null && outcome.hotfix(),
                    outcome != null && outcome.rework(),
                    outcome != null && outcome.failed(),
                    outcome != null ? outcome.failureReasons() : List.of(),
                    recoveredAt,
                    recoveredAt != null ? Duration.between(d.finishedAt(), recoveredAt).toSeconds() : null,
                    outcome != null && outcome.recoveryClamped()));
        }
        return rows;
    }

    /**
     * The deployment_changes rows as groups of one deployment's changes, at most {@link #CHANGES_PER_GROUP} each, holding
     * what the rows need of the commits and pull requests the driver holds anyway: a Row of boxed values for each of
     * millions of changes took the driver's memory several times over.
     */
    static List<DeploymentChanges> deploymentChangeGroups(Collection<LinkedDeployment> links, DeploymentChangeLinker linker) {
        List<DeploymentChanges> groups = new ArrayList<>();
        for (LinkedDeployment link : links) {
            Deployment d = link.deployment();
            List<Commit> changes = link.changes();
            for (int from = 0; from < changes.size(); from += CHANGES_PER_GROUP) {
                List<Commit> commits = changes.subList(from, Math.min(changes.size(), from + CHANGES_PER_GROUP));
                String[] shas = new String[commits.size()];
                Instant[] starts = new Instant[commits.size()];
                long[] pullRequests = new long[commits.size()];
                BitSet withPullRequest = new BitSet(commits.size());
                for (int i = 0; i < shas.length; i++) {
                    Commit c = commits.get(i);
                    shas[i] = c.sha();
                    PullRequest pullRequest = linker.pullRequestOf(c);
                    starts[i] = linker.changeStart(c, pullRequest);
                    if (pullRequest != null) {
                        pullRequests[i] = pullRequest.number();
                        withPullRequest.set(i);
                    }
                }
                groups.add(new DeploymentChanges(d.id(), d.service(), d.environment(), d.production(), commits.get(0).repo(),
                        d.finishedAt(), link.baseline(), shas, starts, pullRequests, withPullRequest));
            }
        }
        return groups;
    }

    /**
     * Changes of one deployment, all of one repository (its chain's): their commits, when each change started, and
     * the pull request of those that belong to one.
     */
    record DeploymentChanges(String deploymentId, String service, String environment, boolean production,
            String repo, Instant deployedAt, boolean baseline, String[] shas, Instant[] starts, long[] pullRequests,
            BitSet withPullRequest) implements TableWriter.RowGroup {
        @Override
        public int size() {
            return shas.length;
        }

        @Override
        public List<Row> rows() {
            List<Row> rows = new ArrayList<>(shas.length);
            for (int i = 0; i < shas.length; i++) {
                long seconds = Duration.between(starts[i], deployedAt).toSeconds();
                rows.add(RowFactory.create(deploymentId, service, environment, production, repo, shas[i],
                        withPullRequest.get(i) ? pullRequests[i] : null, starts[i], deployedAt, Math.max(0, seconds),
                        seconds < 0, baseline));
            }
            return rows;
        }
    }

    /** Each pull request with the first successful production deployment that delivered its merge. */
    private static List<Row> pullRequestRows(Normalized n) {
        Map<String, Deployment> firstDelivery = new HashMap<>();
        n.linked().values().stream()
                .filter(link -> link.deployment().isProductionSuccess())
                .sorted(Comparator.comparing((LinkedDeployment link) -> link.deployment().finishedAt()).thenComparing(l -> l.deployment().id()))
                .forEach(link -> link.changes().forEach(c -> firstDelivery.putIfAbsent(c.repo() + "\u0000" + c.sha(), link.deployment())));
        List<Row> rows = new ArrayList<>();
        for (PullRequest pr : n.pullRequests()) {
            Deployment deployment = firstDelivery.get(pr.repo() + "\u0000" + pr.mergeSha());
            Instant deployedAt = deployment != null ? deployment.finishedAt() : null;
            rows.add(RowFactory.create(pr.repo(), pr.number(), pr.source(), pr.mergeSha(), pr.headSha(), pr.commits().size(),
                    pr.authorName(), pr.firstCommitAt(), pr.createdAt(), pr.firstReviewAt(), pr.mergedAt(),
                    deployment != null ? deployment.id() : null, deployedAt,
                    seconds(pr.firstCommitAt(), pr.createdAt()), seconds(pr.createdAt(), pr.firstReviewAt()),
                    seconds(pr.firstReviewAt(), pr.mergedAt()),
                    Duration.between(pr.firstCommitAt(), pr.mergedAt()).toSeconds(),
                    deployedAt != null ? Duration.between(pr.mergedAt(), deployedAt).toSeconds() : null,
                    deployedAt != null ? Duration.between(pr.firstCommitAt(), deployedAt).toSeconds() : null));
        }
        return rows;
    }

    /** Seconds from one instant to another, or null when either is unknown. */
    private static Long seconds(Instant from, Instant to) {
        return from != null && to != null ? Duration.between(from, to).toSeconds() : null;
    }

    private static List<Row> incidentRows(List<Incident> incidents) {
        List<Row> rows = new ArrayList<>();
        for (Incident i : incidents) {
            rows.add(RowFactory.create(i.id(), i.source(), i.services(), i.severity(), i.openedAt(), i.resolvedAt(), i.title(),
                    i.deploymentRef(), i.commitRef(), i.prRef(), i.url(),
                    i.resolvedAt() != null ? Duration.between(i.openedAt(), i.resolvedAt()).toSeconds() : null));
        }
        return rows;
    }

    private static List<Row> attributionRows(List<Attribution> attributions) {
        return attributions.stream()
                .map(a -> RowFactory.create(a.incidentId(), a.deploymentId(), a.service(), a.method().label()))
                .toList();
    }

    private static List<Row> rejectRows(List<Reject> rejects) {
        return rejects.stream()
                .map(r -> RowFactory.create(r.source(), r.recordId(), r.line(), r.field(), r.action().label(), r.reason(), r.rawPayload()))
                .toList();
    }

    /** Records seen and rejected per source, for rules.max_reject_ratio. */
    private static final class SourceTally {
        final Map<String, Long> seen = new TreeMap<>();
        final Map<String, Long> rejected = new TreeMap<>();

        void seen(String source) {
            seen.merge(source, 1L, Long::sum);
        }

        void rejected(String source) {
            rejected.merge(source, 1L, Long::sum);
        }

        void add(String source, long seenRecords, long rejectedRecords) {
            seen.merge(source, seenRecords, Long::sum);
            if (rejectedRecords > 0) {
                rejected.merge(source, rejectedRecords, Long::sum);
            }
        }
    }
}
