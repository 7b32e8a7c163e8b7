package org.dorametrics.report;

import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.apache.poi.ooxml.POIXMLProperties;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Writes the weekly manager report: Overview, Trends, one sheet per team (the organisation roll-up last), Benchmarks,
 * Data quality and Alerts. The same report gives the same cells, layout and document properties.
 */
public final class WeeklyReportWorkbook {

    /** Excel's limit on a sheet name's length. */
    static final int MAX_SHEET_NAME = 31;
    private static final Set<String> RESERVED_SHEET_NAMES = Set.of(OverviewSheet.NAME, TrendsSheet.NAME,
        BenchmarksSheet.NAME, DataQualitySheet.NAME, AlertsSheet.NAME, "History");

    private WeeklyReportWorkbook() {}

    /** Writes {@code report} to {@code out}; {@code out} is left open. */
    public static void write(WeeklyReport report, OutputStream out) throws IOException {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(out, "out");
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            ReportStyles styles = new ReportStyles(workbook);
            Map<String, String> sheetNames = sheetNames(report.teams());

            XSSFSheet overview = workbook.createSheet(OverviewSheet.NAME);
            XSSFSheet trends = workbook.createSheet(TrendsSheet.NAME);
            new OverviewSheet(report, styles, sheetNames).write(overview);
            new TrendsSheet(report, styles).write(trends);
            for (TeamReport team : report.teams()) {
                XSSFSheet sheet = workbook.createSheet(sheetNames.get(team.team()));
                new TeamSheet(report, styles, workbook.getSheetIndex(sheet)).write(sheet, team);
            }
            new BenchmarksSheet(report, styles).write(workbook.createSheet(BenchmarksSheet.NAME));
            new DataQualitySheet(report, styles).write(workbook.createSheet(DataQualitySheet.NAME));
            new AlertsSheet(report, styles, sheetNames).write(workbook.createSheet(AlertsSheet.NAME));
            workbook.setActiveSheet(0);
            setDocumentProperties(workbook, report.header());
            workbook.write(out);
        }
    }

    /**
     * A sheet name per team: its name without the characters Excel forbids ([ ] : * ? / \), no leading or trailing
     * apostrophe, at most 31 characters, unique ignoring case (a clash gets " (2)", " (3)" ...), never a name of
     * the report's own sheets.
     */
    static Map<String, String> sheetNames(List<TeamReport> teams) {
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        RESERVED_SHEET_NAMES.forEach(name -> taken.add(name.toLowerCase(Locale.ROOT)));
        for (TeamReport team : teams) {
            String base = team.team().replaceAll("[\\[\\]:*?/\\\\\\p{Cntrl}]", "_").replaceAll("^'+|'+$", "").strip();
            if (base.isEmpty()) {
                base = "team";
            }
            String name = truncate(base, MAX_SHEET_NAME);
            for (int n = 2; taken.contains(name.toLowerCase(Locale.ROOT)); n++) {
                String suffix = " (" + n + ")";
                name = truncate(base, MAX_SHEET_NAME - suffix.length()) + suffix;
            }
            taken.add(name.toLowerCase(Locale.ROOT));
            names.put(team.team(), name);
        }
        return names;
    }

    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static void setDocumentProperties(XSSFWorkbook workbook, ReportHeader header) {
        POIXMLProperties.CoreProperties core = workbook.getProperties().getCoreProperties();
        core.setTitle(header.title());
        core.setCreator(SheetCells.CREATOR);
        core.setSubjectProperty("DORA metrics per team as of " + header.asOf() + " (DORA " + header.benchmarkEdition()
            + ")");
        core.setDescription("Weekly DORA report: overview, trends, one sheet per team, benchmarks, data quality, alerts. "
            + "Time zone " + header.timezone() + ", made by " + SheetCells.CREATOR + " " + header.projectVersion() + ".");
        core.setKeywords("DORA, deployment frequency, lead time, change failure rate, recovery time");
        core.setCategory("DORA report");
        // The report date, not the clock: the same tables give the same workbook.
        Date asOf = Date.from(header.asOf().atStartOfDay(ZoneOffset.UTC).toInstant());
        core.setCreated(Optional.of(asOf));
        core.setModified(Optional.of(asOf));
        workbook.getProperties().getExtendedProperties().setApplication(SheetCells.CREATOR);
    }
}
