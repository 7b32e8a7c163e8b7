package org.dorametrics.sources.jira;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.JiraService;
import org.dorametrics.config.DoraConfig.JiraSource;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Normalize for one Jira source, from its raw zone pages only: each issue the searches found, in its latest copy, that
 * the incident rules make an incident (its issue type, or a bug type at a bug priority, matched by id or by name in any
 * language), with the services it affects, its severity, the deployment that caused it, and when it was opened and
 * resolved ({@link IssueResolution}). An issue that cannot be used is a row of rejects with its field and exact text.
 */
public final class JiraRecords {
    private static final Logger LOG = LoggerFactory.getLogger(JiraRecords.class);
    private static final String DONE = "done";

    private final DoraConfig config;
    private final JiraSource source;
    private final PageStore pages;
    private final Instant cutoff;
    private final List<Reject> rejects = new ArrayList<>();
    private final Map<String, String> categoryOfStatus = new HashMap<>();
    private final Map<String, String> categoryOfStatusName = new HashMap<>();
    private String serviceField;
    private String deploymentField;
    private long seen;
    private long rejected;

    private JiraRecords(DoraConfig config, JiraSource source, OutputLocation output, Instant cutoff) {
        this.config = config;
        this.source = source;
        this.pages = JiraPages.store(output, source);
        this.cutoff = cutoff;
    }

    /**
     * Reads a source's pages as of the report date: status changes from the cutoff on are not seen yet.
     *
     * @throws DoraException exit 3 when the source was never collected, or a field named in the config is not on the site
     */
    public static ApiRecords read(DoraConfig config, JiraSource source, OutputLocation output, Instant cutoff) {
        return new JiraRecords(config, source, output, cutoff).read();
    }

