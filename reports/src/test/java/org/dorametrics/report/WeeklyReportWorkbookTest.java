package org.dorametrics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.apache.poi.common.usermodel.HyperlinkType;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xddf.usermodel.XDDFLineProperties;
import org.apache.poi.xddf.usermodel.XDDFSolidFillProperties;
import org.apache.poi.xddf.usermodel.chart.XDDFChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFTable;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads the weekly report back with POI: sheets, values and formats, links, badges, charts, print setup. */
class WeeklyReportWorkbookTest {

    private static final List<String> TEAMS = List.of("core", "team-02", "team-03");
    private static WeeklyReport report;
    private static XSSFWorkbook workbook;
    private static XSSFSheet overview;

    @BeforeAll
    static void writeAndReadBack() throws IOException {
        List<TeamReport> teams = new ArrayList<>();
        teams.add(SyntheticReports.handMade());
        teams.add(SyntheticReports.team("team-02", false, 1, 26));
        teams.add(SyntheticReports.team("team-03", false, 2, 26));
        teams.add(SyntheticReports.team("(organisation)", true, 3, 26));
        report = SyntheticReports.report(SyntheticReports.HEADER, teams);
        workbook = read(write(report));
        overview = workbook.getSheet(OverviewSheet.NAME);
    }

    @AfterAll
    static void close() throws IOException {
        workbook.close();
    }

    @Test
    void sheetsComeInReadingOrder() {
        List<String> names = sheets(workbook).stream().map(XSSFSheet::getSheetName).toList();
        assertEquals(List.of("Overview", "Trends", "core", "team-02", "team-03", "(organisation)", "Benchmarks",
            "Data quality", "Alerts"), names);
    }

    @Test
    void overviewHasOneRowPerTeamLinkedToItsSheet() {
        for (int i = 0; i < report.teams().size(); i++) {
            XSSFCell name = cell(overview, OverviewSheet.FIRST_TEAM_ROW + i, OverviewSheet.TEAM);
            assertEquals(CellType.STRING, name.getCellType());
            assertEquals(report.teams().get(i).team(), name.getStringCellValue());
            assertEquals(HyperlinkType.DOCUMENT, name.getHyperlink().getType());
            assertEquals("'" + report.teams().get(i).team() + "'!A1", name.getHyperlink().getAddress());
        }
        assertEquals(OverviewSheet.FIRST_TEAM_ROW + report.teams().size() - 1 + 1,
            rowOf(overview, "How to read this page") - 1, "one blank row, then the legend");
    }

    @Test
    void overviewTitleGivesDateEditionAndTimeZone() {
        assertEquals("Acme & Co delivery \u2014 Weekly DORA report", overview.getRow(0).getCell(0).getStringCellValue());
        XSSFCell asOf = cell(overview, 1, 1);
        assertEquals(SyntheticReports.AS_OF.atStartOfDay(), asOf.getLocalDateTimeCellValue());
        assertEquals("yyyy-mm-dd", asOf.getCellStyle().getDataFormatString());
        assertEquals(SyntheticReports.REPORT_WEEK.atStartOfDay(), cell(overview, 2, 1).getLocalDateTimeCellValue());
        assertTrue(cell(overview, 3, 1).getStringCellValue().startsWith("DORA 2024;"));
        assertEquals("Europe/Berlin; weeks start on Monday", cell(overview, 4, 1).getStringCellValue());
    }

