package org.dorametrics.sources.jira;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.dorametrics.config.DoraConfig.JiraDeployment;
import org.dorametrics.config.DoraConfig.JiraService;
import org.dorametrics.config.DoraConfig.JiraSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.normalize.RecordProblem;
import org.dorametrics.sources.ApiCollector;
import org.dorametrics.sources.ScopeFailures;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.sources.http.BodyPaging;
import org.dorametrics.sources.http.ApiJson.Element;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.sources.http.Paginator;
import org.dorametrics.sources.http.RawPage;
import org.dorametrics.table.OutputLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one Jira source into the raw zone: the account (for the time zone Jira reads JQL times in), the statuses
 * (their categories say which are done), the field list when a field is configured by name, then the issues the JQL
 * finds that were updated since the last search (minus the overlap), with their changelogs; an issue whose changelog
 * the search gave only in part gets its whole changelog asked for. Cloud searches {@code /rest/api/3/search/jql}
 * ({@code nextPageToken}), Data Center {@code /rest/api/2/search} ({@code startAt}/{@code total}).
 */
public final class JiraCollector implements ApiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(JiraCollector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fields an issue is read with, besides the configured service and deployment fields. */
    static final List<String> FIELDS = List.of("summary", "issuetype", "priority", "status", "created", "updated", "resolutiondate",
            "statuscategorychangedate", "components", "labels");
    /** JQL compares times to the minute, in the searching account's time zone. */
    private static final DateTimeFormatter JQL_TIME = DateTimeFormatter.ofPattern("uuuu/MM/dd HH:mm");
    /** The widest offset from UTC: without the account's time zone, a search asks this much earlier. */
    private static final Duration UNKNOWN_ZONE_MARGIN = Duration.ofHours(14);
    private static final int CHANGELOG_PAGE_SIZE = 100;

    private final JiraSource source;
    private final PageStore pages;
    private final ApiClient client;
    /** The account, statuses and fields: single pages. */
    private final Paginator paginator;
    /** The search: nextPageToken pages on Cloud, startAt/total on Data Center. */
    private final Paginator searchPaginator;
    /** Whole changelogs: startAt pages of {@code values}. */
    private final Paginator changelogPaginator;

    JiraCollector(JiraSource source, OutputLocation output, ApiClient client, Instant runStartedAt, boolean full) {
        this.source = source;
        this.pages = JiraPages.store(output, source);
        this.client = client;
        this.paginator = new Paginator(client, pages, runStartedAt, full, source.overlap());
        this.searchPaginator = new Paginator(client, pages, runStartedAt, full, source.overlap(), searchPaging(source));
        this.changelogPaginator = new Paginator(client, pages, runStartedAt, full, source.overlap(), BodyPaging.startAt("values"));
    }

    /**
     * A collector for a configured source; its token is read now, so a missing one stops the run before any work (exit 2).
     *
     * @param runStartedAt names the run's search fetch
     * @param full whether the search reads every issue the JQL finds ({@code --full}) instead of those updated since the last
     */
    public static JiraCollector open(JiraSource source, OutputLocation output, Function<String, String> environment,
                                     Instant runStartedAt, boolean full) {
        return new JiraCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(),
                new JiraDialect(source.deployment(), source.email(), token(source, environment)), ApiClient.Patience.DEFAULT),
                runStartedAt, full);
    }

    /** A source's API token (Cloud) or personal access token (Data Center); a missing or empty one is a config error (exit 2). */
    public static Secret token(JiraSource source, Function<String, String> environment) {
        return Secret.resolve("sources.jira[" + source.name() + "]", source.tokenEnv(), source.tokenFile(), environment);
    }

    @Override
    public String sourceName() {
        return source.sourceName();
    }

    /**
     * Collects the source. Jira issues deploy nothing, so no revision is reported. A changelog that cannot be read is
     * reported and the others still asked; then the source fails with exit 3, keeping what was stored.
     */
    @Override
    public void collect(BiConsumer<String, String> deployedRevision) {
        ScopeFailures failures = new ScopeFailures();
        try {
            ZoneId zone = searchTimeZone();
            paginator.whole(JiraPages.statuses(pages), "/rest/api/2/status", "statuses");
            List<String> fields = fields();
            List<JsonNode> found = searchPaginator.updatedSince(JiraPages.search(pages), since -> searchPath(source, since, zone, fields),
                    JiraCollector::updated, Paginator.Order.FILTERED_BY_SERVER, "issues");
            int changelogs = changelogs(found, failures);
            LOG.info("collected {}: {} issues found, {} whole changelogs asked for; {} pages fetched", source.sourceName(), found.size(),
                    changelogs, fetched());
        } catch (DoraException e) {
            failures.add(e.getMessage() + " (" + (fetched() == 0 ? "nothing stored" : "the " + fetched() + " pages stored before are kept") + ")");
        }
        client.warnIfWaited();
        failures.throwIfAny();
    }

    /**
     * The zone Jira reads the search's {@code updated >=} time in: the account's ({@code /myself}). Without it, UTC, and
     * the search asks 14 hours (the widest offset) earlier so that no offset can make it miss an update.
     */
    private ZoneId searchTimeZone() {
        paginator.whole(JiraPages.myself(pages), "/rest/api/2/myself", "the account (/myself)");
        String zone = pages.read(JiraPages.myself(pages), 1).map(RawPage::body).map(JiraCollector::timeZoneOf).orElse(null);
        if (zone != null) {
            try {
                return ZoneId.of(zone);
            } catch (DateTimeException e) {
                // reported below, like a missing one
            }
        }
        LOG.warn("{}: Jira gives no usable time zone for the account ({}); searching from {} h earlier, in UTC", source.sourceName(),
                zone == null ? "none" : "'" + zone + "'", UNKNOWN_ZONE_MARGIN.toHours());
        return null;
    }

    private static String timeZoneOf(String body) {
        try {
            JsonNode zone = JSON.readTree(body).path("timeZone");
            return zone.isTextual() ? zone.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The fields to ask for: ours, and the service and deployment fields, named by id or (through the field list) by name. */
    private List<String> fields() {
        List<String> configured = new ArrayList<>();
        String from = source.service().from();
        if (!from.equals(JiraService.COMPONENTS) && !from.equals(JiraService.LABELS)) {
            configured.add(from);
        }
        if (source.deploymentField() != null) {
            configured.add(source.deploymentField());
        }
        Set<String> fields = new LinkedHashSet<>(FIELDS);
        List<JsonNode> siteFields = configured.stream().allMatch(JiraFields::isId) ? List.of()
                : paginator.whole(JiraPages.fields(pages), "/rest/api/2/field", "fields");
        for (String field : configured) {
            try {
                fields.add(JiraFields.resolve(field, siteFields));
            } catch (RecordProblem problem) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "source " + source.sourceName() + ": " + problem.getMessage());
            }
        }
        return List.copyOf(fields);
    }

    /** The search's first page: the JQL's issues updated since {@code since} (all when null), oldest created first. */
    static String searchPath(JiraSource source, Instant since, ZoneId zone, List<String> fields) {
        StringBuilder jql = new StringBuilder("(").append(source.jql()).append(")");
        if (since != null) {
            Instant from = zone == null ? since.minus(UNKNOWN_ZONE_MARGIN) : since;
            // Floored to the minute: JQL has no seconds, and asking a little early only repeats what the overlap repeats.
            jql.append(" AND updated >= \"").append(JQL_TIME.format(from.atZone(zone == null ? ZoneOffset.UTC : zone)
                    .truncatedTo(ChronoUnit.MINUTES))).append('"');
        }
        // Creation order is stable while the pages are read: an issue updated meanwhile keeps its place.
        jql.append(" ORDER BY created ASC, key ASC");
        String query = "jql=" + encode(jql.toString()) + "&fields=" + encode(String.join(",", fields)) + "&expand=changelog&maxResults="
                + source.pageSize();
        return source.deployment() == JiraDeployment.CLOUD ? "/rest/api/3/search/jql?" + query : "/rest/api/2/search?" + query + "&startAt=0";
    }

    static BodyPaging searchPaging(JiraSource source) {
        return source.deployment() == JiraDeployment.CLOUD ? BodyPaging.nextPageToken("issues") : BodyPaging.startAt("issues");
    }

    /** The pages this run fetched, all listings together. */
    private int fetched() {
        return paginator.fetched() + searchPaginator.fetched() + changelogPaginator.fetched();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** An issue's update time, for the watermark; null when it has none (normalize rejects it). */
    private static Instant updated(JsonNode issue) {
        try {
            return JiraFields.time(issue.path("fields"), "updated");
        } catch (RecordProblem problem) {
            return null;
        }
    }

    /**
     * Asks for the whole changelog of each issue whose search result holds only part of it: those this search found,
     * and those of earlier searches whose changelog was never stored (a run that stopped before it).
     */
    private int changelogs(List<JsonNode> found, ScopeFailures failures) {
        Set<String> foundNow = new HashSet<>();
        for (JsonNode issue : found) {
            if (issue.path("key").isTextual()) {
                foundNow.add(issue.get("key").asText());
            }
        }
        int asked = 0;
        for (Element issue : JiraPages.latestIssues(pages, (problem, text) -> { }).values()) {
            JsonNode node = issue.node();
            if (!node.path("key").isTextual() || !JiraPages.isIssueKey(node.get("key").asText())
                    || !JiraPages.changelogTruncated(node)) {
                continue;
            }
            String key = node.get("key").asText();
            if (!foundNow.contains(key) && pages.exists(JiraPages.changelog(pages, key))) {
                continue;
            }
            String version = source.deployment() == JiraDeployment.CLOUD ? "3" : "2";
            try {
                changelogPaginator.whole(JiraPages.changelog(pages, key), "/rest/api/" + version + "/issue/" + key + "/changelog?startAt=0&maxResults="
                        + CHANGELOG_PAGE_SIZE, key + " changelog");
                asked++;
            } catch (DoraException e) {
                // Part of a changelog would pass for all of it: dropped, so that normalize flags it and the next run asks again.
                pages.delete(JiraPages.changelog(pages, key));
                failures.add(e.getMessage() + " (" + key + ": its changelog as the search gave it is used until a collect gets it)");
            }
        }
        return asked;
    }
}
