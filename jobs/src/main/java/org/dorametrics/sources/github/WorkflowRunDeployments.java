package org.dorametrics.sources.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.stream.Stream;
import org.dorametrics.config.DoraConfig.WorkflowRuns;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.RecordProblem;

/**
 * Which GitHub Actions workflow runs are deployments, and with what outcome. A run is one when its workflow's
 * {@code name}, its {@code path} ({@code .github/workflows/deploy.yml}) or that path's file name matches the configured
 * workflow, and it ran on the configured branch ({@code head_branch}), if any. A completed run's {@code conclusion}:
 * {@code success} → success; {@code failure}, {@code timed_out}, {@code startup_failure} → failure (the deployment was
 * attempted and did not deliver); {@code cancelled} → cancelled; {@code skipped}, {@code neutral},
 * {@code action_required}, {@code stale} → no deployment (nothing was attempted, or it still waits for someone).
 */
final class WorkflowRunDeployments {
    private WorkflowRunDeployments() {}

    static boolean isDeployment(WorkflowRuns rule, JsonNode run) {
        String path = run.path("path").asText("");
        // A run's path may carry the ref it ran from: .github/workflows/deploy.yml@main.
        String file = path.replaceFirst("@.*$", "");
        boolean workflow = Stream.of(run.path("name").asText(""), file, file.substring(file.lastIndexOf('/') + 1))
                .anyMatch(name -> !name.isEmpty() && rule.workflow().matcher(name).find());
        return workflow && (rule.branch() == null || rule.branch().equals(run.path("head_branch").asText(null)));
    }

    /** The outcome of a completed run's conclusion; null when the run is no deployment outcome. */
    static Deployment.Status outcome(String conclusion) throws RecordProblem {
        return switch (conclusion.toLowerCase(Locale.ROOT)) {
            case "success" -> Deployment.Status.SUCCESS;
            case "failure", "timed_out", "startup_failure" -> Deployment.Status.FAILURE;
            case "cancelled" -> Deployment.Status.CANCELLED;
            case "skipped", "neutral", "action_required", "stale" -> null;
            default -> throw new RecordProblem("conclusion", "unknown workflow run conclusion '" + conclusion + "'; expected success,"
                    + " failure, timed_out, startup_failure, cancelled, skipped, neutral, action_required or stale");
        };
    }
}
