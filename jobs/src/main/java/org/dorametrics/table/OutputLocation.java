package org.dorametrics.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output root on any Hadoop-compatible file system: where the raw zone, the tables and the reports live,
 * and how files there are replaced without a reader ever seeing half of one.
 */
public final class OutputLocation {
    private static final Logger LOG = LoggerFactory.getLogger(OutputLocation.class);
    /** Staged files and directories: written whole, then renamed onto their target. */
    public static final String STAGING_PREFIX = "._staging-";
    private static final ObjectMapper RUN_JSON = new ObjectMapper();
    private static final String PREVIOUS_PREFIX = "._previous-";
    private static final int UUID_LENGTH = 36;
    private final FileSystem fileSystem;
    private final Path root;

    private OutputLocation(FileSystem fileSystem, Path root) {
        this.fileSystem = fileSystem;
        this.root = root;
    }

    public static OutputLocation open(String location, Configuration hadoopConfiguration) {
        try {
            URI uri = location.contains(":/") ? URI.create(location) : new java.io.File(location).toURI();
            FileSystem fileSystem = FileSystem.get(uri, hadoopConfiguration);
            // The local file system's .crc side files would sit among the published files; the object stores have none.
            fileSystem.setWriteChecksum(false);
            return new OutputLocation(fileSystem, fileSystem.makeQualified(new Path(uri)));
        } catch (IOException | IllegalArgumentException e) {
            throw new DoraException(ExitCode.OUTPUT_FAILED, "output " + Redaction.redact(location) + ": cannot open (" + Redaction.redact(e.getMessage()) + ")", e);
        }
    }

    public Path root() {
        return root;
    }

    public Path raw(String... parts) {
        return child(new Path(root, "raw"), parts);
    }

    public Path tables() {
        return new Path(root, "tables");
    }

    public Path table(String name) {
        return new Path(tables(), name);
    }

    public Path reports() {
        return new Path(root, "reports");
    }

    public FileSystem fileSystem() {
        return fileSystem;
    }

