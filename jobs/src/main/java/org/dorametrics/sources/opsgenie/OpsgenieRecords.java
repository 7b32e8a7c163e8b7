package org.dorametrics.sources.opsgenie;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.OpsgenieKind;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.normalize.ApiRecords;
import org.dorametrics.normalize.Incident;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.normalize.Reject;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.ApiJson.Element;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;

/**
 * Normalize for one Opsgenie source, from its raw zone pages only: each incident or alert once (its latest copy),
 * opened at its impact start (incidents) or creation (alerts), resolved at its impact end (incidents) or creation plus
 * {@code report.closeTime} (alerts), of the services its impacted services, tags and teams map to, with a severity from
 * its priority. A record that cannot be used is a row of rejects with its field and its exact text.
 */
public final class OpsgenieRecords {
    private static final List<String> INCIDENT_STATUSES = List.of("open", "resolved", "closed");
    private static final List<String> ALERT_STATUSES = List.of("open", "closed");

    private final DoraConfig config;
    private final OpsgenieSource source;
    private final PageStore pages;
    private final List<Reject> rejects = new ArrayList<>();
    private final Map<String, String> teamNames = new HashMap<>();
    private long seen;
    private long rejected;

    /** Rejects a page that cannot be read, and a record without an id. */
    private final ApiJson.Unreadable unreadable = new ApiJson.Unreadable() {
        @Override
        public void page(RawPage page, RecordProblem problem) {
            seen++;
            reject(null, problem.field(), problem.getMessage(), page.body());
        }

        @Override
        public void record(Element element, RecordProblem problem) {
            seen++;
            reject(null, problem.field(), "a record without an id: " + problem.getMessage(), element.text());
        }
    };

    private OpsgenieRecords(DoraConfig config, OpsgenieSource source, OutputLocation output) {
        this.config = config;
        this.source = source;
        this.pages = OpsgeniePages.store(output, source);
    }

    /**
     * Reads a source's pages. Records opened from the cutoff on, and resolutions from it on, are left to normalize.
     *
     * @throws DoraException exit 3 when the records were never collected
     */
    public static ApiRecords read(DoraConfig config, OpsgenieSource source, OutputLocation output) {
        return new OpsgenieRecords(config, source, output).read();
    }

