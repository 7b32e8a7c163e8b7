package org.dorametrics.report;

import static org.dorametrics.report.SheetCells.badge;
import static org.dorametrics.report.SheetCells.change;
import static org.dorametrics.report.SheetCells.changeFormat;
import static org.dorametrics.report.SheetCells.date;
import static org.dorametrics.report.SheetCells.dateTime;
import static org.dorametrics.report.SheetCells.duration;
import static org.dorametrics.report.SheetCells.number;
import static org.dorametrics.report.SheetCells.text;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.poi.ss.SpreadsheetVersion;
import org.apache.poi.ss.util.AreaReference;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFTable;

/**
 * One team's sheet: its KPI block, charts of its weeks, a table of every metric per week, and the lists behind the
 * report week's numbers (deployments, incidents, slowest changes), each list an Excel table with its own filter.
 */
final class TeamSheet {

    static final int KPI_HEADER_ROW = 7;
    static final int CHART_ROWS = 18;
    private static final int STANDING_FIRST_COLUMN = 7;
    static final int LAST_PRINTED_COLUMN = 15;
    /** Where the charts' lead times, in the charts' unit, and week labels are kept: right of the printed area. */
    static final int CHART_DATA_COLUMN = LAST_PRINTED_COLUMN + 2;
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

    static final List<String> WEEKLY_HEADERS = List.of("Week", "Deployments", "Deploy days", "Failed attempts",
        "Changes", "Lead time p50", "Lead time p90", "Failed deploys", "Change failure rate", "Incidents resolved",
        "Time to restore p50", "Failures recovered", "Recovery time p50", "Rework deploys", "Rework rate",
        "Quick Check");

    private final WeeklyReport report;
    private final ReportStyles styles;
    private final LevelDistance distance;
    private final int sheetIndex;

    TeamSheet(WeeklyReport report, ReportStyles styles, int sheetIndex) {
        this.report = report;
        this.styles = styles;
        this.distance = new LevelDistance(report.benchmarks(), report.header().minSamples());
        this.sheetIndex = sheetIndex;
    }

    void write(XSSFSheet sheet, TeamReport team) {
        OverviewSheet.writeTitle(sheet, report, styles, team.rollUp() ? "organisation roll-up (every service once)"
            : team.team());
        SheetCells.link(sheet, 5, 0, "\u2190 Overview", OverviewSheet.NAME, styles.link);

        int row = writeKpis(sheet, team);
        int chartRow = row + 1;
        int weeklyTitleRow = chartRow + CHART_ROWS + 1;
        int weeklyHeaderRow = weeklyTitleRow + 1;
        text(sheet, weeklyTitleRow, 0, "Every week", styles.subtitle);
        int completeWeeks = writeWeeks(sheet, team, weeklyHeaderRow);
        writeCharts(sheet, team, chartRow, weeklyHeaderRow, completeWeeks);

        row = weeklyHeaderRow + team.weeks().size() + 2;
        row = writeDeployments(sheet, team, row) + 2;
        row = writeIncidents(sheet, team, row) + 2;
        writeSlowestChanges(sheet, team, row);

        SheetCells.widths(sheet, 22, 20, 20, 11, 11, 11, 17, 11, 11, 11, 11, 11, 11, 11, 11, 11, 2, 9, 11, 11);
        sheet.createFreezePane(0, 1);
        sheet.getWorkbook().setPrintArea(sheet.getWorkbook().getSheetIndex(sheet), 0, LAST_PRINTED_COLUMN, 0,
            sheet.getLastRowNum());
        SheetCells.pageSetup(sheet, report.header(), new CellRangeAddress(0, 0, -1, -1));
    }

