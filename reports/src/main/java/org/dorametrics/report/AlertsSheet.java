package org.dorametrics.report;

import static org.dorametrics.report.SheetCells.text;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/** The alerts still open on the report date: who, which rule, observed against expected, severity, since when. */
final class AlertsSheet {

    static final String NAME = "Alerts";
    static final int FIRST_HEADER_ROW = 7;
    private static final List<String> HEADERS = List.of("Team", "Service or source", "Rule", "Observed", "Expected",
        "Severity", "First seen", "What changed");

    private final WeeklyReport report;
    private final ReportStyles styles;
    private final Map<String, String> sheetNames;

    AlertsSheet(WeeklyReport report, ReportStyles styles, Map<String, String> sheetNames) {
        this.report = report;
        this.styles = styles;
        this.sheetNames = sheetNames;
    }

    void write(XSSFSheet sheet) {
        OverviewSheet.writeTitle(sheet, report, styles, "Alerts");
        text(sheet, FIRST_HEADER_ROW - 1, 0, "Open alerts: each team, service and source against its own recent weeks and"
            + " the configured limits (dora alerts)", styles.subtitle);
        SheetCells.headerRow(sheet, FIRST_HEADER_ROW, 0, HEADERS, 1, styles);
        int row = FIRST_HEADER_ROW;
        if (report.alerts().isEmpty()) {
            text(sheet, ++row, 0, "No open alerts.", styles.text);
        }
        XSSFCellStyle wrapped = styles.data.get(ReportStyles.Kind.WRAPPED_TEXT);
        for (AlertLine alert : report.alerts()) {
            row++;
            String sheetName = alert.team() == null ? null : sheetNames.get(alert.team());
            if (sheetName != null) {
                SheetCells.link(sheet, row, 0, alert.team(), sheetName, styles.tableLink);
            } else {
                text(sheet, row, 0, alert.team() == null ? "" : alert.team(), styles.data.get(ReportStyles.Kind.TEXT));
            }
            text(sheet, row, 1, alert.subject() == null ? "" : alert.subject(), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 2, alert.rule(), styles.data.get(ReportStyles.Kind.TEXT));
            observed(sheet, row, alert);
            text(sheet, row, 4, expected(alert), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 5, alert.severity(), styles.data.get(ReportStyles.Kind.TEXT));
            SheetCells.date(sheet, row, 6, alert.firstSeen(), styles.data.get(ReportStyles.Kind.DATE));
            text(sheet, row, 7, alert.message(), wrapped);
            SheetCells.setLines(sheet, row, 3);
        }
        SheetCells.widths(sheet, 16, 24, 24, 11, 16, 10, 12, 80);
        sheet.createFreezePane(0, FIRST_HEADER_ROW + 1);
        sheet.setAutoFilter(new CellRangeAddress(FIRST_HEADER_ROW, Math.max(FIRST_HEADER_ROW, row), 0, HEADERS.size() - 1));
        SheetCells.pageSetup(sheet, report.header(), new CellRangeAddress(FIRST_HEADER_ROW, FIRST_HEADER_ROW, -1, -1));
        sheet.getWorkbook().setPrintArea(sheet.getWorkbook().getSheetIndex(sheet), 0, HEADERS.size() - 1, 0, row);
    }

    /** The observed value as a real number in its unit's format: a rate, a duration, or working days. */
    private void observed(XSSFSheet sheet, int row, AlertLine alert) {
        switch (alert.unit()) {
            case AlertLine.RATE -> SheetCells.number(sheet, row, 3, alert.observed(), styles.data.get(ReportStyles.Kind.RATE));
            case AlertLine.SECONDS -> SheetCells.duration(sheet, row, 3, alert.observed(), styles.data.get(ReportStyles.Kind.DURATION));
            default -> SheetCells.number(sheet, row, 3, alert.observed(), styles.data.get(ReportStyles.Kind.COUNT));
        }
    }

    /** The expected range in words ({@code ≤ 20%}, {@code 5% to 20%}, {@code ≤ 2 working days}). */
    static String expected(AlertLine alert) {
        String high = inUnit(alert.unit(), alert.expectedHigh());
        if (alert.expectedLow() == null || alert.expectedLow() <= 0) {
            return "\u2264 " + high;
        }
        return inUnit(alert.unit(), alert.expectedLow()) + " to " + high;
    }

    private static String inUnit(String unit, double value) {
        return switch (unit) {
            case AlertLine.RATE -> Math.round(value * 100) + "%";
            case AlertLine.SECONDS -> value < 2 * ReportStyles.SECONDS_PER_DAY
                ? String.format(Locale.ROOT, "%.1f h", value / 3600) : String.format(Locale.ROOT, "%.1f d", value / ReportStyles.SECONDS_PER_DAY);
            default -> Math.round(value) + (Math.round(value) == 1 ? " working day" : " working days");
        };
    }
}
