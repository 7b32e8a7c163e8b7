package org.dorametrics.sources.jenkins;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.JenkinsSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.table.OutputLocation;

/**
 * What a Jenkins source asks for and where its pages live in the raw zone, {@code <output>/raw/jenkins/<name>/}:
 * {@code listing/jobs/page-0001.json} (the job tree, when a job entry is a regex); per job, under
 * {@code jobs/<folder>/<job>/}, {@code builds/fetch-<time>/page-NNNN.json} (each run's newest builds) with
 * {@code builds/_FINISHED_THROUGH.json} (the watermark), and {@code stages/<number>/page-0001.json} (a pipeline run's
 * stages, when the job's deployment is a stage).
 */
final class JenkinsPages {
    /** Folders are looked into this deep: a job's full name has at most this many parts. */
    static final int MAX_DEPTH = 5;
    static final String BUILDS_FIELD = "allBuilds";
    /**
     * What collect asks of each build. {@code allBuilds}, not {@code builds}: Jenkins caps the latter at the newest
     * 100. Freestyle builds export {@code changeSet}, pipeline runs {@code changeSets}; Jenkins ignores the one a
     * build does not have.
     */
    static final String BUILD_TREE = "number,result,timestamp,duration,building,url,"
            + "actions[parameters[name,value],lastBuiltRevision[SHA1,branch[name]],remoteUrls],"
            + "changeSet[items[commitId]],changeSets[items[commitId]]";
    private static final String WATERMARK_FILE = "_FINISHED_THROUGH.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private JenkinsPages() {}

    static PageStore store(OutputLocation output, JenkinsSource source) {
        return new PageStore(output, source.sourceName(), output.raw("jenkins", RawZone.folderName(source.name())));
    }

    static Path listing(PageStore store) {
        return store.folder("listing", "jobs");
    }

    static Path builds(PageStore store, String job) {
        return store.folder("jobs", jobFolder(job) + "/builds");
    }

    static Path stages(PageStore store, String job, long number) {
        return store.folder("jobs", jobFolder(job) + "/stages/" + number);
    }

    /** Each part of a full name made safe for any file system, one folder per part. */
    private static String jobFolder(String job) {
        return String.join("/", java.util.Arrays.stream(job.split("/")).map(RawZone::folderName).toList());
    }

    /** The job tree, folders {@link #MAX_DEPTH} deep, plus one level to tell the deepest folders from jobs. */
    static String listingPath() {
        String tree = "jobs[name]";
        for (int level = 1; level <= MAX_DEPTH; level++) {
            tree = "jobs[name," + tree + "]";
        }
        return "/api/json?tree=" + encode(tree);
    }

    /** A job's builds from index {@code from} (inclusive) to {@code to} (exclusive), newest first. */
    static String buildsPath(String job, int from, int to) {
        return jobPath(job) + "/api/json?tree=" + encode(BUILDS_FIELD + "[" + BUILD_TREE + "]{" + from + "," + to + "}");
    }

    /** A pipeline run's stages (Pipeline Stage View's REST API). */
    static String stagesPath(String job, long number) {
        return jobPath(job) + "/" + number + "/wfapi/describe";
    }

    /** {@code folder/job} → {@code /job/folder/job/job}. */
    static String jobPath(String job) {
        StringBuilder path = new StringBuilder();
        for (String part : job.split("/")) {
            path.append("/job/").append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * The full names ({@code folder/job}) of the jobs in a job tree, in the server's order. A folder (anything with
     * {@code jobs}: folders, multibranch projects, organisation folders) is not a job; jobs deeper than
     * {@link #MAX_DEPTH} are not seen.
     */
    static List<String> jobNames(String listingBody) throws JsonProcessingException {
        List<String> names = new ArrayList<>();
        collect(JSON.readTree(listingBody), "", 0, names);
        return names;
    }

    private static void collect(JsonNode parent, String prefix, int depth, List<String> names) {
        for (JsonNode entry : parent.path("jobs")) {
            String name = entry.path("name").asText("");
            if (name.isEmpty() || depth == MAX_DEPTH) {
                continue;
            }
            if (entry.has("jobs")) {
                collect(entry, prefix + name + "/", depth + 1, names);
            } else {
                names.add(prefix + name);
            }
        }
    }

    /**
     * A job's watermark: every build up to this number was finished when it was stored, so it is never asked again.
     *
     * @param lastFetch the folder name of the fetch that moved it
     */
    record FinishedThrough(@JsonProperty("finished_through") long number, @JsonProperty("last_fetch") String lastFetch) {}

    static Optional<FinishedThrough> watermark(OutputLocation output, Path builds) {
        Path file = new Path(builds, WATERMARK_FILE);
        if (!output.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(String.join("\n", output.readLines(file)), FinishedThrough.class));
        } catch (JsonProcessingException e) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "raw zone file " + Redaction.redact(file.toString()) + " is damaged ("
                    + e.getOriginalMessage() + "); run `dora collect --full`", e);
        }
    }

    static void writeWatermark(OutputLocation output, Path builds, FinishedThrough watermark) {
        output.writeAtomically(new Path(builds, WATERMARK_FILE), out -> out.write(JSON.writeValueAsBytes(watermark)));
    }
}
