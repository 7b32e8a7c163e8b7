package org.dorametrics.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A GitLab merge commit names its merge request on its last line; git history then knows the merge request. */
class GitLabMergeTrailerTest {
    private final List<Commit> commits = new ArrayList<>();

    @Test
    void aGitLabMergeCommitIsItsMergeRequest() {
        commit("a", 0, "Initial commit");
        commit("f1", 1, "Add refunds", "a");
        commit("f2", 2, "Test refunds", "f1");
        commit("m", 3, "Merge branch 'refunds' into 'main'\n\nAdd refunds\n\nSee merge request acme/platform/payments!12\n", "a", "f2");
        List<PullRequest> pullRequests = PullRequest.fromHistory(new CommitGraph("payments", commits));
        assertEquals(1, pullRequests.size());
        PullRequest twelve = pullRequests.get(0);
        assertEquals(12L, twelve.number());
        assertEquals("m", twelve.mergeSha());
        assertEquals("f2", twelve.headSha());
        assertEquals(List.of("f1", "f2", "m"), twelve.commits());
        assertEquals(Instant.parse("2026-03-02T01:00:00Z"), twelve.firstCommitAt());
    }

    @Test
    void theLineQuotedInAnOrdinaryCommitNamesNothing() {
        commit("a", 0, "Initial commit");
        commit("b", 1, "Cherry-pick the fix\n\nSee merge request acme/payments!7\n", "a");
        assertNull(commits.get(1).pullRequestNumber(), "only a merge commit stands for a merge request");
        assertEquals(List.of(), PullRequest.fromHistory(new CommitGraph("payments", commits)));
    }

    private void commit(String sha, int hour, String message, String... parents) {
        Instant time = Instant.parse("2026-03-02T00:00:00Z").plusSeconds(3600L * hour);
        commits.add(new Commit("payments", sha, List.of(parents), "A", "a@x", time, 0, "A", "a@x", time, 0, message, null));
    }
}
