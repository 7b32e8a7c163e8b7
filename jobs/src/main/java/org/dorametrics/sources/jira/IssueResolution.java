package org.dorametrics.sources.jira;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.dorametrics.normalize.RecordProblem;

/**
 * When an issue was resolved, as of the report date, from its {@code resolutiondate} and the status transitions of its
 * changelog. It is resolved when its status (the last transition before the cutoff; with none, its status then) is
 * in the done category. Resolved at the {@code resolutiondate} when that is before the cutoff and after the last
 * reopening (a transition out of done); otherwise at the transition that began its final stay in done statuses (a
 * workflow that sets no resolution, or one that kept the first resolution's date through a reopening). A done issue
 * with neither, and no transition at all, is resolved when its status category last changed, when Jira says so.
 */
final class IssueResolution {
    private IssueResolution() {}

    /** A status change: when, into which status (id) and from which. */
    record Transition(Instant at, long historyId, String from, String to) {}

    /** The outcome: resolved at (null while open), and a remark worth a flagged reject, or null. */
    record Outcome(Instant resolvedAt, String remark) {}

    /**
     * @param transitions the issue's status transitions, in any order
     * @param isDone whether a status id is in the done category
     * @param currentStatus the issue's status as the search gave it, for an issue without transitions
     * @param statusCategoryChanged Jira Cloud's {@code statuscategorychangedate}, or null
     * @throws RecordProblem when the issue is done but nothing says since when
     */
    static Outcome decide(Instant resolutionDate, List<Transition> transitions, Predicate<String> isDone, String currentStatus,
                          Instant statusCategoryChanged, Instant cutoff) throws RecordProblem {
        List<Transition> before = transitions.stream().filter(t -> t.at().isBefore(cutoff))
                .sorted(Comparator.comparing(Transition::at).thenComparing(Transition::historyId)).toList();
        boolean done;
        if (!before.isEmpty()) {
            done = isDone.test(before.get(before.size() - 1).to());
        } else if (!transitions.isEmpty()) {
            // Every change came after the report date: the status then is where the first change started from.
            done = isDone.test(transitions.stream().min(Comparator.comparing(Transition::at).thenComparing(Transition::historyId))
                    .orElseThrow().from());
        } else {
            done = isDone.test(currentStatus);
        }
        Instant resolution = resolutionDate != null && resolutionDate.isBefore(cutoff) ? resolutionDate : null;
        if (!done) {
            return new Outcome(null, resolution == null ? null : "resolutiondate is set (" + resolution + ") but the status is not done"
                    + " (reopened without clearing the resolution?): kept open");
        }
        Instant lastReopen = null;
        Instant finalDoneSince = null;
        for (Transition transition : before) {
            boolean into = isDone.test(transition.to());
            if (into && finalDoneSince == null) {
                finalDoneSince = transition.at();
            } else if (!into) {
                finalDoneSince = null;
                if (transition.from() != null && isDone.test(transition.from())) {
                    lastReopen = transition.at();
                }
            }
        }
        if (resolution != null && (lastReopen == null || resolution.isAfter(lastReopen))) {
            return new Outcome(resolution, null);
        }
        if (finalDoneSince != null) {
            return new Outcome(finalDoneSince, null);
        }
        if (before.isEmpty() && statusCategoryChanged != null && statusCategoryChanged.isBefore(cutoff)) {
            return new Outcome(statusCategoryChanged, "done without a resolutiondate or a transition into done: resolved when its status"
                    + " category last changed");
        }
        throw new RecordProblem("fields.resolutiondate", "the status is done, but neither resolutiondate, a transition into done nor"
                + " statuscategorychangedate (before the report date) says since when");
    }
}
