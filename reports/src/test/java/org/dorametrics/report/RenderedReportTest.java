package org.dorametrics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Renders a small report with LibreOffice, as a manager who prints it would see it: POI cannot apply the number
 * formats (conditional sections, elapsed hours), LibreOffice does what Excel does. Skipped, saying why, without
 * soffice or pdftotext.
 */
class RenderedReportTest {

    private static Path renderedPdf;

    @Test
    void rendersToAPdfWithAPagePerPrintedArea() throws Exception {
        Path pdf = renderedPdf();
        assertTrue(Files.size(pdf) > 0, "empty PDF");
    }

    @Test
    void renderedPagesShowHumanUnitsArrowsAndNoOverflow() throws Exception {
        Path pdftotext = onPath("pdftotext");
        Assumptions.assumeTrue(pdftotext != null, "pdftotext not installed: rendered text check skipped");
        String pages = run(pdftotext.toString(), "-layout", renderedPdf().toString(), "-");
        // core's report week: lead time 3 h, recovery 30 min, 6 deployments up 2; a 31 h trailing lead time.
        for (String expected : List.of("3 h 00 min", "30 min", "\u25B2 2", "\u25B2 50%", "\u25BC 15%", "31 h 00 min",
            "elite needs < 1 day", "high needs \u2264 20%", "insufficient", "2025-06-02 (partial)", "Page 1 of",
            "Acme & Co delivery", "Deployments per week", "DORA 2024: the published levels")) {
            assertTrue(pages.contains(expected), "rendered pages lack '" + expected + "'");
        }
        assertFalse(pages.contains("###"), "a column is too narrow for its number");
    }

    /** Renders the test workbook to PDF with LibreOffice once per run; skips the calling test without soffice. */
    private static synchronized Path renderedPdf() throws Exception {
        Path soffice = onPath("soffice");
        Assumptions.assumeTrue(soffice != null, "soffice not installed: LibreOffice rendering check skipped");
        if (renderedPdf == null) {
            // Kept under target/ so a person can open the rendered PDF after the build.
            Path outDir = Files.createDirectories(Path.of("target", "report-render")).toAbsolutePath();
            Path xlsx = outDir.resolve("weekly.xlsx");
            List<TeamReport> teams = new ArrayList<>();
            teams.add(SyntheticReports.handMade());
            teams.add(SyntheticReports.team("team-02", false, 1, 26));
            teams.add(SyntheticReports.team("(organisation)", true, 2, 26));
            try (OutputStream out = Files.newOutputStream(xlsx)) {
                WeeklyReportWorkbook.write(SyntheticReports.report(SyntheticReports.HEADER, teams), out);
            }
            Path pdf = outDir.resolve("weekly.pdf");
            Files.deleteIfExists(pdf);
            // A private profile: a LibreOffice already running for this user would otherwise take the job, or lock.
            run(soffice.toString(), "-env:UserInstallation=" + outDir.resolve("profile").toUri(),
                "--headless", "--convert-to", "pdf", "--outdir", outDir.toString(), xlsx.toString());
            assertTrue(Files.isRegularFile(pdf), "LibreOffice wrote no PDF");
            renderedPdf = pdf;
        }
        return renderedPdf;
    }

    /** Runs a program and returns its output, failing on a non-zero exit or after 3 minutes. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Read before waiting: a full pipe would block the program.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), command[0] + " did not finish in 3 minutes");
        assertEquals(0, process.exitValue(), () -> command[0] + " failed:\n" + output);
        return output;
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        return Stream.of(path.split(File.pathSeparator))
            .map(dir -> Path.of(dir, program))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    }
}
