package org.dorametrics.report;

import java.util.List;

/**
 * Everything the report shows for one team (or the organisation roll-up): its levels as of the report date, its
 * weeks oldest first (the last one may be partial), and the rows behind the report week's numbers. {@code rollUp}
 * marks the organisation, which the trend charts leave out (it would dwarf every team).
 */
public record TeamReport(String team, boolean rollUp, TeamSummary current, List<WeekMetrics> weeks, List<DeploymentLine> deployments,
                         List<IncidentLine> incidents, List<ChangeLine> slowestChanges) {

    public TeamReport {
        weeks = List.copyOf(weeks);
        deployments = List.copyOf(deployments);
        incidents = List.copyOf(incidents);
        slowestChanges = List.copyOf(slowestChanges);
    }
}
