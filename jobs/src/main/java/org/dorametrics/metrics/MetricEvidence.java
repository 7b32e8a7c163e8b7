package org.dorametrics.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.Membership;
import org.dorametrics.job.RunContext;
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
        Period period = new Period(context, team, periodStart, periodEnd);
        List<Row> production = period.productionDeployments();
        List<DeploymentEvent> deployments = ofStatus(production, "success");
        List<DeploymentEvent> failedAttempts = ofStatus(production, "failure");
        List<ResolvedIncident> restores = period.resolvedIncidents();
        List<String> failedIds = deployments.stream().filter(DeploymentEvent::failed).map(DeploymentEvent::id).toList();
        List<IncidentLink> links = period.table(TableSchemas.INCIDENT_DEPLOYMENTS)
                .where(in("incident_id", restores.stream().map(ResolvedIncident::id).toList()).or(in("deployment_id", failedIds)))
                .orderBy("incident_id", "deployment_id").collectAsList().stream()
                .map(r -> new IncidentLink(r.getAs("incident_id"), r.getAs("deployment_id"), r.getAs("service"), r.getAs("method")))
                .toList();
        return new MetricEvidence(deployments, failedAttempts, period.leadTimes(deployments), restores, links);
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

    /** One team's local days and ownership: the {local_date(...)} and {owned_on(...)} conditions of the metric queries. */
    private static final class Period {
        private static final String LOCAL_DATE = "local_date";
        private final RunContext context;
        private final boolean organisation;
        private final List<Membership> memberships;
        private final LocalDate start;
        private final LocalDate end;

        Period(RunContext context, String team, LocalDate start, LocalDate end) {
            this.context = context;
            this.organisation = DoraConfig.ORGANISATION.equals(team);
            // The same ownership rows the metrics joined on, so the organisation roll-up owns every service once.
            this.memberships = MetricsStage.ownership(context.config()).stream()
                    .filter(r -> r.getString(0).equals(MetricsStage.TEAM + ":" + team))
                    .map(r -> new Membership(r.getString(1), r.getAs(2), r.getAs(3)))
                    .toList();
            this.start = start;
            this.end = end;
        }

        Dataset<Row> table(String name) {
            return TableReader.read(context.spark(), context.output(), name);
        }

        /** Rows whose instant falls on a local day of the period, with that day in column local_date. */
        Dataset<Row> inPeriod(Dataset<Row> rows, String instantColumn) {
            // Spark's own conversion, as in the metric queries, so that a DST edge lands on the same day.
            Column localDate = functions.to_date(functions.from_utc_timestamp(functions.col(instantColumn),
                    context.config().reporting().timezone().getId()));
            return rows.withColumn(LOCAL_DATE, localDate)
                    .where(functions.col(LOCAL_DATE).geq(functions.lit(start)).and(functions.col(LOCAL_DATE).lt(functions.lit(end))));
        }

        /** Successful and failed production deployments finished in the period on a service owned that day, in time order. */
        List<Row> productionDeployments() {
            return inPeriod(table(TableSchemas.DEPLOYMENTS).where("is_production AND status IN ('success', 'failure')"), "finished_at")
                    .orderBy("finished_at", "deployment_id").collectAsList().stream()
                    .filter(r -> owns(r.getAs("service"), r.getAs(LOCAL_DATE)))
                    .toList();
        }

        boolean owns(String service, LocalDate day) {
            return memberships.stream().anyMatch(m -> m.service().equals(service)
                    && (m.from() == null || !day.isBefore(m.from())) && (m.until() == null || day.isBefore(m.until())));
        }

        /** Non-baseline changes of the deployments, shortest lead time first. */
        List<ChangeLeadTime> leadTimes(List<DeploymentEvent> deployments) {
            List<Row> changes = table(TableSchemas.DEPLOYMENT_CHANGES)
                    .where(functions.not(functions.col("is_baseline")).and(in("deployment_id", deployments.stream().map(DeploymentEvent::id).toList())))
                    .collectAsList();
            Map<String, String> subjects = new HashMap<>();
            table(TableSchemas.CHANGES).where(in("sha", changes.stream().map(r -> r.<String>getAs("sha")).distinct().toList()))
                    .select("repo", "sha", "subject").collectAsList()
                    .forEach(r -> subjects.put(r.getString(0) + "/" + r.getString(1), r.getString(2)));
            return changes.stream()
                    .map(r -> new ChangeLeadTime(r.getAs("deployment_id"), r.getAs("sha"),
                            subjects.getOrDefault(r.getAs("repo") + "/" + r.getAs("sha"), ""),
                            r.getAs("lead_time_seconds"), r.getAs("lead_time_clamped")))
                    .sorted(Comparator.comparingLong(ChangeLeadTime::seconds).thenComparing(ChangeLeadTime::deploymentId)
                            .thenComparing(ChangeLeadTime::sha))
                    .toList();
        }

        /** Incidents resolved in the period on a service owned that day; one naming no service counts for the organisation. */
        List<ResolvedIncident> resolvedIncidents() {
            return inPeriod(table(TableSchemas.INCIDENTS).where("resolved_at IS NOT NULL"), "resolved_at")
                    .orderBy("resolved_at", "incident_id").collectAsList().stream()
                    .filter(r -> {
                        List<String> services = r.getList(r.fieldIndex("services"));
                        LocalDate day = r.getAs(LOCAL_DATE);
                        return services.isEmpty() ? organisation : services.stream().anyMatch(s -> owns(s, day));
                    })
                    .map(r -> new ResolvedIncident(r.getAs("incident_id"), r.getList(r.fieldIndex("services")), r.getAs("title"),
                            r.getAs("opened_at"), r.getAs("resolved_at"), r.getAs("restore_seconds")))
                    .toList();
        }
    }
}
