package org.dorametrics.sources.github;

import static org.dorametrics.sources.github.FakeGitHub.json;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dorametrics.config.DoraConfig.DeploymentsFrom;
import org.dorametrics.config.DoraConfig.GitHubRepository;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.testing.FakeApiServer;

/**
 * The payloads of src/test/resources/github (written from GitHub's REST reference) served as GitHub would, page
 * size 3: acme/payments, a week of deployments and pull requests (see the README there), and acme/broken, one bad
 * payload per record.
 */
final class GitHubFixtures {
    static final String PAYMENTS = "/repos/acme/payments";
    static final String BROKEN = "/repos/acme/broken";
    static final String DEPLOYMENTS_PAGE_1 = PAYMENTS + "/deployments?per_page=3";
    static final String DEPLOYMENTS_PAGE_2 = PAYMENTS + "/deployments?per_page=3&page=2";
    static final String DEPLOYMENTS_PAGE_3 = PAYMENTS + "/deployments?per_page=3&page=3";
    /** Made-up commit ids for the payloads' {c1}… placeholders when no real repository is behind them. */
    static final Map<String, String> SHAS = Map.of("c1", "c1".repeat(20), "f1", "f1".repeat(20), "f2", "f2".repeat(20),
            "m", "aa".repeat(20), "s", "5b".repeat(20), "d", "dd".repeat(20), "e", "ee".repeat(20));

    private GitHubFixtures() {}

    static GitHubSource source(String baseUrl, GitHubRepository... repositories) {
        return new GitHubSource("github", URI.create(baseUrl), "GITHUB_TOKEN", null, null, List.of(repositories), true, true, 3,
                Duration.ofDays(1));
    }

    static GitHubRepository payments() {
        return repository("payments", "payments-api");
    }

    static GitHubRepository broken() {
        return repository("broken", "broken-api");
    }

    /** acme/{name}, mapped to repo {name}, deploying one service through the Deployments API, no incidents. */
    static GitHubRepository repository(String name, String service) {
        return new GitHubRepository("acme", name, name, service, DeploymentsFrom.DEPLOYMENTS_API, List.of(), null);
    }

    static FakeApiServer withShas(FakeApiServer github, Map<String, String> shas) {
        shas.forEach(github::set);
        return github;
    }

    /** Every endpoint of acme/payments, each page with an ETag so that a re-run can be answered 304. */
    static FakeApiServer servePayments(FakeApiServer github) {
        github.on(DEPLOYMENTS_PAGE_1, json("acme-payments/deployments-1.json").etag("W/\"deployments-1\"").next(DEPLOYMENTS_PAGE_2));
        github.on(DEPLOYMENTS_PAGE_2, json("acme-payments/deployments-2.json").etag("W/\"deployments-2\"").next(DEPLOYMENTS_PAGE_3));
        github.on(DEPLOYMENTS_PAGE_3, json("acme-payments/deployments-3.json").etag("W/\"deployments-3\""));
        for (int id = 1001; id <= 1007; id++) {
            github.on(PAYMENTS + "/deployments/" + id + "/statuses?per_page=3",
                    json("acme-payments/statuses-" + id + ".json").etag("W/\"statuses-" + id + "\""));
        }
        String pulls = PAYMENTS + "/pulls?state=all&sort=updated&direction=desc&per_page=3";
        github.on(pulls, json("acme-payments/pulls-1.json").etag("W/\"pulls-1\"").next(pulls + "&page=2"));
        github.on(pulls + "&page=2", json("acme-payments/pulls-2.json").etag("W/\"pulls-2\""));
        for (int number : new int[] {7, 8}) {
            github.on(PAYMENTS + "/pulls/" + number + "/reviews?per_page=3", json("acme-payments/reviews-" + number + ".json").etag("W/\"r" + number + "\""));
            github.on(PAYMENTS + "/pulls/" + number + "/commits?per_page=3", json("acme-payments/commits-" + number + ".json").etag("W/\"c" + number + "\""));
        }
        github.on(PAYMENTS + "/pulls/comments?sort=updated&direction=asc&per_page=3", json("acme-payments/review-comments.json").etag("W/\"rc\""));
        github.on(PAYMENTS + "/issues/comments?sort=updated&direction=asc&per_page=3", json("acme-payments/issue-comments.json").etag("W/\"ic\""));
        return github;
    }

    /** acme/broken: deployments and pull requests that are each wrong in one way. */
    static FakeApiServer serveBroken(FakeApiServer github) {
        github.on(BROKEN + "/deployments?per_page=3", json("acme-broken/deployments.json"));
        for (int id : new int[] {2001, 2003, 2004, 2007}) {
            github.on(BROKEN + "/deployments/" + id + "/statuses?per_page=3", json("acme-broken/statuses-other.json"));
        }
        for (int id : new int[] {2005, 2006, 2008}) {
            github.on(BROKEN + "/deployments/" + id + "/statuses?per_page=3", json("acme-broken/statuses-" + id + ".json"));
        }
        github.on(BROKEN + "/pulls?state=all&sort=updated&direction=desc&per_page=3", json("acme-broken/pulls.json"));
        for (int number : new int[] {3, 4, 5}) {
            github.on(BROKEN + "/pulls/" + number + "/reviews?per_page=3", json(number == 5 ? "acme-broken/reviews-5.json" : "empty.json"));
            github.on(BROKEN + "/pulls/" + number + "/commits?per_page=3", json(number == 5 ? "acme-broken/commits-5.json" : "empty.json"));
        }
        github.on(BROKEN + "/pulls/comments?sort=updated&direction=asc&per_page=3", json("empty.json"));
        github.on(BROKEN + "/issues/comments?sort=updated&direction=asc&per_page=3", json("empty.json"));
        return github;
    }
}
