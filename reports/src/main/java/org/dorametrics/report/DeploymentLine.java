package org.dorametrics.report;

import java.time.LocalDateTime;

/**
 * A successful production deployment of the report week: when it finished (local time of the report), what it
 * delivered, and whether it failed and why ({@code failureReasons} empty when it did not).
 */
public record DeploymentLine(LocalDateTime finishedAt, String deploymentId, String service, int changes,
                             Double leadTimeP50Seconds, boolean failed, String failureReasons, String flags) {}
