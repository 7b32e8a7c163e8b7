package org.dorametrics.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.job.SparkSessions;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableSchemas;
import org.dorametrics.table.TableWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A deterministic organisation at any size, written as the tables normalize produces (deployments, deployment_changes,
 * incidents, changes) under OUT/tables, with the config that owns its services (OUT/dora.yaml): the input of the
 * metrics stage without the git and API sources behind it. Every value is a hash of the row's number, so a size
 * gives the same tables on any machine and partitioning. As from normalize, only successful deployments deliver
 * changes: one deployment in twenty fails (rows 19, 39, ...), and the deployment changes are shared out in order
 * among the others, the j-th successful deployment taking rows {@code ceil(j * N / S) .. ceil((j + 1) * N / S) - 1}
 * of N changes and S successful deployments, so that a change's deployment, service and time are computed from its
 * row number without a join.
 */
public final class SyntheticOrganisation {
    /** Deployment rows {@code FAILING_ONE_IN - 1}, {@code 2 * FAILING_ONE_IN - 1}, ... fail. */
    private static final int FAILING_ONE_IN = 20;
    /** The sizes of an organisation. */
    public record Size(int teams, int services, long deployments, long deploymentChanges, long incidents, int years, LocalDate asOf) {
        public Size {
            if (teams < 1 || services < teams || deployments < 1 || deploymentChanges < deployments || incidents < 1 || years < 1) {
                throw new IllegalArgumentException("expected 1 <= teams <= services, 1 <= deployments <= deployment changes, "
                        + "incidents >= 1 and years >= 1, got " + this);
            }
        }

        long successfulDeployments() {
            return deployments - deployments / FAILING_ONE_IN;
        }
    }

    private final SparkSession spark;
    private final Size size;

    public SyntheticOrganisation(SparkSession spark, Size size) {
        this.spark = spark;
        this.size = size;
    }

    public static String serviceName(long service) {
        return "svc-%05d".formatted(service);
    }

    public static String teamName(long team) {
        return "team-%04d".formatted(team);
    }

    /** Team t owns the services s with s % teams == t. */
    public String config(Path output) {
        StringBuilder yaml = new StringBuilder("# Organisation written by org.dorametrics.bench.SyntheticOrganisation.\n")
                .append("output: \"").append(output.toAbsolutePath()).append("\"\n")
                .append("reporting: {timezone: UTC, week_start: MONDAY, benchmark: \"2024\", trailing_weeks: 12, min_samples: 5}\n")
                .append("repos:\n  - {name: monorepo, path: \".\", branches: [main]}\n")
                .append("services:\n");
        for (int s = 0; s < size.services(); s++) {
            yaml.append("  - {name: ").append(serviceName(s)).append(", repo: monorepo}\n");
        }
        yaml.append("teams:\n");
        for (int t = 0; t < size.teams(); t++) {
            final int team = t;
            yaml.append("  - {name: ").append(teamName(t)).append(", services: [")
                    .append(IntStream.range(0, size.services()).filter(s -> s % size.teams() == team)
                            .mapToObj(SyntheticOrganisation::serviceName).collect(Collectors.joining(", ")))
                    .append("]}\n");
        }
        return yaml.toString();
    }

    /** Writes the tables under output's tables folder. */
    public void writeTables(OutputLocation output) {
        write(output, TableSchemas.DEPLOYMENTS, deployments());
        write(output, TableSchemas.DEPLOYMENT_CHANGES, deploymentChanges());
        write(output, TableSchemas.INCIDENTS, incidents());
        write(output, TableSchemas.CHANGES, changes());
        writeIncidentDeployments(output);
    }

    /**
     * No incident is attributed to a deployment: the synthetic incidents name none, and their failed deployments are
     * drawn apart from them. The table is there because the report reads it, as after normalize.
     */
    private void writeIncidentDeployments(OutputLocation output) {
        write(output, TableSchemas.INCIDENT_DEPLOYMENTS, spark.createDataFrame(List.of(), TableSchemas.load(TableSchemas.INCIDENT_DEPLOYMENTS)));
    }

    /** A number in [0, modulus) from the row number and a salt, the same on every machine. */
    private static String hash(String row, int salt, long modulus) {
        return "pmod(xxhash64(" + row + ", " + salt + "), " + modulus + "L)";
    }

    private long spanSeconds() {
        return size.years() * 365L * 86_400L;
    }

