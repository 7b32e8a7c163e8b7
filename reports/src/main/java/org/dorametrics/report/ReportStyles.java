package org.dorametrics.report;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.HorizontalAlignment;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFFont;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** The workbook's cell styles, made once: a workbook has a small cap on distinct styles, and 200 sheets share them. */
final class ReportStyles {

    /*
     * Durations are stored as a fraction of a day, the spreadsheet's own duration type: the cells sort, filter, sum
     * and average as plain numbers, and a reader can switch formats without recomputing. The format picks the unit a
     * manager would: minutes under an hour, hours and minutes under two days, days beyond ([m] and [h] count past 60
     * and 24 instead of wrapping).
     */
    static final String DURATION_FORMAT = "[<0.0416666666666667][m]\" min\";[<2][h]\" h \"mm\" min\";0.0\" d\"";
    static final double SECONDS_PER_DAY = 86_400;
    static final String RATE_FORMAT = "0%";
    static final String COUNT_FORMAT = "#,##0";
    static final String DECIMAL_FORMAT = "0.0";
    static final String DATE_FORMAT = "yyyy-mm-dd";
    static final String DATE_TIME_FORMAT = "ddd yyyy-mm-dd hh:mm";
    // The week stays a real date (it sorts and filters as one); "(partial)" is only in how it is displayed.
    static final String PARTIAL_WEEK_FORMAT = "yyyy-mm-dd\" (partial)\"";
    // Changes carry their arrow in the number format, so the cell stays a number a reader can sort by.
    static final String COUNT_CHANGE_FORMAT = "\"\u25B2 \"0;\"\u25BC \"0;\"= 0\"";
    static final String DECIMAL_CHANGE_FORMAT = "\"\u25B2 \"0.0;\"\u25BC \"0.0;\"= 0.0\"";
    static final String PERCENT_CHANGE_FORMAT = "\"\u25B2 \"0%;\"\u25BC \"0%;\"= 0%\"";

    static final String GOOD_RGB = "00703C";
    static final String BAD_RGB = "C00000";
    static final String NEUTRAL_RGB = "595959";
    static final String BORDER_RGB = "A6A6A6";
    static final String SECTION_FILL_RGB = "1F3864";
    static final String HEADER_FILL_RGB = "D9E1F2";
    static final String LINK_RGB = "0563C1";
    static final String WHITE = "FFFFFF";
    static final String BLACK = "000000";
    static final short FONT_POINTS = 10;

    /** A value cell's kind: how it is formatted. */
    enum Kind { TEXT, WRAPPED_TEXT, DATE, DATE_TIME, COUNT, DECIMAL, RATE, DURATION }

    /** The format of a change cell: whole counts, counts with a decimal, or percentages. */
    enum ChangeFormat { COUNT, DECIMAL, PERCENT }

    final XSSFCellStyle title;
    final XSSFCellStyle subtitle;
    final XSSFCellStyle label;
    final XSSFCellStyle text;
    final XSSFCellStyle wrappedText;
    final XSSFCellStyle date;
    final XSSFCellStyle section;
    final XSSFCellStyle group;
    final XSSFCellStyle columnHeader;
    final XSSFCellStyle link;
    final XSSFCellStyle tableLink;
    final XSSFCellStyle partialWeek;
    final Map<Kind, XSSFCellStyle> data = new EnumMap<>(Kind.class);
    final Map<LevelBadge, XSSFCellStyle> badges = new EnumMap<>(LevelBadge.class);
    private final Map<String, XSSFCellStyle> changes = new HashMap<>();

    private final XSSFWorkbook workbook;

