package org.dorametrics.report;

import org.apache.poi.ss.usermodel.Cell;

/**
 * Text from the sources (titles, names, branches, subjects) goes into a workbook only through here. It is always a
 * string cell, so the workbook never evaluates it; but a reader who copies it, re-types it or exports the sheet to
 * CSV would make a formula of text that starts with =, +, -, @, a tab or a carriage return. Such text gets a leading
 * apostrophe, the usual neutralisation (OWASP "CSV injection"), which keeps it readable and inert everywhere.
 */
final class CellText {

    private CellText() {}

    /** {@code text} as it is safe to show: unchanged, or with a leading apostrophe; null stays null. */
    static String neutralised(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return switch (text.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + text;
            default -> text;
        };
    }

    /** Writes {@code text} into {@code cell} as a neutralised string; null leaves the cell blank. */
    static void write(Cell cell, String text) {
        if (text != null) {
            cell.setCellValue(neutralised(text));
        }
    }
}