    /** The KPI block: one row per metric; returns the row after it. */
    private int writeKpis(XSSFSheet sheet, TeamReport team) {
        ReportHeader header = report.header();
        WeekComparison week = WeekComparison.of(team, report.reportWeekStart(), header.trailingWeeks());
        TeamSummary current = team.current();
        text(sheet, KPI_HEADER_ROW - 1, 0, "This week and where the team stands", styles.subtitle);
        List<String> headers = List.of("Metric", "Week of " + report.reportWeekStart(), "\u0394 prev wk",
            "Avg " + header.trailingWeeks() + " wk before", "vs avg", "Trailing " + header.trailingWeeks() + " wk",
            "Level", "Where it stands (level over the trailing " + header.trailingWeeks() + " weeks)");
        SheetCells.headerRow(sheet, KPI_HEADER_ROW, 0, headers, 2, styles);
        for (int c = STANDING_FIRST_COLUMN + 1; c <= LAST_PRINTED_COLUMN; c++) {
            SheetCells.cell(sheet, KPI_HEADER_ROW, c, styles.columnHeader);
        }
        SheetCells.merge(sheet, new CellRangeAddress(KPI_HEADER_ROW, KPI_HEADER_ROW, STANDING_FIRST_COLUMN,
            LAST_PRINTED_COLUMN));

        int row = KPI_HEADER_ROW + 1;
        row = kpi(sheet, row, week, WeeklyMetric.DEPLOYMENTS, (double) current.windowDeployments(),
            ReportStyles.Kind.COUNT, null);
        row = kpi(sheet, row, week, WeeklyMetric.DEPLOY_DAYS, current.windowMedianDeployDaysPerWeek(),
            ReportStyles.Kind.DECIMAL, distance.deploymentFrequency(current));
        row = kpi(sheet, row, week, WeeklyMetric.LEAD_TIME_P50, current.windowLeadTimeP50Seconds(),
            ReportStyles.Kind.DURATION, distance.leadTime(current));
        row = kpi(sheet, row, week, WeeklyMetric.LEAD_TIME_P90, null, ReportStyles.Kind.DURATION, null);
        row = kpi(sheet, row, week, WeeklyMetric.CHANGE_FAILURE_RATE, current.windowChangeFailureRate(),
            ReportStyles.Kind.RATE, distance.changeFailureRate(current));
        row = kpi(sheet, row, week, WeeklyMetric.TIME_TO_RESTORE_P50, current.windowTimeToRestoreP50Seconds(),
            ReportStyles.Kind.DURATION, distance.timeToRestore(current));
        row = kpi(sheet, row, week, WeeklyMetric.RECOVERY_P50, current.windowRecoveryP50Seconds(),
            ReportStyles.Kind.DURATION, distance.recovery(current));
        row = kpi(sheet, row, week, WeeklyMetric.REWORK_RATE, current.windowReworkRate(), ReportStyles.Kind.RATE,
            null);
        text(sheet, row, 0, "Quick Check (0\u201310)", styles.data.get(ReportStyles.Kind.TEXT));
        for (int c = 1; c <= 4; c++) {
            SheetCells.cell(sheet, row, c, styles.data.get(ReportStyles.Kind.TEXT));
        }
        number(sheet, row, 5, current.quickCheckScore(), styles.data.get(ReportStyles.Kind.DECIMAL));
        SheetCells.cell(sheet, row, 6, styles.data.get(ReportStyles.Kind.TEXT));
        standingText(sheet, row, "DORA's Quick Check score over the trailing window: 0 (worst) to 10 (best)");
        return row + 1;
    }

    private int kpi(XSSFSheet sheet, int row, WeekComparison week, WeeklyMetric metric, Double trailing,
                    ReportStyles.Kind trailingKind, LevelDistance.Standing standing) {
        text(sheet, row, 0, metric.label, styles.data.get(ReportStyles.Kind.TEXT));
        value(sheet, row, 1, metric, week.value(metric));
        change(sheet, row, 2, metric, week.changeFromPreviousWeek(metric), changeFormat(metric, false), styles);
        value(sheet, row, 3, metric, week.trailingAverage(metric));
        change(sheet, row, 4, metric, week.changeFromTrailingAverage(metric), changeFormat(metric, true), styles);
        if (trailingKind == ReportStyles.Kind.DURATION) {
            duration(sheet, row, 5, trailing, styles.data.get(trailingKind));
        } else {
            number(sheet, row, 5, trailing, styles.data.get(trailingKind));
        }
        if (standing == null) {
            SheetCells.cell(sheet, row, 6, styles.data.get(ReportStyles.Kind.TEXT));
            standingText(sheet, row, metric == WeeklyMetric.DEPLOYMENTS
                ? "Trailing: deployments in the window; the level comes from deploy days (next line)"
                : metric == WeeklyMetric.REWORK_RATE ? "DORA publishes no levels for rework rate" : "");
        } else {
            badge(sheet, row, 6, standing.level(), styles);
            standingText(sheet, row, standing.sentence());
        }
        return row + 1;
    }

