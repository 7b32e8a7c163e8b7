package org.dorametrics.report;

import static org.dorametrics.report.SheetCells.badge;
import static org.dorametrics.report.SheetCells.change;
import static org.dorametrics.report.SheetCells.changeFormat;
import static org.dorametrics.report.SheetCells.date;
import static org.dorametrics.report.SheetCells.duration;
import static org.dorametrics.report.SheetCells.number;
import static org.dorametrics.report.SheetCells.text;

import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.poi.ss.usermodel.ConditionalFormattingThreshold.RangeType;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFColorScaleFormatting;
import org.apache.poi.xssf.usermodel.XSSFConditionalFormattingRule;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFSheetConditionalFormatting;

/**
 * The first sheet: one row per team and the organisation roll-up, each metric's report-week value, its change from the
 * week before and from the trailing average, its level as a badge and what the next level takes, and the Quick Check
 * score. Team names link to their sheets.
 */
final class OverviewSheet {

    static final String NAME = "Overview";
    /** The first row of the column headers (the metric band); the column header row is the next one. */
    static final int GROUP_ROW = 7;
    static final int HEADER_ROW = GROUP_ROW + 1;
    static final int FIRST_TEAM_ROW = HEADER_ROW + 1;
    static final int TEAM = 0;
    static final int QUICK_CHECK = 1;

    /** One block of columns for one metric: its band label and its columns. */
    private record Block(String group, List<Column> columns) {}

    private record Column(String header, int width, Writer writer) {}

    @FunctionalInterface
    private interface Writer {
        void write(XSSFSheet sheet, int row, int column, TeamReport team, WeekComparison week);
    }

    private final WeeklyReport report;
    private final ReportStyles styles;
    private final Map<String, String> sheetNames;
    private final LevelDistance distance;

    OverviewSheet(WeeklyReport report, ReportStyles styles, Map<String, String> sheetNames) {
        this.report = report;
        this.styles = styles;
        this.sheetNames = sheetNames;
        this.distance = new LevelDistance(report.benchmarks(), report.header().minSamples());
    }

    void write(XSSFSheet sheet) {
        ReportHeader header = report.header();
        writeTitle(sheet, report, styles, "Weekly DORA report");

        List<Column> columns = writeHeaders(sheet, blocks());

        int row = FIRST_TEAM_ROW;
        for (TeamReport team : report.teams()) {
            WeekComparison week = WeekComparison.of(team, report.reportWeekStart(), header.trailingWeeks());
            for (int c = 0; c < columns.size(); c++) {
                columns.get(c).writer().write(sheet, row, c, team, week);
            }
            SheetCells.setLines(sheet, row, 3);
            row++;
        }
        int lastTeamRow = row - 1;
        quickCheckColourScale(sheet, lastTeamRow);
        writeLegend(sheet, row + 1);

        int[] widths = columns.stream().mapToInt(Column::width).toArray();
        widths[TEAM] = Math.max(widths[TEAM], report.teams().stream().mapToInt(t -> t.team().length() + 2).max().orElse(0));
        SheetCells.widths(sheet, widths);
        // Freeze the team column too: the table is wider than a screen.
        sheet.createFreezePane(1, FIRST_TEAM_ROW);
        if (lastTeamRow >= FIRST_TEAM_ROW) {
            sheet.setAutoFilter(new CellRangeAddress(HEADER_ROW, lastTeamRow, 0, columns.size() - 1));
        }
        SheetCells.pageSetup(sheet, header, new CellRangeAddress(GROUP_ROW, HEADER_ROW, -1, -1));
    }

    /** Writes the metric band and the column headers; returns the columns in order. */
    private List<Column> writeHeaders(XSSFSheet sheet, List<Block> blocks) {
        List<Column> columns = new ArrayList<>();
        int first = 0;
        for (Block block : blocks) {
            columns.addAll(block.columns());
            int last = columns.size() - 1;
            if (block.group() != null) {
                for (int c = first; c <= last; c++) {
                    SheetCells.cell(sheet, GROUP_ROW, c, styles.group);
                }
                text(sheet, GROUP_ROW, first, block.group(), styles.group);
                SheetCells.merge(sheet, new CellRangeAddress(GROUP_ROW, GROUP_ROW, first, last));
            }
            first = last + 1;
        }
        SheetCells.headerRow(sheet, HEADER_ROW, 0, columns.stream().map(Column::header).toList(), 3, styles);
        for (Block block : blocks) {
            if (block.group() == null) {
                // A column outside every group (team, score) has one header spanning both rows, its text on top.
                for (Column column : block.columns()) {
                    int c = columns.indexOf(column);
                    text(sheet, GROUP_ROW, c, column.header(), styles.columnHeader);
                    SheetCells.merge(sheet, new CellRangeAddress(GROUP_ROW, HEADER_ROW, c, c));
                }
            }
        }
        return columns;
    }