    @Test
    void overviewValuesAreNumbersWithFormats() {
        int core = OverviewSheet.FIRST_TEAM_ROW;
        assertNumeric(cell(overview, core, column("Deployment frequency", "Deploys")), 6, ReportStyles.COUNT_FORMAT);
        assertNumeric(cell(overview, core, column("Deployment frequency", "Deploy days")), 5, ReportStyles.COUNT_FORMAT);
        assertNumeric(cell(overview, core, column("Lead time for changes (p50)", "Week")), 10_800 / 86_400.0,
            ReportStyles.DURATION_FORMAT);
        assertNumeric(cell(overview, core, column("Change failure rate", "Week")), 0.10, ReportStyles.RATE_FORMAT);
        assertNumeric(cell(overview, core, OverviewSheet.QUICK_CHECK), 6.5, ReportStyles.DECIMAL_FORMAT);
        // Recovery is 2024's restore metric; the hand-made week has a recovery p50 of 30 minutes.
        assertNumeric(cell(overview, core, column("Failed deployment recovery time (p50)", "Week")), 1800 / 86_400.0,
            ReportStyles.DURATION_FORMAT);
    }

    @Test
    void changesCarryArrowsColouredByWhetherTheyAreBetter() {
        int core = OverviewSheet.FIRST_TEAM_ROW;
        // More deployments than the week before: better, green.
        assertChange(cell(overview, core, column("Deployment frequency", "\u0394 prev wk")), 2,
            ReportStyles.COUNT_CHANGE_FORMAT, ReportStyles.GOOD_RGB);
        assertChange(cell(overview, core, column("Deployment frequency", "vs avg")), 6 - 10 / 3.0,
            ReportStyles.DECIMAL_CHANGE_FORMAT, ReportStyles.GOOD_RGB);
        // A longer lead time: worse, red, as a relative change.
        assertChange(cell(overview, core, column("Lead time for changes (p50)", "\u0394 prev wk")), 0.5,
            ReportStyles.PERCENT_CHANGE_FORMAT, ReportStyles.BAD_RGB);
        assertChange(cell(overview, core, column("Lead time for changes (p50)", "vs avg")), 0.8,
            ReportStyles.PERCENT_CHANGE_FORMAT, ReportStyles.BAD_RGB);
        // A lower change failure rate: better, in percentage points.
        assertChange(cell(overview, core, column("Change failure rate", "\u0394 prev wk")), -0.15,
            ReportStyles.PERCENT_CHANGE_FORMAT, ReportStyles.GOOD_RGB);
        // No change is grey.
        assertChange(cell(overview, core, column("Failed deployment recovery time (p50)", "\u0394 prev wk")), 0,
            ReportStyles.PERCENT_CHANGE_FORMAT, ReportStyles.NEUTRAL_RGB);
    }

    @Test
    void levelsAreBadgesWithTheirOwnFillAndTheNextLevelIsSpelledOut() {
        int core = OverviewSheet.FIRST_TEAM_ROW;
        assertBadge(cell(overview, core, column("Deployment frequency", "Level")), "high");
        assertEquals("elite needs \u2265 5 deploy days/wk, \u2265 2 deploys a day",
            text(overview, core, column("Deployment frequency", "Next level")));
        assertBadge(cell(overview, core, column("Lead time for changes (p50)", "Level")), "high");
        assertEquals("elite needs < 1 day", text(overview, core, column("Lead time for changes (p50)", "Next level")));
        // 2024's change failure rates are not monotonic: from low, high's 20% comes before medium's 10%.
        assertBadge(cell(overview, core, column("Change failure rate", "Level")), "low");
        assertEquals("high needs \u2264 20%", text(overview, core, column("Change failure rate", "Next level")));
        // 2024: high and medium both publish "< 1 day" for recovery; the better one is named.
        assertBadge(cell(overview, core, column("Failed deployment recovery time (p50)", "Level")), "low");
        assertEquals("high needs < 1 day",
            text(overview, core, column("Failed deployment recovery time (p50)", "Next level")));
        XSSFSheet coreSheet = workbook.getSheet("core");
        int restore = rowOf(coreSheet, "Time to restore p50");
        assertBadge(cell(coreSheet, restore, 6), "insufficient data");
        assertEquals("p50 1.5 h: insufficient data; a level needs 5 resolved incidents (has 3)",
            text(coreSheet, restore, 7));
        assertEquals("p50 31.0 h: high; elite needs < 1 day", text(coreSheet, rowOf(coreSheet, "Lead time p50"), 7));
    }