    private void standingText(XSSFSheet sheet, int row, String sentence) {
        text(sheet, row, STANDING_FIRST_COLUMN, sentence, styles.data.get(ReportStyles.Kind.TEXT));
        for (int c = STANDING_FIRST_COLUMN + 1; c <= LAST_PRINTED_COLUMN; c++) {
            SheetCells.cell(sheet, row, c, styles.data.get(ReportStyles.Kind.TEXT));
        }
        SheetCells.merge(sheet, new CellRangeAddress(row, row, STANDING_FIRST_COLUMN, LAST_PRINTED_COLUMN));
    }

    private void value(XSSFSheet sheet, int row, int column, WeeklyMetric metric, Double value) {
        switch (metric.unit) {
            case COUNT -> number(sheet, row, column, value, styles.data.get(
                value != null && value % 1 != 0 ? ReportStyles.Kind.DECIMAL : ReportStyles.Kind.COUNT));
            case RATE -> number(sheet, row, column, value, styles.data.get(ReportStyles.Kind.RATE));
            case DURATION -> duration(sheet, row, column, value, styles.data.get(ReportStyles.Kind.DURATION));
        }
    }

    /** The weekly table, oldest week first; returns how many of its weeks are complete (they come first). */
    private int writeWeeks(XSSFSheet sheet, TeamReport team, int headerRow) {
        SheetCells.headerRow(sheet, headerRow, 0, WEEKLY_HEADERS, 3, styles);
        int row = headerRow + 1;
        int complete = 0;
        for (WeekMetrics week : team.weeks()) {
            date(sheet, row, 0, week.weekStart(), week.partial() ? styles.partialWeek : styles.data.get(ReportStyles.Kind.DATE));
            XSSFCellStyle count = styles.data.get(ReportStyles.Kind.COUNT);
            XSSFCellStyle durationStyle = styles.data.get(ReportStyles.Kind.DURATION);
            XSSFCellStyle rate = styles.data.get(ReportStyles.Kind.RATE);
            number(sheet, row, 1, (double) week.deployments(), count);
            number(sheet, row, 2, (double) week.deployDays(), count);
            number(sheet, row, 3, (double) week.failedDeployAttempts(), count);
            number(sheet, row, 4, (double) week.leadTimeN(), count);
            duration(sheet, row, 5, week.leadTimeP50Seconds(), durationStyle);
            duration(sheet, row, 6, week.leadTimeP90Seconds(), durationStyle);
            number(sheet, row, 7, (double) week.failedDeployments(), count);
            number(sheet, row, 8, week.changeFailureRate(), rate);
            number(sheet, row, 9, (double) week.restoreN(), count);
            duration(sheet, row, 10, week.timeToRestoreP50Seconds(), durationStyle);
            number(sheet, row, 11, (double) week.recoveryN(), count);
            duration(sheet, row, 12, week.recoveryP50Seconds(), durationStyle);
            number(sheet, row, 13, (double) week.reworkDeployments(), count);
            number(sheet, row, 14, week.reworkRate(), rate);
            number(sheet, row, 15, week.quickCheckScore(), styles.data.get(ReportStyles.Kind.DECIMAL));
            if (!week.partial()) {
                complete++;
            }
            row++;
        }
        return complete;
    }

