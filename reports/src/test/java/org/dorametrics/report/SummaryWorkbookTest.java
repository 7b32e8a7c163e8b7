package org.dorametrics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.PaneInformation;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SummaryWorkbookTest {

    private static final LocalDate AS_OF = LocalDate.of(2025, 6, 5);
    private static final LocalDate WEEK = LocalDate.of(2025, 6, 2);
    private static final ReportHeader HEADER = new ReportHeader("Acme & Co delivery performance", AS_OF, "DORA 2024",
        "Europe/Berlin", "Monday", 12, 5, "0.1.0-SNAPSHOT");

    private static final double HOUR = 3_600;
    private static final double DAY = 86_400;

    // Every level appears at least once, plus a partial week and null values of each kind.
    private static final List<TeamSummary> TEAMS = List.of(
        new TeamSummary("payments", WEEK, false, 14, 5, 1, 2 * HOUR, 0.25, 0.5 * HOUR,
            5.0, 1, "elite", 20 * HOUR, 140, "elite", 0.04, 160, "elite", 0.75 * HOUR, 6, "elite",
            HOUR, 6, "elite", 0.05, 9.1),
        new TeamSummary("search", WEEK, true, 3, 2, 0, 25 * HOUR, 0.0, null,
            2.0, 2, "high", 4 * DAY, 40, "high", 0.12, 45, "medium", null, 0, "insufficient data",
            10 * HOUR, 5, "high", 0.1, 6.5),
        new TeamSummary("mobile-apps", WEEK, false, 0, 0, 0, null, null, null,
            0.5, 4, "medium", 30 * DAY, 12, "low", 0.4, 12, "low", 7 * DAY, 5, "low",
            null, 3, "insufficient data", 0.3, 3.2),
        new TeamSummary("data-platform-infrastructure", WEEK, true, 0, 0, 0, null, null, null,
            null, null, "insufficient data", null, 2, "insufficient data", null, 0, null, null, 0, null,
            null, 0, null, null, null));

    private static final List<String> COLUMN_HEADERS = List.of(
        "Team", "Week starting", "Deployments", "Deploy days", "Failed deploy attempts", "Lead time p50",
        "Change failure rate", "Time to restore p50",
        "Median deploy days/week", "Level",
        "p50", "n", "Level",
        "Rate", "Deployments", "Level",
        "p50", "n", "Level",
        "p50", "n", "Level",
        "Rework rate", "Score (0\u201310)");

    private static final int TEAM = 0;
    private static final int WEEK_START = 1;
    private static final int WEEK_DEPLOYMENTS = 2;
    private static final int WEEK_LEAD_TIME = 5;
    private static final int WEEK_CHANGE_FAILURE_RATE = 6;
    private static final int WEEK_TIME_TO_RESTORE = 7;
    private static final int MEDIAN_DEPLOY_DAYS = 8;
    private static final int DEPLOYMENT_FREQUENCY_LEVEL = 9;
    private static final int LEAD_TIME = 10;
    private static final int LEAD_TIME_N = 11;
    private static final int LEAD_TIME_LEVEL = 12;
    private static final int CHANGE_FAILURE_RATE = 13;
    private static final int CHANGE_FAILURE_RATE_LEVEL = 15;
    private static final int TIME_TO_RESTORE_LEVEL = 18;
    private static final int RECOVERY = 19;
    private static final int RECOVERY_LEVEL = 21;
    private static final int REWORK_RATE = 22;
    private static final int QUICK_CHECK = 23;
    private static final int[] LEVEL_COLUMNS = {DEPLOYMENT_FREQUENCY_LEVEL, LEAD_TIME_LEVEL,
        CHANGE_FAILURE_RATE_LEVEL, TIME_TO_RESTORE_LEVEL, RECOVERY_LEVEL};

    private static final String DURATION_FORMAT = "[h]\"h\" mm\"m\"";
    private static final String PARTIAL_WEEK_FORMAT = "yyyy-mm-dd\" (partial)\"";
    private static final Map<String, String> FILL_BY_LEVEL = Map.of(
        "elite", "1E6B34", "high", "92D050", "medium", "FFD84D", "low", "F4845F", "insufficient data", "BFBFBF");

    private static Path renderedPdf;

    private final DataFormatter formatter = new DataFormatter();
    private XSSFWorkbook workbook;
    private XSSFSheet sheet;
    private int headerRow;

    @BeforeEach
    void writeAndReadBack() throws IOException {
        workbook = new XSSFWorkbook(new ByteArrayInputStream(write(TEAMS)));
        sheet = workbook.getSheet("Summary");
        assertNotNull(sheet, "sheet Summary");
        headerRow = rowStartingWith("Team");
    }

    @AfterEach
    void close() throws IOException {
        workbook.close();
    }

    @Test
    void hasOneSheetNamedSummary() {
        assertEquals(1, workbook.getNumberOfSheets());
        assertEquals("Summary", workbook.getSheetName(0));
    }

    @Test
    void topShowsWhatProducedTheReport() {
        assertEquals(HEADER.title(), text(0, 0));
        XSSFCell asOf = cell(rowStartingWith("As of"), 1);
        assertEquals(CellType.NUMERIC, asOf.getCellType());
        assertTrue(DateUtil.isCellDateFormatted(asOf));
        assertEquals(AS_OF, asOf.getLocalDateTimeCellValue().toLocalDate());
        assertEquals("DORA 2024", text(rowStartingWith("Benchmark"), 1));
        assertEquals("Europe/Berlin; weeks start on Monday", text(rowStartingWith("Time zone"), 1));
        assertEquals("levels over the trailing 12 weeks; fewer than 5 samples = insufficient data",
            text(rowStartingWith("Window"), 1));
        assertEquals("dora-metrics 0.1.0-SNAPSHOT", text(rowStartingWith("Version"), 1));
    }

    @Test
    void headerRowsNameEveryColumnAndGroupThem() {
        XSSFRow headers = sheet.getRow(headerRow);
        assertEquals(COLUMN_HEADERS.size(), headers.getLastCellNum());
        for (int c = 0; c < COLUMN_HEADERS.size(); c++) {
            assertEquals(COLUMN_HEADERS.get(c), text(headerRow, c), "header of column " + c);
        }
        int sections = headerRow - 2;
        int groups = headerRow - 1;
        assertEquals("This week", text(sections, WEEK_START));
        assertMerged(new CellRangeAddress(sections, groups, WEEK_START, WEEK_TIME_TO_RESTORE));
        assertEquals("Trailing 12 weeks", text(sections, MEDIAN_DEPLOY_DAYS));
        assertMerged(new CellRangeAddress(sections, sections, MEDIAN_DEPLOY_DAYS, QUICK_CHECK));
        assertEquals("Deployment frequency", text(groups, MEDIAN_DEPLOY_DAYS));
        assertEquals("Lead time for changes", text(groups, LEAD_TIME));
        assertEquals("Change failure rate", text(groups, CHANGE_FAILURE_RATE));
        assertEquals("Time to restore service", text(groups, TIME_TO_RESTORE_LEVEL - 2));
        assertEquals("Failed deployment recovery time", text(groups, RECOVERY));
        assertMerged(new CellRangeAddress(groups, groups, RECOVERY, RECOVERY_LEVEL));
    }

    @Test
    void oneRowPerTeamInTheGivenOrder() {
        for (int i = 0; i < TEAMS.size(); i++) {
            assertEquals(TEAMS.get(i).team(), text(teamRow(i), TEAM));
        }
        assertNull(sheet.getRow(teamRow(TEAMS.size())), "a blank row separates the table from the legend");
    }

    @Test
    void ratesAreNumbersWithPercentFormat() {
        XSSFCell weekRate = cell(teamRow(0), WEEK_CHANGE_FAILURE_RATE);
        assertNumeric(weekRate, 0.25, "0.0%");
        assertEquals("25.0%", formatter.formatCellValue(weekRate));
        assertNumeric(cell(teamRow(1), WEEK_CHANGE_FAILURE_RATE), 0.0, "0.0%");
        assertNumeric(cell(teamRow(2), CHANGE_FAILURE_RATE), 0.4, "0.0%");
        assertNumeric(cell(teamRow(2), REWORK_RATE), 0.3, "0.0%");
    }

    @Test
    void durationsAreFractionsOfADayWithAnElapsedHoursFormat() {
        XSSFCell twoHours = cell(teamRow(0), WEEK_LEAD_TIME);
        assertNumeric(twoHours, 7200 / DAY, DURATION_FORMAT);
        assertEquals(7200, twoHours.getNumericCellValue() * DAY, 1e-6);
        assertNumeric(cell(teamRow(0), WEEK_TIME_TO_RESTORE), 1800 / DAY, DURATION_FORMAT);
        assertNumeric(cell(teamRow(1), WEEK_LEAD_TIME), 25 / 24.0, DURATION_FORMAT);
        assertNumeric(cell(teamRow(2), LEAD_TIME), 30.0, DURATION_FORMAT);
        assertNumeric(cell(teamRow(0), RECOVERY), 1 / 24.0, DURATION_FORMAT);
        // How these display ("2h 00m", "720h 00m") is checked on LibreOffice's rendering below.
    }

    @Test
    void countsAndScoresAreNumbers() {
        XSSFCell deployments = cell(teamRow(0), WEEK_DEPLOYMENTS);
        assertNumeric(deployments, 14, "#,##0");
        assertNumeric(cell(teamRow(2), WEEK_DEPLOYMENTS), 0, "#,##0");
        assertNumeric(cell(teamRow(0), LEAD_TIME_N), 140, "#,##0");
        assertNumeric(cell(teamRow(2), MEDIAN_DEPLOY_DAYS), 0.5, "0.0");
        XSSFCell score = cell(teamRow(1), QUICK_CHECK);
        assertNumeric(score, 6.5, "0.0");
        assertEquals("6.5", formatter.formatCellValue(score));
    }

    @Test
    void weekIsADateMarkedWhenPartial() {
        XSSFCell fullWeek = cell(teamRow(0), WEEK_START);
        assertEquals(CellType.NUMERIC, fullWeek.getCellType());
        assertEquals(WEEK, fullWeek.getLocalDateTimeCellValue().toLocalDate());
        assertEquals("yyyy-mm-dd", fullWeek.getCellStyle().getDataFormatString());
        XSSFCell partialWeek = cell(teamRow(1), WEEK_START);
        assertEquals(CellType.NUMERIC, partialWeek.getCellType());
        assertEquals(WEEK, partialWeek.getLocalDateTimeCellValue().toLocalDate());
        assertEquals(PARTIAL_WEEK_FORMAT, partialWeek.getCellStyle().getDataFormatString());
        assertEquals(PARTIAL_WEEK_FORMAT, cell(teamRow(3), WEEK_START).getCellStyle().getDataFormatString());
    }

    @Test
    void nullValuesAreBlankCells() {
        assertBlank(cell(teamRow(1), WEEK_TIME_TO_RESTORE));
        assertBlank(cell(teamRow(2), WEEK_LEAD_TIME));
        assertBlank(cell(teamRow(2), WEEK_CHANGE_FAILURE_RATE));
        assertBlank(cell(teamRow(2), RECOVERY));
        assertBlank(cell(teamRow(3), MEDIAN_DEPLOY_DAYS));
        assertBlank(cell(teamRow(3), REWORK_RATE));
        assertBlank(cell(teamRow(3), QUICK_CHECK));
        XSSFCell noLevel = cell(teamRow(3), CHANGE_FAILURE_RATE_LEVEL);
        assertBlank(noLevel);
        assertEquals(FillPatternType.NO_FILL, noLevel.getCellStyle().getFillPattern());
    }

    @Test
    void levelCellsCarryTheLabelAndTheLevelFill() {
        int checked = 0;
        for (int i = 0; i < TEAMS.size(); i++) {
            for (int column : LEVEL_COLUMNS) {
                XSSFCell cell = cell(teamRow(i), column);
                if (cell.getCellType() == CellType.BLANK) {
                    continue;
                }
                assertLevelCell(cell, cell.getStringCellValue());
                checked++;
            }
        }
        assertEquals(17, checked, "level cells with a level");
        assertEquals("elite", text(teamRow(0), LEAD_TIME_LEVEL));
        assertEquals("high", text(teamRow(1), LEAD_TIME_LEVEL));
        assertEquals("medium", text(teamRow(1), CHANGE_FAILURE_RATE_LEVEL));
        assertEquals("low", text(teamRow(2), LEAD_TIME_LEVEL));
        assertEquals("insufficient data", text(teamRow(1), TIME_TO_RESTORE_LEVEL));
        // White on dark green: the only level whose text is not black.
        assertEquals("FFFFFF", hex(cell(teamRow(0), LEAD_TIME_LEVEL).getCellStyle().getFont().getXSSFColor()));
        assertEquals("000000", hex(cell(teamRow(1), LEAD_TIME_LEVEL).getCellStyle().getFont().getXSSFColor()));
    }

    @Test
    void headerRowsAndTeamColumnAreFrozen() {
        PaneInformation pane = sheet.getPaneInformation();
        assertNotNull(pane);
        assertTrue(pane.isFreezePane());
        assertEquals(headerRow + 1, pane.getHorizontalSplitTopRow());
        assertEquals(1, pane.getVerticalSplitLeftColumn());
    }

    @Test
    void autofilterCoversHeaderAndTeamRows() {
        String expected = new CellRangeAddress(headerRow, teamRow(TEAMS.size() - 1), TEAM, QUICK_CHECK)
            .formatAsString();
        assertEquals("A10:X14", expected);
        assertEquals(expected, sheet.getCTWorksheet().getAutoFilter().getRef());
    }

    @Test
    void printsLandscapeOnePageWideWithRepeatedHeaders() {
        assertTrue(sheet.getPrintSetup().getLandscape());
        assertTrue(sheet.getFitToPage());
        assertEquals(1, sheet.getPrintSetup().getFitWidth());
        assertEquals(0, sheet.getPrintSetup().getFitHeight());
        assertEquals(new CellRangeAddress(headerRow - 2, headerRow, -1, -1), sheet.getRepeatingRows());
        assertEquals("Acme && Co delivery performance", sheet.getHeader().getLeft());
        assertEquals("As of 2025-06-05", sheet.getHeader().getRight());
        assertEquals("Page &P of &N", sheet.getFooter().getRight());
    }

    @Test
    void documentPropertiesDescribeTheReport() {
        var core = workbook.getProperties().getCoreProperties();
        assertEquals(HEADER.title(), core.getTitle());
        assertEquals("dora-metrics", core.getCreator());
        assertEquals("DORA metrics per team as of 2025-06-05 (DORA 2024)", core.getSubject());
    }

    @Test
    void legendBelowTheTableExplainsEveryLevel() {
        int rule = rowContaining("the best level whose published answer the value meets or beats");
        assertTrue(rule > teamRow(TEAMS.size() - 1) + 1, "legend starts after a blank row below the table");
        for (int i = 1; i <= FILL_BY_LEVEL.size(); i++) {
            XSSFCell swatch = cell(rule + i, 0);
            assertLevelCell(swatch, swatch.getStringCellValue());
        }
        assertEquals("elite", text(rule + 1, 0));
        assertEquals("fewer than 5 samples in the trailing 12 weeks, so no level is given", text(rule + 5, 1));
    }

    @Test
    void columnsAreWideEnoughForTheirContent() {
        for (int c = 0; c < COLUMN_HEADERS.size(); c++) {
            int widthChars = sheet.getColumnWidth(c) / 256;
            for (int i = 0; i < TEAMS.size(); i++) {
                String shown = shown(cell(teamRow(i), c));
                assertTrue(shown.length() < widthChars, "column " + c + " too narrow for '" + shown + "'");
            }
            // Headers wrap at spaces, so each word has to fit on a line.
            for (String word : COLUMN_HEADERS.get(c).split(" ")) {
                assertTrue(word.length() < widthChars, "column " + c + " too narrow for header word '" + word + "'");
            }
        }
    }

    @Test
    void rejectsALevelTheLegendDoesNotExplain() {
        TeamSummary odd = new TeamSummary("odd", WEEK, false, 1, 1, 0, null, null, null,
            1.0, 3, "great", null, 0, null, null, 1, null, null, 0, null, null, 0, null, null, null);
        IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> write(List.of(odd)));
        assertEquals("unknown level: great", error.getMessage());
    }

    @Test
    void rendersWithLibreOffice() throws Exception {
        Path pdf = renderedPdf();
        assertTrue(Files.isRegularFile(pdf), "no PDF written");
        assertTrue(Files.size(pdf) > 0, "empty PDF");
    }

    @Test
    void renderedPageShowsFormattedValuesAndNoOverflow() throws Exception {
        Path pdftotext = onPath("pdftotext");
        Assumptions.assumeTrue(pdftotext != null, "pdftotext not installed: rendered text check skipped");
        String page = run(pdftotext.toString(), "-layout", renderedPdf().toString(), "-");
        // POI cannot format these; LibreOffice shows what Excel shows.
        for (String expected : List.of("2025-06-02 (partial)", "2h 00m", "25h 00m", "720h 00m", "25.0%", "9.1",
            "insufficient data", "Page 1 of 1", "Acme & Co delivery performance")) {
            assertTrue(page.contains(expected), "rendered page lacks '" + expected + "':\n" + page);
        }
        assertFalse(page.contains("###"), "a column is too narrow for its number:\n" + page);
    }

    /** Renders the test workbook to PDF with LibreOffice once per run; skips the calling test without soffice. */
    private static synchronized Path renderedPdf() throws Exception {
        Path soffice = onPath("soffice");
        Assumptions.assumeTrue(soffice != null, "soffice not installed: LibreOffice rendering check skipped");
        if (renderedPdf == null) {
            // Kept under target/ so a person can open the rendered PDF after the build.
            Path outDir = Files.createDirectories(Path.of("target", "summary-render")).toAbsolutePath();
            Path xlsx = outDir.resolve("summary.xlsx");
            try (OutputStream out = Files.newOutputStream(xlsx)) {
                SummaryWorkbook.write(HEADER, TEAMS, out);
            }
            Path pdf = outDir.resolve("summary.pdf");
            Files.deleteIfExists(pdf);
            // A private profile: a LibreOffice already running for this user would otherwise take the job, or lock.
            run(soffice.toString(), "-env:UserInstallation=" + outDir.resolve("profile").toUri(),
                "--headless", "--convert-to", "pdf", "--outdir", outDir.toString(), xlsx.toString());
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

    private static byte[] write(List<TeamSummary> teams) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryWorkbook.write(HEADER, teams, bytes);
        return bytes.toByteArray();
    }

    private int teamRow(int index) {
        return headerRow + 1 + index;
    }

    private int rowStartingWith(String text) {
        for (int r = 0; r <= sheet.getLastRowNum(); r++) {
            XSSFRow row = sheet.getRow(r);
            if (row != null && row.getCell(0) != null && text.equals(formatter.formatCellValue(row.getCell(0)))) {
                return r;
            }
        }
        throw new AssertionError("no row starts with '" + text + "'");
    }

    private int rowContaining(String fragment) {
        for (int r = 0; r <= sheet.getLastRowNum(); r++) {
            XSSFRow row = sheet.getRow(r);
            if (row != null && row.getCell(0) != null && formatter.formatCellValue(row.getCell(0)).contains(fragment)) {
                return r;
            }
        }
        throw new AssertionError("no row contains '" + fragment + "'");
    }

    private XSSFCell cell(int row, int column) {
        XSSFRow xssfRow = sheet.getRow(row);
        assertNotNull(xssfRow, "row " + row);
        XSSFCell cell = xssfRow.getCell(column);
        assertNotNull(cell, "cell " + new CellRangeAddress(row, row, column, column).formatAsString());
        return cell;
    }

    private String text(int row, int column) {
        XSSFCell cell = cell(row, column);
        assertEquals(CellType.STRING, cell.getCellType(), "cell type at row " + row + ", column " + column);
        return cell.getStringCellValue();
    }

    /**
     * The text a spreadsheet shows for a cell. POI's DataFormatter renders the quoted literals of the duration and
     * partial-week formats wrongly (Excel and LibreOffice do not), so those two are spelled out here.
     */
    private String shown(XSSFCell cell) {
        String format = cell.getCellStyle().getDataFormatString();
        if (cell.getCellType() == CellType.NUMERIC && DURATION_FORMAT.equals(format)) {
            long minutes = Math.round(cell.getNumericCellValue() * DAY / 60);
            return String.format("%dh %02dm", minutes / 60, minutes % 60);
        }
        if (cell.getCellType() == CellType.NUMERIC && PARTIAL_WEEK_FORMAT.equals(format)) {
            return cell.getLocalDateTimeCellValue().toLocalDate() + " (partial)";
        }
        return formatter.formatCellValue(cell);
    }

    private void assertMerged(CellRangeAddress range) {
        assertTrue(sheet.getMergedRegions().contains(range), "merged " + range.formatAsString());
    }

    private static void assertNumeric(XSSFCell cell, double expected, String format) {
        assertEquals(CellType.NUMERIC, cell.getCellType(), cell.getAddress() + " type");
        assertEquals(expected, cell.getNumericCellValue(), 1e-12, cell.getAddress() + " value");
        assertEquals(format, cell.getCellStyle().getDataFormatString(), cell.getAddress() + " format");
    }

    private static void assertBlank(XSSFCell cell) {
        assertEquals(CellType.BLANK, cell.getCellType(), cell.getAddress() + " should be blank");
    }

    private static void assertLevelCell(XSSFCell cell, String level) {
        assertEquals(CellType.STRING, cell.getCellType(), cell.getAddress() + " type");
        String expectedFill = FILL_BY_LEVEL.get(level);
        assertNotNull(expectedFill, cell.getAddress() + " has no known level: " + level);
        XSSFCellStyle style = cell.getCellStyle();
        assertEquals(FillPatternType.SOLID_FOREGROUND, style.getFillPattern(), cell.getAddress() + " fill pattern");
        assertEquals(expectedFill, hex(style.getFillForegroundXSSFColor()), cell.getAddress() + " fill of " + level);
    }

    private static String hex(XSSFColor color) {
        assertNotNull(color, "colour");
        return HexFormat.of().withUpperCase().formatHex(color.getRGB());
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
