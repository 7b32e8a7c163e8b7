package org.dorametrics.report;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.apache.poi.ooxml.POIXMLProperties;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.HorizontalAlignment;
import org.apache.poi.ss.usermodel.PrintSetup;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFFont;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** Writes the one-sheet "Summary" workbook: what produced it, one row per team, and a legend of the levels. */
public final class SummaryWorkbook {

    private static final String SHEET_NAME = "Summary";
    private static final String CREATOR = "dora-metrics";

    /*
     * Durations are stored as a fraction of a day, the spreadsheet's own duration type: the cells sort, filter, sum
     * and average as plain numbers, a chart gets a duration axis, and a reader can switch to [h]:mm or d "d" without
     * any recomputation. The [h] bracket keeps counting hours past 24 instead of wrapping into the next day.
     */
    private static final String DURATION_FORMAT = "[h]\"h\" mm\"m\"";
    private static final double SECONDS_PER_DAY = 86_400;
    private static final String RATE_FORMAT = "0.0%";
    private static final String COUNT_FORMAT = "#,##0";
    private static final String ONE_DECIMAL_FORMAT = "0.0";
    private static final String DATE_FORMAT = "yyyy-mm-dd";
    // The week stays a real date (it sorts and filters as one); "(partial)" is only in how it is displayed.
    private static final String PARTIAL_WEEK_FORMAT = "yyyy-mm-dd\" (partial)\"";

    // Widths in characters of the default font; the Team column also grows to the longest team name.
    private static final int LABEL_COLUMN_MIN_WIDTH = 18;
    private static final int COLUMN_HEADER_LINES = 3;
    private static final float LINE_HEIGHT_POINTS = 15f;

    private static final String BORDER_RGB = "A6A6A6";
    private static final String SECTION_FILL_RGB = "1F3864";
    private static final String HEADER_FILL_RGB = "D9E1F2";
    private static final String WHITE = "FFFFFF";
    private static final String BLACK = "000000";

    private SummaryWorkbook() {}

    /** How a column's value is stored and formatted. */
    private enum Kind { TEXT, WEEK, COUNT, ONE_DECIMAL, RATE, DURATION, LEVEL }

    /**
     * One table column. {@code section} is the top header band ("This week" / trailing window), {@code group} the
     * metric band under it; a null group lets the section label span both bands.
     */
    private record Column(String section, String group, String header, int width, Kind kind,
                          Function<TeamSummary, Object> value) {}

    /** A benchmark level: the label printed in the cell (so it survives black-and-white printing) and its colours. */
    private enum Level {
        ELITE("elite", "1E6B34", WHITE),
        HIGH("high", "92D050", BLACK),
        MEDIUM("medium", "FFD84D", BLACK),
        LOW("low", "F4845F", BLACK),
        INSUFFICIENT_DATA("insufficient data", "BFBFBF", BLACK);

        final String label;
        final String fillRgb;
        final String fontRgb;

        Level(String label, String fillRgb, String fontRgb) {
            this.label = label;
            this.fillRgb = fillRgb;
            this.fontRgb = fontRgb;
        }

        static Level of(String label) {
            for (Level level : values()) {
                if (level.label.equals(label)) {
                    return level;
                }
            }
            // A level the legend cannot explain is a bug upstream; an unstyled cell would hide it.
            throw new IllegalArgumentException("unknown level: " + label);
        }
    }

