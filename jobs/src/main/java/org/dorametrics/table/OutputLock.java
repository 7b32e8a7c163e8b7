package org.dorametrics.table;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output location's lock, {@code <output>/_LOCK}: one run writes there at a time. The file names its holder (host,
 * pid, run id, start time) and is created only if absent, which is atomic on HDFS and the local file system (on object
 * stores it is not: two runs starting in the same second can both win, so schedule one writer per location there).
 * While the run lives its heartbeat touches the file's modification time; a lock whose holder is dead (same host: the
 * pid is gone; another host: no heartbeat for {@link #STALE_AFTER}) is taken over with a warning. A live holder makes
 * the run fail at once with exit 6: waiting would pile up weekly runs behind a hung one.
 */
public final class OutputLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
    static final String FILE = "_LOCK";
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** Ten missed heartbeats: a run paused this long (a full GC, a suspended VM) is taken for dead. */
    static final Duration STALE_AFTER = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the lock file says about its holder. */
    public record Holder(@JsonProperty("host") String host, @JsonProperty("pid") long pid,
                         @JsonProperty("run_id") String runId, @JsonProperty("started_at") String startedAt) {
        String describe() {
            return "run " + runId + " (host " + host + ", pid " + pid + ", started " + startedAt + ")";
        }
    }

    private final FileSystem fileSystem;
    private final Path file;
    private final Holder holder;
    private final Duration staleAfter;
    /** Whether taking the lock created the output location: a run that then writes nothing leaves nothing behind. */
    private final boolean createdRoot;
    private final ScheduledExecutorService heartbeat;
    private volatile String lost;

    private OutputLock(FileSystem fileSystem, Path file, Holder holder, Duration heartbeatEvery, Duration staleAfter, boolean createdRoot) {
        this.fileSystem = fileSystem;
        this.createdRoot = createdRoot;
        this.file = file;
        this.holder = holder;
        this.staleAfter = staleAfter;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dora-output-lock-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleAtFixedRate(this::beat, heartbeatEvery.toMillis(), heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the lock of an output location, taking over a stale one; fails with exit 6 while a live run holds it. */
    public static OutputLock acquire(OutputLocation output) {
        return acquire(output, HEARTBEAT, STALE_AFTER);
    }

    static OutputLock acquire(OutputLocation output, Duration heartbeatEvery, Duration staleAfter) {
        FileSystem fs = output.fileSystem();
        Path file = new Path(output.root(), FILE);
        Holder me = new Holder(hostName(), ProcessHandle.current().pid(), UUID.randomUUID().toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        boolean createdRoot;
        try {
            createdRoot = !fs.exists(output.root());
            fs.mkdirs(output.root());
            if (!createIfAbsent(fs, file, me)) {
                Optional<FileStatus> status = status(fs, file);
                Holder other = status.map(s -> read(fs, s.getPath())).orElse(null);
                String staleness = status.isEmpty() ? "released" : stalenessOf(other, status.get(), staleAfter);
                if (staleness == null) {
                    throw busy(file, other, status.get());
                }
                if (other != null) {
                    LOG.warn("output lock {}: taking over the lock of {}: {}", Redaction.redact(file.toString()), other.describe(), staleness);
                }
                takeOver(fs, file, other, me);
            }
        } catch (IOException e) {
            throw new DoraException(ExitCode.OUTPUT_FAILED, "output lock " + Redaction.redact(file.toString()) + ": cannot take it ("
                    + Redaction.redact(String.valueOf(e.getMessage())) + ")", e);
        }
        LOG.info("output lock {}: held by run {}", Redaction.redact(file.toString()), me.runId());
        return new OutputLock(fs, file, me, heartbeatEvery, staleAfter, createdRoot);
    }

    public String runId() {
        return holder.runId();
    }

    public Holder holder() {
        return holder;
    }

    /** Fails with exit 6 when the heartbeat found the lock taken by another run: this run must not publish. */
    public void requireHeld() {
        if (lost != null) {
            throw new DoraException(ExitCode.OUTPUT_LOCKED, "output lock " + Redaction.redact(file.toString()) + " was lost: " + lost);
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS);
            if (lost == null && fileSystem.exists(file) && holder.equals(read(fileSystem, file))) {
                fileSystem.delete(file, false);
                if (createdRoot && fileSystem.listStatus(file.getParent()).length == 0) {
                    fileSystem.delete(file.getParent(), false);
                }
            }
        } catch (IOException e) {
            LOG.warn("output lock {}: cannot release it ({}); the next run takes it over once it is stale",
                    Redaction.redact(file.toString()), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void beat() {
        try {
            Holder current = fileSystem.exists(file) ? read(fileSystem, file) : null;
            if (!holder.equals(current)) {
                lost = current == null ? "its file was removed" : "taken over by " + current.describe()
                        + " after this run's heartbeat was older than " + staleAfter.toMinutes() + " min";
                LOG.error("output lock {}: {}; this run will not publish", Redaction.redact(file.toString()), lost);
                heartbeat.shutdown();
                return;
            }
            fileSystem.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException | RuntimeException e) {
            // A missed beat is retried at the next one; only a long outage lets another run take the lock over.
            LOG.warn("output lock {}: heartbeat failed ({})", Redaction.redact(file.toString()), e.getMessage());
        }
    }

    /** Why a lock's holder is dead, or null when it may be alive. */
    private static String stalenessOf(Holder other, FileStatus status, Duration staleAfter) {
        Duration silent = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - status.getModificationTime()));
        if (other == null) {
            // Unreadable: a holder killed between creating and writing it, or a foreign file; only its age tells.
            return silent.compareTo(staleAfter) > 0 ? "the lock file is unreadable and " + silent.toSeconds() + " s old" : null;
        }
        if (other.host().equals(hostName()) && !ProcessHandle.of(other.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return "its process " + other.pid() + " is gone from this host";
        }
        if (silent.compareTo(staleAfter) > 0) {
            return "no heartbeat for " + silent.toSeconds() + " s (stale after " + staleAfter.toSeconds() + " s)";
        }
        return null;
    }

    /**
     * Moves the stale lock aside and creates ours. Two runs taking over at once: the one whose rename moved a lock
     * that is not the stale one it judged puts it back and fails as busy; of two creates only one succeeds.
     */
    private static void takeOver(FileSystem fs, Path file, Holder stale, Holder me) throws IOException {
        Path aside = new Path(file.getParent(), "._stale" + FILE + "-" + me.runId());
        if (fs.rename(file, aside)) {
            Holder moved = read(fs, aside);
            if (stale != null && !stale.equals(moved)) {
                fs.rename(aside, file);
                throw busy(file, moved, fs.getFileStatus(file));
            }
            fs.delete(aside, false);
        }
        if (!createIfAbsent(fs, file, me)) {
            Optional<FileStatus> status = status(fs, file);
            throw busy(file, status.map(s -> read(fs, s.getPath())).orElse(null), status.orElse(null));
        }
    }

    /** Creates the lock file unless one exists, in one step: the local file system's own create checks, then opens. */
    private static boolean createIfAbsent(FileSystem fs, Path file, Holder me) throws IOException {
        byte[] content = JSON.writeValueAsBytes(me);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            try {
                Files.write(java.nio.file.Path.of(file.toUri()), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    private static Optional<FileStatus> status(FileSystem fs, Path file) throws IOException {
        try {
            return Optional.of(fs.getFileStatus(file));
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    private static Holder read(FileSystem fs, Path file) {
        try (var in = fs.open(file)) {
            return JSON.readValue(in.readAllBytes(), Holder.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static DoraException busy(Path file, Holder other, FileStatus status) {
        String heartbeat = status == null ? "" : ", last heartbeat "
                + Duration.ofMillis(Math.max(0, System.currentTimeMillis() - status.getModificationTime())).toSeconds() + " s ago";
        return new DoraException(ExitCode.OUTPUT_LOCKED, "output " + Redaction.redact(file.getParent().toString()) + " is locked by "
                + (other == null ? "another run" : other.describe()) + heartbeat + "; it is taken over once stale (pid gone, or "
                + STALE_AFTER.toMinutes() + " min without heartbeat), or remove " + Redaction.redact(file.toString()) + " if no run is alive");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }
}
