package org.dorametrics.alerts;

import java.time.Instant;
import java.util.List;

/**
 * What the rules read from the published tables, as plain data: successful production deployments, the changes they
 * delivered, and the time of every record each source sent.
 */
public record AlertInputs(List<ProductionDeployment> deployments, List<DeliveredChange> changes, List<SourceRecord> records) {

    public AlertInputs {
        deployments = List.copyOf(deployments);
        changes = List.copyOf(changes);
        records = List.copyOf(records);
    }

    /** A successful production deployment (deployments table) and whether it is a change failure. */
    public record ProductionDeployment(String service, Instant finishedAt, boolean failed) {}

    /** A non-baseline change delivered by a successful production deployment (deployment_changes). */
    public record DeliveredChange(String service, Instant deployedAt, long leadTimeSeconds) {}

    /** One record a source sent, at the time of the event it describes. */
    public record SourceRecord(String source, Instant at) {}
}