    /** Writes the workbook for {@code teams}, in the given order, to {@code out}; {@code out} is left open. */
    public static void write(ReportHeader header, List<TeamSummary> teams, OutputStream out) throws IOException {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(teams, "teams");
        Objects.requireNonNull(out, "out");
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            Styles styles = new Styles(workbook);
            XSSFSheet sheet = workbook.createSheet(SHEET_NAME);
            List<Column> columns = columns(header.trailingWeeks());

            int sectionRow = writeProvenance(sheet, header, styles) + 1;
            int headerRow = writeColumnHeaders(sheet, sectionRow, columns, styles);
            int lastTeamRow = headerRow;
            for (TeamSummary team : teams) {
                writeTeam(sheet.createRow(++lastTeamRow), columns, team, styles);
            }
            writeLegend(sheet, lastTeamRow + 2, header, styles);

            setColumnWidths(sheet, columns, teams);
            // Freeze the Team column too: the table is wider than a screen.
            sheet.createFreezePane(1, headerRow + 1);
            sheet.setAutoFilter(new CellRangeAddress(headerRow, lastTeamRow, 0, columns.size() - 1));
            setUpPrinting(sheet, header, new CellRangeAddress(sectionRow, headerRow, -1, -1));
            setDocumentProperties(workbook, header);
            workbook.write(out);
        }
    }

    private static List<Column> columns(int trailingWeeks) {
        String week = "This week";
        String window = "Trailing " + trailingWeeks + " weeks";
        return List.of(
            new Column(null, null, "Team", LABEL_COLUMN_MIN_WIDTH, Kind.TEXT, TeamSummary::team),
            new Column(week, null, "Week starting", 21, Kind.WEEK, TeamSummary::weekStart),
            new Column(week, null, "Deployments", 12, Kind.COUNT, TeamSummary::weekDeployments),
            new Column(week, null, "Deploy days", 8, Kind.COUNT, TeamSummary::weekDeployDays),
            new Column(week, null, "Failed deploy attempts", 9, Kind.COUNT, TeamSummary::weekFailedDeployAttempts),
            new Column(week, null, "Lead time p50", 10, Kind.DURATION, TeamSummary::weekLeadTimeP50Seconds),
            new Column(week, null, "Change failure rate", 9, Kind.RATE, TeamSummary::weekChangeFailureRate),
            new Column(week, null, "Time to restore p50", 10, Kind.DURATION, TeamSummary::weekTimeToRestoreP50Seconds),
            new Column(window, "Deployment frequency", "Median deploy days/week", 10, Kind.ONE_DECIMAL,
                TeamSummary::windowMedianDeployDaysPerWeek),
            new Column(window, "Deployment frequency", "Level", 18, Kind.LEVEL, TeamSummary::deploymentFrequencyLevel),
            new Column(window, "Lead time for changes", "p50", 10, Kind.DURATION, TeamSummary::windowLeadTimeP50Seconds),
            new Column(window, "Lead time for changes", "n", 7, Kind.COUNT, TeamSummary::windowLeadTimeN),
            new Column(window, "Lead time for changes", "Level", 18, Kind.LEVEL, TeamSummary::leadTimeLevel),
            new Column(window, "Change failure rate", "Rate", 9, Kind.RATE, TeamSummary::windowChangeFailureRate),
            new Column(window, "Change failure rate", "Deployments", 12, Kind.COUNT, TeamSummary::windowDeployments),
            new Column(window, "Change failure rate", "Level", 18, Kind.LEVEL, TeamSummary::changeFailureRateLevel),
            new Column(window, "Time to restore service", "p50", 10, Kind.DURATION,
                TeamSummary::windowTimeToRestoreP50Seconds),
            new Column(window, "Time to restore service", "n", 7, Kind.COUNT, TeamSummary::windowRestoreN),
            new Column(window, "Time to restore service", "Level", 18, Kind.LEVEL, TeamSummary::timeToRestoreLevel),
            new Column(window, "Failed deployment recovery time", "p50", 10, Kind.DURATION,
                TeamSummary::windowRecoveryP50Seconds),
            new Column(window, "Failed deployment recovery time", "n", 7, Kind.COUNT, TeamSummary::windowRecoveryN),
            new Column(window, "Failed deployment recovery time", "Level", 18, Kind.LEVEL, TeamSummary::recoveryLevel),
            new Column(window, "Rework", "Rework rate", 10, Kind.RATE, TeamSummary::windowReworkRate),
            new Column(window, "Quick Check", "Score (0\u201310)", 12, Kind.ONE_DECIMAL, TeamSummary::quickCheckScore));
    }

    /** Writes the title and what produced the numbers; returns the last row used. */
    private static int writeProvenance(XSSFSheet sheet, ReportHeader header, Styles styles) {
        XSSFCell title = sheet.createRow(0).createCell(0);
        title.setCellValue(header.title());
        title.setCellStyle(styles.title);

        XSSFRow asOfRow = labelledRow(sheet, 1, "As of", styles);
        XSSFCell asOf = asOfRow.createCell(1);
        asOf.setCellValue(header.asOf());
        asOf.setCellStyle(styles.provenanceDate);

        labelledText(sheet, 2, "Benchmark", header.benchmarkEdition(), styles);
        labelledText(sheet, 3, "Time zone", header.timezone() + "; weeks start on " + header.weekStart(), styles);
        labelledText(sheet, 4, "Window", "levels over the trailing " + header.trailingWeeks() + " weeks; fewer than "
            + header.minSamples() + " samples = insufficient data", styles);
        labelledText(sheet, 5, "Version", CREATOR + " " + header.projectVersion(), styles);
        return 6; // one empty row between the provenance and the table
    }

    private static XSSFRow labelledRow(XSSFSheet sheet, int rowIndex, String label, Styles styles) {
        XSSFRow row = sheet.createRow(rowIndex);
        XSSFCell labelCell = row.createCell(0);
        labelCell.setCellValue(label);
        labelCell.setCellStyle(styles.provenanceLabel);
        return row;
    }

    private static void labelledText(XSSFSheet sheet, int rowIndex, String label, String text, Styles styles) {
        XSSFCell cell = labelledRow(sheet, rowIndex, label, styles).createCell(1);
        cell.setCellValue(text);
        cell.setCellStyle(styles.provenanceText);
    }

    /** Writes the section band, the metric band and the column header row; returns the column header row. */
    private static int writeColumnHeaders(XSSFSheet sheet, int sectionRow, List<Column> columns, Styles styles) {
        XSSFRow sections = sheet.createRow(sectionRow);
        XSSFRow groups = sheet.createRow(sectionRow + 1);
        XSSFRow headers = sheet.createRow(sectionRow + 2);
        headers.setHeightInPoints(COLUMN_HEADER_LINES * LINE_HEIGHT_POINTS);
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            // Every band cell gets its style, even under a merge, so the band's fill and borders are unbroken.
            if (column.section() != null) {
                sections.createCell(c).setCellStyle(styles.section);
                groups.createCell(c).setCellStyle(column.group() == null ? styles.section : styles.group);
            }
            XSSFCell cell = headers.createCell(c);
            cell.setCellValue(column.header());
            cell.setCellStyle(styles.columnHeader);
        }
        forEachRun(columns, Column::section, (first, last) -> {
            sections.getCell(first).setCellValue(columns.get(first).section());
            boolean spansBothBands = columns.get(first).group() == null;
            merge(sheet, new CellRangeAddress(sectionRow, spansBothBands ? sectionRow + 1 : sectionRow, first, last));
        });
        forEachRun(columns, Column::group, (first, last) -> {
            groups.getCell(first).setCellValue(columns.get(first).group());
            merge(sheet, new CellRangeAddress(sectionRow + 1, sectionRow + 1, first, last));
        });
        return headers.getRowNum();
    }

    /** Calls {@code run} with the first and last index of each run of columns sharing the same non-null key. */
    private static void forEachRun(List<Column> columns, Function<Column, String> key,
                                   BiConsumer<Integer, Integer> run) {
        int first = 0;
        while (first < columns.size()) {
            String value = key.apply(columns.get(first));
            int last = first;
            while (last + 1 < columns.size() && Objects.equals(value, key.apply(columns.get(last + 1)))) {
                last++;
            }
            if (value != null) {
                run.accept(first, last);
            }
            first = last + 1;
        }
    }

    private static void merge(XSSFSheet sheet, CellRangeAddress range) {
        // POI rejects a merged region of a single cell.
        if (range.getNumberOfCells() > 1) {
            sheet.addMergedRegion(range);
        }
    }

    private static void writeTeam(XSSFRow row, List<Column> columns, TeamSummary team, Styles styles) {
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            XSSFCell cell = row.createCell(c);
            Object value = column.value().apply(team);
            // A null stays a blank cell, with the column's borders, so "no data" never reads as zero.
            cell.setCellStyle(styles.data.get(column.kind()));
            if (value == null) {
                continue;
            }
            switch (column.kind()) {
                case TEXT -> cell.setCellValue((String) value);
                case WEEK -> {
                    cell.setCellValue((LocalDate) value);
                    cell.setCellStyle(team.weekPartial() ? styles.partialWeek : styles.data.get(Kind.WEEK));
                }
                case COUNT, ONE_DECIMAL, RATE -> cell.setCellValue(((Number) value).doubleValue());
                case DURATION -> cell.setCellValue(((Number) value).doubleValue() / SECONDS_PER_DAY);
                case LEVEL -> {
                    Level level = Level.of((String) value);
                    cell.setCellValue(level.label);
                    cell.setCellStyle(styles.levels.get(level));
                }
            }
        }
    }

    private static void writeLegend(XSSFSheet sheet, int firstRow, ReportHeader header, Styles styles) {
        int rowIndex = firstRow;
        legendLine(sheet, rowIndex++, "Levels (" + header.benchmarkEdition() + ")", styles.legendTitle);
        legendLine(sheet, rowIndex++, "Each level is the best level whose published answer the value meets or beats.",
            styles.legendText);
        for (Level level : Level.values()) {
            XSSFRow row = sheet.createRow(rowIndex++);
            XSSFCell swatch = row.createCell(0);
            swatch.setCellValue(level.label);
            swatch.setCellStyle(styles.levels.get(level));
            XSSFCell text = row.createCell(1);
            text.setCellValue(explanation(level, header));
            text.setCellStyle(styles.legendExplanation);
        }
        legendLine(sheet, rowIndex, "Blank cell: no data. (partial): the week had not ended on the as-of date. "
            + "n: samples in the trailing window. Durations are medians (p50) in hours and minutes.", styles.legendText);
    }

    private static void legendLine(XSSFSheet sheet, int rowIndex, String text, XSSFCellStyle style) {
        XSSFCell cell = sheet.createRow(rowIndex).createCell(0);
        cell.setCellValue(text);
        cell.setCellStyle(style);
    }

    private static String explanation(Level level, ReportHeader header) {
        return switch (level) {
            case ELITE -> "meets or beats the elite answer";
            case HIGH -> "meets or beats the high answer, not the elite one";
            case MEDIUM -> "meets or beats the medium answer, not the high one";
            case LOW -> "does not meet the medium answer";
            case INSUFFICIENT_DATA -> "fewer than " + header.minSamples() + " samples in the trailing "
                + header.trailingWeeks() + " weeks, so no level is given";
        };
    }

    private static void setColumnWidths(XSSFSheet sheet, List<Column> columns, List<TeamSummary> teams) {
        int longestTeam = teams.stream().mapToInt(team -> team.team().length()).max().orElse(0);
        for (int c = 0; c < columns.size(); c++) {
            int width = columns.get(c).width();
            if (c == 0) {
                width = Math.min(255, Math.max(width, longestTeam + 2));
            }
            sheet.setColumnWidth(c, width * 256);
        }
    }

    private static void setUpPrinting(XSSFSheet sheet, ReportHeader header, CellRangeAddress repeatedRows) {
        PrintSetup print = sheet.getPrintSetup();
        print.setLandscape(true);
        // One page wide, as many pages tall as needed (0 = no limit).
        sheet.setFitToPage(true);
        print.setFitWidth((short) 1);
        print.setFitHeight((short) 0);
        sheet.setRepeatingRows(repeatedRows);
        sheet.setHorizontallyCenter(true);

        String title = escapeHeaderFooter(header.title());
        sheet.getHeader().setLeft(title);
        sheet.getHeader().setRight("As of " + header.asOf());
        sheet.getFooter().setLeft(CREATOR + " " + escapeHeaderFooter(header.projectVersion()));
        sheet.getFooter().setRight("Page &P of &N"); // &P = page number, &N = number of pages
    }

    /** "&" starts a header/footer code (&P, &N, ...), so a literal one is doubled. */
    private static String escapeHeaderFooter(String text) {
        return text.replace("&", "&&");
    }

    private static void setDocumentProperties(XSSFWorkbook workbook, ReportHeader header) {
        POIXMLProperties.CoreProperties core = workbook.getProperties().getCoreProperties();
        core.setTitle(header.title());
        core.setCreator(CREATOR);
        core.setSubjectProperty("DORA metrics per team as of " + header.asOf() + " (" + header.benchmarkEdition() + ")");
    }

    /** The workbook's cell styles, made once: a workbook has a small cap on distinct styles. */
    private static final class Styles {
        final XSSFCellStyle title;
        final XSSFCellStyle provenanceLabel;
        final XSSFCellStyle provenanceText;
        final XSSFCellStyle provenanceDate;
        final XSSFCellStyle section;
        final XSSFCellStyle group;
        final XSSFCellStyle columnHeader;
        final Map<Kind, XSSFCellStyle> data = new EnumMap<>(Kind.class);
        final XSSFCellStyle partialWeek;
        final Map<Level, XSSFCellStyle> levels = new EnumMap<>(Level.class);
        final XSSFCellStyle legendTitle;
        final XSSFCellStyle legendText;
        final XSSFCellStyle legendExplanation;

        private final XSSFWorkbook workbook;

        Styles(XSSFWorkbook workbook) {
            this.workbook = workbook;
            title = workbook.createCellStyle();
            title.setFont(font(16, true, BLACK));

            provenanceLabel = workbook.createCellStyle();
            provenanceLabel.setFont(font(11, true, BLACK));
            provenanceText = workbook.createCellStyle();
            provenanceDate = workbook.createCellStyle();
            provenanceDate.setDataFormat(format(DATE_FORMAT));
            provenanceDate.setAlignment(HorizontalAlignment.LEFT);

            section = band(SECTION_FILL_RGB, WHITE);
            group = band(HEADER_FILL_RGB, BLACK);
            columnHeader = band(HEADER_FILL_RGB, BLACK);
            columnHeader.setWrapText(true);
            columnHeader.setBorderBottom(BorderStyle.MEDIUM);

            data.put(Kind.TEXT, bordered(null));
            data.put(Kind.WEEK, bordered(DATE_FORMAT));
            data.put(Kind.COUNT, bordered(COUNT_FORMAT));
            data.put(Kind.ONE_DECIMAL, bordered(ONE_DECIMAL_FORMAT));
            data.put(Kind.RATE, bordered(RATE_FORMAT));
            data.put(Kind.DURATION, bordered(DURATION_FORMAT));
            data.put(Kind.LEVEL, bordered(null));
            partialWeek = bordered(PARTIAL_WEEK_FORMAT);
            for (Level level : Level.values()) {
                XSSFCellStyle style = bordered(null);
                style.setFillForegroundColor(rgb(level.fillRgb));
                style.setFillPattern(FillPatternType.SOLID_FOREGROUND);
                style.setFont(font(11, level == Level.ELITE, level.fontRgb));
                style.setAlignment(HorizontalAlignment.CENTER);
                levels.put(level, style);
            }

            legendTitle = workbook.createCellStyle();
            legendTitle.setFont(font(11, true, BLACK));
            legendText = workbook.createCellStyle();
            // Indented so the explanation does not touch the coloured swatch next to it.
            legendExplanation = workbook.createCellStyle();
            legendExplanation.setIndention((short) 1);
        }

        private XSSFCellStyle band(String fillRgb, String fontRgb) {
            XSSFCellStyle style = bordered(null);
            style.setFillForegroundColor(rgb(fillRgb));
            style.setFillPattern(FillPatternType.SOLID_FOREGROUND);
            style.setFont(font(11, true, fontRgb));
            style.setAlignment(HorizontalAlignment.CENTER);
            style.setVerticalAlignment(VerticalAlignment.CENTER);
            return style;
        }

        private XSSFCellStyle bordered(String dataFormat) {
            XSSFCellStyle style = workbook.createCellStyle();
            style.setBorderTop(BorderStyle.THIN);
            style.setBorderBottom(BorderStyle.THIN);
            style.setBorderLeft(BorderStyle.THIN);
            style.setBorderRight(BorderStyle.THIN);
            XSSFColor border = rgb(BORDER_RGB);
            style.setTopBorderColor(border);
            style.setBottomBorderColor(border);
            style.setLeftBorderColor(border);
            style.setRightBorderColor(border);
            style.setVerticalAlignment(VerticalAlignment.CENTER);
            if (dataFormat != null) {
                style.setDataFormat(format(dataFormat));
            }
            return style;
        }

        private XSSFFont font(int points, boolean bold, String rgb) {
            XSSFFont font = workbook.createFont();
            font.setFontHeightInPoints((short) points);
            font.setBold(bold);
            font.setColor(rgb(rgb));
            return font;
        }

        private short format(String pattern) {
            return workbook.createDataFormat().getFormat(pattern);
        }

        private static XSSFColor rgb(String hex) {
            return new XSSFColor(new byte[] {
                (byte) Integer.parseInt(hex.substring(0, 2), 16),
                (byte) Integer.parseInt(hex.substring(2, 4), 16),
                (byte) Integer.parseInt(hex.substring(4, 6), 16)}, null);
        }
    }
}
