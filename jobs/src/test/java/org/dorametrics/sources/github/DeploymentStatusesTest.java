package org.dorametrics.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import org.dorametrics.normalize.Deployment;
import org.junit.jupiter.api.Test;

/** The latest-status rule on its edge cases (the payload tests cover the common ones). */
class DeploymentStatusesTest {
    @Test
    void latestStatusDecides() {
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        assertEquals(Deployment.Status.FAILURE, DeploymentStatuses.decide(List.of(status(1, "failure", t), status(2, "inactive", t.plusSeconds(60)))).status(),
                "inactive after a failure stays a failure");
        assertEquals(t, DeploymentStatuses.decide(List.of(status(1, "failure", t), status(2, "inactive", t.plusSeconds(60)))).finishedAt());
        assertEquals(Deployment.Status.SUCCESS, DeploymentStatuses.decide(List.of(status(2, "success", t), status(1, "in_progress", t))).status(),
                "same second: the later id is the later status");
        assertEquals(Deployment.Status.CANCELLED, DeploymentStatuses.decide(List.of(status(1, "inactive", t))).status());
        assertEquals(Deployment.Status.SUCCESS, DeploymentStatuses.decide(List.of(status(1, "failure", t), status(2, "success", t.plusSeconds(5)))).status(),
                "a retried deployment that succeeded");
        DeploymentStatuses.Outcome pending = DeploymentStatuses.decide(List.of(status(1, "success", t), status(2, "in_progress", t.plusSeconds(5))));
        assertFalse(pending.finished(), "redeploying again: not finished");
        assertEquals("in_progress", pending.latestState());
        assertFalse(DeploymentStatuses.decide(List.of()).finished(), "no status at all");
    }

    private static DeploymentStatuses.Status status(long id, String state, Instant at) {
        return new DeploymentStatuses.Status(id, state, at, null, null, "{}");
    }
}