    ReportStyles(XSSFWorkbook workbook) {
        this.workbook = workbook;
        XSSFFont defaultFont = workbook.getFontAt(0);
        defaultFont.setFontHeightInPoints(FONT_POINTS);

        title = workbook.createCellStyle();
        title.setFont(font(16, true, SECTION_FILL_RGB));
        subtitle = workbook.createCellStyle();
        subtitle.setFont(font(12, true, SECTION_FILL_RGB));
        label = workbook.createCellStyle();
        label.setFont(font(FONT_POINTS, true, BLACK));
        text = workbook.createCellStyle();
        text.setVerticalAlignment(VerticalAlignment.TOP);
        wrappedText = workbook.createCellStyle();
        wrappedText.setWrapText(true);
        wrappedText.setVerticalAlignment(VerticalAlignment.TOP);
        date = workbook.createCellStyle();
        date.setDataFormat(format(DATE_FORMAT));
        date.setAlignment(HorizontalAlignment.LEFT);
        link = workbook.createCellStyle();
        link.setFont(linkFont());

        section = band(SECTION_FILL_RGB, WHITE);
        group = band(HEADER_FILL_RGB, BLACK);
        columnHeader = band(HEADER_FILL_RGB, BLACK);
        columnHeader.setWrapText(true);
        columnHeader.setBorderBottom(BorderStyle.MEDIUM);

        data.put(Kind.TEXT, bordered(null));
        XSSFCellStyle wrapped = bordered(null);
        wrapped.setWrapText(true);
        data.put(Kind.WRAPPED_TEXT, wrapped);
        data.put(Kind.DATE, bordered(DATE_FORMAT));
        data.put(Kind.DATE_TIME, bordered(DATE_TIME_FORMAT));
        data.put(Kind.COUNT, bordered(COUNT_FORMAT));
        data.put(Kind.DECIMAL, bordered(DECIMAL_FORMAT));
        data.put(Kind.RATE, bordered(RATE_FORMAT));
        data.put(Kind.DURATION, bordered(DURATION_FORMAT));
        partialWeek = bordered(PARTIAL_WEEK_FORMAT);
        partialWeek.setFont(font(FONT_POINTS, false, NEUTRAL_RGB, true));
        tableLink = bordered(null);
        tableLink.setFont(linkFont());
        for (LevelBadge badge : LevelBadge.values()) {
            XSSFCellStyle style = bordered(null);
            style.setFillForegroundColor(rgb(badge.fillRgb));
            style.setFillPattern(FillPatternType.SOLID_FOREGROUND);
            style.setFont(font(FONT_POINTS, true, badge.fontRgb));
            style.setAlignment(HorizontalAlignment.CENTER);
            style.setWrapText(true);
            badges.put(badge, style);
        }
    }

    XSSFCellStyle badge(String level) {
        return badges.get(LevelBadge.of(level));
    }

    /** A change cell: its arrow comes from the format, its colour from whether the change is an improvement. */
    XSSFCellStyle change(ChangeFormat changeFormat, int verdict) {
        String key = changeFormat + "/" + verdict;
        return changes.computeIfAbsent(key, k -> {
            XSSFCellStyle style = bordered(switch (changeFormat) {
                case COUNT -> COUNT_CHANGE_FORMAT;
                case DECIMAL -> DECIMAL_CHANGE_FORMAT;
                case PERCENT -> PERCENT_CHANGE_FORMAT;
            });
            String colour = verdict > 0 ? GOOD_RGB : verdict < 0 ? BAD_RGB : NEUTRAL_RGB;
            style.setFont(font(FONT_POINTS, verdict != 0, colour));
            style.setAlignment(HorizontalAlignment.RIGHT);
            return style;
        });
    }

    private XSSFCellStyle band(String fillRgb, String fontRgb) {
        XSSFCellStyle style = bordered(null);
        style.setFillForegroundColor(rgb(fillRgb));
        style.setFillPattern(FillPatternType.SOLID_FOREGROUND);
        style.setFont(font(FONT_POINTS, true, fontRgb));
        style.setAlignment(HorizontalAlignment.CENTER);
        style.setVerticalAlignment(VerticalAlignment.CENTER);
        return style;
    }

    private XSSFCellStyle bordered(String dataFormat) {
        XSSFCellStyle style = workbook.createCellStyle();
        XSSFColor border = rgb(BORDER_RGB);
        style.setBorderTop(BorderStyle.THIN);
        style.setBorderBottom(BorderStyle.THIN);
        style.setBorderLeft(BorderStyle.THIN);
        style.setBorderRight(BorderStyle.THIN);
        style.setTopBorderColor(border);
        style.setBottomBorderColor(border);
        style.setLeftBorderColor(border);
        style.setRightBorderColor(border);
        style.setVerticalAlignment(VerticalAlignment.TOP);
        if (dataFormat != null) {
            style.setDataFormat(format(dataFormat));
        }
        return style;
    }

    private XSSFFont linkFont() {
        XSSFFont font = font(FONT_POINTS, false, LINK_RGB);
        font.setUnderline(XSSFFont.U_SINGLE);
        return font;
    }

    private XSSFFont font(int points, boolean bold, String rgb) {
        return font(points, bold, rgb, false);
    }

    private XSSFFont font(int points, boolean bold, String rgb, boolean italic) {
        XSSFFont font = workbook.createFont();
        font.setFontHeightInPoints((short) points);
        font.setBold(bold);
        font.setItalic(italic);
        font.setColor(rgb(rgb));
        return font;
    }

    private short format(String pattern) {
        return workbook.createDataFormat().getFormat(pattern);
    }

    static XSSFColor rgb(String hex) {
        return new XSSFColor(java.util.HexFormat.of().parseHex(hex));
    }
}
