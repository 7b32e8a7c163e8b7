package org.dorametrics.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an incident issue's body names as its cause: the first deployment, commit and pull request, each optional. */
class IssueReferencesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            run URL of another repository  | see https://github.com/acme/web/actions/runs/812 and deployment 4                | github:acme/web:run/812  | -    | -
            deployments API URL            | https://api.github.com/repos/acme/payments/deployments/9001                      | github:acme/payments:9001 | -   | -
            the words                      | Deployment #77 broke checkout                                                    | github:acme/payments:77  | -    | -
            commit URL, short id           | reverted https://github.com/acme/payments/commit/9FCEB02 in #12                  | -                        | 9fceb02 | 12
            pull request URL before #n     | https://github.com/acme/payments/pull/5 then #6                                  | -                        | -    | 5
            an anchor is no pull request   | see https://example.com/page#3 or a&#39;s                                        | -                        | -    | -
            nothing                        | Checkout is slow                                                                 | -                        | -    | -
            """)
    void findsTheFirstOfEachKind(String name, String body, String deployment, String commit, Long pullRequest) {
        IssueReferences references = IssueReferences.in(body, GitHubFixtures.payments());
        assertEquals(deployment, references.deployment());
        assertEquals(commit, references.commit());
        assertEquals(pullRequest, references.pullRequest());
    }
}
