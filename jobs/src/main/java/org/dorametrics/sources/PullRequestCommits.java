package org.dorametrics.sources;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.ApiJson.Element;

/**
 * The commits a hosting API lists for a merged pull (or merge) request: their ids in listing order, and the earliest
 * authored one, whose time starts the change under {@code rules.change_start: pr_first_commit} (the API knows a
 * squashed branch's real start). A commit that cannot be read is left out and flagged; when no commit can be read, or
 * the listing was never collected, the first commit time falls back to the request's creation, flagged too.
 */
public record PullRequestCommits(Set<String> shas, Instant firstCommitAt, String firstCommitAuthor) {

    /** Where one vendor's commit objects hold the commit id, its author time and its author's name. */
    public record Fields(String sha, String authoredAt, String authorName) {}

    /** Raises a flag in rejects for the request: the field at fault, why, and the text it is about. */
    public interface Flags {
        void flag(String field, String reason, String payload);
    }

    /**
     * @param listed the listing's commits, or null when it was never collected
     * @param vendor the API's name, for the flag when it listed none
     * @param requestText the request's own text, for the flag when its first commit time falls back
     */
    public static PullRequestCommits read(List<Element> listed, Fields fields, String vendor, Instant createdAt,
                                          String requestText, Flags flags) {
        Set<String> shas = new LinkedHashSet<>();
        Instant firstCommitAt = null;
        String firstCommitAuthor = null;
        for (Element commit : listed == null ? List.<Element>of() : listed) {
            try {
                String sha = ApiJson.sha(commit.node(), fields.sha(), true);
                Instant authoredAt = ApiJson.requiredInstant(commit.node(), fields.authoredAt());
                shas.add(sha);
                if (firstCommitAt == null || authoredAt.isBefore(firstCommitAt)) {
                    firstCommitAt = authoredAt;
                    firstCommitAuthor = ApiJson.text(commit.node(), fields.authorName());
                }
            } catch (RecordProblem problem) {
                flags.flag("commits." + problem.field(), "a commit of it is left out: " + problem.getMessage(), commit.text());
            }
        }
        if (firstCommitAt == null) {
            flags.flag("commits", (listed == null ? "its commits were not collected (collect stopped before them)"
                    : vendor + " listed no commit of it") + ": its first commit time falls back to its creation", requestText);
            firstCommitAt = createdAt;
        }
        return new PullRequestCommits(shas, firstCommitAt, firstCommitAuthor);
    }
}
