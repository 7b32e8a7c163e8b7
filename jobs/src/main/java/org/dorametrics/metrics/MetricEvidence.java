package org.dorametrics.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.Membership;
import org.dorametrics.job.RunContext;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;

/** The rows behind one team's figures for one period, read from the domain tables with the selection {@link MetricsStage} counts. */
public record MetricEvidence(
        List<DeploymentEvent> deployments,
        List<DeploymentEvent> failedAttempts,
        List<ChangeLeadTime> leadTimes,
        List<ResolvedIncident> restores,
        List<IncidentLink> links) {

    /** A production deployment as the deployments table has it: a successful one, or a failed attempt. */
    public record DeploymentEvent(String id, String service, Instant finishedAt, String revision, boolean revisionFound,
            int changeCount, boolean baseline, boolean rollback, boolean hotfix, boolean rework, boolean failed,
            List<String> failureReasons, Instant recoveredAt, Long recoverySeconds, boolean recoveryClamped) {

        /** What sets the deployment apart, in words: a revision the repository lacks, baseline, rollback, hotfix, rework. */
        public List<String> flags() {
            List<String> flags = new ArrayList<>();
            if (!revisionFound) {
                flags.add("revision not in the repository");
            }
            if (baseline) {
                flags.add("baseline");
            }
            if (rollback) {
                flags.add("rollback");
            }
            if (hotfix) {
                flags.add("hotfix");
            }
            if (rework) {
                flags.add("rework");
            }
            return flags;
        }
    }

    /** A non-baseline change a deployment of the period delivered, with its lead time. */
    public record ChangeLeadTime(String deploymentId, String sha, String subject, long seconds, boolean clamped) {}

    /** An incident resolved in the period, on a service the team owned that day. */
    public record ResolvedIncident(String id, List<String> services, String title, Instant openedAt, Instant resolvedAt,
            long restoreSeconds) {}

    /** An incident attributed to a deployment, and by which method. */
    public record IncidentLink(String incidentId, String deploymentId, String service, String method) {}

    public List<DeploymentEvent> failedDeployments() {
        return deployments.stream().filter(DeploymentEvent::failed).toList();
    }

    public List<DeploymentEvent> reworkDeployments() {
        return deployments.stream().filter(DeploymentEvent::rework).toList();
    }

    public List<IncidentLink> linksOfIncident(String incidentId) {
        return links.stream().filter(l -> l.incidentId().equals(incidentId)).toList();
    }

    public List<IncidentLink> linksOfDeployment(String deploymentId) {
        return links.stream().filter(l -> l.deploymentId().equals(deploymentId)).toList();
    }

    /**
     * Reads the rows behind {@code team}'s figures for the local days {@code [periodStart, periodEnd)}; expects the
     * domain tables written by normalize.
     */
    public static MetricEvidence read(RunContext context, String team, LocalDate periodStart, LocalDate periodEnd) {
        return PeriodRows.read(context, periodStart, periodEnd).of(team);
    }

    /**
     * The rows of every team's evidence for one period, read in a few queries, from which each team's are picked: a
     * report of two thousand teams would otherwise run five Spark jobs per team.
     */
    public static final class PeriodRows {
        /** The tables the evidence is read from, all written by `dora normalize`. */
        public static final List<String> TABLES = List.of(TableSchemas.CHANGES, TableSchemas.DEPLOYMENTS,
                TableSchemas.DEPLOYMENT_CHANGES, TableSchemas.INCIDENTS, TableSchemas.INCIDENT_DEPLOYMENTS);

        private static final String LOCAL_DATE = "local_date";
        private final RunContext context;
        /** (owner, service, valid_from, valid_until) rows of the metric queries by owner: each team's memberships. */
        private final Map<String, List<Row>> ownershipRows;
        /** Successful and failed production deployments finished in the period, in time order. */
        private final List<Row> production;
        /** Incidents resolved in the period, in time order. */
        private final List<Row> incidents;
        /** The non-baseline changes the period's successful production deployments delivered, by deployment id. */
        private final Map<String, List<Row>> changesByDeployment;
        /** Commit subjects by repo/sha, of those changes. */
        private final Map<String, String> subjects = new HashMap<>();
        /** Attributions of the period's incidents and of its failed deployments. */
        private final List<IncidentLink> links;

        private PeriodRows(RunContext context, LocalDate start, LocalDate end) {
            this.context = context;
            ownershipRows = MetricsStage.ownership(context.config()).stream().collect(Collectors.groupingBy(r -> r.getString(0)));
            production = inPeriod(table(TableSchemas.DEPLOYMENTS).where("is_production AND status IN ('success', 'failure')"),
                    "finished_at", start, end).orderBy("finished_at", "deployment_id").collectAsList();
            incidents = inPeriod(table(TableSchemas.INCIDENTS).where("resolved_at IS NOT NULL"), "resolved_at", start, end)
                    .orderBy("resolved_at", "incident_id").collectAsList();
            List<String> delivering = production.stream().filter(r -> "success".equals(r.getAs("status")))
                    .map(r -> r.<String>getAs("deployment_id")).toList();
            // A change's deployed_at is its deployment's finished_at, so the period's months hold all of them.
            List<Row> changes = withIdsIn(table(TableSchemas.DEPLOYMENT_CHANGES)
                            .where(functions.col("deployed_month").isin(monthsOf(start, end).toArray()))
                            .where(functions.not(functions.col("is_baseline"))), "deployment_id", delivering)
                    .collectAsList();
            changesByDeployment = changes.stream().collect(Collectors.groupingBy(r -> r.<String>getAs("deployment_id")));
            withIdsIn(table(TableSchemas.CHANGES), "sha", changes.stream().map(r -> r.<String>getAs("sha")).distinct().toList())
                    .select("repo", "sha", "subject").collectAsList()
                    .forEach(r -> subjects.put(r.getString(0) + "/" + r.getString(1), r.getString(2)));
            List<String> failed = production.stream().filter(r -> r.<Boolean>getAs("is_failed"))
                    .map(r -> r.<String>getAs("deployment_id")).toList();
            links = table(TableSchemas.INCIDENT_DEPLOYMENTS)
                    .where(in("incident_id", incidents.stream().map(r -> r.<String>getAs("incident_id")).toList()).or(in("deployment_id", failed)))
                    .orderBy("incident_id", "deployment_id").collectAsList().stream()
                    .map(r -> new IncidentLink(r.getAs("incident_id"), r.getAs("deployment_id"), r.getAs("service"), r.getAs("method")))
                    .toList();
        }

        /**
         * Stops with exit 3, naming the table and the stage to run, when one of {@link #TABLES} is missing, outdated
         * or published for another report date than {@code asOf}.
         */
        public static void requireTables(OutputLocation output, LocalDate asOf) {
            TABLES.forEach(table -> output.requireTable(table, "normalize", asOf));
        }

        /** Reads the local days {@code [start, end)}; expects the domain tables written by normalize ({@link #requireTables}). */
        public static PeriodRows read(RunContext context, LocalDate start, LocalDate end) {
            return new PeriodRows(context, start, end);
        }

        /** The rows behind {@code team}'s figures (the organisation's too), with the selection {@link MetricsStage} counts. */
        public MetricEvidence of(String team) {
            Ownership ownership = new Ownership(ownershipRows.getOrDefault(MetricsStage.TEAM + ":" + team, List.of()), team);
            List<Row> owned = production.stream().filter(r -> ownership.owns(r.getAs("service"), r.getAs(LOCAL_DATE))).toList();
            List<DeploymentEvent> deployments = ofStatus(owned, "success");
            List<ResolvedIncident> restores = incidents.stream()
                    .filter(r -> {
                        List<String> services = r.getList(r.fieldIndex("services"));
                        LocalDate day = r.getAs(LOCAL_DATE);
                        return services.isEmpty() ? ownership.organisation() : services.stream().anyMatch(s -> ownership.owns(s, day));
                    })
                    .map(r -> new ResolvedIncident(r.getAs("incident_id"), r.getList(r.fieldIndex("services")), r.getAs("title"),
                            r.getAs("opened_at"), r.getAs("resolved_at"), r.getAs("restore_seconds")))
                    .toList();
            Set<String> restoredIds = restores.stream().map(ResolvedIncident::id).collect(Collectors.toSet());
            Set<String> failedIds = deployments.stream().filter(DeploymentEvent::failed).map(DeploymentEvent::id).collect(Collectors.toSet());
            List<IncidentLink> teamLinks = links.stream()
                    .filter(l -> restoredIds.contains(l.incidentId()) || failedIds.contains(l.deploymentId())).toList();
            return new MetricEvidence(deployments, ofStatus(owned, "failure"), leadTimes(deployments), restores, teamLinks);
        }

        /** Non-baseline changes of the deployments, shortest lead time first. */
        private List<ChangeLeadTime> leadTimes(List<DeploymentEvent> deployments) {
            return deployments.stream().flatMap(d -> changesByDeployment.getOrDefault(d.id(), List.of()).stream())
                    .map(r -> new ChangeLeadTime(r.getAs("deployment_id"), r.getAs("sha"),
                            subjects.getOrDefault(r.getAs("repo") + "/" + r.getAs("sha"), ""),
                            r.getAs("lead_time_seconds"), r.getAs("lead_time_clamped")))
                    .sorted(Comparator.comparingLong(ChangeLeadTime::seconds).thenComparing(ChangeLeadTime::deploymentId)
                            .thenComparing(ChangeLeadTime::sha))
                    .toList();
        }

        /**
         * The rows whose column holds one of the ids, by a join with them: a filter naming a week's tens of thousands
         * of ids ships them in every task.
         */
        private Dataset<Row> withIdsIn(Dataset<Row> rows, String column, List<String> ids) {
            Dataset<Row> wanted = context.spark().createDataset(ids, Encoders.STRING()).toDF(column);
            return rows.join(functions.broadcast(wanted), rows.col(column).equalTo(wanted.col(column)), "left_semi");
        }

        /** The reporting time zone's months, yyyy-MM, of the local days {@code [start, end)}: the month partitions. */
        private static List<String> monthsOf(LocalDate start, LocalDate end) {
            return start.datesUntil(end).map(day -> YearMonth.from(day).toString()).distinct().toList();
        }

        private Dataset<Row> table(String name) {
            return TableReader.read(context.spark(), context.output(), name);
        }

        /** Rows whose instant falls on a local day of the period, with that day in column local_date. */
        private Dataset<Row> inPeriod(Dataset<Row> rows, String instantColumn, LocalDate start, LocalDate end) {
            // Spark's own conversion, as in the metric queries, so that a DST edge lands on the same day.
            Column localDate = functions.to_date(functions.from_utc_timestamp(functions.col(instantColumn),
                    context.config().reporting().timezone().getId()));
            return rows.withColumn(LOCAL_DATE, localDate)
                    .where(functions.col(LOCAL_DATE).geq(functions.lit(start)).and(functions.col(LOCAL_DATE).lt(functions.lit(end))));
        }
    }

    private static List<DeploymentEvent> ofStatus(List<Row> deployments, String status) {
        return deployments.stream().filter(r -> status.equals(r.getAs("status")))
                .map(r -> new DeploymentEvent(r.getAs("deployment_id"), r.getAs("service"), r.getAs("finished_at"),
                        r.getAs("revision_sha"), r.getAs("revision_found"), r.getAs("change_count"),
                        r.getAs("is_baseline"), r.getAs("is_rollback"), r.getAs("is_hotfix"), r.getAs("is_rework"),
                        r.getAs("is_failed"), r.getList(r.fieldIndex("failure_reasons")),
                        r.getAs("recovered_at"), r.getAs("recovery_seconds"), r.getAs("recovery_clamped")))
                .toList();
    }

    private static Column in(String column, List<String> values) {
        return functions.col(column).isin(values.toArray());
    }

    /** One team's services and the days it owned them: the {owned_on(...)} condition of the metric queries. */
    private static final class Ownership {
        private final boolean organisation;
        /** The team's memberships by service: the organisation has one per service, looked up for every row. */
        private final Map<String, List<Membership>> memberships;

        /**
         * @param ownershipRows the team's rows of those the metrics joined on ({@link MetricsStage#ownership}), so that
         *     the organisation roll-up owns every service once
         */
        Ownership(List<Row> ownershipRows, String team) {
            this.organisation = DoraConfig.ORGANISATION.equals(team);
            this.memberships = ownershipRows.stream()
                    .map(r -> new Membership(r.getString(1), r.getAs(2), r.getAs(3)))
                    .collect(Collectors.groupingBy(Membership::service));
        }

        boolean organisation() {
            return organisation;
        }

        boolean owns(String service, LocalDate day) {
            return memberships.getOrDefault(service, List.of()).stream().anyMatch(m ->
                    (m.from() == null || !day.isBefore(m.from())) && (m.until() == null || day.isBefore(m.until())));
        }
    }
}
