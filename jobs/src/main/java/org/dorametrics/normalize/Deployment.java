package org.dorametrics.normalize;

import java.time.Instant;
import java.util.List;

/** A deployment record as the source gave it, validated (DORA.md §1 Deployment). */
public record Deployment(
        String id,
        String source,
        Long line,
        String service,
        String environment,
        boolean production,
        Status status,
        Instant startedAt,
        Instant finishedAt,
        String repo,
        String revision,
        String url,
        String trigger,
        String branch,
        List<String> labels,
        String rawPayload) implements SourcedRecord {

    public enum Status { SUCCESS, FAILURE, CANCELLED }

    /** Counts as a deployment for every metric: successful and to production. */
    public boolean isProductionSuccess() {
        return production && status == Status.SUCCESS;
    }

    public Deployment withRevision(String resolvedRevision) {
        return new Deployment(id, source, line, service, environment, production, status, startedAt, finishedAt, repo,
                resolvedRevision, url, trigger, branch, labels, rawPayload);
    }
}
