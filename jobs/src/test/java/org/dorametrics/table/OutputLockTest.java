package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.testing.LogCapture;
import org.dorametrics.testing.OutputLockHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per output location: a second live run fails at once, a dead run's lock is taken over. */
class OutputLockTest {
    @TempDir
    Path folder;

    @Test
    void aLiveRunInAnotherProcessKeepsTheLockAndItsDeathReleasesIt() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OutputLockHolder.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.startsWith("locked "));
            assertTrue(line != null, "the other process took the lock");
            String holderRun = line.substring("locked ".length());

            DoraException busy = assertThrows(DoraException.class, () -> OutputLock.acquire(output()));
            assertEquals(ExitCode.OUTPUT_LOCKED, busy.exitCode());
            assertTrue(busy.getMessage().startsWith("output file:" + folder + " is locked by run " + holderRun + " (host "),
                    holderRun + " / " + busy.getMessage());
            assertTrue(busy.getMessage().contains("pid " + holder.pid() + ", started "), holder.pid() + " / " + busy.getMessage());

            holder.destroyForcibly().waitFor();
            try (LogCapture log = new LogCapture(); OutputLock lock = OutputLock.acquire(output())) {
                assertTrue(log.text().contains("WARN OutputLock: output lock file:" + folder.resolve("_LOCK") + ": taking over the lock of run "
                        + holderRun) && log.text().contains("its process " + holder.pid() + " is gone from this host"), log.text());
                assertTrue(Files.readString(folder.resolve("_LOCK")).contains(lock.runId()));
            }
            assertFalse(Files.exists(folder.resolve("_LOCK")), "released when the run ends");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aLockFromAnotherHostIsTakenOverOnlyWhenItsHeartbeatIsStale() throws Exception {
        Path lockFile = folder.resolve("_LOCK");
        Files.writeString(lockFile, "{\"host\":\"build-42.elsewhere\",\"pid\":1,\"run_id\":\"r-other\",\"started_at\":\"2026-01-01T00:00:00Z\"}");
        DoraException busy = assertThrows(DoraException.class, () -> OutputLock.acquire(output()));
        assertEquals(ExitCode.OUTPUT_LOCKED, busy.exitCode(), "a fresh heartbeat from another host: alive");
        assertTrue(busy.getMessage().contains("run r-other (host build-42.elsewhere, pid 1"), busy.getMessage());

        Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now().minus(OutputLock.STALE_AFTER).minusSeconds(60)));
        try (LogCapture log = new LogCapture(); OutputLock lock = OutputLock.acquire(output())) {
            assertTrue(log.text().contains("taking over the lock of run r-other (host build-42.elsewhere") && log.text().contains("no heartbeat for"),
                    log.text());
        }
    }

    @Test
    void theHeartbeatKeepsTheLockFreshAndNoticesATakeOver() throws Exception {
        Path lockFile = folder.resolve("_LOCK");
        try (OutputLock lock = OutputLock.acquire(output(), Duration.ofMillis(100), Duration.ofMinutes(5))) {
            FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
            Files.setLastModifiedTime(lockFile, old);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.getLastModifiedTime(lockFile).equals(old) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.getLastModifiedTime(lockFile).toInstant().isAfter(Instant.now().minusSeconds(60)), "the heartbeat touched the lock");
            lock.requireHeld();

            Files.writeString(lockFile, "{\"host\":\"h\",\"pid\":2,\"run_id\":\"r-thief\",\"started_at\":\"2026-01-01T00:00:00Z\"}");
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            DoraException lost = null;
            while (lost == null && System.nanoTime() < deadline) {
                try {
                    lock.requireHeld();
                    Thread.sleep(50);
                } catch (DoraException e) {
                    lost = e;
                }
            }
            assertTrue(lost != null && lost.exitCode() == ExitCode.OUTPUT_LOCKED && lost.getMessage().contains("taken over by run r-thief"),
                    String.valueOf(lost));
        }
        assertTrue(Files.readString(lockFile).contains("r-thief"), "a lock taken over is not removed by the run that lost it");
    }

    private OutputLocation output() {
        return OutputLocation.open(folder.toString(), new Configuration());
    }
}
