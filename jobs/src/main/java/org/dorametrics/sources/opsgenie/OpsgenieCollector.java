package org.dorametrics.sources.opsgenie;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig.OpsgenieKind;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.ScopeFailures;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.Paginator;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one Opsgenie source into the raw zone: the incidents (or alerts) its query selects, newest first by creation
 * until the listing reaches back before the watermark minus the overlap (the last {@code lookback} on a first or
 * {@code --full} run), following {@code paging.next}; then every record still open at the last collect and not listed
 * again, asked alone (the listing is by creation, so one closed later would otherwise never be seen closed); then, for
 * alerts, each closed alert listed without {@code report.closeTime}, asked alone (its single copy has its report); and
 * the account's teams when the config maps teams.
 */
public final class OpsgenieCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(OpsgenieCollector.class);
    /** What Opsgenie ids look like (UUIDs); anything else is not put into a URL. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final OpsgenieSource source;
    private final PageStore pages;
    private final ApiClient client;
    private final Paginator paginator;
    private final Instant runStartedAt;

    OpsgenieCollector(OpsgenieSource source, OutputLocation output, ApiClient client, Instant runStartedAt, boolean full) {
        this.source = source;
        this.pages = OpsgeniePages.store(output, source);
        this.client = client;
        this.paginator = new Paginator(client, pages, runStartedAt, full, source.overlap(), OpsgeniePages.PAGING);
        this.runStartedAt = runStartedAt;
    }

    /** A collector for a configured source; its API key is read now, so a missing one stops the run before any work (exit 2). */
    public static OpsgenieCollector open(OpsgenieSource source, OutputLocation output, Function<String, String> environment,
                                         Instant runStartedAt, boolean full) {
        return new OpsgenieCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new OpsgenieDialect(token(source, environment)), ApiClient.Patience.DEFAULT), runStartedAt, full);
    }

    /** A source's API key; a missing, empty or malformed one is a config error (exit 2). */
    public static Secret token(OpsgenieSource source, Function<String, String> environment) {
        return Secret.resolve("sources.opsgenie[" + source.name() + "]", source.tokenEnv(), source.tokenFile(), environment);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    /** Collects the records, then the teams; a failure of either is reported after the other ran, then exit 3. */
    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        ScopeFailures failures = new ScopeFailures();
        String kind = source.kind() == OpsgenieKind.ALERTS ? "alerts" : "incidents";
        failures.collect(kind, paginator::fetched, () -> {
            int fetchedBefore = paginator.fetched();
            Collected collected = collectRecords();
            LOG.info("collected {} {}: {} listed, {} asked again alone; {} pages", source.sourceName(), kind, collected.listed(),
                    collected.askedAgain(), paginator.fetched() - fetchedBefore);
        });
        if (!source.teams().isEmpty()) {
            try {
                paginator.whole(OpsgeniePages.teams(pages), "/v2/teams", "teams");
            } catch (DoraException e) {
                failures.add(e.getMessage() + " (teams: team names cannot be mapped)");
            }
        }
        client.warnIfWaited();
        failures.throwIfAny();
    }

    /** What collect read: records listed, records asked again alone. */
    private record Collected(int listed, int askedAgain) {}

    private Collected collectRecords() {
        Path endpoint = OpsgeniePages.records(pages, source);
        Map<String, JsonNode> stored = new LinkedHashMap<>();
        ApiJson.latestCopies(pages.readFetches(endpoint), OpsgeniePages.RECORD_FIELDS, record -> record.path("id").asText(""),
                ApiJson.Unreadable.LEFT_TO_RECORDS_READER).forEach((id, copy) -> stored.put(id, copy.node()));
        Paginator.Fetch fetch = paginator.beginFetch(endpoint);
        Instant since = fetch.since() != null ? fetch.since() : runStartedAt.minus(source.lookback());
        String first = OpsgeniePages.api(source) + "?" + (source.query().isEmpty() ? "" : "query=" + encode(source.query()) + "&")
                + "offset=0&limit=" + source.pageSize() + "&sort=createdAt&order=desc";
        // Newest first: the page that reaches back before the since time is the last one needed.
        paginator.list(fetch, first, source.kind().name().toLowerCase(Locale.ROOT),
                page -> page.stream().map(OpsgenieCollector::createdAt).anyMatch(created -> created != null && created.isBefore(since)));
        Set<String> listed = new HashSet<>();
        Map<String, JsonNode> current = new LinkedHashMap<>(stored);
        for (JsonNode record : fetch.elements()) {
            listed.add(record.path("id").asText(""));
            current.put(record.path("id").asText(""), record);
        }
        int askedAgain = 0;
        for (Map.Entry<String, JsonNode> entry : current.entrySet()) {
            String id = entry.getKey();
            boolean open = !closed(entry.getValue());
            boolean closedWithoutTime = source.kind() == OpsgenieKind.ALERTS && closed(entry.getValue())
                    && !entry.getValue().path("report").path("closeTime").isIntegralNumber();
            // An alert asked alone has its report; a listed copy may not.
            boolean askAgain = open && !listed.contains(id) || closedWithoutTime && listed.contains(id);
            if (askAgain && ID.matcher(id).matches()) {
                paginator.list(fetch, OpsgeniePages.api(source) + "/" + id + "?identifierType=id", "record " + id, page -> false);
                askedAgain++;
            }
        }
        paginator.completeFetch(fetch, OpsgenieCollector::createdAt);
        return new Collected(listed.size(), askedAgain);
    }

    /** Resolved or closed: its end is settled. */
    static boolean closed(JsonNode record) {
        String status = record.path("status").asText("");
        return status.equals("resolved") || status.equals("closed");
    }

    /** The creation time the watermark follows: the listing is ordered by it. */
    static Instant createdAt(JsonNode record) {
        JsonNode createdAt = record.get("createdAt");
        try {
            return createdAt != null && createdAt.isTextual() ? OffsetDateTime.parse(createdAt.asText()).toInstant() : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String encode(String value) {
        // %20, not +: a query's spaces must reach Opsgenie's search as spaces whatever decodes them.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
