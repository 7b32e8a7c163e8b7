package org.dorametrics.report;

import static org.dorametrics.report.SheetCells.number;
import static org.dorametrics.report.SheetCells.text;

import java.util.List;

import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/** What the numbers could not use or had to correct: rejected records by source and reason, and the data checks. */
final class DataQualitySheet {

    static final String NAME = "Data quality";
    static final int FIRST_HEADER_ROW = 7;
    private static final List<String> HEADERS = List.of("What", "Count", "Meaning", "First examples");

    private final WeeklyReport report;
    private final ReportStyles styles;

    DataQualitySheet(WeeklyReport report, ReportStyles styles) {
        this.report = report;
        this.styles = styles;
    }

    void write(XSSFSheet sheet) {
        OverviewSheet.writeTitle(sheet, report, styles, "Data quality");
        text(sheet, FIRST_HEADER_ROW - 1, 0, "Records rejected, replaced or flagged, by source, action and field",
            styles.subtitle);
        int row = findings(sheet, FIRST_HEADER_ROW, report.rejects(), "Nothing was rejected or flagged.");
        row += 3;
        text(sheet, row - 1, 0, "Checks over the whole calendar (kept in the numbers, corrected or flagged)",
            styles.subtitle);
        int last = findings(sheet, row, report.checks(), "No check found anything.");
        SheetCells.widths(sheet, 40, 9, 50, 70);
        sheet.createFreezePane(0, FIRST_HEADER_ROW + 1);
        sheet.setAutoFilter(new CellRangeAddress(FIRST_HEADER_ROW, Math.max(FIRST_HEADER_ROW,
            FIRST_HEADER_ROW + report.rejects().size()), 0, HEADERS.size() - 1));
        SheetCells.pageSetup(sheet, report.header(), new CellRangeAddress(FIRST_HEADER_ROW, FIRST_HEADER_ROW, -1, -1));
        sheet.getWorkbook().setPrintArea(sheet.getWorkbook().getSheetIndex(sheet), 0, HEADERS.size() - 1, 0, last);
    }

    /** Writes a header and one row per finding; returns the last row written. */
    private int findings(XSSFSheet sheet, int headerRow, List<DataQualityFinding> findings, String none) {
        SheetCells.headerRow(sheet, headerRow, 0, HEADERS, 1, styles);
        int row = headerRow;
        if (findings.isEmpty()) {
            text(sheet, ++row, 0, none, styles.text);
            return row;
        }
        for (DataQualityFinding finding : findings) {
            row++;
            text(sheet, row, 0, finding.what(), styles.data.get(ReportStyles.Kind.WRAPPED_TEXT));
            number(sheet, row, 1, (double) finding.count(), styles.data.get(ReportStyles.Kind.COUNT));
            text(sheet, row, 2, finding.meaning(), styles.data.get(ReportStyles.Kind.WRAPPED_TEXT));
            // Each example on its own line, each neutralised: a reader may copy one line alone.
            text(sheet, row, 3, String.join("\n", finding.examples().stream().map(CellText::neutralised).toList()),
                styles.data.get(ReportStyles.Kind.WRAPPED_TEXT));
            SheetCells.setLines(sheet, row, Math.max(2, Math.min(6, finding.examples().size())));
        }
        return row;
    }
}