    /**
     * {@link #requireTable(String, String)}, and fails with exit 3 too when the table was published for another
     * report date than {@code asOf}, as its _RUN.json says (a table whose _RUN.json names none is taken as it is).
     * Normalize cuts its tables off at the report date: a deployment after it is left out, an incident resolved after
     * it is still open. Read for another date, such a table gives that date's numbers, or leaves out the days after
     * it, without a word.
     */
    public void requireTable(String table, String writtenByStage, LocalDate asOf) {
        requireTable(table, writtenByStage);
        publishedAsOf(table).filter(published -> !published.equals(asOf)).ifPresent(published -> {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "table " + table + " under " + Redaction.redact(tables().toString())
                    + " is as of " + published + ", not this run's report date " + asOf + "; run `dora " + writtenByStage
                    + " --as-of " + asOf + "` first, or give --as-of " + published);
        });
    }

    /** The report date the table was published for, from its _RUN.json; empty when that is missing or names none. */
    public Optional<LocalDate> publishedAsOf(String table) {
        return publishedFacts(table).map(facts -> {
            try {
                return LocalDate.parse(facts.path("as_of").asText());
            } catch (DateTimeException e) {
                return null;
            }
        });
    }

    /** The rows the table was published with, from its _RUN.json; empty when that is missing or counts none. */
    public OptionalLong publishedRows(String table) {
        return publishedFacts(table).filter(facts -> facts.path("rows").isIntegralNumber())
                .map(facts -> OptionalLong.of(facts.get("rows").asLong())).orElse(OptionalLong.empty());
    }

    /** The table's _RUN.json; empty when it is missing or unreadable. */
    private Optional<JsonNode> publishedFacts(String table) {
        Path run = new Path(table(table), "_RUN.json");
        if (!exists(run)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RUN_JSON.readTree(String.join("\n", readLines(run))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Fails with exit 3, saying which stage to run, when a table an earlier stage writes is missing, or was published
     * (by an older version) without a column of its schema file: read with the schema file, that column would read as
     * nulls, which a stage would take for data.
     */
    public void requireTable(String table, String writtenByStage) {
        Path path = table(table);
        if (!exists(path)) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "table " + table + " not found under "
                    + Redaction.redact(tables().toString()) + "; run `dora " + writtenByStage + "` first");
        }
        Path published = new Path(path, "_SCHEMA.json");
        if (exists(published)) {
            List<String> publishedColumns = List.of(((StructType) DataType.fromJson(String.join("\n", readLines(published)))).fieldNames());
            List<String> missing = Arrays.stream(TableSchemas.load(table).fieldNames()).filter(c -> !publishedColumns.contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "table " + table + " under " + Redaction.redact(tables().toString())
                        + " was published by an older version, without column(s) " + missing + "; run `dora " + writtenByStage
                        + "` to publish it again");
            }
        }
    }

    public boolean exists(Path path) {
        try {
            return fileSystem.exists(path);
        } catch (IOException e) {
            throw failure(path, "cannot check", e);
        }
    }

    /** Writes a file beside its target, then renames it into place, so readers see the old or the new file whole. */
    public void writeAtomically(Path target, FileContent content) {
        Path staging = new Path(target.getParent(), STAGING_PREFIX + UUID.randomUUID() + "-" + target.getName());
        try {
            fileSystem.mkdirs(target.getParent());
            try (OutputStream out = fileSystem.create(staging, true)) {
                content.writeTo(out);
            }
            replace(staging, target);
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(staging);
            throw failure(target, "cannot write", e);
        }
    }

    /**
     * Moves a fully written file or directory onto target, replacing what was there: the target is renamed aside to
     * {@code ._previous-<uuid>-<name>}, the staged one renamed in, the previous one deleted. A run killed between the
     * two renames leaves no target; {@link #repairInterruptedPublishes} puts the previous one back.
     */
    public void replace(Path staged, Path target) {
        try {
            fileSystem.mkdirs(target.getParent());
            Path previous = new Path(target.getParent(), PREVIOUS_PREFIX + UUID.randomUUID() + "-" + target.getName());
            boolean hadPrevious = fileSystem.exists(target);
            if (hadPrevious && !fileSystem.rename(target, previous)) {
                throw new IOException("rename of " + target + " aside failed");
            }
            if (!fileSystem.rename(staged, target)) {
                if (hadPrevious) {
                    fileSystem.rename(previous, target);
                }
                throw new IOException("rename of " + staged + " to " + target + " failed");
            }
            if (hadPrevious) {
                fileSystem.delete(previous, true);
            }
        } catch (IOException e) {
            throw failure(target, "cannot publish", e);
        }
    }

    /**
     * Undoes what runs killed while publishing left behind, at the start of a run that holds the {@link OutputLock}: a
     * {@code ._previous-} copy whose target is missing (killed between the two renames of {@link #replace}) is renamed
     * back, one whose target exists is deleted, and staging files and directories are deleted. Walks the whole output.
     *
     * @return how many leftovers were repaired or removed
     */
    public int repairInterruptedPublishes() {
        try {
            return fileSystem.exists(root) ? repair(root) : 0;
        } catch (IOException e) {
            throw failure(root, "cannot repair an interrupted publish", e);
        }
    }

    private int repair(Path directory) throws IOException {
        int repaired = 0;
        for (FileStatus status : fileSystem.listStatus(directory)) {
            Path path = status.getPath();
            String name = path.getName();
            if (name.startsWith(STAGING_PREFIX)) {
                LOG.warn("output: deleting {}, left by a run that stopped before publishing it", Redaction.redact(path.toString()));
                fileSystem.delete(path, true);
                repaired++;
            } else if (name.startsWith(PREVIOUS_PREFIX) && name.length() > PREVIOUS_PREFIX.length() + UUID_LENGTH + 1) {
                Path target = new Path(directory, name.substring(PREVIOUS_PREFIX.length() + UUID_LENGTH + 1));
                if (fileSystem.exists(target)) {
                    LOG.warn("output: deleting {}, the replaced copy of {} left by a run that stopped after publishing",
                            Redaction.redact(path.toString()), target.getName());
                    fileSystem.delete(path, true);
                } else if (fileSystem.rename(path, target)) {
                    LOG.warn("output: restored {} from {}: a run stopped between moving it aside and publishing its new version",
                            Redaction.redact(target.toString()), path.getName());
                } else {
                    throw new IOException("rename of " + path + " back to " + target + " failed");
                }
                repaired++;
            } else if (status.isDirectory()) {
                repaired += repair(path);
            }
        }
        return repaired;
    }

    public List<String> readLines(Path path) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(fileSystem.open(path), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw failure(path, "cannot read", e);
        }
        return lines;
    }

    public List<Path> listDirectories(Path directory) {
        List<Path> directories = new ArrayList<>();
        try {
            if (!fileSystem.exists(directory)) {
                return directories;
            }
            for (FileStatus status : fileSystem.listStatus(directory)) {
                if (status.isDirectory() && !status.getPath().getName().startsWith(".")) {
                    directories.add(status.getPath());
                }
            }
        } catch (IOException e) {
            throw failure(directory, "cannot list", e);
        }
        directories.sort(null);
        return directories;
    }

    /** The files directly in a directory, by name; none when it does not exist. Staging files are left out. */
    public List<Path> listFiles(Path directory) {
        List<Path> files = new ArrayList<>();
        try {
            if (!fileSystem.exists(directory)) {
                return files;
            }
            for (FileStatus status : fileSystem.listStatus(directory)) {
                if (status.isFile() && !status.getPath().getName().startsWith(".")) {
                    files.add(status.getPath());
                }
            }
        } catch (IOException e) {
            throw failure(directory, "cannot list", e);
        }
        files.sort(null);
        return files;
    }

    public void delete(Path path) {
        try {
            fileSystem.delete(path, true);
        } catch (IOException e) {
            throw failure(path, "cannot delete", e);
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fileSystem.delete(path, true);
        } catch (IOException e) {
            // the staging file is left behind; it never replaces anything and the next write uses a new name
        }
    }

    private static Path child(Path parent, String... parts) {
        Path path = parent;
        for (String part : parts) {
            path = new Path(path, part);
        }
        return path;
    }

    private static DoraException failure(Path path, String action, Exception cause) {
        return new DoraException(ExitCode.OUTPUT_FAILED, "output " + Redaction.redact(path.toString()) + ": " + action + " (" + Redaction.redact(cause.getMessage()) + ")", cause);
    }

    /** Something that writes a file's bytes. */
    @FunctionalInterface
    public interface FileContent {
        void writeTo(OutputStream out) throws IOException;
    }
}