    /** Deployments per week as bars, lead time p50 and p90 as lines, change failure rate; complete weeks only. */
    private void writeCharts(XSSFSheet sheet, TeamReport team, int chartRow, int weeklyHeaderRow, int completeWeeks) {
        if (completeWeeks == 0) {
            return;
        }
        int first = weeklyHeaderRow + 1;
        int last = weeklyHeaderRow + completeWeeks;
        double longest = team.weeks().stream().filter(w -> !w.partial())
            .map(w -> w.leadTimeP90Seconds() == null ? 0.0 : w.leadTimeP90Seconds()).mapToDouble(Double::doubleValue)
            .max().orElse(0);
        boolean hours = longest < 2 * ReportStyles.SECONDS_PER_DAY;
        double divisor = hours ? 3600 : ReportStyles.SECONDS_PER_DAY;
        String unit = hours ? "hours" : "days";

        int labels = CHART_DATA_COLUMN;
        text(sheet, weeklyHeaderRow, labels, "Chart label", styles.columnHeader);
        text(sheet, weeklyHeaderRow, labels + 1, "Lead time p50 (" + unit + ")", styles.columnHeader);
        text(sheet, weeklyHeaderRow, labels + 2, "Lead time p90 (" + unit + ")", styles.columnHeader);
        for (int i = 0; i < completeWeeks; i++) {
            WeekMetrics week = team.weeks().get(i);
            int row = first + i;
            text(sheet, row, labels, LABEL.format(week.weekStart()), styles.data.get(ReportStyles.Kind.TEXT));
            number(sheet, row, labels + 1, week.leadTimeP50Seconds() == null ? null : week.leadTimeP50Seconds() / divisor,
                styles.data.get(ReportStyles.Kind.DECIMAL));
            number(sheet, row, labels + 2, week.leadTimeP90Seconds() == null ? null : week.leadTimeP90Seconds() / divisor,
                styles.data.get(ReportStyles.Kind.DECIMAL));
        }
        CellRangeAddress categories = new CellRangeAddress(first, last, labels, labels);
        String name = sheet.getSheetName();

        // Three charts across the printed width: A-C, D-I and J-P are about as wide as each other.
        var deployments = ReportCharts.chart(sheet, 0, chartRow, 3, chartRow + CHART_ROWS, "Deployments per week");
        ReportCharts.barChart(sheet, deployments, categories, new ReportCharts.Series(
            new CellReference(name, weeklyHeaderRow, 1, true, true), new CellRangeAddress(first, last, 1, 1),
            ReportCharts.SERIES_RGB.get(0)), "deployments", "0");

        var leadTime = ReportCharts.chart(sheet, 3, chartRow, 9, chartRow + CHART_ROWS,
            "Lead time for changes (" + unit + ")");
        ReportCharts.lineChart(sheet, leadTime, categories, List.of(
            new ReportCharts.Series(new CellReference(name, weeklyHeaderRow, labels + 1, true, true),
                new CellRangeAddress(first, last, labels + 1, labels + 1), ReportCharts.SERIES_RGB.get(0)),
            new ReportCharts.Series(new CellReference(name, weeklyHeaderRow, labels + 2, true, true),
                new CellRangeAddress(first, last, labels + 2, labels + 2), ReportCharts.SERIES_RGB.get(1))),
            unit, "General");

        var failures = ReportCharts.chart(sheet, 9, chartRow, LAST_PRINTED_COLUMN + 1, chartRow + CHART_ROWS,
            "Change failure rate");
        ReportCharts.lineChart(sheet, failures, categories, List.of(new ReportCharts.Series(
            new CellReference(name, weeklyHeaderRow, 8, true, true), new CellRangeAddress(first, last, 8, 8),
            ReportCharts.SERIES_RGB.get(3))), "of deployments", "0%");
    }

    private int writeDeployments(XSSFSheet sheet, TeamReport team, int titleRow) {
        text(sheet, titleRow, 0, "Deployments in the week of " + report.reportWeekStart(), styles.subtitle);
        List<String> headers = List.of("Finished", "Deployment", "Service", "Changes", "Lead time p50", "Flags",
            "Failed", "Why it failed");
        int headerRow = titleRow + 1;
        if (team.deployments().isEmpty()) {
            text(sheet, headerRow, 0, "No deployment this week.", styles.text);
            return headerRow;
        }
        SheetCells.headerRow(sheet, headerRow, 0, headers, 2, styles);
        int row = headerRow;
        for (DeploymentLine d : team.deployments()) {
            row++;
            dateTime(sheet, row, 0, d.finishedAt(), styles.data.get(ReportStyles.Kind.DATE_TIME));
            text(sheet, row, 1, d.deploymentId(), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 2, d.service(), styles.data.get(ReportStyles.Kind.TEXT));
            number(sheet, row, 3, (double) d.changes(), styles.data.get(ReportStyles.Kind.COUNT));
            duration(sheet, row, 4, d.leadTimeP50Seconds(), styles.data.get(ReportStyles.Kind.DURATION));
            text(sheet, row, 5, d.flags(), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 6, d.failed() ? "yes" : "no", styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 7, d.failureReasons(), styles.data.get(ReportStyles.Kind.TEXT));
        }
        table(sheet, "Deployments", headerRow, row, headers.size());
        return row;
    }

