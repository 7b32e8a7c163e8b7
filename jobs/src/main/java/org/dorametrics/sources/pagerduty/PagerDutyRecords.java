package org.dorametrics.sources.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
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
 * Normalize for one PagerDuty source, from its raw zone pages only: each incident once (its latest copy), opened at
 * its {@code created_at}, resolved at its {@code resolved_at} or else at its {@code resolve_log_entry}, of the service
 * its PagerDuty service maps to, with a severity from its priority or its urgency. A record that cannot be used is a
 * row of rejects with its field and its exact text; the rest go on.
 */
public final class PagerDutyRecords {
    private static final List<String> STATUSES = List.of("triggered", "acknowledged", "resolved");
    private static final List<String> URGENCIES = List.of("high", "low");

    private final PagerDutySource source;
    private final PageStore pages;
    private final List<Reject> rejects = new ArrayList<>();
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
            reject(null, problem.field(), "an incident without an id: " + problem.getMessage(), element.text());
        }
    };

    private PagerDutyRecords(PagerDutySource source, OutputLocation output) {
        this.source = source;
        this.pages = PagerDutyPages.store(output, source);
    }

    /**
     * Reads a source's pages. Incidents opened from the cutoff on, and resolutions from it on, are left to normalize.
     *
     * @throws DoraException exit 3 when a service's incidents were never collected
     */
    public static ApiRecords read(PagerDutySource source, OutputLocation output) {
        return new PagerDutyRecords(source, output).read();
    }

    private ApiRecords read() {
        List<Incident> incidents = new ArrayList<>();
        for (PagerDutyService service : source.services()) {
            Path endpoint = PagerDutyPages.incidents(pages, service.id());
            if (pages.fetches(endpoint).isEmpty() && pages.watermark(endpoint).isEmpty()) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected for service "
                        + service.id() + " at " + Redaction.redact(endpoint.toString()) + "; run `dora collect` first");
            }
            Map<String, Element> latest = ApiJson.latestCopies(pages.readFetches(endpoint), PagerDutyPages.RECORD_FIELDS,
                    record -> ApiJson.requiredText(record, "id"), unreadable);
            for (Map.Entry<String, Element> entry : latest.entrySet()) {
                seen++;
                String recordId = "pagerduty:" + entry.getKey();
                try {
                    Incident incident = incident(service, recordId, entry.getKey(), entry.getValue());
                    if (incident != null) {
                        incidents.add(incident);
                    }
                } catch (RecordProblem problem) {
                    reject(recordId, problem.field(), problem.getMessage(), entry.getValue().text());
                }
            }
        }
        return new ApiRecords(source.sourceName(), List.of(), List.of(), incidents, List.copyOf(rejects), seen, rejected);
    }

    /** The incident, or null when its urgency is not one the source counts. */
    private Incident incident(PagerDutyService service, String recordId, String id, Element element) throws RecordProblem {
        JsonNode node = element.node();
        String status = oneOf(node, "status", STATUSES);
        String urgency = oneOf(node, "urgency", URGENCIES);
        Instant createdAt = ApiJson.requiredInstant(node, "created_at");
        String serviceId = ApiJson.requiredText(node, "service.id");
        String priority = ApiJson.text(node, "priority.summary");
        String title = ApiJson.text(node, "title");
        String url = ApiJson.text(node, "html_url");
        if (!source.urgencies().contains(urgency)) {
            return null;
        }
        Instant resolvedAt = null;
        if (status.equals("resolved")) {
            resolvedAt = ApiJson.instant(node, "resolved_at");
            if (resolvedAt == null) {
                resolvedAt = resolvedByLogEntry(service, recordId, id, element);
            }
            if (resolvedAt.isBefore(createdAt)) {
                throw new RecordProblem("resolved_at", "resolved at " + resolvedAt + ", before it was created (" + createdAt + ")");
            }
        }
        List<String> services = List.of();
        if (serviceId.equals(service.id())) {
            services = service.service() == null ? List.of() : List.of(service.service());
        } else {
            // Moved to a service of PagerDuty this source does not map (it was listed under the configured one before).
            String mapped = source.services().stream().filter(s -> s.id().equals(serviceId)).map(PagerDutyService::service)
                    .filter(Objects::nonNull).findFirst().orElse(null);
            if (mapped != null) {
                services = List.of(mapped);
            } else {
                flag(recordId, "service.id", "PagerDuty service " + serviceId + " (" + ApiJson.text(node, "service.summary")
                        + ") is not in sources.pagerduty[" + source.name() + "].services: the incident is kept for the organisation only",
                        element.text());
            }
        }
        String severity = priority != null && source.prioritySeverity().containsKey(priority)
                ? source.prioritySeverity().get(priority) : source.urgencySeverity().get(urgency);
        return new Incident(recordId, source.sourceName(), null, services, severity, createdAt, resolvedAt,
                title != null ? title : ApiJson.text(node, "summary"), null, null, null, url, element.text());
    }

    /**
     * The time of the incident's resolve log entry; when its log entries were not collected (collect stopped before
     * them), its {@code last_status_change_at}, flagged: for a resolved incident that is the time it was resolved.
     */
    private Instant resolvedByLogEntry(PagerDutyService service, String recordId, String id, Element incident) throws RecordProblem {
        Path folder = PagerDutyPages.logEntries(pages, service.id(), id);
        if (pages.exists(folder)) {
            Instant resolvedAt = null;
            for (Element entry : elements(folder)) {
                try {
                    if ("resolve_log_entry".equals(ApiJson.text(entry.node(), "type"))) {
                        Instant at = ApiJson.requiredInstant(entry.node(), "created_at");
                        resolvedAt = resolvedAt == null || at.isAfter(resolvedAt) ? at : resolvedAt;
                    }
                } catch (RecordProblem problem) {
                    throw new RecordProblem("log_entries." + problem.field(), "its resolve log entry: " + problem.getMessage());
                }
            }
            if (resolvedAt != null) {
                return resolvedAt;
            }
        }
        Instant lastChange = ApiJson.instant(incident.node(), "last_status_change_at");
        if (lastChange == null) {
            throw new RecordProblem("resolved_at", "resolved, but neither resolved_at, a resolve log entry nor last_status_change_at says when");
        }
        flag(recordId, "resolved_at", (pages.exists(folder) ? "PagerDuty listed no resolve log entry" : "its log entries were not collected")
                + ": resolved at its last_status_change_at", incident.text());
        return lastChange;
    }

    private static String oneOf(JsonNode node, String field, List<String> values) throws RecordProblem {
        String value = ApiJson.requiredText(node, field);
        if (!values.contains(value)) {
            throw new RecordProblem(field, "unknown " + field + " '" + value + "'; expected one of " + values);
        }
        return value;
    }

    private List<Element> elements(Path folder) {
        List<Element> elements = new ArrayList<>();
        for (RawPage page : pages.readAll(folder)) {
            elements.addAll(ApiJson.elements(page, PagerDutyPages.RECORD_FIELDS, unreadable));
        }
        return elements;
    }

    private void reject(String recordId, String field, String reason, String payload) {
        rejected++;
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.REJECTED, reason, payload));
    }

    private void flag(String recordId, String field, String reason, String payload) {
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.FLAGGED, reason, payload));
    }
}
