package org.dorametrics.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.ProjectVersion;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.RunContext;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.TableSchemas;

/**
 * What one run did, written to {@code <output>/_RUN.json} when it ends, whether it succeeded or not (atomically, like
 * every output file): its id and outcome, each stage's duration and records, each table's rows, the rejects per
 * source, the sources that could not be read, and every API source's watermark as the raw zone holds it.
 */
final class RunRecord {
    static final String FILE = "_RUN.json";
    /** The watermark files of the API sources: {@code PageStore}'s and Jenkins'. */
    private static final Set<String> WATERMARK_FILES = Set.of("_WATERMARK.json", "_FINISHED_THROUGH.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunContext context;
    private final String runId;
    private final Instant startedAt = Instant.now();
    private final Map<String, Map<String, Object>> stages = new LinkedHashMap<>();
    private final Map<String, String> failedSources = new TreeMap<>();
    private Map<String, Long> rejectsBySource = Map.of();

    RunRecord(RunContext context, String runId) {
        this.context = context;
        this.runId = runId;
    }

    void stage(String stage, double seconds, Long records) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seconds", Math.round(seconds * 10) / 10.0);
        if (records != null) {
            facts.put("records", records);
        }
        stages.put(stage, facts);
    }

    void failedSources(Map<String, String> failures) {
        failures.forEach((source, reason) -> failedSources.put(source, Redaction.redact(reason)));
    }

    void rejectsBySource(Map<String, Long> rejects) {
        rejectsBySource = new TreeMap<>(rejects);
    }

    /** Writes the record; {@code failure} is null for a run that succeeded. */
    void write(DoraException failure) {
        OutputLocation output = context.output();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("run_id", runId);
        run.put("as_of", context.asOf().toString());
        run.put("project_version", ProjectVersion.get());
        run.put("config_digest", context.config().configDigest());
        run.put("started_at", startedAt.truncatedTo(ChronoUnit.MILLIS).toString());
        run.put("finished_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        run.put("exit_code", failure == null ? ExitCode.OK.code() : failure.exitCode().code());
        if (failure != null) {
            run.put("reason", Redaction.redact(failure.getMessage()));
        }
        run.put("stages", stages);
        run.put("table_rows", tableRows(output));
        run.put("rejects_by_source", rejectsBySource);
        run.put("failed_sources", failedSources);
        run.put("watermarks", watermarks(output));
        output.writeAtomically(new Path(output.root(), FILE), out -> out.write((JSON.writeValueAsString(run) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** Each published table's rows, as its own {@code _RUN.json} says. */
    static Map<String, Long> tableRows(OutputLocation output) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : TableSchemas.ALL) {
            output.publishedRows(table).ifPresent(count -> rows.put(table, count));
        }
        return rows;
    }

    /** Every watermark file under the raw zone, by its path there ({@code github/acme/.../_WATERMARK.json}). */
    private static Map<String, JsonNode> watermarks(OutputLocation output) {
        Map<String, JsonNode> watermarks = new TreeMap<>();
        Path raw = output.raw();
        FileSystem fs = output.fileSystem();
        try {
            if (!fs.exists(raw)) {
                return watermarks;
            }
            String rawPrefix = raw.toUri().getPath() + "/";
            for (RemoteIterator<LocatedFileStatus> files = fs.listFiles(raw, true); files.hasNext(); ) {
                FileStatus file = files.next();
                if (WATERMARK_FILES.contains(file.getPath().getName())) {
                    watermarks.put(file.getPath().toUri().getPath().substring(rawPrefix.length()), parse(output, file.getPath()));
                }
            }
        } catch (IOException e) {
            throw new DoraException(ExitCode.OUTPUT_FAILED, "output " + Redaction.redact(raw.toString()) + ": cannot list ("
                    + Redaction.redact(e.getMessage()) + ")", e);
        }
        return watermarks;
    }

    private static JsonNode parse(OutputLocation output, Path file) {
        try {
            return JSON.readTree(String.join("\n", output.readLines(file)));
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode("unreadable: " + e.getMessage());
        }
    }
}
