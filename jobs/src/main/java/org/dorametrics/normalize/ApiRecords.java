package org.dorametrics.normalize;

import java.util.List;

/**
 * What an API source (GitHub) gives normalize, read from its raw zone pages: deployments and merged pull requests in
 * the domain model, the records it could not use, and how many records it read and rejected (for
 * rules.max_reject_ratio).
 */
public record ApiRecords(String source, List<Deployment> deployments, List<PullRequest> pullRequests, List<Reject> rejects,
                         long seen, long rejected) {}