    @Test
    void everyLevelHasItsOwnFillAndALegendLine() {
        int legend = rowOf(overview, "How to read this page");
        Map<String, String> fills = Map.of("elite", "1E6B34", "high", "92D050", "medium", "FFD84D", "low", "F4845F",
            "insufficient data", "D9D9D9");
        for (int i = 1; i <= fills.size(); i++) {
            XSSFCell swatch = cell(overview, legend + i, 0);
            assertEquals(fills.get(swatch.getStringCellValue()), hex(swatch.getCellStyle().getFillForegroundXSSFColor()));
        }
        assertEquals(5, fills.keySet().stream().map(level -> rowOf(overview, level)).distinct().count());
    }

    @Test
    void quickCheckHasAnExplicitColourScale() {
        var formatting = overview.getSheetConditionalFormatting();
        assertEquals(1, formatting.getNumConditionalFormattings());
        var scale = formatting.getConditionalFormattingAt(0).getRule(0).getColorScaleFormatting();
        assertEquals(List.of("F8696B", "FFEB84", "63BE7B"),
            java.util.Arrays.stream(scale.getColors()).map(c -> hex((XSSFColor) c)).toList());
        assertEquals(new CellRangeAddress(OverviewSheet.FIRST_TEAM_ROW, OverviewSheet.FIRST_TEAM_ROW + 3,
            OverviewSheet.QUICK_CHECK, OverviewSheet.QUICK_CHECK),
            formatting.getConditionalFormattingAt(0).getFormattingRanges()[0]);
    }

    @Test
    void overviewFreezesHeadersAndFiltersTeams() {
        var pane = overview.getPaneInformation();
        assertTrue(pane.isFreezePane());
        assertEquals(OverviewSheet.FIRST_TEAM_ROW, pane.getHorizontalSplitTopRow());
        assertEquals(1, pane.getVerticalSplitLeftColumn());
        String filter = overview.getCTWorksheet().getAutoFilter().getRef();
        assertEquals(new CellRangeAddress(OverviewSheet.HEADER_ROW, OverviewSheet.FIRST_TEAM_ROW + 3, 0, 25)
            .formatAsString(), filter);
    }

    @Test
    void everySheetPrintsLandscapeOnePageWideWithHeaderAndFooter() {
        for (XSSFSheet sheet : sheets(workbook)) {
            String name = sheet.getSheetName();
            assertTrue(sheet.getPrintSetup().getLandscape(), name);
            assertTrue(sheet.getFitToPage(), name);
            assertEquals(1, sheet.getPrintSetup().getFitWidth(), name);
            assertEquals(0, sheet.getPrintSetup().getFitHeight(), name);
            assertEquals("Acme && Co delivery", sheet.getHeader().getLeft(), name);
            assertEquals("As of 2025-06-05", sheet.getHeader().getRight(), name);
            assertEquals("Page &P of &N", sheet.getFooter().getRight(), name);
        }
        assertEquals(new CellRangeAddress(OverviewSheet.GROUP_ROW, OverviewSheet.HEADER_ROW, -1, -1),
            overview.getRepeatingRows());
        assertEquals(new CellRangeAddress(0, 0, -1, -1), workbook.getSheet("core").getRepeatingRows());
    }

    @Test
    void documentPropertiesDescribeTheReportAndDoNotDependOnTheClock() {
        var core = workbook.getProperties().getCoreProperties();
        assertEquals("Acme & Co delivery", core.getTitle());
        assertEquals("dora-metrics", core.getCreator());
        assertEquals("DORA metrics per team as of 2025-06-05 (DORA 2024)", core.getSubject());
        assertEquals(java.time.Instant.parse("2025-06-05T00:00:00Z"), core.getCreated().toInstant());
        assertNotNull(core.getDescription());
    }

