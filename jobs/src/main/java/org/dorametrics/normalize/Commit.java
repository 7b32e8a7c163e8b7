package org.dorametrics.normalize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dorametrics.collect.GitMiner.MinedCommit;

/**
 * A mined commit with what its message says: subject, trailers, the pull request it names, the commit it reverts.
 * {@code paths} are the files it changed against its first parent, or null when they were not mined.
 */
public record Commit(
        String repo,
        String sha,
        List<String> parents,
        String authorName,
        String authorEmail,
        Instant authorTime,
        int authorOffsetMinutes,
        String committerName,
        String committerEmail,
        Instant committerTime,
        int committerOffsetMinutes,
        String message,
        List<String> paths) {

    private static final Pattern MERGE_PULL_REQUEST = Pattern.compile("^Merge pull request #(\\d+)\\b");
    private static final Pattern SQUASHED_PULL_REQUEST = Pattern.compile("\\(#(\\d+)\\)\\s*$");
    /** The last line GitLab writes in a merge commit's message: {@code See merge request acme/payments!12}. */
    private static final Pattern GITLAB_MERGE_REQUEST = Pattern.compile("(?m)^See merge request \\S*!(\\d+)\\s*$");
    private static final Pattern REVERTS = Pattern.compile("This reverts commit ([0-9a-fA-F]{7,40})");
    /** Compiled once: String.split compiles this pattern on every call. */
    private static final Pattern LINE_BREAK = Pattern.compile("\\n");

    /** The commit of a repository as mined from it. */
    public static Commit of(String repo, MinedCommit c) {
        return new Commit(repo, c.sha(), c.parents(), c.authorName(), c.authorEmail(), c.authorTime(), c.authorOffsetMinutes(),
                c.committerName(), c.committerEmail(), c.committerTime(), c.committerOffsetMinutes(), c.message(), c.paths());
    }

    /** A `Key: value` line of the message's closing paragraph. */
    public record Trailer(String key, String value) {}

    public String subject() {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    public boolean isMerge() {
        return parents.size() > 1;
    }

    /**
     * The pull request number a GitHub merge or squash subject names, or the merge request a GitLab merge commit names
     * (its {@code See merge request group/project!N} line; the project is the repository's own), or null.
     */
    public Long pullRequestNumber() {
        // Each pattern runs only on a text holding its literal part: most commits name no pull request, and a regex
        // search over every message is what reading 100,000s of commits spends its time on.
        String subject = subject();
        if (subject.startsWith("Merge pull request #")) {
            Matcher merge = MERGE_PULL_REQUEST.matcher(subject);
            if (merge.find()) {
                return Long.parseLong(merge.group(1));
            }
        }
        if (subject.contains("(#")) {
            Matcher squash = SQUASHED_PULL_REQUEST.matcher(subject);
            if (squash.find()) {
                return Long.parseLong(squash.group(1));
            }
        }
        if (!isMerge() || !message.contains("See merge request ")) {
            return null;
        }
        Matcher gitlab = GITLAB_MERGE_REQUEST.matcher(message);
        return gitlab.find() ? Long.valueOf(gitlab.group(1)) : null;
    }

    /** The (possibly abbreviated) id named by `This reverts commit …`, or null. */
    public String revertedSha() {
        if (!message.contains("This reverts commit ")) {
            return null;
        }
        Matcher matcher = REVERTS.matcher(message);
        return matcher.find() ? matcher.group(1).toLowerCase(java.util.Locale.ROOT) : null;
    }

    /** Trailers as git reads them: the last paragraph, when every line of it is `Key: value` and it is not the subject. */
    public List<Trailer> trailers() {
        String last = lastParagraph(message.strip());
        if (last == null) {
            return List.of();
        }
        List<Trailer> trailers = new ArrayList<>();
        for (String line : last.indexOf('\n') < 0 ? new String[] {last} : LINE_BREAK.split(last)) {
            Trailer trailer = trailer(line.strip());
            if (trailer == null) {
                return List.of();
            }
            trailers.add(trailer);
        }
        return trailers;
    }

    /**
     * A stripped line as {@code ^([A-Za-z0-9][A-Za-z0-9-]*):\s+(.+)$} reads it, or null: the key up to the colon, white
     * space, then a value holding no line terminator. Read without the regex, which every commit's trailer line would run.
     */
    static Trailer trailer(String line) {
        int colon = 0;
        while (colon < line.length() && isKeyCharacter(line.charAt(colon))) {
            colon++;
        }
        if (colon == 0 || line.charAt(0) == '-' || colon == line.length() || line.charAt(colon) != ':') {
            return null;
        }
        int value = colon + 1;
        while (value < line.length() && isRegexSpace(line.charAt(value))) {
            value++;
        }
        if (value == colon + 1 || value == line.length()) {
            return null;
        }
        for (int at = value; at < line.length(); at++) {
            char c = line.charAt(at);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return null;
            }
        }
        return new Trailer(line.substring(0, colon), line.substring(value).strip());
    }

    private static boolean isKeyCharacter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }

    /**
     * What splitting a stripped text into paragraphs on {@code \n\s*\n} leaves last, or null when the text is one
     * paragraph. Found from the end: the text after the last line feed that only white space separates from an earlier
     * line feed.
     */
    static String lastParagraph(String text) {
        int end = text.lastIndexOf('\n');
        while (end > 0) {
            int at = end - 1;
            while (at >= 0 && text.charAt(at) != '\n' && isRegexSpace(text.charAt(at))) {
                at--;
            }
            if (at >= 0 && text.charAt(at) == '\n') {
                return text.substring(end + 1);
            }
            end = at < 0 ? -1 : text.lastIndexOf('\n', at);
        }
        return null;
    }

    /** {@code \s} of java.util.regex: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
