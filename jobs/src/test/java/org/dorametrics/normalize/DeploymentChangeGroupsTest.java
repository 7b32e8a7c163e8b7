package org.dorametrics.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dorametrics.config.DoraConfig.ChangeStart;
import org.dorametrics.config.DoraConfig.Rules;
import org.dorametrics.normalize.DeploymentChangeLinker.LinkedDeployment;
import org.dorametrics.normalize.NormalizeStage.DeploymentChanges;
import org.junit.jupiter.api.Test;

/** The deployment_changes rows normalize's groups make, in the tasks that write them. */
class DeploymentChangeGroupsTest {
    private static final Instant DEPLOYED = Instant.parse("2026-03-02T12:00:00Z");

    @Test
    void aDeploymentOfAWholeHistoryIsSeveralGroupsOfItsRows() {
        List<Commit> history = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // The last nine were committed after the deployment finished (clock skew): their lead times are clamped to 0.
            history.add(commit(i, DEPLOYED.minusSeconds(19_990 - i)));
        }
        PullRequest pullRequest = new PullRequest("api", 7, PullRequest.GIT, sha(1), sha(2), List.of(sha(1), sha(2)), "A",
                DEPLOYED.minusSeconds(50_000), DEPLOYED.minusSeconds(40_000), null, null);
        DeploymentChangeLinker linker = new DeploymentChangeLinker(new Rules(Pattern.compile("^prod$"), Pattern.compile("hotfix"),
                Duration.ofHours(24), Duration.ofDays(30), ChangeStart.PR_FIRST_COMMIT, 0.05),
                commit -> commit.sha().equals(sha(1)) || commit.sha().equals(sha(2)) ? pullRequest : null);
        Deployment deployment = new Deployment("d1", "test", null, "api", "prod", true, Deployment.Status.SUCCESS,
                DEPLOYED.minusSeconds(300), DEPLOYED, "api", sha(19_999), null, null, null, List.of(), "{}");
        LinkedDeployment baseline = new LinkedDeployment(deployment, null, true, false, true, false, history);

        List<DeploymentChanges> groups = NormalizeStage.deploymentChangeGroups(List.of(baseline), linker);

        assertEquals(List.of(8_192, 8_192, 3_616), groups.stream().map(DeploymentChanges::size).toList());
        List<Row> rows = groups.stream().flatMap(group -> group.rows().stream()).toList();
        assertEquals(20_000, rows.size());
        assertEquals(RowFactory.create("d1", "api", "prod", true, "api", sha(0), null, DEPLOYED.minusSeconds(19_990), DEPLOYED,
                19_990L, false, true), rows.get(0));
        // A change of a pull request starts at the request's first commit.
        assertEquals(RowFactory.create("d1", "api", "prod", true, "api", sha(2), 7L, DEPLOYED.minusSeconds(50_000), DEPLOYED,
                50_000L, false, true), rows.get(2));
        assertEquals(RowFactory.create("d1", "api", "prod", true, "api", sha(19_999), null, DEPLOYED.plusSeconds(9), DEPLOYED,
                0L, true, true), rows.get(19_999));
        assertEquals(history.stream().map(Commit::sha).toList(), rows.stream().map(row -> row.getString(5)).toList());
    }

    private static Commit commit(int number, Instant time) {
        return new Commit("api", sha(number), number == 0 ? List.of() : List.of(sha(number - 1)), "A", "a@x", time, 0, "C", "c@x",
                time, 0, "change " + number, null);
    }

    private static String sha(int number) {
        return "%040x".formatted(number);
    }
}
