package org.dorametrics.alerts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dorametrics.alerts.AlertInputs.DeliveredChange;
import org.dorametrics.alerts.AlertInputs.ProductionDeployment;
import org.dorametrics.alerts.AlertInputs.SourceRecord;
import org.dorametrics.job.RunContext;
import org.dorametrics.table.TableSchemas;

/**
 * Alerts stage: reads deployments, deployment_changes, incidents and changes (and the previous alerts table), judges
 * every team, service and source as of the report date, tells the routes what is new, and publishes {@code alerts}.
 */
public final class AlertsStage {

    /** Runs the stage; {@code dryRun} prints what would be sent instead of sending it. Returns the table's rows. */
    public List<AlertRow> run(RunContext context, boolean dryRun, PrintStream out) {
        return run(context, Notifications.open(context.config(), System::getenv, dryRun, out), out);
    }

    List<AlertRow> run(RunContext context, Notifications notifications, PrintStream out) {
        for (String table : List.of(TableSchemas.DEPLOYMENTS, TableSchemas.DEPLOYMENT_CHANGES, TableSchemas.INCIDENTS, TableSchemas.CHANGES)) {
            context.output().requireTable(table, "normalize", context.asOf());
        }
        context.fitCodeGenerationToPublishedTables();
        List<Finding> findings = new AlertRules(context.config()).evaluate(inputs(context), context.asOf());
        List<AlertRow> merged = AlertState.merge(previous(context), findings, context.asOf());
        List<AlertRow> delivered = notifications.deliver(merged, context.asOf());
        context.tableWriter(Map.of()).write(TableSchemas.ALERTS, delivered.stream().map(AlertsStage::toRow).toList());
        long open = delivered.stream().filter(AlertRow::open).count();
        long opened = delivered.stream().filter(r -> r.open() && r.firstSeen().equals(context.asOf())).count();
        long resolved = delivered.stream().filter(r -> context.asOf().equals(r.resolvedOn())).count();
        out.println("alerts: " + open + " open (" + opened + " new), " + resolved + " resolved as of " + context.asOf());
        return delivered;
    }

    /** What the rules read, from the published tables. */
    static AlertInputs inputs(RunContext context) {
        Dataset<Row> deployments = table(context, TableSchemas.DEPLOYMENTS);
        Dataset<Row> production = deployments.where("is_production AND status = 'success'");
        List<ProductionDeployment> productionDeployments = production.select("service", "finished_at", "is_failed")
                .collectAsList().stream().map(r -> new ProductionDeployment(r.getString(0), r.getAs(1), r.getBoolean(2))).toList();
        List<DeliveredChange> changes = table(context, TableSchemas.DEPLOYMENT_CHANGES).where("is_production AND NOT is_baseline")
                .select("service", "deployed_at", "lead_time_seconds").collectAsList().stream()
                .map(r -> new DeliveredChange(r.getString(0), r.getAs(1), r.getLong(2))).toList();
        Dataset<Row> records = deployments.select(col("source"), col("finished_at").as("at"))
                .union(table(context, TableSchemas.INCIDENTS).select(col("source"), col("opened_at").as("at")))
                .union(table(context, TableSchemas.CHANGES).select(concat(lit("git:"), col("repo")), col("committer_time")))
                .groupBy("source", "at").count();
        List<SourceRecord> sourceRecords = records.collectAsList().stream()
                .map(r -> new SourceRecord(r.getString(0), r.<Instant>getAs(1))).toList();
        return new AlertInputs(productionDeployments, changes, sourceRecords);
    }

    private static List<AlertRow> previous(RunContext context) {
        if (!context.output().exists(context.output().table(TableSchemas.ALERTS))) {
            return List.of();
        }
        return table(context, TableSchemas.ALERTS).collectAsList().stream().map(AlertsStage::fromRow).toList();
    }

    private static Dataset<Row> table(RunContext context, String name) {
        return context.spark().read().parquet(context.output().table(name).toString());
    }

    private static Row toRow(AlertRow row) {
        return RowFactory.create(row.alertId(), row.rule(), row.team(), row.service(), row.source(), row.severity(),
                row.observed(), row.expectedLow(), row.expectedHigh(), row.unit(), row.message(), row.firstSeen(),
                row.lastSeen(), row.open(), row.resolvedOn(), row.notifiedOn(), row.notifiedRoutes(), row.notification());
    }

    private static AlertRow fromRow(Row row) {
        return new AlertRow(row.getAs("alert_id"), row.getAs("rule"), row.getAs("team"), row.getAs("service"),
                row.getAs("source"), row.getAs("severity"), row.<Double>getAs("observed"), row.getAs("expected_low"),
                row.<Double>getAs("expected_high"), row.getAs("unit"), row.getAs("message"), row.<LocalDate>getAs("first_seen"),
                row.<LocalDate>getAs("last_seen"), row.<Boolean>getAs("open"), row.getAs("resolved_on"), row.getAs("notified_on"),
                row.getList(row.fieldIndex("notified_routes")), row.getAs("notification"));
    }
}
