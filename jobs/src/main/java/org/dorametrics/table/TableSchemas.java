package org.dorametrics.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** The data contract: one Spark StructType JSON file per table under schemas/, loaded from the classpath. */
public final class TableSchemas {
    public static final String CHANGES = "changes";
    public static final String DEPLOYMENTS = "deployments";
    public static final String DEPLOYMENT_CHANGES = "deployment_changes";
    public static final String PULL_REQUESTS = "pull_requests";
    public static final String INCIDENTS = "incidents";
    public static final String INCIDENT_DEPLOYMENTS = "incident_deployments";
    public static final String REJECTS = "rejects";
    public static final String TEAM_METRICS = "team_metrics";
    public static final String SERVICE_METRICS = "service_metrics";
    public static final String DATA_QUALITY = "data_quality";
    public static final String TEAM_METRICS_HISTORY = "team_metrics_history";
    public static final String ALERTS = "alerts";

    public static final List<String> ALL = List.of(CHANGES, PULL_REQUESTS, DEPLOYMENTS, DEPLOYMENT_CHANGES, INCIDENTS,
            INCIDENT_DEPLOYMENTS, REJECTS, TEAM_METRICS, SERVICE_METRICS, DATA_QUALITY, TEAM_METRICS_HISTORY, ALERTS);

    private TableSchemas() {}

    public static String json(String table) {
        try (InputStream in = TableSchemas.class.getResourceAsStream("/schemas/" + table + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no schema file schemas/" + table + ".json on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schemas/" + table + ".json", e);
        }
    }

    public static StructType load(String table) {
        return (StructType) DataType.fromJson(json(table));
    }
}
