package org.dorametrics.normalize;

import java.util.List;

/**
 * What an API source gives normalize, read from its raw zone pages: deployments, merged pull requests and incidents in
 * the domain model (each record once, in its latest copy), the records it could not use, and how many records it read
 * and rejected (for rules.max_reject_ratio). Deployments finished and incidents opened from the cutoff on are left to
 * normalize, which drops them like those of the files.
 */
public record ApiRecords(String source, List<Deployment> deployments, List<PullRequest> pullRequests, List<Incident> incidents,
                         List<Reject> rejects, long seen, long rejected) {}