    private ApiRecords read() {
        Path endpoint = OpsgeniePages.records(pages, source);
        if (pages.fetches(endpoint).isEmpty() && pages.watermark(endpoint).isEmpty()) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected at "
                    + Redaction.redact(endpoint.toString()) + "; run `dora collect` first");
        }
        readTeams();
        List<Incident> incidents = new ArrayList<>();
        Map<String, Element> latest = ApiJson.latestCopies(pages.readFetches(endpoint), OpsgeniePages.RECORD_FIELDS,
                record -> ApiJson.requiredText(record, "id"), unreadable);
        for (Map.Entry<String, Element> entry : latest.entrySet()) {
            seen++;
            String recordId = "opsgenie:" + entry.getKey();
            try {
                incidents.add(incident(recordId, entry.getValue()));
            } catch (RecordProblem problem) {
                reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
            }
        }
        return new ApiRecords(source.sourceName(), List.of(), List.of(), incidents, List.copyOf(rejects), seen, rejected);
    }

    private Incident incident(String recordId, Element element) throws RecordProblem {
        JsonNode node = element.node();
        boolean alerts = source.kind() == OpsgenieKind.ALERTS;
        String status = ApiJson.requiredText(node, "status");
        List<String> statuses = alerts ? ALERT_STATUSES : INCIDENT_STATUSES;
        if (!statuses.contains(status)) {
            throw new RecordProblem("status", "unknown status '" + status + "'; expected one of " + statuses);
        }
        String priority = ApiJson.requiredText(node, "priority");
        if (!source.prioritySeverity().containsKey(priority)) {
            throw new RecordProblem("priority", "unknown priority '" + priority + "'; expected one of "
                    + new TreeSet<>(source.prioritySeverity().keySet()));
        }
        Instant createdAt = ApiJson.requiredInstant(node, "createdAt");
        // An incident's impact start is when responders say the impact began (it defaults to the creation).
        Instant openedAt = alerts ? createdAt : orElse(ApiJson.instant(node, "impactStartDate"), createdAt);
        Instant resolvedAt = null;
        if (OpsgenieCollector.closed(node)) {
            resolvedAt = alerts ? closedAt(node, createdAt) : ApiJson.instant(node, "impactEndDate");
            if (resolvedAt == null) {
                resolvedAt = ApiJson.requiredInstant(node, "updatedAt");
                flag(recordId, alerts ? "report.closeTime" : "impactEndDate", status + " without " + (alerts ? "report.closeTime"
                        : "impactEndDate") + ": resolved at its updatedAt, which a later note or tag also moves", element.text());
            }
            if (resolvedAt.isBefore(openedAt)) {
                throw new RecordProblem(alerts ? "report.closeTime" : "impactEndDate", "resolved at " + resolvedAt
                        + ", before it opened (" + openedAt + ")");
            }
        }
        TreeSet<String> services = new TreeSet<>();
        for (String key : concat(texts(node, "impactedServices"), texts(node, "tags"))) {
            if (source.services().containsKey(key)) {
                services.add(source.services().get(key));
            }
        }
        for (String teamId : teamIds(node)) {
            String name = teamNames.get(teamId);
            String team = source.teams().containsKey(teamId) ? source.teams().get(teamId) : name == null ? null : source.teams().get(name);
            if (team != null) {
                config.teams().stream().filter(t -> t.name().equals(team)).findFirst().ifPresent(t -> services.addAll(t.serviceNames()));
            }
        }
        return new Incident(recordId, source.sourceName(), null, List.copyOf(services), source.prioritySeverity().get(priority), openedAt,
                resolvedAt, ApiJson.text(node, "message"), null, null, null, ApiJson.text(node, "links.web"), element.text());
    }

    /** An alert's close: its creation plus {@code report.closeTime}, the milliseconds it was open; null when not reported. */
    private static Instant closedAt(JsonNode node, Instant createdAt) throws RecordProblem {
        JsonNode closeTime = ApiJson.field(node, "report.closeTime");
        if (closeTime == null) {
            return null;
        }
        if (!closeTime.isIntegralNumber() || closeTime.asLong() < 0) {
            throw new RecordProblem("report.closeTime", "expected the milliseconds the alert was open, got " + closeTime);
        }
        return createdAt.plusMillis(closeTime.asLong());
    }

    /** The ids of the teams a record is of: its team responders, and an alert's {@code teams}. */
    private static List<String> teamIds(JsonNode node) throws RecordProblem {
        List<String> ids = new ArrayList<>();
        for (String field : List.of("responders", "teams")) {
            JsonNode list = ApiJson.field(node, field);
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                throw new RecordProblem(field, "expected a list, got " + list);
            }
            for (JsonNode item : list) {
                boolean team = field.equals("teams") || "team".equals(item.path("type").asText());
                if (team && item.path("id").isTextual()) {
                    ids.add(item.get("id").asText());
                }
            }
        }
        return ids;
    }

    private static List<String> texts(JsonNode node, String field) throws RecordProblem {
        JsonNode list = ApiJson.field(node, field);
        List<String> texts = new ArrayList<>();
        if (list == null) {
            return texts;
        }
        if (!list.isArray()) {
            throw new RecordProblem(field, "expected a list of texts, got " + list);
        }
        for (JsonNode item : list) {
            if (!item.isTextual()) {
                throw new RecordProblem(field, "expected a list of texts, got " + list);
            }
            texts.add(item.asText());
        }
        return texts;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
    }

    private static Instant orElse(Instant value, Instant fallback) {
        return value != null ? value : fallback;
    }

    /** Team names by id, from the collected teams listing, for a teams map keyed by name. */
    private void readTeams() {
        if (source.teams().isEmpty()) {
            return;
        }
        Path folder = OpsgeniePages.teams(pages);
        if (!pages.exists(folder)) {
            flag(null, "teams", "the account's teams were not collected: teams mapped by name map nothing", null);
            return;
        }
        for (RawPage page : pages.readAll(folder)) {
            for (Element team : ApiJson.elements(page, OpsgeniePages.RECORD_FIELDS, unreadable)) {
                if (team.node().path("id").isTextual() && team.node().path("name").isTextual()) {
                    teamNames.put(team.node().get("id").asText(), team.node().get("name").asText());
                }
            }
        }
    }

    private void reject(String recordId, String field, String reason, String payload) {
        rejected++;
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.REJECTED, reason, payload));
    }

    private void flag(String recordId, String field, String reason, String payload) {
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.FLAGGED, reason, payload));
    }
}
