package org.dorametrics.sources.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.table.OutputLocation;

/**
 * Where a GitHub source's pages live in the raw zone:
 * {@code <output>/raw/github/<name>/<owner>_<repo>/<endpoint>/page-0001.json}, one file per response page, where
 * endpoint is {@code deployments}, {@code deployment_statuses/<id>}, {@code pulls}, {@code pull_reviews/<number>},
 * {@code pull_commits/<number>}, {@code review_comments} or {@code issue_comments}.
 */
final class GitHubPages {
    static final String DEPLOYMENTS = "deployments";
    static final String PULLS = "pulls";
    static final String REVIEW_COMMENTS = "review_comments";
    static final String ISSUE_COMMENTS = "issue_comments";
    private static final Pattern PAGE_FILE = Pattern.compile("page-(\\d+)\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputLocation output;
    private final GitHubSource source;

    GitHubPages(OutputLocation output, GitHubSource source) {
        this.output = output;
        this.source = source;
    }

    static String deploymentStatuses(long deploymentId) {
        return "deployment_statuses/" + deploymentId;
    }

    static String pullReviews(long number) {
        return "pull_reviews/" + number;
    }

    static String pullCommits(long number) {
        return "pull_commits/" + number;
    }

    Path folder(GitHubRepository repository, String endpoint) {
        Path folder = output.raw("github", RawZone.folderName(source.name()), repository.owner() + "_" + repository.name());
        for (String part : endpoint.split("/")) {
            folder = new Path(folder, part);
        }
        return folder;
    }

    boolean exists(Path folder) {
        return output.exists(folder);
    }

    Optional<RawPage> read(Path folder, int number) {
        Path file = file(folder, number);
        return output.exists(file) ? Optional.of(parse(file)) : Optional.empty();
    }

    /** Every page of an endpoint, in page order. */
    List<RawPage> readAll(Path folder) {
        List<RawPage> pages = new ArrayList<>();
        for (Path file : output.listFiles(folder)) {
            if (PAGE_FILE.matcher(file.getName()).matches()) {
                pages.add(parse(file));
            }
        }
        return pages;
    }

    void write(Path folder, int number, RawPage page) {
        output.writeAtomically(file(folder, number), out -> out.write(JSON.writeValueAsBytes(page)));
    }

    /** Removes the pages after the last one of a complete pagination, left by an earlier, longer listing. */
    void removeAfter(Path folder, int lastNumber) {
        for (Path file : output.listFiles(folder)) {
            Matcher matcher = PAGE_FILE.matcher(file.getName());
            if (matcher.matches() && Integer.parseInt(matcher.group(1)) > lastNumber) {
                output.delete(file);
            }
        }
    }

    private static Path file(Path folder, int number) {
        return new Path(folder, String.format("page-%04d.json", number));
    }

    private RawPage parse(Path file) {
        String text = String.join("\n", output.readLines(file));
        try {
            return JSON.readValue(text, RawPage.class);
        } catch (JsonProcessingException e) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": raw zone file "
                    + Redaction.redact(file.toString()) + " is damaged (" + e.getOriginalMessage() + "); run `dora collect` again", e);
        }
    }
}
