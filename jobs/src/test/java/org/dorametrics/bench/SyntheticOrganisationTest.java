package org.dorametrics.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated organisation holds what normalize guarantees of its tables, which the metrics stage and the DuckDB
 * baseline rely on: every deployment change comes from a successful deployment and repeats its service, environment,
 * production flag and finish time, and a deployment's change_count is its number of changes.
 */
class SyntheticOrganisationTest {
    @TempDir
    Path folder;

    @Test
    void deploymentChangesAreThoseOfSuccessfulDeploymentsAndRepeatTheirColumns() {
        // 10,007 changes over 1,900 successful deployments: 5 or 6 each, not a whole number.
        SyntheticOrganisation.Size size = new SyntheticOrganisation.Size(3, 7, 2_000, 10_007, 300, 1, LocalDate.of(2026, 11, 25));
        OutputLocation output = OutputLocation.open(folder.toString(), TestSpark.session().sparkContext().hadoopConfiguration());
        new SyntheticOrganisation(TestSpark.session(), size).writeTables(output);
        SparkSession spark = TestSpark.session();
        TableReader.read(spark, output, TableSchemas.DEPLOYMENTS).createOrReplaceTempView("generated_deployments");
        TableReader.read(spark, output, TableSchemas.DEPLOYMENT_CHANGES).createOrReplaceTempView("generated_changes");

        Row counts = spark.sql("""
                SELECT count(*), count_if(d.deployment_id IS NULL), count_if(d.status <> 'success'),
                       count_if(c.service <> d.service OR c.environment <> d.environment OR c.is_production <> d.is_production
                                OR c.deployed_at <> d.finished_at)
                FROM generated_changes c LEFT JOIN generated_deployments d USING (deployment_id)
                """).first();
        assertEquals(10_007L, counts.getLong(0), "every change generated");
        assertEquals(0L, counts.getLong(1), "changes of no deployment");
        assertEquals(0L, counts.getLong(2), "changes of a deployment that did not succeed");
        assertEquals(0L, counts.getLong(3), "changes that do not repeat their deployment's columns");

        Row deployments = spark.sql("""
                SELECT count(*), count_if(status = 'failure'), count_if(change_count <> coalesce(changes, 0)),
                       min(CASE WHEN status = 'success' THEN change_count END), max(change_count)
                FROM generated_deployments d
                LEFT JOIN (SELECT deployment_id, count(*) AS changes FROM generated_changes GROUP BY deployment_id) c USING (deployment_id)
                """).first();
        assertEquals(2_000L, deployments.getLong(0));
        assertEquals(100L, deployments.getLong(1), "one deployment in twenty fails");
        assertEquals(0L, deployments.getLong(2), "deployments whose change_count is not their number of changes");
        assertEquals(5, deployments.getInt(3));
        assertEquals(6, deployments.getInt(4));
    }
}