    private ApiRecords read() {
        for (RawPage page : requiredListing(JiraPages.statuses(pages))) {
            try {
                for (Element status : ApiJson.elements(page.body())) {
                    String id = ApiJson.text(status.node(), "id");
                    String name = ApiJson.text(status.node(), "name");
                    String category = ApiJson.text(status.node(), "statusCategory.key");
                    if (id != null && category != null) {
                        categoryOfStatus.put(id, category);
                    }
                    if (name != null && category != null) {
                        // Two statuses of one name in different categories say nothing by name: neither is used.
                        categoryOfStatusName.merge(name.strip().toLowerCase(Locale.ROOT), category, (a, b) -> a.equals(b) ? a : "");
                    }
                }
            } catch (RecordProblem problem) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": the stored status list is not"
                        + " one Jira gives (" + problem.getMessage() + "); run `dora collect` again");
            }
        }
        serviceField = switch (source.service().from()) {
            case JiraService.COMPONENTS, JiraService.LABELS -> source.service().from();
            default -> fieldId(source.service().from());
        };
        deploymentField = source.deploymentField() == null ? null : fieldId(source.deploymentField());

        Path search = JiraPages.search(pages);
        if (!pages.exists(search)) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected at "
                    + Redaction.redact(search.toString()) + "; run `dora collect` first");
        }
        Map<String, Element> issues = JiraPages.latestIssues(pages, (problem, text) -> {
            seen++;
            reject(null, problem.field(), problem.getMessage(), text);
        });
        List<Incident> incidents = new ArrayList<>();
        int notIncidents = 0;
        for (Map.Entry<String, Element> issue : issues.entrySet()) {
            seen++;
            String key = issue.getValue().node().path("key").isTextual() ? issue.getValue().node().get("key").asText() : "id " + issue.getKey();
            try {
                Incident incident = incident(key, issue.getValue());
                if (incident != null) {
                    incidents.add(incident);
                } else {
                    notIncidents++;
                }
            } catch (RecordProblem problem) {
                reject(key, problem.field(), problem.getMessage(), issue.getValue().text());
            }
        }
        if (notIncidents > 0) {
            LOG.info("{}: {} of the {} issues found are not incidents by incident_types, bug_types and bug_priorities", source.sourceName(),
                    notIncidents, issues.size());
        }
        return new ApiRecords(source.sourceName(), List.of(), List.of(), incidents, List.copyOf(rejects), seen, rejected);
    }

    /** The incident an issue is, or null when the incident rules say it is none. */
    private Incident incident(String key, Element element) throws RecordProblem {
        JsonNode issue = element.node();
        ApiJson.requiredText(issue, "key");
        JsonNode type = object(issue, "fields.issuetype", true);
        JsonNode priority = object(issue, "fields.priority", false);
        if (ApiJson.text(issue, "fields.issuetype.id") == null && ApiJson.text(issue, "fields.issuetype.name") == null) {
            throw new RecordProblem("fields.issuetype", "has neither id nor name");
        }
        boolean incident = matches(source.incidentTypes(), type)
                || matches(source.bugTypes(), type) && priority != null && matches(source.bugPriorities(), priority);
        if (!incident) {
            return null;
        }
        Instant openedAt = JiraFields.requiredTime(issue, "fields.created");
        String status = ApiJson.requiredText(issue, "fields.status.id");
        String statusCategory = ApiJson.text(issue, "fields.status.statusCategory.key");
        if (statusCategory == null && !categoryOfStatus.containsKey(status)) {
            throw new RecordProblem("fields.status", "status id " + status + " has no statusCategory and is not one Jira lists");
        }
        Map<String, String> statusNames = new HashMap<>();
        List<IssueResolution.Transition> transitions = transitions(key, element, statusNames);
        Function<String, String> category = id -> {
            if (id == null) {
                return null;
            }
            if (id.equals(status) && statusCategory != null) {
                return statusCategory;
            }
            String byId = categoryOfStatus.get(id);
            String name = statusNames.get(id);
            String byName = name == null ? null : categoryOfStatusName.get(name.strip().toLowerCase(Locale.ROOT));
            return byId != null ? byId : byName == null || byName.isEmpty() ? null : byName;
        };
        TreeSet<String> unlisted = new TreeSet<>();
        for (IssueResolution.Transition transition : transitions) {
            for (String id : new String[] {transition.from(), transition.to()}) {
                if (id != null && category.apply(id) == null) {
                    unlisted.add(id + (statusNames.containsKey(id) ? " " + statusNames.get(id) : ""));
                }
            }
        }
        if (!unlisted.isEmpty()) {
            // A status deleted from the workflow since: Jira lists it no more, by id or by name.
            flag(key, "changelog", "its changelog moves through statuses Jira no longer lists " + unlisted + ": taken as not done",
                    element.text());
        }
        Predicate<String> isDone = id -> DONE.equals(category.apply(id));
        IssueResolution.Outcome outcome = IssueResolution.decide(JiraFields.time(issue, "fields.resolutiondate"), transitions, isDone,
                status, JiraFields.time(issue, "fields.statuscategorychangedate"), cutoff);
        if (outcome.remark() != null) {
            flag(key, "fields.resolutiondate", outcome.remark(), element.text());
        }
        if (outcome.resolvedAt() != null && outcome.resolvedAt().isBefore(openedAt)) {
            throw new RecordProblem("fields.resolutiondate", "resolved (" + outcome.resolvedAt() + ") before it was created (" + openedAt + ")");
        }
        return new Incident(key, source.sourceName(), null, services(key, element), severity(priority), openedAt, outcome.resolvedAt(),
                ApiJson.text(issue, "fields.summary"), deploymentRef(issue), null, null, source.baseUrl() + "/browse/" + key, element.text());
    }

    /** Whether an issue type or priority is one of the rule's: by id, or by name ({@code untranslatedName} too) in any case. */
    private static boolean matches(List<String> rule, JsonNode named) {
        if (named == null) {
            return false;
        }
        for (String wanted : rule) {
            if (wanted.equals("*") || wanted.equals(named.path("id").asText(null))
                    || wanted.equalsIgnoreCase(named.path("name").asText("").strip())
                    || wanted.equalsIgnoreCase(named.path("untranslatedName").asText("").strip())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode object(JsonNode issue, String path, boolean required) throws RecordProblem {
        JsonNode value = ApiJson.field(issue, path);
        if (value == null) {
            if (required) {
                throw new RecordProblem(path, "required field is missing");
            }
            return null;
        }
        if (!value.isObject()) {
            throw new RecordProblem(path, "expected an object, got " + (value.isArray() ? "a list" : value.toString()));
        }
        return value;
    }

    /**
     * The issue's status transitions: those of the changelog the search embedded, and of its whole changelog when
     * collect asked for it (the same history once), and the names it gives the statuses' ids. Flagged when only part of the
     * changelog is known.
     */
    private List<IssueResolution.Transition> transitions(String key, Element element, Map<String, String> statusNames)
            throws RecordProblem {
        JsonNode issue = element.node();
        Map<String, JsonNode> histories = new LinkedHashMap<>();
        JsonNode embedded = issue.path("changelog").path("histories");
        if (!embedded.isMissingNode() && !embedded.isArray()) {
            throw new RecordProblem("changelog.histories", "expected a list");
        }
        embedded.forEach(history -> histories.put(history.path("id").asText(""), history));
        Path whole = JiraPages.isIssueKey(key) ? JiraPages.changelog(pages, key) : null;
        if (whole != null && pages.exists(whole)) {
            for (RawPage page : pages.readAll(whole)) {
                try {
                    JiraPages.list(page.body(), "values").forEach(history -> histories.put(history.node().path("id").asText(""), history.node()));
                } catch (RecordProblem problem) {
                    flag(key, "changelog", "a stored changelog page cannot be read (" + problem.getMessage() + ")", page.body());
                }
            }
        } else if (JiraPages.changelogTruncated(issue)) {
            flag(key, "changelog", "the search gave " + embedded.size() + " of its " + issue.path("changelog").path("total").asInt()
                    + " changelog entries and the rest were not collected: its resolution is decided from those", null);
        }
        List<IssueResolution.Transition> transitions = new ArrayList<>();
        for (JsonNode history : histories.values()) {
            JsonNode items = history.path("items");
            if (!items.isArray()) {
                throw new RecordProblem("changelog.histories.items", "expected a list, in history " + history.path("id").asText("?"));
            }
            for (JsonNode item : items) {
                if ("status".equals(item.path("fieldId").asText(null)) || "status".equals(item.path("field").asText(null))
                        && "jira".equals(item.path("fieldtype").asText("jira"))) {
                    String to = ApiJson.text(item, "to");
                    if (to == null) {
                        throw new RecordProblem("changelog.histories.items.to", "a status change without the status it went to");
                    }
                    Instant at = JiraFields.requiredTime(history, "created");
                    String from = ApiJson.text(item, "from");
                    if (from != null && ApiJson.text(item, "fromString") != null) {
                        statusNames.put(from, ApiJson.text(item, "fromString"));
                    }
                    if (ApiJson.text(item, "toString") != null) {
                        statusNames.put(to, ApiJson.text(item, "toString"));
                    }
                    transitions.add(new IssueResolution.Transition(at, history.path("id").asLong(0), ApiJson.text(item, "from"), to));
                }
            }
        }
        return transitions;
    }

    /** The configured services the issue names; values naming none are flagged (the incident then counts for fewer, or none). */
    private List<String> services(String key, Element element) throws RecordProblem {
        JsonNode fields = element.node().get("fields");
        List<String> values = new ArrayList<>();
        for (String value : JiraFields.texts(fields, serviceField)) {
            if (!serviceField.equals(JiraService.LABELS)) {
                values.add(value);
            } else if (value.startsWith(source.service().labelPrefix())) {
                values.add(value.substring(source.service().labelPrefix().length()).strip());
            }
        }
        TreeSet<String> services = new TreeSet<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (String value : values) {
            String service = mapped(source.service().map(), value);
            if (service == null && config.service(value).isPresent()) {
                service = value;
            }
            if (service != null) {
                services.add(service);
            } else {
                unknown.add(value);
            }
        }
        if (!unknown.isEmpty()) {
            flag(key, "fields." + serviceField, "names no configured service: " + unknown + "; map them with service.map"
                    + (services.isEmpty() ? "" : " (kept for " + services + ")"), element.text());
        }
        return List.copyOf(services);
    }

    /** The priority's severity in the config's map (by id, or by name), or else its name. */
    private String severity(JsonNode priority) {
        if (priority == null) {
            return null;
        }
        String name = priority.path("name").asText(null);
        String mapped = source.severities().get(priority.path("id").asText(""));
        if (mapped == null && name != null) {
            mapped = mapped(source.severities(), name);
        }
        return mapped != null ? mapped : name;
    }

    private String deploymentRef(JsonNode issue) throws RecordProblem {
        if (deploymentField == null) {
            return null;
        }
        List<String> texts = JiraFields.texts(issue.get("fields"), deploymentField);
        if (texts.size() > 1) {
            throw new RecordProblem("fields." + deploymentField, "names " + texts.size() + " deployments " + texts + "; expected one");
        }
        return texts.isEmpty() ? null : texts.get(0);
    }

    /** A value's entry in a map written in the config: exactly, else ignoring case. */
    private static String mapped(Map<String, String> map, String value) {
        String exact = map.get(value);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> entry : map.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** A field's id: as configured, or looked up by name in the field list collect stored. */
    private String fieldId(String configured) {
        if (JiraFields.isId(configured)) {
            return configured;
        }
        List<JsonNode> siteFields = new ArrayList<>();
        for (RawPage page : requiredListing(JiraPages.fields(pages))) {
            try {
                ApiJson.elements(page.body()).forEach(field -> siteFields.add(field.node()));
            } catch (RecordProblem problem) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": the stored field list is not one"
                        + " Jira gives (" + problem.getMessage() + "); run `dora collect` again");
            }
        }
        try {
            return JiraFields.resolve(configured, siteFields);
        } catch (RecordProblem problem) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": " + problem.getMessage());
        }
    }

    private List<RawPage> requiredListing(Path folder) {
        if (!pages.exists(folder)) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": nothing collected at "
                    + Redaction.redact(folder.toString()) + "; run `dora collect` first");
        }
        return pages.readAll(folder);
    }

    private void reject(String recordId, String field, String reason, String payload) {
        rejected++;
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.REJECTED, reason, payload));
    }

    private void flag(String recordId, String field, String reason, String payload) {
        rejects.add(new Reject(source.sourceName(), recordId, null, field, Reject.Action.FLAGGED, reason, payload));
    }
}
