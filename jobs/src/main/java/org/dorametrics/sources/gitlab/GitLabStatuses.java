package org.dorametrics.sources.gitlab;

import java.util.Map;
import java.util.Set;
import org.dorametrics.normalize.Deployment;

/**
 * What GitLab's deployment and pipeline statuses mean for a deployment (DORA.md §1: it happens when it finished).
 * {@code success} → success, {@code failed} → failure, {@code canceled} and {@code skipped} → cancelled (it never
 * delivered, and it is no failure of the change); {@code created}, {@code running}, {@code blocked} (waiting for a manual
 * approval) and a pipeline's other waiting states → not finished yet, no deployment.
 */
final class GitLabStatuses {
    static final Map<String, Deployment.Status> FINISHED = Map.of("success", Deployment.Status.SUCCESS, "failed", Deployment.Status.FAILURE,
            "canceled", Deployment.Status.CANCELLED, "skipped", Deployment.Status.CANCELLED);
    static final Set<String> DEPLOYMENT_UNFINISHED = Set.of("created", "running", "blocked");
    static final Set<String> PIPELINE_UNFINISHED = Set.of("created", "waiting_for_resource", "preparing", "pending", "running", "manual",
            "scheduled", "waiting_for_callback");
    static final Set<String> PIPELINE_FINISHED = FINISHED.keySet();

    private GitLabStatuses() {}
}
