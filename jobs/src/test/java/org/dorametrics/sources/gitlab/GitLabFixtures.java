package org.dorametrics.sources.gitlab;

import static org.dorametrics.sources.gitlab.FakeGitLab.json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.testing.FakeApiServer;

/**
 * The payloads of src/test/resources/gitlab (written from GitLab's REST API v4 reference) served as GitLab would, page
 * size 3: acme/payments, a week of deployments, pipelines, merge requests and incidents (see the README there), and
 * acme/broken, one fault per record.
 */
final class GitLabFixtures {
    static final String PAYMENTS = "/projects/acme%2Fpayments";
    static final String BROKEN = "/projects/acme%2Fbroken";
    static final String DEPLOYMENTS = PAYMENTS + "/deployments?order_by=updated_at&sort=asc&per_page=3";
    static final String DEPLOYMENTS_PAGE_2 = DEPLOYMENTS + "&page=2";
    static final String DEPLOYMENTS_PAGE_3 = DEPLOYMENTS + "&page=3";
    /** What a second run asks: since the latest updated_at seen (17's, Wed 11:02) less the day of overlap. */
    static final String DEPLOYMENTS_SINCE = DEPLOYMENTS + "&updated_after=2026-03-03T11:02:00Z";
    static final String MERGE_REQUESTS = PAYMENTS + "/merge_requests?state=merged&order_by=updated_at&sort=asc&per_page=3";
    static final String NOTES_7 = PAYMENTS + "/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=3";
    /** The second page of !7's notes as a keyset (cursor) link names it. */
    static final String NOTES_7_CURSOR = PAYMENTS + "/merge_requests/7/notes?cursor=eyJpZCI6IjcwMDMifQ%3D%3D&order_by=created_at&per_page=3&sort=asc";
    static final String INCIDENTS = PAYMENTS + "/issues?issue_type=incident&scope=all&order_by=updated_at&sort=asc&per_page=3";
    static final String PIPELINES = PAYMENTS + "/pipelines?ref=main&source=push&order_by=updated_at&sort=asc&per_page=3";
    /** Made-up commit ids for the payloads' {c1}… placeholders when no real repository is behind them. */
    static final Map<String, String> SHAS = Map.of("c1", "c1".repeat(20), "f1", "f1".repeat(20), "f2", "f2".repeat(20), "m", "aa".repeat(20),
            "s", "5b".repeat(20), "d", "dd".repeat(20), "e", "ee".repeat(20), "h8", "8b".repeat(20), "x1", "a1".repeat(20), "x2", "a2".repeat(20));

    private GitLabFixtures() {}

    /**
     * A config with one GitLab source on the server: acme/payments (service payments-api) and, when asked, acme/broken,
     * whose environments map production to broken-api and review apps to broken-web.
     */
    static DoraConfig config(Path folder, String baseUrl, boolean broken, String sourceExtra) throws IOException {
        Path file = Files.writeString(folder.resolve("dora.yaml"), """
                output: out
                repos: [{name: payments, path: git/payments.git}, {name: broken, path: git/broken.git}]
                services: [{name: payments-api, repo: payments}, {name: broken-api, repo: broken}, {name: broken-web, repo: broken}]
                teams: [{name: payments, services: [payments-api, broken-api, broken-web]}]
                sources:
                  gitlab:
                    - base_url: %s
                      token_env: GITLAB_TOKEN
                      page_size: 3
                      incidents: {}
                      projects:
                        - {gitlab: acme/payments, repo: payments, service: payments-api}
                %s
                %s
                """.formatted(baseUrl, broken ? "        - {gitlab: acme/broken, repo: broken, environments: {production: broken-api, \"review/.*\": broken-web}}" : "",
                sourceExtra.indent(6)));
        return ConfigLoader.withEnvironment(Map.of()).read(file);
    }

    static FakeApiServer withShas(FakeApiServer gitlab, Map<String, String> shas) {
        shas.forEach(gitlab::set);
        return gitlab;
    }

    /** Every endpoint of acme/payments: deployments over three offset pages, !7's notes over a keyset (cursor) link. */
    static FakeApiServer servePayments(FakeApiServer gitlab) {
        gitlab.on(DEPLOYMENTS, json("acme-payments/deployments-1.json").next(DEPLOYMENTS_PAGE_2));
        gitlab.on(DEPLOYMENTS_PAGE_2, json("acme-payments/deployments-2.json").next(DEPLOYMENTS_PAGE_3));
        gitlab.on(DEPLOYMENTS_PAGE_3, json("acme-payments/deployments-3.json"));
        gitlab.on(MERGE_REQUESTS, json("acme-payments/merge-requests.json"));
        for (int iid : new int[] {7, 8}) {
            gitlab.on(PAYMENTS + "/merge_requests/" + iid + "/commits?per_page=3", json("acme-payments/mr-" + iid + "-commits.json").etag("W/\"c" + iid + "\""));
        }
        // Keyset pagination answers with a cursor and rel="next" only: no page numbers, no rel="last".
        gitlab.on(NOTES_7, json("acme-payments/mr-7-notes-1.json").header("Link", "<{base}" + NOTES_7_CURSOR + ">; rel=\"next\""));
        gitlab.on(NOTES_7_CURSOR, json("acme-payments/mr-7-notes-2.json"));
        gitlab.on(PAYMENTS + "/merge_requests/8/notes?sort=asc&order_by=created_at&per_page=3", json("acme-payments/mr-8-notes.json"));
        gitlab.on(INCIDENTS, json("acme-payments/incidents.json"));
        gitlab.on(PIPELINES, json("acme-payments/pipelines.json"));
        gitlab.on(PAYMENTS + "/pipelines/401", json("acme-payments/pipeline-401.json"));
        gitlab.on(PAYMENTS + "/pipelines/402", json("acme-payments/pipeline-402.json"));
        return gitlab;
    }

    /** acme/broken: deployments, merge requests and incidents that are each wrong in one way. */
    static FakeApiServer serveBroken(FakeApiServer gitlab) {
        gitlab.on(BROKEN + "/deployments?order_by=updated_at&sort=asc&per_page=3", json("acme-broken/deployments.json"));
        gitlab.on(BROKEN + "/merge_requests?state=merged&order_by=updated_at&sort=asc&per_page=3", json("acme-broken/merge-requests.json"));
        for (int iid : new int[] {3, 4, 5, 6}) {
            gitlab.on(BROKEN + "/merge_requests/" + iid + "/commits?per_page=3", json("empty.json"));
            gitlab.on(BROKEN + "/merge_requests/" + iid + "/notes?sort=asc&order_by=created_at&per_page=3",
                    json(iid == 5 ? "acme-broken/mr-5-notes.json" : "empty.json"));
        }
        gitlab.on(BROKEN + "/pipelines?ref=main&source=push&order_by=updated_at&sort=asc&per_page=3", json("empty.json"));
        gitlab.on(BROKEN + "/issues?issue_type=incident&scope=all&order_by=updated_at&sort=asc&per_page=3", json("acme-broken/incidents.json"));
        return gitlab;
    }
}