    @Test
    void teamSheetHasKpisWeeksAndTheListsAsFilteredTables() {
        XSSFSheet sheet = workbook.getSheet("core");
        int deployments = rowOf(sheet, "Deployments");
        assertNumeric(cell(sheet, deployments, 1), 6, ReportStyles.COUNT_FORMAT);
        assertChange(cell(sheet, deployments, 2), 2, ReportStyles.COUNT_CHANGE_FORMAT, ReportStyles.GOOD_RGB);
        assertNumeric(cell(sheet, deployments, 3), 10 / 3.0, ReportStyles.DECIMAL_FORMAT);

        int header = rowOf(sheet, "Week");
        assertEquals(TeamSheet.WEEKLY_HEADERS, rowText(sheet, header, TeamSheet.WEEKLY_HEADERS.size()));
        XSSFCell partial = cell(sheet, header + 5, 0);
        assertEquals(ReportStyles.PARTIAL_WEEK_FORMAT, partial.getCellStyle().getDataFormatString());
        assertNumeric(cell(sheet, header + 4, 5), 10_800 / 86_400.0, ReportStyles.DURATION_FORMAT);

        List<XSSFTable> tables = sheet.getTables();
        assertEquals(3, tables.size(), "deployments, incidents, slowest changes");
        for (XSSFTable table : tables) {
            assertEquals(table.getArea().formatAsString(), table.getCTTable().getAutoFilter().getRef());
        }
        int deploymentsHeader = tables.get(0).getStartRowIndex();
        assertEquals("Finished", text(sheet, deploymentsHeader, 0));
        assertEquals(SyntheticReports.REPORT_WEEK.atTime(9, 30), cell(sheet, deploymentsHeader + 1, 0)
            .getLocalDateTimeCellValue());
        assertNumeric(cell(sheet, deploymentsHeader + 1, 4), 5400 / 86_400.0, ReportStyles.DURATION_FORMAT);
        assertEquals("incident", text(sheet, deploymentsHeader + 1, 7));
        assertEquals("window", text(sheet, tables.get(1).getStartRowIndex() + 1, 6));
        assertEquals("c0ffee1", text(sheet, tables.get(2).getStartRowIndex() + 1, 0));
        assertEquals("'Overview'!A1", cell(sheet, 5, 0).getHyperlink().getAddress());
    }

    @Test
    void teamChartsPlotTheCompleteWeeksOfTheWeeklyTable() {
        XSSFSheet sheet = workbook.getSheet("team-02");
        List<XSSFChart> charts = sheet.getDrawingPatriarch().getCharts();
        assertEquals(List.of("Deployments per week", "Lead time for changes (hours)", "Change failure rate"),
            charts.stream().map(c -> c.getTitleText().getString()).toList());
        int header = rowOf(sheet, "Week");
        XDDFChartData.Series bars = charts.get(0).getChartSeries().get(0).getSeries(0);
        assertEquals("'team-02'!$B$" + (header + 2) + ":$B$" + (header + 27), bars.getValuesData().getDataRangeReference());
        assertEquals("'team-02'!$R$" + (header + 2) + ":$R$" + (header + 27),
            bars.getCategoryData().getDataRangeReference());
        assertEquals(2, charts.get(1).getChartSeries().get(0).getSeriesCount(), "p50 and p90");
        assertEquals("'team-02'!$I$" + (header + 2) + ":$I$" + (header + 27),
            charts.get(2).getChartSeries().get(0).getSeries(0).getValuesData().getDataRangeReference());
    }

