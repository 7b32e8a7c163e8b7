package org.dorametrics.sources.pagerduty;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.PagerDutySource;
import org.dorametrics.sources.http.BodyPaging;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.table.OutputLocation;

/**
 * Where a PagerDuty source's pages live in the raw zone: {@code <output>/raw/pagerduty/<name>/<service id>/incidents/}
 * (incremental fetches: the listings by creation time, and the incidents asked again one by one while open), and
 * {@code .../log_entries/<incident id>/page-0001.json} (the overview log entries of a resolved incident whose body
 * lacks {@code resolved_at}).
 */
final class PagerDutyPages {
    static final String INCIDENTS = "incidents";
    /** PagerDuty's classic pagination serves offset + limit up to 10,000. */
    static final int MAX_DEPTH = 10_000;
    /** A listing page holds {@code incidents} or {@code log_entries}; an incident asked alone is {@code incident}. */
    static final List<String> RECORD_FIELDS = List.of("incidents", "incident", "log_entries");
    static final BodyPaging PAGING = BodyPaging.offset(MAX_DEPTH, RECORD_FIELDS.toArray(String[]::new));

    private PagerDutyPages() {}

    static PageStore store(OutputLocation output, PagerDutySource source) {
        return new PageStore(output, source.sourceName(), output.raw("pagerduty", RawZone.folderName(source.name())));
    }

    static Path incidents(PageStore store, String serviceId) {
        return store.folder(serviceId, INCIDENTS);
    }

    static Path logEntries(PageStore store, String serviceId, String incidentId) {
        return store.folder(serviceId, "log_entries/" + incidentId);
    }
}
