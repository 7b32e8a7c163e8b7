package org.dorametrics.sources.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.dorametrics.config.DoraConfig.PagerDutyService;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.ScopeFailures;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.ApiJson;
import org.dorametrics.sources.http.BodyPaging;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.Paginator;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one PagerDuty source into the raw zone, per configured service: the incidents created since the watermark
 * (minus the overlap; the last {@code lookback} on a first or {@code --full} run), listed by creation time in ranges
 * of at most {@value #MAX_RANGE_DAYS} days, a range halved when it holds more than PagerDuty pages; then every incident
 * still open at the last collect and not listed again, asked alone (PagerDuty lists by creation, so an incident
 * resolved later would otherwise never be seen resolved); then the overview log entries of each resolved incident
 * whose body has no {@code resolved_at}, once (a resolved incident stays resolved).
 */
public final class PagerDutyCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyCollector.class);
    static final int MAX_RANGE_DAYS = 90;
    /** What PagerDuty ids look like; anything else is not put into a path or a URL. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,40}");

    private final PagerDutySource source;
    private final PageStore pages;
    private final ApiClient client;
    private final Paginator paginator;
    private final Instant runStartedAt;

    PagerDutyCollector(PagerDutySource source, OutputLocation output, ApiClient client, Instant runStartedAt, boolean full) {
        this.source = source;
        this.pages = PagerDutyPages.store(output, source);
        this.client = client;
        this.paginator = new Paginator(client, pages, runStartedAt, full, source.overlap(), PagerDutyPages.PAGING);
        this.runStartedAt = runStartedAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * A collector for a configured source; its API key is read now, so a missing one stops the run before any work
     * (exit 2).
     */
    public static PagerDutyCollector open(PagerDutySource source, OutputLocation output, Function<String, String> environment,
                                          Instant runStartedAt, boolean full) {
        return new PagerDutyCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new PagerDutyDialect(token(source, environment)), ApiClient.Patience.DEFAULT), runStartedAt, full);
    }

    /** A source's API key; a missing, empty or malformed one is a config error (exit 2). */
    public static Secret token(PagerDutySource source, Function<String, String> environment) {
        return Secret.resolve("sources.pagerduty[" + source.name() + "]", source.tokenEnv(), source.tokenFile(), environment);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        ScopeFailures failures = new ScopeFailures();
        for (PagerDutyService service : source.services()) {
            failures.collect("service " + service.id(), paginator::fetched, () -> {
                int fetchedBefore = paginator.fetched();
                Collected collected = collect(service);
                LOG.info("collected {} service {}: {} incidents listed, {} open ones asked again, log entries of {}; {} pages",
                        source.sourceName(), service.id(), collected.listed(), collected.askedAgain(), collected.withLogEntries(),
                        paginator.fetched() - fetchedBefore);
            });
        }
        client.warnIfWaited();
        failures.throwIfAny();
    }

    /** What one service's collect read: incidents listed, open ones asked again, incidents whose log entries were read. */
    private record Collected(int listed, int askedAgain, int withLogEntries) {}

    /** A creation time range: since inclusive, until exclusive, as PagerDuty reads them. */
    private record Range(Instant since, Instant until) {
        Range firstHalf() {
            return new Range(since, middle());
        }

        Range secondHalf() {
            return new Range(middle(), until);
        }

        /** Null when the range is a second or less, and cannot be halved. */
        private Instant middle() {
            Duration half = Duration.between(since, until).dividedBy(2).truncatedTo(ChronoUnit.SECONDS);
            return half.isZero() ? null : since.plus(half);
        }
    }

    private Collected collect(PagerDutyService service) {
        Path endpoint = PagerDutyPages.incidents(pages, service.id());
        // A stored page normalize cannot read is left out: the incidents in it are listed again when open.
        Map<String, JsonNode> stored = new LinkedHashMap<>();
        ApiJson.latestCopies(pages.readFetches(endpoint), PagerDutyPages.RECORD_FIELDS, incident -> incident.path("id").asText(""),
                ApiJson.Unreadable.LEFT_TO_RECORDS_READER).forEach((id, copy) -> stored.put(id, copy.node()));
        Paginator.Fetch fetch = paginator.beginFetch(endpoint);
        Instant since = fetch.since() != null ? fetch.since().truncatedTo(ChronoUnit.SECONDS) : runStartedAt.minus(source.lookback());
        Deque<Range> ranges = new ArrayDeque<>();
        for (Instant start = since; start.isBefore(runStartedAt); ) {
            Instant end = min(start.plus(Duration.ofDays(MAX_RANGE_DAYS)), runStartedAt);
            ranges.add(new Range(start, end));
            start = end;
        }
        while (!ranges.isEmpty()) {
            Range range = ranges.poll();
            try {
                paginator.list(fetch, incidentsPath(service.id(), range), "service " + service.id() + " incidents", page -> false);
            } catch (BodyPaging.TooDeep deep) {
                if (range.middle() == null) {
                    throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": service " + service.id()
                            + " has more incidents created within one second than PagerDuty pages (" + deep.getMessage() + ")");
                }
                LOG.info("{}: service {} has more than {} incidents from {} to {}; asking for each half", source.sourceName(),
                        service.id(), PagerDutyPages.MAX_DEPTH, range.since(), range.until());
                ranges.push(range.secondHalf());
                ranges.push(range.firstHalf());
            }
        }
        int listed = fetch.elements().size();
        Map<String, JsonNode> current = new LinkedHashMap<>(stored);
        Set<String> listedIds = new HashSet<>();
        fetch.elements().forEach(incident -> {
            String id = incident.path("id").asText("");
            listedIds.add(id);
            current.put(id, incident);
        });
        int askedAgain = 0;
        for (Map.Entry<String, JsonNode> entry : stored.entrySet()) {
            if (!listedIds.contains(entry.getKey()) && !"resolved".equals(entry.getValue().path("status").asText())
                    && ID.matcher(entry.getKey()).matches()) {
                List<JsonNode> again = paginator.list(fetch, "/incidents/" + entry.getKey(), "incident " + entry.getKey(), page -> false);
                again.forEach(incident -> current.put(entry.getKey(), incident));
                askedAgain++;
            }
        }
        paginator.completeFetch(fetch, PagerDutyCollector::createdAt);
        int withLogEntries = 0;
        for (Map.Entry<String, JsonNode> entry : current.entrySet()) {
            JsonNode incident = entry.getValue();
            boolean resolvedWithoutTime = "resolved".equals(incident.path("status").asText()) && !incident.path("resolved_at").isTextual();
            Path folder = PagerDutyPages.logEntries(pages, service.id(), entry.getKey());
            if (resolvedWithoutTime && ID.matcher(entry.getKey()).matches() && !pages.exists(folder)) {
                paginator.whole(folder, "/incidents/" + entry.getKey() + "/log_entries?is_overview=true&limit=" + source.pageSize(),
                        "incident " + entry.getKey() + " log entries");
                withLogEntries++;
            }
        }
        return new Collected(listed, askedAgain, withLogEntries);
    }

    private String incidentsPath(String serviceId, Range range) {
        return "/incidents?service_ids%5B%5D=" + serviceId + "&since=" + encode(range.since().toString())
                + "&until=" + encode(range.until().toString())
                + "&sort_by=" + encode("created_at:asc") + "&limit=" + source.pageSize() + "&offset=0";
    }

    /** The creation time the watermark follows: PagerDuty lists incidents by it. */
    static Instant createdAt(JsonNode incident) {
        JsonNode createdAt = incident.get("created_at");
        try {
            return createdAt != null && createdAt.isTextual() ? OffsetDateTime.parse(createdAt.asText()).toInstant() : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
