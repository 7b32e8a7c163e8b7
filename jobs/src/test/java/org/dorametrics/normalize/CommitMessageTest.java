package org.dorametrics.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dorametrics.normalize.Commit.Trailer;
import org.junit.jupiter.api.Test;

/** What a commit message says, read without a regex over the whole message, agrees with the regex reading. */
class CommitMessageTest {
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");
    private static final Pattern TRAILER = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9-]*):\\s+(.+)$");
    private static final String[] PIECES = {"\n", "\n", " ", "\t", "\r", "\u000B", "\f", "\u00A0", "\u0085", "\u2028", "Fix", "x",
        ":", ": ", "-", "-x: y", "K-1:\tv", "9: ",
        "Change-Id: I1", "Co-authored-by: Bo <bo@x>", "See merge request a/b!12", "(#7)", "Merge pull request #3 from a/b",
        "This reverts commit 0123456789abcdef."};

    @Test
    void theLastParagraphIsWhatSplittingOnBlankLinesLeavesLast() {
        Random random = new Random(8);
        for (int i = 0; i < 50_000; i++) {
            String text = message(random).strip();
            String[] paragraphs = PARAGRAPH_BREAK.split(text);
            assertEquals(paragraphs.length < 2 ? null : paragraphs[paragraphs.length - 1], Commit.lastParagraph(text),
                    () -> "for " + text.replace("\n", "\\n"));
        }
    }

    @Test
    void trailersPullRequestsAndRevertsAreTheRegexReadings() {
        Random random = new Random(9);
        for (int i = 0; i < 50_000; i++) {
            String message = message(random);
            List<String> parents = random.nextBoolean() ? List.of("p1") : List.of("p1", "p2");
            Commit commit = new Commit("r", "c", parents, "A", "a@x", Instant.EPOCH, 0, "A", "a@x", Instant.EPOCH, 0, message, null);
            String shown = message.replace("\n", "\\n");
            assertEquals(regexTrailers(message), commit.trailers(), () -> "trailers of " + shown);
            assertEquals(regexPullRequest(message, parents.size() > 1), commit.pullRequestNumber(), () -> "pull request of " + shown);
            Matcher revert = Pattern.compile("This reverts commit ([0-9a-fA-F]{7,40})").matcher(message);
            assertEquals(revert.find() ? revert.group(1).toLowerCase(java.util.Locale.ROOT) : null, commit.revertedSha(),
                    () -> "reverted commit of " + shown);
        }
    }

    @Test
    void aTrailerLineIsWhatTheTrailerRegexMatches() {
        List<String> lines = new ArrayList<>(List.of("Change-Id: I1", "Co-authored-by:\t Bo <bo@x>", "-x: y", "K:v", "K: a\rb",
                "K: a\u0085b", "K: a\u2028b", "K: a\u2029b", "K:\u000B\fv  w", "Key", ": v", "K-: v"));
        Random random = new Random(10);
        for (int i = 0; i < 50_000; i++) {
            lines.add(message(random).strip());
        }
        for (String line : lines) {
            Matcher matcher = TRAILER.matcher(line);
            assertEquals(matcher.matches() ? new Trailer(matcher.group(1), matcher.group(2).strip()) : null, Commit.trailer(line),
                    () -> "for " + line.replace("\n", "\\n"));
        }
    }

    private static String message(Random random) {
        StringBuilder message = new StringBuilder();
        for (int piece = random.nextInt(12); piece >= 0; piece--) {
            message.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return message.toString();
    }

    /** The reading before the literal pre-checks: every pattern on every message. */
    private static List<Trailer> regexTrailers(String message) {
        String[] paragraphs = message.strip().split("\\n\\s*\\n");
        if (paragraphs.length < 2) {
            return List.of();
        }
        List<Trailer> trailers = new ArrayList<>();
        for (String line : paragraphs[paragraphs.length - 1].split("\\n")) {
            Matcher matcher = TRAILER.matcher(line.strip());
            if (!matcher.matches()) {
                return List.of();
            }
            trailers.add(new Trailer(matcher.group(1), matcher.group(2).strip()));
        }
        return trailers;
    }

    private static Long regexPullRequest(String message, boolean merge) {
        int newline = message.indexOf('\n');
        String subject = (newline < 0 ? message : message.substring(0, newline)).strip();
        Matcher pullRequest = Pattern.compile("^Merge pull request #(\\d+)\\b").matcher(subject);
        if (pullRequest.find()) {
            return Long.parseLong(pullRequest.group(1));
        }
        Matcher squash = Pattern.compile("\\(#(\\d+)\\)\\s*$").matcher(subject);
        if (squash.find()) {
            return Long.parseLong(squash.group(1));
        }
        Matcher gitlab = Pattern.compile("(?m)^See merge request \\S*!(\\d+)\\s*$").matcher(message);
        return gitlab.find() && merge ? Long.valueOf(gitlab.group(1)) : null;
    }
}