    /**
     * Title, report date and what produced the numbers: rows 0 to 4 of every sheet. Each date is merged over three
     * columns, so it shows in full whatever the sheet's column widths; its explanation starts in the fourth.
     */
    static void writeTitle(XSSFSheet sheet, WeeklyReport report, ReportStyles styles, String what) {
        ReportHeader header = report.header();
        text(sheet, 0, 0, header.title() + " \u2014 " + what, styles.title);
        SheetCells.setLines(sheet, 0, 2);
        text(sheet, 1, 0, "As of", styles.label);
        titleDate(sheet, 1, header.asOf(), styles);
        text(sheet, 1, 3, header.asOf().getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH), styles.text);
        text(sheet, 2, 0, "Report week", styles.label);
        titleDate(sheet, 2, report.reportWeekStart(), styles);
        text(sheet, 2, 3, "to " + report.reportWeekStart().plusDays(6) + ", the last complete week", styles.text);
        text(sheet, 3, 0, "Benchmark", styles.label);
        text(sheet, 3, 1, "DORA " + header.benchmarkEdition() + "; levels over the trailing " + header.trailingWeeks()
            + " weeks to the as-of date; fewer than " + header.minSamples() + " samples = insufficient data",
            styles.text);
        text(sheet, 4, 0, "Time zone", styles.label);
        text(sheet, 4, 1, header.timezone() + "; weeks start on "
            + header.weekStart().charAt(0) + header.weekStart().substring(1).toLowerCase(Locale.ROOT), styles.text);
    }

    private static void titleDate(XSSFSheet sheet, int row, java.time.LocalDate value, ReportStyles styles) {
        date(sheet, row, 1, value, styles.date);
        SheetCells.merge(sheet, new CellRangeAddress(row, row, 1, 2));
    }

    private List<Block> blocks() {
        boolean recovery = report.benchmarks().ranksRecoveryTime();
        WeeklyMetric restoreMetric = recovery ? WeeklyMetric.RECOVERY_P50 : WeeklyMetric.TIME_TO_RESTORE_P50;
        BiFunction<LevelDistance, TeamSummary, LevelDistance.Standing> restoreStanding =
            recovery ? LevelDistance::recovery : LevelDistance::timeToRestore;
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Block(null, List.of(
            new Column("Team", 16, (sheet, row, column, team, week) -> {
                String target = sheetNames.get(team.team());
                if (target == null) {
                    text(sheet, row, column, team.team(), styles.data.get(ReportStyles.Kind.TEXT));
                } else {
                    SheetCells.link(sheet, row, column, team.team(), target, styles.tableLink);
                }
            }),
            new Column("Quick Check (0\u201310)", 9, (sheet, row, column, team, week) ->
                number(sheet, row, column, team.current().quickCheckScore(), styles.data.get(ReportStyles.Kind.DECIMAL))))));
        blocks.add(new Block("Deployment frequency", List.of(
            valueColumn("Deploys", 8, WeeklyMetric.DEPLOYMENTS),
            changeColumn("\u0394 prev wk", WeeklyMetric.DEPLOYMENTS, false),
            changeColumn("vs avg", WeeklyMetric.DEPLOYMENTS, true),
            valueColumn("Deploy days", 8, WeeklyMetric.DEPLOY_DAYS),
            levelColumn((d, t) -> d.deploymentFrequency(t)),
            nextColumn(17, (d, t) -> d.deploymentFrequency(t)))));
        blocks.add(metricBlock("Lead time for changes (p50)", WeeklyMetric.LEAD_TIME_P50, (d, t) -> d.leadTime(t)));
        blocks.add(metricBlock("Change failure rate", WeeklyMetric.CHANGE_FAILURE_RATE,
            (d, t) -> d.changeFailureRate(t)));
        blocks.add(metricBlock((recovery ? "Failed deployment recovery time" : "Time to restore service") + " (p50)",
            restoreMetric, restoreStanding));
        blocks.add(new Block("Deployment rework rate", List.of(
            valueColumn("Week", 7, WeeklyMetric.REWORK_RATE),
            changeColumn("\u0394 prev wk", WeeklyMetric.REWORK_RATE, false),
            changeColumn("vs avg", WeeklyMetric.REWORK_RATE, true))));
        return blocks;
    }

    private Block metricBlock(String group, WeeklyMetric metric,
                              BiFunction<LevelDistance, TeamSummary, LevelDistance.Standing> standing) {
        return new Block(group, List.of(
            valueColumn("Week", metric.unit == WeeklyMetric.Unit.DURATION ? 11 : 7, metric),
            changeColumn("\u0394 prev wk", metric, false),
            changeColumn("vs avg", metric, true),
            levelColumn(standing),
            nextColumn(14, standing)));
    }

    private Column valueColumn(String header, int width, WeeklyMetric metric) {
        return new Column(header, width, (sheet, row, column, team, week) -> {
            Double value = week.value(metric);
            switch (metric.unit) {
                case COUNT -> number(sheet, row, column, value, styles.data.get(ReportStyles.Kind.COUNT));
                case RATE -> number(sheet, row, column, value, styles.data.get(ReportStyles.Kind.RATE));
                case DURATION -> duration(sheet, row, column, value, styles.data.get(ReportStyles.Kind.DURATION));
            }
        });
    }

    private Column changeColumn(String header, WeeklyMetric metric, boolean fromAverage) {
        return new Column(header, 7, (sheet, row, column, team, week) -> change(sheet, row, column, metric,
            fromAverage ? week.changeFromTrailingAverage(metric) : week.changeFromPreviousWeek(metric),
            changeFormat(metric, fromAverage), styles));
    }

    private Column levelColumn(BiFunction<LevelDistance, TeamSummary, LevelDistance.Standing> standing) {
        return new Column("Level", 11, (sheet, row, column, team, week) ->
            badge(sheet, row, column, standing.apply(distance, team.current()).level(), styles));
    }

    private Column nextColumn(int width, BiFunction<LevelDistance, TeamSummary, LevelDistance.Standing> standing) {
        return new Column("Next level", width, (sheet, row, column, team, week) ->
            text(sheet, row, column, standing.apply(distance, team.current()).next(),
                styles.data.get(ReportStyles.Kind.WRAPPED_TEXT)));
    }

    /**
     * Red to yellow to green over the score's fixed range 0..10, with explicit colours and numeric thresholds: a
     * theme colour or a min/max threshold renders differently in LibreOffice and shifts with the data.
     */
    private static void quickCheckColourScale(XSSFSheet sheet, int lastTeamRow) {
        if (lastTeamRow < FIRST_TEAM_ROW) {
            return;
        }
        XSSFSheetConditionalFormatting formatting = sheet.getSheetConditionalFormatting();
        XSSFConditionalFormattingRule rule = formatting.createConditionalFormattingColorScaleRule();
        XSSFColorScaleFormatting scale = rule.getColorScaleFormatting();
        scale.setNumControlPoints(3);
        double[] points = {0, 5, 10};
        for (int i = 0; i < 3; i++) {
            scale.getThresholds()[i].setRangeType(RangeType.NUMBER);
            scale.getThresholds()[i].setValue(points[i]);
        }
        scale.setColors(new XSSFColor[] {ReportStyles.rgb("F8696B"), ReportStyles.rgb("FFEB84"),
            ReportStyles.rgb("63BE7B")});
        formatting.addConditionalFormatting(new CellRangeAddress[] {
            new CellRangeAddress(FIRST_TEAM_ROW, lastTeamRow, QUICK_CHECK, QUICK_CHECK)}, rule);
    }

    private void writeLegend(XSSFSheet sheet, int firstRow) {
        ReportHeader header = report.header();
        int row = firstRow;
        text(sheet, row++, 0, "How to read this page", styles.label);
        for (LevelBadge badge : LevelBadge.values()) {
            badge(sheet, row, 0, badge.label, styles);
            text(sheet, row++, 1, explanation(badge), styles.text);
        }
        text(sheet, row++, 0, "Week: the report week's value (the last complete week; the current one is still "
            + "partial). \u0394 prev wk: its change from the week before; vs avg: "
            + "from the average of the " + header.trailingWeeks() + " weeks before. Counts change by their difference, "
            + "durations by their relative change, rates in percentage points.", styles.text);
        text(sheet, row++, 0, "\u25B2 and \u25BC say which way the figure moved; green is better, red is worse "
            + "(fewer minutes and failures are better, more deployments are better). Blank: no data.", styles.text);
        text(sheet, row++, 0, "Level and Next level: over the trailing " + header.trailingWeeks()
            + " weeks to the as-of date, from the median; the Benchmarks sheet has the published table. Quick Check: "
            + "DORA's 0\u201310 score, shaded red (0) to green (10).", styles.text);
    }

    private String explanation(LevelBadge badge) {
        ReportHeader header = report.header();
        return switch (badge) {
            case ELITE -> "meets or beats the elite answer of DORA " + header.benchmarkEdition();
            case HIGH -> "meets or beats the high answer, not the elite one";
            case MEDIUM -> "meets or beats the medium answer, not the high one";
            case LOW -> "does not meet the medium answer";
            case INSUFFICIENT_DATA -> "fewer than " + header.minSamples() + " samples in the trailing "
                + header.trailingWeeks() + " weeks, so no level is given";
        };
    }
}
