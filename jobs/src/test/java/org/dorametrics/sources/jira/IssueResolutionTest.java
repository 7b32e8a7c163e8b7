package org.dorametrics.sources.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.dorametrics.normalize.RecordProblem;
import org.junit.jupiter.api.Test;

/** When an issue was resolved: resolutiondate, the changelog's transitions into done, reopenings, and the report date. */
class IssueResolutionTest {
    private static final Predicate<String> DONE = Set.of("resolved", "closed")::contains;
    private static final Instant LATER = Instant.parse("2026-04-01T00:00:00Z");

    private static IssueResolution.Transition move(String at, long id, String from, String to) {
        return new IssueResolution.Transition(Instant.parse(at), id, from, to);
    }

    @Test
    void resolutionDateWinsWhenThereIsNoReopening() throws RecordProblem {
        IssueResolution.Outcome outcome = IssueResolution.decide(Instant.parse("2026-03-04T15:30:01Z"),
                List.of(move("2026-03-04T15:30:00Z", 2, "open", "resolved")), DONE, "resolved", null, LATER);
        assertEquals(Instant.parse("2026-03-04T15:30:01Z"), outcome.resolvedAt());
        assertNull(outcome.remark());
    }

    @Test
    void withoutResolutionDateTheFinalStayInDoneStartsAtItsFirstTransition() throws RecordProblem {
        List<IssueResolution.Transition> moves = List.of(move("2026-03-04T12:00:00Z", 3, "resolved", "closed"),
                move("2026-03-04T10:00:00Z", 1, "open", "in progress"), move("2026-03-04T11:00:00Z", 2, "in progress", "resolved"));
        assertEquals(Instant.parse("2026-03-04T11:00:00Z"), IssueResolution.decide(null, moves, DONE, "closed", null, LATER).resolvedAt());
    }

    @Test
    void reopenedIsOpenUntilResolvedAgain() throws RecordProblem {
        List<IssueResolution.Transition> moves = List.of(move("2026-03-04T11:00:00Z", 1, "open", "resolved"),
                move("2026-03-04T12:00:00Z", 2, "resolved", "open"));
        IssueResolution.Outcome open = IssueResolution.decide(null, moves, DONE, "open", null, LATER);
        assertNull(open.resolvedAt());
        assertNull(open.remark());
        IssueResolution.Outcome kept = IssueResolution.decide(Instant.parse("2026-03-04T11:00:00Z"), moves, DONE, "open", null, LATER);
        assertNull(kept.resolvedAt(), "a resolutiondate the reopening did not clear does not close it");
        assertTrue(kept.remark().contains("reopened without clearing the resolution"), kept.remark());

        List<IssueResolution.Transition> again = List.of(moves.get(0), moves.get(1), move("2026-03-04T16:00:00Z", 3, "open", "closed"));
        assertEquals(Instant.parse("2026-03-04T16:00:00Z"),
                IssueResolution.decide(Instant.parse("2026-03-04T11:00:00Z"), again, DONE, "closed", null, LATER).resolvedAt(),
                "a resolutiondate from before the last reopening is stale");
        assertEquals(Instant.parse("2026-03-04T16:00:05Z"),
                IssueResolution.decide(Instant.parse("2026-03-04T16:00:05Z"), again, DONE, "closed", null, LATER).resolvedAt(),
                "the last resolution after the last reopening");
    }

    @Test
    void onlyWhatHappenedBeforeTheReportDateCounts() throws RecordProblem {
        List<IssueResolution.Transition> moves = List.of(move("2026-03-04T11:00:00Z", 1, "open", "resolved"),
                move("2026-03-05T09:00:00Z", 2, "resolved", "open"), move("2026-03-06T09:00:00Z", 3, "open", "closed"));
        Instant resolutionDate = Instant.parse("2026-03-06T09:00:00Z");
        assertEquals(Instant.parse("2026-03-04T11:00:00Z"),
                IssueResolution.decide(resolutionDate, moves, DONE, "closed", null, Instant.parse("2026-03-05T00:00:00Z")).resolvedAt());
        assertNull(IssueResolution.decide(resolutionDate, moves, DONE, "closed", null, Instant.parse("2026-03-05T12:00:00Z")).resolvedAt());
        assertNull(IssueResolution.decide(resolutionDate, moves, DONE, "closed", null, Instant.parse("2026-03-04T10:00:00Z")).resolvedAt(),
                "before its first move it was in the status the first move left: open");
    }

    @Test
    void doneWithoutAnyTimeUsesTheStatusCategoryChangeOrIsRejected() throws RecordProblem {
        IssueResolution.Outcome outcome = IssueResolution.decide(null, List.of(), DONE, "closed", Instant.parse("2026-03-04T10:00:00Z"), LATER);
        assertEquals(Instant.parse("2026-03-04T10:00:00Z"), outcome.resolvedAt());
        assertTrue(outcome.remark().contains("statuscategorychangedate") || outcome.remark().contains("status category"), outcome.remark());
        RecordProblem problem = assertThrows(RecordProblem.class, () -> IssueResolution.decide(null, List.of(), DONE, "closed", null, LATER));
        assertEquals("fields.resolutiondate", problem.field());
    }
}
