package org.dorametrics.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.ProjectVersion;
import org.dorametrics.job.RunContext;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableReader;
import org.dorametrics.table.TableSchemas;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Which periods a metrics run recomputes: those ending after the start of the recompute window (the last
 * reporting.recompute_weeks weeks up to the report date), while older periods keep the rows already published, so
 * that a late incident never rewrites a quarter managers have seen. Every period is recomputed instead when the
 * published rows cannot be trusted to be what this run would have computed for them: see {@link #decide}.
 */
public final class RecomputeWindow {
    /** The tables whose old rows are kept, each published by every metrics run. */
    static final List<String> TABLES = List.of(TableSchemas.TEAM_METRICS, TableSchemas.SERVICE_METRICS, TableSchemas.DATA_QUALITY);

    private final LocalDate start;
    private final String reason;

    private RecomputeWindow(LocalDate start, String reason) {
        this.start = start;
        this.reason = reason;
    }

    /**
     * The window of a run, or every period ({@link #start()} empty) when: {@code full} is asked for; a metric table
     * or its _RUN.json is missing; the config (teams, memberships, rules, benchmark edition, time zone: any byte of
     * the file) or the project version differs from the run that published it, so that its old rows would be
     * computed otherwise today; or it was published as of a date before the window starts (the weeks between were
     * never recomputed) or after this run's report date (its rows saw data this report date must not see).
     */
    public static RecomputeWindow decide(RunContext context, boolean full) {
        LocalDate start = windowStart(context.config().reporting(), context.asOf());
        if (full) {
            return everyPeriod("--full");
        }
        OutputLocation output = context.output();
        for (String table : TABLES) {
            Path run = new Path(output.table(table), "_RUN.json");
            if (!output.exists(run)) {
                return everyPeriod("no published " + table);
            }
            JsonNode published;
            try {
                published = new ObjectMapper().readTree(String.join("\n", output.readLines(run)));
            } catch (IOException e) {
                return everyPeriod(table + "/_RUN.json is unreadable (" + e.getMessage() + ")");
            }
            Optional<String> mismatch = mismatch(table, published, context, start);
            if (mismatch.isPresent()) {
                return everyPeriod(mismatch.get());
            }
        }
        return new RecomputeWindow(start, "periods ending after " + start + " recomputed; older ones kept as published");
    }

    private static Optional<String> mismatch(String table, JsonNode published, RunContext context, LocalDate start) {
        String digest = published.path("config_digest").asText();
        if (!digest.equals(context.config().configDigest())) {
            return Optional.of(table + " was computed with another config (" + digest + ")");
        }
        String version = published.path("project_version").asText();
        if (!version.equals(ProjectVersion.get())) {
            return Optional.of(table + " was computed by version " + version);
        }
        LocalDate asOf;
        try {
            asOf = LocalDate.parse(published.path("as_of").asText());
        } catch (DateTimeException e) {
            return Optional.of(table + "/_RUN.json names no report date");
        }
        if (asOf.isBefore(start)) {
            return Optional.of(table + " is as of " + asOf + ", before the recompute window starts (" + start + ")");
        }
        if (asOf.isAfter(context.asOf())) {
            return Optional.of(table + " is as of " + asOf + ", after this report date");
        }
        return Optional.empty();
    }

    /**
     * The first day of the recompute window: the start of the reporting week holding the report date, less
     * recompute_weeks - 1 weeks.
     */
    static LocalDate windowStart(DoraConfig.Reporting reporting, LocalDate asOf) {
        return asOf.with(TemporalAdjusters.previousOrSame(reporting.weekStart())).minusWeeks(reporting.recomputeWeeks() - 1L);
    }

    private static RecomputeWindow everyPeriod(String reason) {
        return new RecomputeWindow(null, "every period recomputed: " + reason);
    }

    /** The first day of the window; empty when every period is recomputed. */
    public Optional<LocalDate> start() {
        return Optional.ofNullable(start);
    }

    /** Why the run recomputes what it does, in words for the log. */
    public String reason() {
        return reason;
    }

    /**
     * The rows to publish: the computed rows of periods ending after the window start, the published rows of the
     * others, and computed rows of older periods the published table has no row for (history seen for the first
     * time, such as a new repository's old commits, is added, never rewritten).
     *
     * @param owner the table's owner column (team or service)
     */
    Dataset<Row> merge(SparkSession spark, OutputLocation output, String table, String owner, Dataset<Row> computed) {
        if (start == null) {
            return computed;
        }
        Column recent = functions.col("period_end").gt(functions.lit(start));
        Dataset<Row> published = TableReader.read(spark, output, table);
        Dataset<Row> kept = published.where(functions.not(recent));
        List<String> keys = List.of(owner, "period_type", "period_start");
        Dataset<Row> firstSeen = computed.where(functions.not(recent))
                .join(kept.select(keys.stream().map(functions::col).toArray(Column[]::new)),
                        CollectionConverters.asScala(keys).toSeq(), "left_anti");
        return computed.where(recent).unionByName(firstSeen).unionByName(kept);
    }
}
