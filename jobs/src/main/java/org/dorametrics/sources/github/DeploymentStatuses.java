package org.dorametrics.sources.github;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.http.ApiJson;

/**
 * What a GitHub deployment's statuses say about it (DORA.md §1: a deployment happens when it finished, never at its
 * {@code updated_at}). The latest status by creation time decides: {@code success} → success, {@code failure} or
 * {@code error} → failure, finished at that status's time; {@code pending}, {@code queued}, {@code in_progress} → not
 * finished yet, no deployment. {@code inactive} is how GitHub retires a deployment when a newer one to the same
 * environment succeeds, so it keeps the outcome of the latest status before it (a success stays a success at its own
 * time); a deployment made inactive before it ever finished was superseded: cancelled, at the inactive status's time.
 */
final class DeploymentStatuses {
    static final Set<String> STATES = Set.of("success", "failure", "error", "inactive", "pending", "queued", "in_progress");

    private DeploymentStatuses() {}

    /** One status: its id breaks ties between statuses created in the same second (ids grow). */
    record Status(long id, String state, Instant createdAt, String logUrl, String targetUrl, String text) {}

    /**
     * The outcome: a finished deployment's status, time and the status that decided it; or, when not finished, null
     * status and the latest state seen (null without any status).
     */
    record Outcome(Deployment.Status status, Instant finishedAt, Status decidedBy, String latestState) {
        boolean finished() {
            return status != null;
        }
    }

    /** A status from its element of a statuses page. */
    static Status parse(ApiJson.Element element) throws RecordProblem {
        long id = ApiJson.requiredId(element.node(), "id");
        String state = ApiJson.requiredText(element.node(), "state").toLowerCase(Locale.ROOT);
        if (!STATES.contains(state)) {
            throw new RecordProblem("state", "unknown deployment status state '" + state + "'; expected one of " + new TreeSet<>(STATES));
        }
        Instant createdAt = ApiJson.requiredInstant(element.node(), "created_at");
        return new Status(id, state, createdAt, ApiJson.text(element.node(), "log_url"), ApiJson.text(element.node(), "target_url"),
                element.text());
    }

    static Outcome decide(List<Status> statuses) {
        List<Status> ordered = statuses.stream()
                .sorted(Comparator.comparing(Status::createdAt).thenComparingLong(Status::id)).toList();
        if (ordered.isEmpty()) {
            return new Outcome(null, null, null, null);
        }
        Status latest = ordered.get(ordered.size() - 1);
        if (!latest.state().equals("inactive")) {
            return terminal(latest, latest).orElse(new Outcome(null, null, null, latest.state()));
        }
        Outcome superseded = new Outcome(Deployment.Status.CANCELLED, latest.createdAt(), latest, latest.state());
        for (int i = ordered.size() - 2; i >= 0; i--) {
            if (!ordered.get(i).state().equals("inactive")) {
                return terminal(ordered.get(i), latest).orElse(superseded);
            }
        }
        return superseded;
    }

    private static Optional<Outcome> terminal(Status status, Status latest) {
        return switch (status.state()) {
            case "success" -> Optional.of(new Outcome(Deployment.Status.SUCCESS, status.createdAt(), status, latest.state()));
            case "failure", "error" -> Optional.of(new Outcome(Deployment.Status.FAILURE, status.createdAt(), status, latest.state()));
            default -> Optional.empty();
        };
    }
}