    private String startEpochSecond() {
        return Long.toString(size.asOf().plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) - spanSeconds());
    }

    /** The columns of deployment number {@code row}; deployment_changes recomputes the ones it repeats. */
    private String[] deploymentColumns(String row, String... more) {
        List<String> columns = new ArrayList<>(List.of(
                "concat('deploy-', %s) AS deployment_id".formatted(row),
                "concat('svc-', lpad(CAST(%s AS STRING), 5, '0')) AS service".formatted(hash(row, 1, size.services())),
                "CASE WHEN %s < 8 THEN 'production' ELSE 'staging' END AS environment".formatted(hash(row, 2, 10)),
                "%s < 8 AS is_production".formatted(hash(row, 2, 10)),
                "CASE WHEN %s %% %d = %d THEN 'failure' ELSE 'success' END AS status".formatted(row, FAILING_ONE_IN, FAILING_ONE_IN - 1),
                "timestamp_seconds(%s + %s) AS finished_at".formatted(startEpochSecond(), hash(row, 4, spanSeconds()))));
        columns.addAll(List.of(more));
        return columns.toArray(String[]::new);
    }

    private Dataset<Row> deployments() {
        return spark.range(size.deployments()).selectExpr(deploymentColumns("id", "id",
                        "%s < 10 AS failed_draw".formatted(hash("id", 5, 100)),
                        "%s < 5 AS rework_draw".formatted(hash("id", 6, 100)),
                        hash("id", 7, 86_400) + " + 60 AS recovery_draw"))
                .selectExpr("*",
                        "'bench' AS source", "timestamp_seconds(unix_seconds(finished_at) - 300) AS started_at",
                        "'monorepo' AS repo", "sha1(CAST(id AS STRING)) AS revision_sha", "true AS revision_found",
                        "CAST(NULL AS STRING) AS url", "'push' AS trigger", "'main' AS branch",
                        "CAST(array() AS ARRAY<STRING>) AS labels", "CAST(NULL AS STRING) AS previous_deployment_id",
                        "CAST(CASE WHEN status = 'success' THEN %s - %s ELSE 0 END AS INT) AS change_count".formatted(
                                firstChange("id - id DIV " + FAILING_ONE_IN + " + 1"), firstChange("id - id DIV " + FAILING_ONE_IN)),
                        "false AS is_baseline", "false AS is_rollback", "rework_draw AS is_hotfix",
                        "rework_draw AND status = 'success' AS is_rework",
                        "failed_draw AND status = 'success' AS is_failed",
                        "CASE WHEN failed_draw AND status = 'success' THEN array('incident') ELSE CAST(array() AS ARRAY<STRING>) END AS failure_reasons",
                        "CASE WHEN failed_draw AND status = 'success' THEN timestamp_seconds(unix_seconds(finished_at) + recovery_draw) END AS recovered_at",
                        "CASE WHEN failed_draw AND status = 'success' THEN recovery_draw END AS recovery_seconds",
                        "false AS recovery_clamped");
    }

    /** The first change row of the successful deployment number {@code successful}: ceil(successful * N / S). */
    private String firstChange(String successful) {
        return "((%s) * %dL + %dL) DIV %dL".formatted(successful, size.deploymentChanges(), size.successfulDeployments() - 1,
                size.successfulDeployments());
    }

    private Dataset<Row> deploymentChanges() {
        // The successful deployment a change row belongs to, floor(row * S / N), and that deployment's row number.
        String successful = "(id * %dL DIV %dL)".formatted(size.successfulDeployments(), size.deploymentChanges());
        String deployment = "(%1$s + %1$s DIV %2$d)".formatted(successful, FAILING_ONE_IN - 1);
        return spark.range(size.deploymentChanges())
                .selectExpr(deploymentColumns(deployment, "id", hash("id", 8, 14 * 86_400) + " AS lead_time_seconds"))
                .selectExpr("*", "'monorepo' AS repo", "sha1(concat('change-', id)) AS sha",
                        "CAST(NULL AS BIGINT) AS pr_number", "finished_at AS deployed_at",
                        "timestamp_seconds(unix_seconds(finished_at) - lead_time_seconds) AS change_start",
                        "false AS lead_time_clamped", "false AS is_baseline");
    }

    private Dataset<Row> incidents() {
        return spark.range(size.incidents())
                .selectExpr("id", "concat('INC-', id) AS incident_id", "'bench' AS source",
                        "array(concat('svc-', lpad(CAST(%s AS STRING), 5, '0'))) AS services".formatted(hash("id", 9, size.services())),
                        "'SEV2' AS severity",
                        "timestamp_seconds(%s + %s) AS opened_at".formatted(startEpochSecond(), hash("id", 10, spanSeconds())),
                        "CASE WHEN %s < 98 THEN %s + 60 END AS restore_seconds".formatted(hash("id", 11, 100), hash("id", 12, 2 * 86_400)),
                        "CAST(NULL AS STRING) AS title", "CAST(NULL AS STRING) AS deployment_ref", "CAST(NULL AS STRING) AS commit_ref",
                        "CAST(NULL AS BIGINT) AS pr_ref", "CAST(NULL AS STRING) AS url")
                .selectExpr("*", "timestamp_seconds(unix_seconds(opened_at) + restore_seconds) AS resolved_at")
                .where("resolved_at IS NULL OR resolved_at < timestamp_seconds(" + startEpochSecond() + " + " + spanSeconds() + ")");
    }

    /** One commit per deployment, one in twenty never reaching production. */
    private Dataset<Row> changes() {
        return spark.range(size.deployments())
                .selectExpr("id", "'monorepo' AS repo", "sha1(concat('commit-', id)) AS sha", "CAST(array() AS ARRAY<STRING>) AS parent_shas",
                        "false AS is_merge", "'Ada' AS author_name", "'ada@example.com' AS author_email",
                        "timestamp_seconds(%s + %s) AS author_time".formatted(startEpochSecond(), hash("id", 13, spanSeconds())),
                        "0 AS author_utc_offset_minutes", "'Ada' AS committer_name", "'ada@example.com' AS committer_email",
                        "0 AS committer_utc_offset_minutes", "'Change' AS subject", "'Change' AS message",
                        "CAST(array() AS ARRAY<STRUCT<key: STRING, value: STRING>>) AS trailers", "CAST(NULL AS BIGINT) AS pr_number",
                        "CAST(NULL AS STRING) AS reverted_sha", "CAST(NULL AS ARRAY<STRING>) AS changed_paths",
                        "array(concat('svc-', lpad(CAST(%s AS STRING), 5, '0'))) AS services".formatted(hash("id", 14, size.services())),
                        hash("id", 15, 20) + " = 0 AS undeployed")
                .selectExpr("*", "author_time AS committer_time",
                        "CASE WHEN undeployed THEN CAST(array() AS ARRAY<STRING>) ELSE services END AS in_production_services");
    }

    /**
     * The columns of the table's schema file, in its order and types, published as the job publishes that table (its
     * month partitions derived by the writer, in the config's UTC), so the metrics stage reads the layout it reads in
     * production.
     */
    private void write(OutputLocation output, String table, Dataset<Row> rows) {
        StructType schema = TableSchemas.load(table);
        List<String> produced = List.of(rows.columns());
        List<Column> columns = new ArrayList<>();
        for (StructField field : schema.fields()) {
            if (!produced.contains(field.name())) {
                continue; // a month partition column, which the writer derives
            }
            // Arrays are built with their element type; a cast could only change their nullability, which Spark refuses.
            Column column = functions.col(field.name());
            columns.add((field.dataType() instanceof ArrayType ? column : column.cast(field.dataType())).as(field.name()));
        }
        new TableWriter(spark, output, Map.of("generated_by", "scripts/bench", "as_of", size.asOf().toString()), ZoneOffset.UTC)
                .write(table, rows.select(columns.toArray(Column[]::new)));
    }

    @Command(name = "organisation", description = "Write a deterministic organisation's normalized tables and config.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Folder for OUT/dora.yaml and OUT/tables.")
        Path out;

        @Option(names = "--teams", defaultValue = "2000") int teams;
        @Option(names = "--services", defaultValue = "10000") int services;
        @Option(names = "--deployments", defaultValue = "10000000") long deployments;
        @Option(names = "--deployment-changes", defaultValue = "50000000") long deploymentChanges;
        @Option(names = "--incidents", defaultValue = "1000000") long incidents;
        @Option(names = "--years", defaultValue = "5") int years;
        @Option(names = "--as-of", defaultValue = "2026-11-25") LocalDate asOf;

        @Override
        public Integer call() throws IOException {
            Size size = new Size(teams, services, deployments, deploymentChanges, incidents, years, asOf);
            Files.createDirectories(out);
            Path config = out.resolve("dora.yaml").toAbsolutePath();
            SparkSession spark = SparkSessions.getOrCreate(null);
            SyntheticOrganisation organisation = new SyntheticOrganisation(spark, size);
            Files.writeString(config, organisation.config(out));
            organisation.writeTables(OutputLocation.open(out.toAbsolutePath().toString(), spark.sparkContext().hadoopConfiguration()));
            Bench.figure("config", config);
            return 0;
        }
    }
}
