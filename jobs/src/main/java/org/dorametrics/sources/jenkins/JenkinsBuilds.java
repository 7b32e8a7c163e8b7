package org.dorametrics.sources.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.dorametrics.config.DoraConfig.JenkinsJob;
import org.dorametrics.normalize.Deployment;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.http.ApiJson;

/** What a Jenkins build (or one stage of a pipeline run) says about a deployment: outcome, times, revision, environment. */
final class JenkinsBuilds {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    /** How the git plugin names the branch it built: {@code refs/remotes/origin/main}, {@code origin/main}, or {@code main}. */
    private static final Pattern REMOTE_PREFIX = Pattern.compile("^(refs/remotes/[^/]+/|refs/heads/|origin/)");

    private JenkinsBuilds() {}

    /** An outcome and when the deployment started and finished. */
    record Outcome(Deployment.Status status, Instant startedAt, Instant finishedAt) {}

    static long number(JsonNode build) throws RecordProblem {
        return ApiJson.requiredId(build, "number");
    }

    /** Whether Jenkins still runs the build: no result yet. */
    static boolean running(JsonNode build) {
        return build.path("building").asBoolean(false) || ApiJson.field(build, "result") == null;
    }

    /**
     * The build's own outcome: SUCCESS is a success; FAILURE and UNSTABLE (the deployment ran but a step marked it
     * unstable, such as failed smoke tests) are failures; ABORTED is cancelled; NOT_BUILT (never ran) is no deployment:
     * null. Finished at timestamp + duration.
     */
    static Outcome buildOutcome(JsonNode build) throws RecordProblem {
        String result = ApiJson.requiredText(build, "result");
        Deployment.Status status = switch (result) {
            case "SUCCESS" -> Deployment.Status.SUCCESS;
            case "FAILURE", "UNSTABLE" -> Deployment.Status.FAILURE;
            case "ABORTED" -> Deployment.Status.CANCELLED;
            case "NOT_BUILT" -> null;
            default -> throw new RecordProblem("result", "expected SUCCESS, UNSTABLE, FAILURE, ABORTED or NOT_BUILT, got '" + result + "'");
        };
        if (status == null) {
            return null;
        }
        Instant startedAt = Instant.ofEpochMilli(millis(build, "timestamp"));
        return new Outcome(status, startedAt, startedAt.plusMillis(millis(build, "duration")));
    }

    /**
     * The outcome of the last stage whose name matches, from a run's {@code wfapi/describe}: SUCCESS is a success,
     * FAILED and UNSTABLE failures, ABORTED cancelled; NOT_EXECUTED (skipped), IN_PROGRESS and PAUSED_PENDING_INPUT
     * are no deployment, and neither is a run without a matching stage: null. Finished at its start + duration.
     */
    static Outcome stageOutcome(JsonNode describe, Pattern stage) throws RecordProblem {
        JsonNode matched = null;
        for (JsonNode candidate : describe.path("stages")) {
            String name = ApiJson.text(candidate, "name");
            if (name != null && stage.matcher(name).find()) {
                matched = candidate;
            }
        }
        if (matched == null) {
            return null;
        }
        String status = ApiJson.requiredText(matched, "status");
        Deployment.Status outcome = switch (status) {
            case "SUCCESS" -> Deployment.Status.SUCCESS;
            case "FAILED", "UNSTABLE" -> Deployment.Status.FAILURE;
            case "ABORTED" -> Deployment.Status.CANCELLED;
            case "NOT_EXECUTED", "IN_PROGRESS", "PAUSED_PENDING_INPUT" -> null;
            default -> throw new RecordProblem("stages.status", "stage '" + matched.path("name").asText() + "': expected SUCCESS,"
                    + " FAILED, UNSTABLE, ABORTED, NOT_EXECUTED, IN_PROGRESS or PAUSED_PENDING_INPUT, got '" + status + "'");
        };
        if (outcome == null) {
            return null;
        }
        Instant startedAt = Instant.ofEpochMilli(millis(matched, "startTimeMillis", "stages."));
        return new Outcome(outcome, startedAt, startedAt.plusMillis(millis(matched, "durationMillis", "stages.")));
    }

    /** A checkout the git plugin recorded (a {@code hudson.plugins.git.util.BuildData} action). */
    private record Checkout(String sha, String branch, List<String> remotes) {}

    /** The deployed revision and branch (null when unknown). */
    record Revision(String sha, String branch) {}

