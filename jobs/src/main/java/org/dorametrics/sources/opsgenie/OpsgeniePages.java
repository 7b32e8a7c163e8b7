package org.dorametrics.sources.opsgenie;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.OpsgenieKind;
import org.dorametrics.config.DoraConfig.OpsgenieSource;
import org.dorametrics.sources.http.BodyPaging;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.table.OutputLocation;

/**
 * Where an Opsgenie source's pages live in the raw zone: {@code <output>/raw/opsgenie/<name>/incidents/records/} or
 * {@code .../alerts/records/} (incremental fetches: the listings newest first, and the records asked again one by one
 * while open), and {@code .../account/teams/page-0001.json} (the account's teams, to map team names).
 */
final class OpsgeniePages {
    static final String TEAMS = "teams";
    /** A listing's records and a single record asked alone are both in {@code data}. */
    static final List<String> RECORD_FIELDS = List.of("data");
    static final BodyPaging PAGING = BodyPaging.nextUrlAt("/paging/next", "data");

    private OpsgeniePages() {}

    static PageStore store(OutputLocation output, OpsgenieSource source) {
        return new PageStore(output, source.sourceName(), output.raw("opsgenie", RawZone.folderName(source.name())));
    }

    static Path records(PageStore store, OpsgenieSource source) {
        return store.folder(source.kind() == OpsgenieKind.ALERTS ? "alerts" : "incidents", "records");
    }

    static Path teams(PageStore store) {
        return store.folder("account", TEAMS);
    }

    /** The API path of a kind's records: {@code /v1/incidents} or {@code /v2/alerts}. */
    static String api(OpsgenieSource source) {
        return source.kind() == OpsgenieKind.ALERTS ? "/v2/alerts" : "/v1/incidents";
    }
}