    @Test
    void trendChartsHaveOneExplicitlyStyledLinePerTeam() {
        XSSFSheet trends = workbook.getSheet(TrendsSheet.NAME);
        List<XSSFChart> charts = trends.getDrawingPatriarch().getCharts();
        assertEquals(6, charts.size());
        assertEquals("Deployments per week", charts.get(0).getTitleText().getString());
        for (XSSFChart chart : charts) {
            XDDFLineChartData data = (XDDFLineChartData) chart.getChartSeries().get(0);
            assertEquals(3, data.getSeriesCount(), "the organisation is not charted");
            for (int s = 0; s < 3; s++) {
                XDDFLineChartData.Series series = (XDDFLineChartData.Series) data.getSeries(s);
                XDDFLineProperties line = series.getShapeProperties().getLineProperties();
                assertEquals(ReportCharts.LINE_POINTS, line.getWidth(), 1e-9);
                assertEquals(ReportCharts.SERIES_RGB.get(s), HexFormat.of().withUpperCase().formatHex(
                    ((org.apache.poi.xddf.usermodel.XDDFColorRgbBinary) ((XDDFSolidFillProperties) line
                        .getFillProperties()).getColor()).getValue()));
                assertEquals(26, series.getValuesData().getPointCount());
                var marker = series.getCTLineSer().getMarker();
                assertEquals(org.openxmlformats.schemas.drawingml.x2006.chart.STMarkerStyle.CIRCLE,
                    marker.getSymbol().getVal());
                assertEquals(ReportCharts.SERIES_RGB.get(s), HexFormat.of().withUpperCase().formatHex(
                    marker.getSpPr().getSolidFill().getSrgbClr().getVal()));
            }
        }
        // Series 0 of the first chart is team "core", in column C; its name is the header cell above the values.
        XDDFChartData.Series first = charts.get(0).getChartSeries().get(0).getSeries(0);
        CellRangeAddress values = CellRangeAddress.valueOf(first.getValuesData().getDataRangeReference()
            .replace("'Trends'!", ""));
        assertEquals(TrendsSheet.FIRST_TEAM_COLUMN, values.getFirstColumn());
        assertEquals("core", text(trends, values.getFirstRow() - 1, TrendsSheet.FIRST_TEAM_COLUMN));
        assertEquals(6.0, cell(trends, values.getLastRow(), TrendsSheet.FIRST_TEAM_COLUMN).getNumericCellValue());
        assertEquals("26 May", text(trends, values.getLastRow(), TrendsSheet.LABEL_COLUMN));
    }

    @Test
    void trendsChartTheBusiestTwelveOfManyTeams() throws IOException {
        try (XSSFWorkbook many = read(write(SyntheticReports.report(20, 26)))) {
            XSSFChart chart = many.getSheet(TrendsSheet.NAME).getDrawingPatriarch().getCharts().get(0);
            assertEquals(TrendsSheet.CHARTED_TEAMS, chart.getChartSeries().get(0).getSeriesCount());
            assertTrue(many.getSheet(TrendsSheet.NAME).getRow(5).getCell(0).getStringCellValue()
                .contains("the 12 teams with the most deployments; the tables below hold all 20"));
        }
    }

    @Test
    void benchmarksSheetHasThePublishedTableAndTheDefinitions() {
        XSSFSheet sheet = workbook.getSheet(BenchmarksSheet.NAME);
        int header = BenchmarksSheet.PUBLISHED_HEADER_ROW;
        assertEquals(List.of("Level", "Deployment frequency", "Lead time for changes", "Failed deployment recovery time",
            "Change failure rate"), rowText(sheet, header, 5));
        assertBadge(cell(sheet, header + 1, 0), "elite");
        assertEquals("on demand", text(sheet, header + 1, 1));
        assertEquals("20%", text(sheet, header + 2, 4));
        assertEquals("\u2264 20%", text(sheet, rowOf(sheet, "What each level takes, as this project measures it") + 3, 4));
        for (List<String> definition : BenchmarksSheet.DEFINITIONS) {
            assertEquals(definition.get(1), text(sheet, rowOf(sheet, definition.get(0)), 1));
        }
    }

