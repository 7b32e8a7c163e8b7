package org.dorametrics.report;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import org.apache.poi.common.usermodel.HyperlinkType;
import org.apache.poi.ss.usermodel.PrintSetup;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFHyperlink;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/** Writing typed cells, headers and page setup; every sheet of the report goes through these. */
final class SheetCells {

    static final String CREATOR = "dora-metrics";
    private static final float LINE_POINTS = 13f;

    private SheetCells() {}

    static XSSFRow row(XSSFSheet sheet, int rowIndex) {
        XSSFRow row = sheet.getRow(rowIndex);
        return row != null ? row : sheet.createRow(rowIndex);
    }

    /** A styled cell; the style is set even when no value follows, so a blank keeps the table's borders. */
    static XSSFCell cell(XSSFSheet sheet, int rowIndex, int column, XSSFCellStyle style) {
        XSSFCell cell = row(sheet, rowIndex).createCell(column);
        if (style != null) {
            cell.setCellStyle(style);
        }
        return cell;
    }

    /** Text from the report itself or from a source; neutralised either way, so no caller can forget. */
    static XSSFCell text(XSSFSheet sheet, int rowIndex, int column, String text, XSSFCellStyle style) {
        XSSFCell cell = cell(sheet, rowIndex, column, style);
        CellText.write(cell, text);
        return cell;
    }

    /** A number; null stays blank, so "no data" never reads as zero. */
    static XSSFCell number(XSSFSheet sheet, int rowIndex, int column, Double value, XSSFCellStyle style) {
        XSSFCell cell = cell(sheet, rowIndex, column, style);
        if (value != null && !value.isNaN()) {
            cell.setCellValue(value);
        }
        return cell;
    }

    /** A duration given in seconds, stored as a fraction of a day (the spreadsheet's duration type). */
    static XSSFCell duration(XSSFSheet sheet, int rowIndex, int column, Double seconds, XSSFCellStyle style) {
        return number(sheet, rowIndex, column, seconds == null ? null : seconds / ReportStyles.SECONDS_PER_DAY, style);
    }

    static XSSFCell date(XSSFSheet sheet, int rowIndex, int column, LocalDate date, XSSFCellStyle style) {
        XSSFCell cell = cell(sheet, rowIndex, column, style);
        if (date != null) {
            cell.setCellValue(date);
        }
        return cell;
    }

    static XSSFCell dateTime(XSSFSheet sheet, int rowIndex, int column, LocalDateTime time, XSSFCellStyle style) {
        XSSFCell cell = cell(sheet, rowIndex, column, style);
        if (time != null) {
            cell.setCellValue(time);
        }
        return cell;
    }

    /** A level badge: the level's label on its fill. */
    static XSSFCell badge(XSSFSheet sheet, int rowIndex, int column, String level, ReportStyles styles) {
        if (level == null) {
            return cell(sheet, rowIndex, column, styles.data.get(ReportStyles.Kind.TEXT));
        }
        return text(sheet, rowIndex, column, level, styles.badge(level));
    }

    /** A change of {@code metric}, arrow and colour saying whether it is an improvement; null stays blank. */
    static XSSFCell change(XSSFSheet sheet, int rowIndex, int column, WeeklyMetric metric, Double change,
                           ReportStyles.ChangeFormat format, ReportStyles styles) {
        int verdict = change == null ? 0 : metric.verdict(change);
        return number(sheet, rowIndex, column, change, styles.change(format, verdict));
    }

    /** How a change of {@code metric} is formatted: a count's difference, or a percentage. */
    static ReportStyles.ChangeFormat changeFormat(WeeklyMetric metric, boolean fromAverage) {
        return switch (metric.unit) {
            case COUNT -> fromAverage ? ReportStyles.ChangeFormat.DECIMAL : ReportStyles.ChangeFormat.COUNT;
            case DURATION, RATE -> ReportStyles.ChangeFormat.PERCENT;
        };
    }

    /** A link to cell A1 of another sheet of the workbook. */
    static XSSFCell link(XSSFSheet sheet, int rowIndex, int column, String text, String targetSheet,
                         XSSFCellStyle style) {
        XSSFCell cell = text(sheet, rowIndex, column, text, style);
        XSSFHyperlink link = sheet.getWorkbook().getCreationHelper().createHyperlink(HyperlinkType.DOCUMENT);
        link.setAddress(sheetReference(targetSheet) + "!A1");
        cell.setHyperlink(link);
        return cell;
    }

    /** A sheet name as a formula or link refers to it: quoted, with its own apostrophes doubled. */
    static String sheetReference(String sheetName) {
        return "'" + sheetName.replace("'", "''") + "'";
    }

    /** A row of column headers; returns the row index. */
    static int headerRow(XSSFSheet sheet, int rowIndex, int firstColumn, List<String> headers, int lines,
                         ReportStyles styles) {
        XSSFRow row = row(sheet, rowIndex);
        row.setHeightInPoints(lines * LINE_POINTS);
        for (int i = 0; i < headers.size(); i++) {
            text(sheet, rowIndex, firstColumn + i, headers.get(i), styles.columnHeader);
        }
        return rowIndex;
    }

    static void merge(XSSFSheet sheet, CellRangeAddress range) {
        // POI rejects a merged region of a single cell.
        if (range.getNumberOfCells() > 1) {
            sheet.addMergedRegion(range);
        }
    }

    static void setLines(XSSFSheet sheet, int rowIndex, int lines) {
        row(sheet, rowIndex).setHeightInPoints(lines * LINE_POINTS);
    }

    /**
     * Landscape, one page wide and as many tall as needed, {@code repeatedRows} on every page; header with the title
     * and what the sheet is, footer with the as-of date and page numbers.
     */
    static void pageSetup(XSSFSheet sheet, ReportHeader header, CellRangeAddress repeatedRows) {
        PrintSetup print = sheet.getPrintSetup();
        print.setLandscape(true);
        print.setPaperSize(PrintSetup.A4_PAPERSIZE);
        sheet.setFitToPage(true);
        print.setFitWidth((short) 1);
        print.setFitHeight((short) 0); // 0 = as many pages tall as needed
        if (repeatedRows != null) {
            sheet.setRepeatingRows(repeatedRows);
        }
        sheet.setMargin(org.apache.poi.ss.usermodel.PageMargin.LEFT, 0.4);
        sheet.setMargin(org.apache.poi.ss.usermodel.PageMargin.RIGHT, 0.4);
        sheet.setMargin(org.apache.poi.ss.usermodel.PageMargin.TOP, 0.6);
        sheet.setMargin(org.apache.poi.ss.usermodel.PageMargin.BOTTOM, 0.6);
        sheet.setHorizontallyCenter(true);
        sheet.getHeader().setLeft(escapeHeaderFooter(header.title()));
        sheet.getHeader().setCenter(escapeHeaderFooter(sheet.getSheetName()));
        sheet.getHeader().setRight("As of " + header.asOf());
        sheet.getFooter().setLeft(CREATOR + " " + escapeHeaderFooter(header.projectVersion()) + ", DORA "
            + escapeHeaderFooter(header.benchmarkEdition()));
        sheet.getFooter().setRight("Page &P of &N"); // &P = page number, &N = number of pages
    }

    /** "&" starts a header/footer code (&P, &N, ...), so a literal one is doubled. */
    static String escapeHeaderFooter(String text) {
        return text.replace("&", "&&");
    }

    /** Column widths in characters of the default font. */
    static void widths(XSSFSheet sheet, int... characters) {
        for (int c = 0; c < characters.length; c++) {
            sheet.setColumnWidth(c, Math.min(255, characters[c]) * 256);
        }
    }
}
