package org.dorametrics.normalize;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.dorametrics.collect.RawRecord;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.Service;

/** Turns raw deployment and incident records of the file formats into validated domain records. */
public final class RecordParsers {
    private final DoraConfig config;

    public RecordParsers(DoraConfig config) {
        this.config = config;
    }

    public Deployment deployment(RawRecord raw) throws RecordProblem {
        RecordFields fields = RecordFields.of(raw);
        String id = fields.required("id");
        String serviceName = fields.required("service");
        Service service = config.service(serviceName).orElseThrow(() -> new RecordProblem("service",
                "unknown service '" + serviceName + "'; add it to services in the config"));
        String environment = fields.required("environment");
        Deployment.Status status = status(fields.required("status"));
        Instant startedAt = fields.instant("started_at");
        Instant finishedAt = fields.requiredInstant("finished_at");
        if (startedAt != null && finishedAt.isBefore(startedAt)) {
            throw new RecordProblem("finished_at", "finished_at " + finishedAt + " is before started_at " + startedAt);
        }
        String revision = fields.required("commit_sha").toLowerCase(Locale.ROOT);
        if (!revision.matches("[0-9a-f]{7,40}")) {
            throw new RecordProblem("commit_sha", "expected a commit id of 7 to 40 hex digits, got '" + revision + "'");
        }
        String repo = fields.text("repo");
        if (repo != null && !repo.equals(service.repo())) {
            throw new RecordProblem("repo", "service " + serviceName + " lives in repo '" + service.repo() + "', not '" + repo + "'");
        }
        boolean production = config.rules().productionEnvironment().matcher(environment).find();
        return new Deployment(id, raw.source(), raw.line(), serviceName, environment, production, status, startedAt, finishedAt,
                service.repo(), revision, fields.text("url"), fields.text("trigger"), fields.text("branch"),
                fields.list("labels"), raw.payload());
    }

    public Incident incident(RawRecord raw) throws RecordProblem {
        RecordFields fields = RecordFields.of(raw);
        String id = fields.required("id");
        // An incident without a service is kept: it counts for the organisation's time to restore (and is flagged).
        List<String> services = fields.list("services");
        for (String service : services) {
            if (config.service(service).isEmpty()) {
                throw new RecordProblem("services", "unknown service '" + service + "'; add it to services in the config");
            }
        }
        Instant openedAt = fields.requiredInstant("opened_at");
        Instant resolvedAt = fields.instant("resolved_at");
        if (resolvedAt != null && resolvedAt.isBefore(openedAt)) {
            throw new RecordProblem("resolved_at", "resolved_at " + resolvedAt + " is before opened_at " + openedAt);
        }
        String commit = fields.text("commit_sha");
        if (commit != null && !commit.toLowerCase(Locale.ROOT).matches("[0-9a-f]{7,40}")) {
            throw new RecordProblem("commit_sha", "expected a commit id of 7 to 40 hex digits, got '" + commit + "'");
        }
        return new Incident(id, raw.source(), raw.line(), services.stream().distinct().sorted().toList(), fields.text("severity"),
                openedAt, resolvedAt, fields.text("title"), fields.text("deployment_id"),
                commit == null ? null : commit.toLowerCase(Locale.ROOT), pullRequest(fields.text("pr")), fields.text("url"),
                raw.payload());
    }

    /** The id a record names, read leniently so that even a rejected record is reported under its id. */
    public static String recordId(RawRecord raw) {
        try {
            return RecordFields.of(raw).text("id");
        } catch (RecordProblem e) {
            return null;
        }
    }

    private static Deployment.Status status(String text) throws RecordProblem {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "success" -> Deployment.Status.SUCCESS;
            case "failure" -> Deployment.Status.FAILURE;
            case "cancelled" -> Deployment.Status.CANCELLED;
            default -> throw new RecordProblem("status", "expected success, failure or cancelled, got '" + text + "'");
        };
    }

    private static Long pullRequest(String text) throws RecordProblem {
        if (text == null) {
            return null;
        }
        String digits = text.startsWith("#") ? text.substring(1) : text;
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new RecordProblem("pr", "expected a pull request number such as 123 or #123, got '" + text + "'");
        }
    }
}