    @Test
    void dataQualitySheetListsRejectsAndChecksWithExamples() {
        XSSFSheet sheet = workbook.getSheet(DataQualitySheet.NAME);
        int first = DataQualitySheet.FIRST_HEADER_ROW + 1;
        assertEquals("file:data/deployments.jsonl \u00B7 rejected \u00B7 finished_at", text(sheet, first, 0));
        assertNumeric(cell(sheet, first, 1), 2, ReportStyles.COUNT_FORMAT);
        assertTrue(text(sheet, first, 3).startsWith("d7 line 7:"));
        int incidents = rowOf(sheet, "Incidents with no service");
        assertNumeric(cell(sheet, incidents, 1), 1, ReportStyles.COUNT_FORMAT);
        assertEquals("INC-9", text(sheet, incidents, 3));
    }

    @Test
    void alertsSheetListsOpenAlertsLinkedToTheTeamsSheetsWithObservedAgainstExpected() {
        XSSFSheet sheet = workbook.getSheet(AlertsSheet.NAME);
        int first = AlertsSheet.FIRST_HEADER_ROW + 1;
        assertEquals(List.of("Team", "Service or source", "Rule", "Observed", "Expected", "Severity", "First seen", "What changed"),
            rowText(sheet, AlertsSheet.FIRST_HEADER_ROW, 8));
        assertEquals("core", text(sheet, first, 0));
        assertEquals("'core'!A1", cell(sheet, first, 0).getHyperlink().getAddress());
        assertEquals("api", text(sheet, first, 1));
        assertEquals("change_failure_rate", text(sheet, first, 2));
        assertNumeric(cell(sheet, first, 3), 0.5, ReportStyles.RATE_FORMAT);
        assertEquals("\u2264 20%", text(sheet, first, 4));
        assertEquals("critical", text(sheet, first, 5));
        assertEquals(LocalDate.of(2025, 6, 3), cell(sheet, first, 6).getLocalDateTimeCellValue().toLocalDate());
        assertTrue(text(sheet, first, 7).startsWith("core / api's change failure rate is 50%"));
        assertNumeric(cell(sheet, first + 1, 3), 2.0, ReportStyles.DURATION_FORMAT);
        assertEquals("6.0 h to 18.0 h", text(sheet, first + 1, 4));
        assertEquals("", text(sheet, first + 2, 0), "a source belongs to no team");
        assertNull(cell(sheet, first + 2, 0).getHyperlink());
        assertEquals("github:github", text(sheet, first + 2, 1));
        assertEquals("\u2264 2 working days", text(sheet, first + 2, 4));
        assertEquals(AlertsSheet.FIRST_HEADER_ROW + 1, sheet.getPaneInformation().getHorizontalSplitTopRow());
    }