    /**
     * The revision the git plugin built ({@code lastBuiltRevision.SHA1}). A pipeline that checks out several
     * repositories (its shared libraries too) has a BuildData for each: the one whose {@code remoteUrls} match the
     * job's {@code repo_url} is taken. Without any BuildData, the last {@code commitId} of the change sets.
     */
    static Revision revision(JsonNode build, JenkinsJob job) throws RecordProblem {
        List<Checkout> checkouts = new ArrayList<>();
        for (JsonNode action : build.path("actions")) {
            JsonNode revision = ApiJson.field(action, "lastBuiltRevision");
            if (revision == null) {
                continue;
            }
            String sha = sha(revision, "SHA1", "actions.lastBuiltRevision.SHA1");
            JsonNode branches = revision.path("branch");
            String branch = branches.isArray() && !branches.isEmpty() ? ApiJson.text(branches.get(0), "name") : null;
            List<String> remotes = new ArrayList<>();
            action.path("remoteUrls").forEach(url -> remotes.add(url.asText()));
            checkouts.add(new Checkout(sha, branch == null ? null : REMOTE_PREFIX.matcher(branch).replaceFirst(""), remotes));
        }
        if (checkouts.isEmpty()) {
            String last = null;
            for (JsonNode changeSet : changeSets(build)) {
                for (JsonNode item : changeSet.path("items")) {
                    if (ApiJson.field(item, "commitId") != null) {
                        last = sha(item, "commitId", "changeSets.items.commitId");
                    }
                }
            }
            if (last == null) {
                throw new RecordProblem("actions.lastBuiltRevision", "names no git revision: no git checkout (BuildData) and no"
                        + " commit in its change sets");
            }
            return new Revision(last, null);
        }
        List<Checkout> chosen = checkouts;
        if (job.repoUrl() != null) {
            chosen = checkouts.stream().filter(c -> c.remotes().stream().anyMatch(url -> job.repoUrl().matcher(url).find())).toList();
            if (chosen.isEmpty()) {
                throw new RecordProblem("actions.remoteUrls", "no checkout of a remote matching repo_url '" + job.repoUrl()
                        + "'; it checked out " + remotes(checkouts));
            }
        }
        Set<String> shas = new LinkedHashSet<>(chosen.stream().map(Checkout::sha).toList());
        if (shas.size() > 1) {
            throw new RecordProblem("actions.lastBuiltRevision", "it checked out several repositories (" + remotes(chosen)
                    + "); set the job's repo_url to the one it deploys");
        }
        return new Revision(chosen.get(0).sha(), chosen.get(0).branch());
    }

    private static List<JsonNode> changeSets(JsonNode build) {
        List<JsonNode> sets = new ArrayList<>();
        if (build.path("changeSet").isObject()) {
            sets.add(build.get("changeSet"));
        }
        build.path("changeSets").forEach(sets::add);
        return sets;
    }

    private static String remotes(List<Checkout> checkouts) {
        return String.join(", ", checkouts.stream().flatMap(c -> c.remotes().stream()).distinct().toList());
    }

    /** The environment: the job's fixed value, or the value of its build parameter. */
    static String environment(JsonNode build, JenkinsJob job) throws RecordProblem {
        if (job.environment() != null) {
            return job.environment();
        }
        for (JsonNode action : build.path("actions")) {
            for (JsonNode parameter : action.path("parameters")) {
                if (job.environmentParameter().equals(parameter.path("name").asText(null))) {
                    JsonNode value = ApiJson.field(parameter, "value");
                    if (value == null || !value.isValueNode() || value.asText().isBlank()) {
                        throw new RecordProblem("actions.parameters." + job.environmentParameter(), "the build parameter naming the"
                                + " environment is empty");
                    }
                    return value.asText();
                }
            }
        }
        throw new RecordProblem("actions.parameters." + job.environmentParameter(), "the build has no parameter "
                + job.environmentParameter() + " (environment_parameter) to name its environment");
    }

    private static String sha(JsonNode node, String field, String path) throws RecordProblem {
        JsonNode value = ApiJson.field(node, field);
        if (value == null || !value.isTextual() || !SHA.matcher(value.asText().toLowerCase(Locale.ROOT)).matches()) {
            throw new RecordProblem(path, "expected a commit id of 40 hex digits, got " + (value == null ? "nothing" : value.toString()));
        }
        return value.asText().toLowerCase(Locale.ROOT);
    }

    private static long millis(JsonNode node, String field) throws RecordProblem {
        return millis(node, field, "");
    }

    private static long millis(JsonNode node, String field, String prefix) throws RecordProblem {
        JsonNode value = ApiJson.field(node, field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new RecordProblem(prefix + field, "expected milliseconds as a whole number, got "
                    + (value == null ? "nothing" : value.toString()));
        }
        return value.asLong();
    }
}
