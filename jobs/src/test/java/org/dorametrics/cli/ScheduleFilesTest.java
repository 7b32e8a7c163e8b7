package org.dorametrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The ready-made schedules of scripts/schedules: each runs a dora command line that today's CLI accepts, and all say
 * the same thing about when: Mondays at 06:00 in the reporting time zone (Europe/Berlin in the examples).
 */
class ScheduleFilesTest {
    private static final Path SCHEDULES = Path.of("../scripts/schedules");
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @Test
    void cronRunsOnMondaysAtSixInTheReportingZone() throws IOException {
        String crontab = Files.readString(SCHEDULES.resolve("crontab"));
        assertTrue(crontab.contains("\nCRON_TZ=" + ZONE.getId() + "\n"), "CRON_TZ");
        String entry = crontab.lines().filter(line -> line.matches("^[0-9*].*")).findFirst().orElseThrow();
        assertEquals(List.of("0", "6", "*", "*", "1"), Arrays.asList(entry.split("\\s+")).subList(0, 5), entry);
        assertAccepted(doraArguments(entry.substring(0, entry.indexOf(">>"))));
    }

    @Test
    void systemdTimerRunsOnMondaysAtSixInTheReportingZone() throws Exception {
        String timer = Files.readString(SCHEDULES.resolve("dora-metrics.timer"));
        String calendar = value(timer, "OnCalendar");
        assertEquals("Mon *-*-* 06:00:00 " + ZONE.getId(), calendar);
        assertAccepted(doraArguments(value(Files.readString(SCHEDULES.resolve("dora-metrics.service")), "ExecStart")));

        // systemd's own reading of the calendar expression, when this machine has systemd-analyze.
        Process analyze;
        try {
            analyze = new ProcessBuilder("systemd-analyze", "calendar", "--iterations=3", calendar).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("systemd-analyze is not installed: the timer's next runs are not checked with systemd (" + e.getMessage() + ")");
            return;
        }
        assertTrue(analyze.waitFor(30, TimeUnit.SECONDS));
        String output = new String(analyze.getInputStream().readAllBytes());
        Matcher elapse = Pattern.compile("(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) UTC").matcher(output);
        int runs = 0;
        while (elapse.find()) {
            LocalDateTime local = LocalDateTime.parse(elapse.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                    .atOffset(ZoneOffset.UTC).atZoneSameInstant(ZONE).toLocalDateTime();
            assertEquals(DayOfWeek.MONDAY, local.getDayOfWeek(), output);
            assertEquals(6, local.getHour(), output);
            runs++;
        }
        assertEquals(3, runs, output);
    }

    @Test
    void kubernetesCronJobRunsSparkSubmitOnMondaysAtSixInTheReportingZone() throws IOException {
        JsonNode cronJob = new ObjectMapper(new YAMLFactory()).readTree(SCHEDULES.resolve("kubernetes-cronjob.yaml").toFile());
        assertEquals("CronJob", cronJob.path("kind").asText());
        assertEquals("0 6 * * 1", cronJob.path("spec").path("schedule").asText());
        assertEquals(ZONE.getId(), cronJob.path("spec").path("timeZone").asText());
        assertEquals("Forbid", cronJob.path("spec").path("concurrencyPolicy").asText());
        JsonNode container = cronJob.path("spec").path("jobTemplate").path("spec").path("template").path("spec").path("containers").get(0);
        assertTrue(container.path("command").get(0).asText().endsWith("/spark-submit"));
        List<String> args = new ArrayList<>();
        container.path("args").forEach(arg -> args.add(arg.asText()));
        assertEquals("org.dorametrics.cli.DoraCli", args.get(args.indexOf("--class") + 1));
        int jar = args.indexOf("local:///opt/dora-metrics/dora-metrics.jar");
        assertTrue(jar > 0, "the jar the Dockerfile copies: " + args);
        assertTrue(Files.readString(SCHEDULES.resolve("Dockerfile")).contains("COPY jobs/target/dora-metrics.jar /opt/dora-metrics/dora-metrics.jar"));
        assertAccepted(args.subList(jar + 1, args.size()));
    }

    @Test
    void airflowDagRunsOnMondaysAtSixInTheReportingZoneWithTheWeeksReportDate() throws Exception {
        String dag = Files.readString(SCHEDULES.resolve("airflow_dora_metrics.py"));
        assertTrue(dag.contains("schedule=\"0 6 * * 1\""), "schedule");
        assertTrue(dag.contains("REPORTING_TIMEZONE = \"" + ZONE.getId() + "\""), "time zone");
        Matcher command = Pattern.compile("DORA_COMMAND = \"([^\"]+)\"").matcher(dag);
        assertTrue(command.find());
        List<String> args = new ArrayList<>(doraArguments(command.group(1)));
        args.addAll(List.of("--as-of", "2026-11-30")); // what the template renders
        assertAccepted(args);

        Process compile;
        try {
            // compile() checks the syntax as py_compile does, without writing a __pycache__ into the source tree.
            compile = new ProcessBuilder("python3", "-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
                    SCHEDULES.resolve("airflow_dora_metrics.py").toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed: the DAG's Python syntax is not checked (" + e.getMessage() + ")");
            return;
        }
        assertTrue(compile.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, compile.exitValue(), new String(compile.getInputStream().readAllBytes()));
    }

    /** The words after scripts/dora in a shell command line. */
    private static List<String> doraArguments(String commandLine) {
        List<String> words = Arrays.asList(commandLine.trim().split("\\s+"));
        int dora = words.indexOf(words.stream().filter(word -> word.endsWith("scripts/dora")).findFirst().orElseThrow());
        return words.subList(dora + 1, words.size());
    }

    private static void assertAccepted(List<String> args) {
        CommandLine.ParseResult parsed = DoraCli.commandLine().parseArgs(args.toArray(String[]::new));
        assertEquals("run", parsed.subcommand().commandSpec().name(), args.toString());
        assertTrue(parsed.subcommand().hasMatchedOption("--config"), args.toString());
    }

    private static String value(String unitFile, String key) {
        return unitFile.lines().filter(line -> line.startsWith(key + "=")).findFirst().orElseThrow().substring(key.length() + 1);
    }
}