    @Test
    void hostileTextFromSourcesStaysInertText() throws IOException {
        List<String> hostile = List.of("=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1)", "\tTAB", "\rCR");
        ReportHeader header = new ReportHeader("=1+1", SyntheticReports.AS_OF, "2024", "UTC", "MONDAY", 12, 5, "1");
        List<TeamReport> teams = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            TeamReport made = SyntheticReports.team(hostile.get(i), false, i, 4);
            teams.add(new TeamReport(made.team(), false, made.current(), made.weeks(), made.deployments(),
                List.of(new IncidentLine("i", hostile.get(i), hostile.get(i), null, null, 60, "", "")),
                List.of(new ChangeLine("abc", hostile.get(i), "d", null, 60))));
        }
        try (XSSFWorkbook book = read(write(SyntheticReports.report(header, teams)))) {
            List<String> texts = new ArrayList<>();
            for (XSSFSheet sheet : sheets(book)) {
                sheet.forEach(row -> row.forEach(cell -> {
                    assertFalse(cell.getCellType() == CellType.FORMULA, "formula at " + sheet.getSheetName() + "!"
                        + cell.getAddress());
                    if (cell.getCellType() == CellType.STRING) {
                        texts.add(cell.getStringCellValue());
                    }
                }));
            }
            for (String text : hostile) {
                assertTrue(texts.contains("'" + text), "neutralised " + text);
                assertFalse(texts.contains(text), "raw " + text);
            }
            assertTrue(texts.contains("'=1+1 \u2014 Weekly DORA report"));
        }
    }

    @Test
    void sheetNamesAreValidAndUniqueWhateverTheTeamIsCalled() {
        List<TeamReport> teams = new ArrayList<>();
        for (String name : List.of("a/b:c", "A/B:C", "Overview", "'quoted'", "x".repeat(40), "x".repeat(40) + "y")) {
            teams.add(SyntheticReports.team(name, false, 0, 2));
        }
        Map<String, String> names = WeeklyReportWorkbook.sheetNames(teams);
        assertEquals(List.of("a_b_c", "A_B_C (2)", "Overview (2)", "quoted", "x".repeat(31), "x".repeat(27) + " (2)"),
            new ArrayList<>(names.values()));
    }

    @Test
    void theSameReportGivesTheSameCells() throws IOException {
        try (XSSFWorkbook again = read(write(report))) {
            assertEquals(cells(workbook), cells(again));
        }
    }

    @Test
    void aReportForOneTeamHasOnlyThatTeam() throws IOException {
        try (XSSFWorkbook one = read(write(report.forTeam("team-02")))) {
            assertEquals(List.of("Overview", "Trends", "team-02", "Benchmarks", "Data quality", "Alerts"),
                sheets(one).stream().map(XSSFSheet::getSheetName).toList());
            XSSFSheet alerts = one.getSheet(AlertsSheet.NAME);
            assertEquals("team-02", text(alerts, AlertsSheet.FIRST_HEADER_ROW + 1, 0), "only the team's own alerts");
            assertNull(alerts.getRow(AlertsSheet.FIRST_HEADER_ROW + 2));
        }
        assertThrows(IllegalArgumentException.class, () -> report.forTeam("nobody"));
    }

    @Test
    void anUnknownLevelIsABugNotAnUnstyledCell() {
        TeamReport made = SyntheticReports.team("odd", false, 0, 2);
        TeamSummary c = made.current();
        TeamSummary odd = new TeamSummary("odd", c.weekStart(), true, 0, 0, 0, null, null, null, 1.0, 4, "great",
            null, 0, "high", null, 0, "high", null, 0, "high", null, 0, "high", null, null);
        TeamReport team = new TeamReport("odd", false, odd, made.weeks(), List.of(), List.of(), List.of());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> write(SyntheticReports.report(SyntheticReports.HEADER, List.of(team))));
        assertEquals("unknown level: great", error.getMessage());
    }

    /** Every cell of every sheet as "sheet!A1 type value format", for comparing two workbooks. */
    static List<String> cells(XSSFWorkbook book) {
        List<String> all = new ArrayList<>();
        for (XSSFSheet sheet : sheets(book)) {
            sheet.forEach(row -> row.forEach(cell -> all.add(sheet.getSheetName() + "!" + cell.getAddress() + " "
                + cell.getCellType() + " " + cell + " " + cell.getCellStyle().getDataFormatString())));
            all.add(sheet.getSheetName() + " merged " + sheet.getMergedRegions());
            for (int c = 0; c < 30; c++) {
                all.add(sheet.getSheetName() + " width " + c + " " + sheet.getColumnWidth(c));
            }
        }
        return all;
    }

    static List<XSSFSheet> sheets(XSSFWorkbook book) {
        List<XSSFSheet> sheets = new ArrayList<>();
        for (int i = 0; i < book.getNumberOfSheets(); i++) {
            sheets.add(book.getSheetAt(i));
        }
        return sheets;
    }

    static byte[] write(WeeklyReport report) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WeeklyReportWorkbook.write(report, bytes);
        return bytes.toByteArray();
    }

    static XSSFWorkbook read(byte[] bytes) throws IOException {
        return new XSSFWorkbook(new ByteArrayInputStream(bytes));
    }

    /** The Overview column under {@code group} whose header is {@code header}. */
    private static int column(String group, String header) {
        String currentGroup = null;
        for (int c = 0; c <= overview.getRow(OverviewSheet.HEADER_ROW).getLastCellNum(); c++) {
            XSSFCell groupCell = overview.getRow(OverviewSheet.GROUP_ROW).getCell(c);
            if (groupCell != null && !groupCell.getStringCellValue().isEmpty()) {
                currentGroup = groupCell.getStringCellValue();
            }
            XSSFCell headerCell = overview.getRow(OverviewSheet.HEADER_ROW).getCell(c);
            if (group.equals(currentGroup) && headerCell != null && header.equals(headerCell.getStringCellValue())) {
                return c;
            }
        }
        throw new AssertionError("no column " + header + " under " + group);
    }

    static int rowOf(XSSFSheet sheet, String firstCell) {
        for (int r = 0; r <= sheet.getLastRowNum(); r++) {
            var row = sheet.getRow(r);
            if (row != null && row.getCell(0) != null && row.getCell(0).getCellType() == CellType.STRING
                && firstCell.equals(row.getCell(0).getStringCellValue())) {
                return r;
            }
        }
        throw new AssertionError("no row starts with '" + firstCell + "' in " + sheet.getSheetName());
    }

    private static List<String> rowText(XSSFSheet sheet, int row, int columns) {
        List<String> texts = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            texts.add(text(sheet, row, c));
        }
        return texts;
    }

    static XSSFCell cell(XSSFSheet sheet, int row, int column) {
        assertNotNull(sheet.getRow(row), sheet.getSheetName() + " row " + row);
        XSSFCell cell = sheet.getRow(row).getCell(column);
        assertNotNull(cell, sheet.getSheetName() + "!" + new CellReference(row, column).formatAsString());
        return cell;
    }

    static String text(XSSFSheet sheet, int row, int column) {
        XSSFCell cell = cell(sheet, row, column);
        assertEquals(CellType.STRING, cell.getCellType(), cell.getAddress() + " type");
        return cell.getStringCellValue();
    }

    static void assertNumeric(XSSFCell cell, double expected, String format) {
        assertEquals(CellType.NUMERIC, cell.getCellType(), cell.getAddress() + " type");
        assertEquals(expected, cell.getNumericCellValue(), 1e-9, cell.getAddress() + " value");
        assertEquals(format, cell.getCellStyle().getDataFormatString(), cell.getAddress() + " format");
    }

    private static void assertChange(XSSFCell cell, double expected, String format, String fontRgb) {
        assertNumeric(cell, expected, format);
        assertEquals(fontRgb, hex(cell.getCellStyle().getFont().getXSSFColor()), cell.getAddress() + " colour");
    }

    static void assertBadge(XSSFCell cell, String level) {
        assertEquals(level, cell.getStringCellValue(), cell.getAddress() + " label");
        LevelBadge badge = LevelBadge.of(level);
        assertEquals(FillPatternType.SOLID_FOREGROUND, cell.getCellStyle().getFillPattern());
        assertEquals(badge.fillRgb, hex(cell.getCellStyle().getFillForegroundXSSFColor()), cell.getAddress() + " fill");
        assertEquals(badge.fontRgb, hex(cell.getCellStyle().getFont().getXSSFColor()), cell.getAddress() + " font");
    }

    static String hex(XSSFColor color) {
        assertNotNull(color, "colour");
        return HexFormat.of().withUpperCase().formatHex(color.getRGB());
    }

    @Test
    void noDataIsABlankCellNeverAZero() {
        // core's partial week has no lead time.
        XSSFSheet sheet = workbook.getSheet("core");
        int header = rowOf(sheet, "Week");
        assertEquals(CellType.BLANK, cell(sheet, header + 5, 5).getCellType());
    }
}