    private int writeIncidents(XSSFSheet sheet, TeamReport team, int titleRow) {
        text(sheet, titleRow, 0, "Incidents resolved in the week of " + report.reportWeekStart(), styles.subtitle);
        List<String> headers = List.of("Incident", "Opened", "Resolved", "Time to restore", "Services",
            "Attributed to", "Method", "Title");
        int headerRow = titleRow + 1;
        if (team.incidents().isEmpty()) {
            text(sheet, headerRow, 0, "No incident resolved this week.", styles.text);
            return headerRow;
        }
        SheetCells.headerRow(sheet, headerRow, 0, headers, 2, styles);
        int row = headerRow;
        for (IncidentLine i : team.incidents()) {
            row++;
            text(sheet, row, 0, i.incidentId(), styles.data.get(ReportStyles.Kind.TEXT));
            dateTime(sheet, row, 1, i.openedAt(), styles.data.get(ReportStyles.Kind.DATE_TIME));
            dateTime(sheet, row, 2, i.resolvedAt(), styles.data.get(ReportStyles.Kind.DATE_TIME));
            duration(sheet, row, 3, (double) i.restoreSeconds(), styles.data.get(ReportStyles.Kind.DURATION));
            text(sheet, row, 4, i.services(), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 5, i.attributedTo().isEmpty() ? "no link" : i.attributedTo(),
                styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 6, i.method(), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 7, i.title(), styles.data.get(ReportStyles.Kind.TEXT));
        }
        table(sheet, "Incidents", headerRow, row, headers.size());
        return row;
    }

    private void writeSlowestChanges(XSSFSheet sheet, TeamReport team, int titleRow) {
        text(sheet, titleRow, 0, "Slowest changes delivered in the week of " + report.reportWeekStart(),
            styles.subtitle);
        List<String> headers = List.of("Commit", "Deployment", "Deployed", "Lead time", "Subject");
        int headerRow = titleRow + 1;
        if (team.slowestChanges().isEmpty()) {
            text(sheet, headerRow, 0, "No change delivered this week.", styles.text);
            return;
        }
        SheetCells.headerRow(sheet, headerRow, 0, headers, 2, styles);
        int row = headerRow;
        for (ChangeLine c : team.slowestChanges()) {
            row++;
            text(sheet, row, 0, c.shortSha(), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 1, c.deploymentId(), styles.data.get(ReportStyles.Kind.TEXT));
            dateTime(sheet, row, 2, c.deployedAt(), styles.data.get(ReportStyles.Kind.DATE_TIME));
            duration(sheet, row, 3, (double) c.leadTimeSeconds(), styles.data.get(ReportStyles.Kind.DURATION));
            text(sheet, row, 4, c.subject(), styles.data.get(ReportStyles.Kind.TEXT));
        }
        table(sheet, "SlowestChanges", headerRow, row, headers.size());
    }

    /**
     * Makes a list an Excel table: its own filter buttons (a sheet has only one autofilter), sorting that keeps rows
     * together. The cells keep their own styles; the table style adds nothing but the filter.
     */
    private void table(XSSFSheet sheet, String name, int headerRow, int lastRow, int columns) {
        AreaReference area = new AreaReference(new CellReference(headerRow, 0),
            new CellReference(lastRow, columns - 1), SpreadsheetVersion.EXCEL2007);
        XSSFTable table = sheet.createTable(area);
        // Table names are unique in the workbook; the sheet's index makes them so, whatever the team is called.
        String tableName = name + "_" + sheetIndex;
        table.setName(tableName);
        table.setDisplayName(tableName);
        table.getCTTable().addNewAutoFilter().setRef(area.formatAsString());
        var style = table.getCTTable().addNewTableStyleInfo();
        style.setName("TableStyleLight1");
        style.setShowRowStripes(false);
        style.setShowColumnStripes(false);
        style.setShowFirstColumn(false);
        style.setShowLastColumn(false);
    }
}
