package org.dorametrics.sources.github;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dorametrics.config.DoraConfig.GitHubRepository;

/**
 * What an incident issue's body says caused it, the first of each kind, so that attribution links it explicitly:
 * <ul>
 * <li>a deployment: the URL of a workflow run ({@code …/owner/repo/actions/runs/123}) or of a Deployments API
 * deployment ({@code …/repos/owner/repo/deployments/456}), or the words {@code deployment 456} (of this repository);</li>
 * <li>a commit: a commit URL ({@code …/owner/repo/commit/9fceb02}) or a full 40-digit commit id;</li>
 * <li>a pull request: a pull request URL ({@code …/owner/repo/pull/12}) or {@code #12} (GitHub's own shorthand; an
 * issue number written so is taken as a pull request too, and attribution then finds no change for it).</li>
 * </ul>
 */
record IssueReferences(String deployment, String commit, Long pullRequest) {
    private static final Pattern RUN_URL = Pattern.compile("/([\\w.-]+)/([\\w.-]+)/actions/runs/(\\d+)");
    private static final Pattern DEPLOYMENT_URL = Pattern.compile("/repos/([\\w.-]+)/([\\w.-]+)/deployments/(\\d+)");
    private static final Pattern DEPLOYMENT_WORDS = Pattern.compile("(?i)\\bdeployment\\s*#?\\s*(\\d+)\\b");
    private static final Pattern COMMIT_URL = Pattern.compile("/[\\w.-]+/[\\w.-]+/commit/([0-9a-fA-F]{7,40})\\b");
    private static final Pattern COMMIT_ID = Pattern.compile("\\b([0-9a-fA-F]{40})\\b");
    private static final Pattern PULL_URL = Pattern.compile("/[\\w.-]+/[\\w.-]+/pull/(\\d{1,9})\\b");
    private static final Pattern PULL_NUMBER = Pattern.compile("(?<![\\w/&])#(\\d{1,9})\\b");

    static IssueReferences in(String body, GitHubRepository repository) {
        if (body == null) {
            return new IssueReferences(null, null, null);
        }
        String deployment = null;
        Matcher run = RUN_URL.matcher(body);
        Matcher api = DEPLOYMENT_URL.matcher(body);
        Matcher words = DEPLOYMENT_WORDS.matcher(body);
        if (run.find()) {
            deployment = "github:" + run.group(1) + "/" + run.group(2) + ":run/" + run.group(3);
        } else if (api.find()) {
            deployment = "github:" + api.group(1) + "/" + api.group(2) + ":" + api.group(3);
        } else if (words.find()) {
            deployment = "github:" + repository.fullName() + ":" + words.group(1);
        }
        String commit = first(body, COMMIT_URL, COMMIT_ID);
        // "deployment #77" names a deployment, not pull request 77.
        String pull = first(DEPLOYMENT_WORDS.matcher(body).replaceAll(" "), PULL_URL, PULL_NUMBER);
        return new IssueReferences(deployment, commit == null ? null : commit.toLowerCase(Locale.ROOT),
                pull == null ? null : Long.parseLong(pull));
    }

    private static String first(String body, Pattern... patterns) {
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(body);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return null;
    }
}
