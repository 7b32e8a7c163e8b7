package org.dorametrics.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Writes a deterministic git history as a {@code git fast-import} stream: a main branch where most work arrives through
 * pull requests (a branch of one to four commits, merged with a "Merge pull request #N" commit while main moved on) and
 * the rest as direct commits, spread over services/ folders so that file-level path rules have something to match.
 * The same size and seed give the same commits, byte for byte, so every run of the benchmark mines the same history.
 */
public final class SyntheticHistory {
    /** 2021-01-04T00:00:00Z, a Monday. */
    private static final long START_EPOCH_SECOND = 1_609_718_400L;
    static final int SERVICES = 40;
    private static final int FILES_PER_SERVICE = 50;
    private static final String[] AUTHORS = {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
            "Donald Knuth", "Frances Allen", "Ken Thompson", "Margaret Hamilton", "Leslie Lamport"};

    private final int commits;
    private final Random random;
    private final PrintStream out;
    private int written;
    private long clock = START_EPOCH_SECOND;

    private SyntheticHistory(int commits, long seed, OutputStream out) {
        this.commits = commits;
        this.random = new Random(seed);
        this.out = new PrintStream(out, false, StandardCharsets.UTF_8);
    }

    /** Writes {@code commits} commits, all on refs/heads/main, whose last commit is main's head. */
    public static void write(int commits, long seed, OutputStream out) throws IOException {
        SyntheticHistory history = new SyntheticHistory(commits, seed, out);
        history.writeAll();
        if (history.out.checkError()) {
            throw new IOException("cannot write the fast-import stream");
        }
    }

    private void writeAll() {
        int mainTip = commit(0, 0, "Initial commit");
        int pullRequest = 0;
        while (written < commits) {
            if (commits - written >= 3 && random.nextInt(10) < 7) {
                pullRequest++;
                int branchTip = mainTip;
                int branchCommits = 1 + random.nextInt(4);
                for (int i = 0; i < branchCommits && commits - written > 1; i++) {
                    branchTip = commit(branchTip, 0, subject() + " (part " + (i + 1) + ")");
                }
                if (random.nextBoolean() && commits - written > 1) {
                    mainTip = commit(mainTip, 0, subject());
                }
                mainTip = commit(mainTip, branchTip, "Merge pull request #" + pullRequest + " from acme/feature-" + pullRequest
                        + "\n\n" + subject());
            } else {
                mainTip = commit(mainTip, 0, subject());
            }
        }
        out.flush();
    }

    private String subject() {
        String[] verbs = {"Fix", "Add", "Refactor", "Speed up", "Document", "Test", "Rename", "Simplify"};
        String[] things = {"checkout flow", "retry policy", "cache eviction", "login form", "rate limiter", "search index",
                "invoice export", "metrics endpoint", "feature flag", "schema migration"};
        return verbs[random.nextInt(verbs.length)] + " " + things[random.nextInt(things.length)];
    }

    /**
     * Writes one commit on main with mark written+1 and returns that mark.
     *
     * @param parent the first parent's mark, or 0 for the root commit
     * @param mergedBranch the second parent's mark, or 0
     */
    private int commit(int parent, int mergedBranch, String message) {
        int mark = ++written;
        clock += 60 + random.nextInt(1_200);
        long authored = clock - random.nextInt(2 * 86_400);
        String author = AUTHORS[random.nextInt(AUTHORS.length)];
        String email = author.toLowerCase().replace(' ', '.') + "@example.com";
        String body = message + "\n\nChange-Id: I" + Integer.toHexString(mark) + "\n";
        StringBuilder command = new StringBuilder()
                .append("commit refs/heads/main\nmark :").append(mark).append('\n')
                .append("author ").append(author).append(" <").append(email).append("> ").append(authored).append(" +0000\n")
                .append("committer ").append(author).append(" <").append(email).append("> ").append(clock).append(" +0000\n")
                .append("data ").append(body.getBytes(StandardCharsets.UTF_8).length).append('\n').append(body);
        if (parent > 0) {
            command.append("from :").append(parent).append('\n');
        }
        if (mergedBranch > 0) {
            command.append("merge :").append(mergedBranch).append('\n');
        } else {
            int files = 1 + random.nextInt(3);
            int service = random.nextInt(SERVICES);
            for (int i = 0; i < files; i++) {
                String content = "revision " + mark + "." + i + "\n";
                command.append("M 100644 inline services/svc-").append(service).append("/src/file-")
                        .append(random.nextInt(FILES_PER_SERVICE)).append(".txt\n")
                        .append("data ").append(content.length()).append('\n').append(content);
            }
        }
        out.append(command).append('\n');
        return mark;
    }
}
