package org.dorametrics.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dorametrics.collect.GitMiner.MinedCommit;
import org.dorametrics.testing.GitFixture;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoder's own reading of author and committer lines and messages gives what JGit's RevCommit getters give. */
class CommitDecoderTest {
    private static final String[] NAME_PIECES = {"Ada", " ", "Lovelace", "é", "<", ">", "-", "\t", "O'Brien", ""};
    private static final String[] EMAIL_PIECES = {"ada", "@", "example.com", "é", "<", ">", " ", ""};
    private static final String[] TIME_PIECES = {"1700000000", "0", "", "253402300799", "99999999999999", "-5", " 1700000000", "x"};
    private static final String[] ZONE_PIECES = {"+0000", "-0130", "+0100", "+1800", "+1801", "-1900", "+0075", "+9999", "0100",
        "+01", "", " +0000", "+0000 "};
    private static final String[] MESSAGE_PIECES = {"Fix", "\n", "é", "Change-Id: I1", " ", "\u00ff"};

    @TempDir
    Path folder;

    @Test
    void identitiesAndMessagesAreWhatRevCommitReads() throws Exception {
        Random random = new Random(11);
        List<RevCommit> commits = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String raw = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
                    + "author " + ident(random) + "\n"
                    + "committer " + ident(random) + "\n"
                    + (random.nextInt(10) == 0 ? "encoding ISO-8859-1\n" : "")
                    + "\n" + pieces(random, MESSAGE_PIECES, 6);
            byte[] bytes = random.nextBoolean() ? raw.getBytes(StandardCharsets.UTF_8) : raw.getBytes(StandardCharsets.ISO_8859_1);
            commits.add(RevCommit.parse(bytes));
        }
        try (GitFixture git = GitFixture.createBare(folder.resolve("empty.git"))) {
            Repository repository = git.repository();
            List<MinedCommit> mined = CommitDecoder.decodeAll(repository, commits, false, CommitDecoder::decode);
            for (int i = 0; i < commits.size(); i++) {
                RevCommit commit = commits.get(i);
                MinedCommit decoded = mined.get(i);
                String shown = new String(commit.getRawBuffer(), StandardCharsets.ISO_8859_1).replace("\n", "\\n");
                PersonIdent author = commit.getAuthorIdent();
                PersonIdent committer = commit.getCommitterIdent();
                assertEquals(List.of(author.getName(), author.getEmailAddress(), author.getWhenAsInstant(),
                        author.getZoneOffset().getTotalSeconds() / 60, committer.getName(), committer.getEmailAddress(),
                        committer.getWhenAsInstant(), committer.getZoneOffset().getTotalSeconds() / 60, commit.getFullMessage()),
                        List.of(decoded.authorName(), decoded.authorEmail(), decoded.authorTime(), decoded.authorOffsetMinutes(),
                                decoded.committerName(), decoded.committerEmail(), decoded.committerTime(),
                                decoded.committerOffsetMinutes(), decoded.message()),
                        () -> "for " + shown);
            }
        }
    }

    private static String ident(Random random) {
        return pieces(random, NAME_PIECES, 3) + " <" + pieces(random, EMAIL_PIECES, 3) + "> " + pieces(random, TIME_PIECES, 1)
                + " " + pieces(random, ZONE_PIECES, 1);
    }

    private static String pieces(Random random, String[] pieces, int most) {
        StringBuilder text = new StringBuilder();
        for (int piece = random.nextInt(most + 1); piece > 0; piece--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }
}
