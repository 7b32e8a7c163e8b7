package org.dorametrics.report;

import static org.dorametrics.report.SheetCells.date;
import static org.dorametrics.report.SheetCells.number;
import static org.dorametrics.report.SheetCells.text;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/**
 * Line charts of the trailing weeks, one per metric and one series per team, over tables of the same numbers below
 * them. At most {@link #CHARTED_TEAMS} teams are charted (more lines than that cannot be told apart): the ones with the
 * most deployments over the weeks shown. The tables hold every team.
 */
final class TrendsSheet {

    static final String NAME = "Trends";
    static final int WEEKS = 26;
    static final int CHARTED_TEAMS = ReportCharts.SERIES_RGB.size();
    static final int CHART_FIRST_ROW = 7;
    private static final int CHART_ROWS = 20;
    private static final int CHART_COLUMNS = 7;
    /** Charts per row: three across a landscape page, so all six print on one page. */
    private static final int CHARTS_ACROSS = 3;
    static final int WEEK_COLUMN = 0;
    static final int LABEL_COLUMN = 1;
    static final int FIRST_TEAM_COLUMN = 2;
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

    /** A charted metric: its title, the week's value in the chart's unit, the axis title and format. */
    private record Trend(String title, WeeklyMetric metric, String unit, double divisor, String format) {}

    private final WeeklyReport report;
    private final ReportStyles styles;

    TrendsSheet(WeeklyReport report, ReportStyles styles) {
        this.report = report;
        this.styles = styles;
    }

    /** The weeks the report charts: the last {@link #WEEKS} complete weeks, ending with the report week. */
    static List<LocalDate> chartedWeeks(WeeklyReport report) {
        // Every week any team has: teams share one calendar, but a team's list may start later.
        List<LocalDate> weeks = report.teams().stream().flatMap(t -> t.weeks().stream()).map(WeekMetrics::weekStart)
            .filter(w -> !w.isAfter(report.reportWeekStart())).distinct().sorted().toList();
        return weeks.subList(Math.max(0, weeks.size() - WEEKS), weeks.size());
    }

    /** The teams charted, in the order they take colours: most deployments first, then report order. */
    static List<TeamReport> chartedTeams(WeeklyReport report, List<LocalDate> weeks) {
        Map<TeamReport, Long> deployments = new HashMap<>();
        List<TeamReport> teams = report.teams().stream().filter(t -> !t.rollUp()).toList();
        for (TeamReport team : teams) {
            deployments.put(team, team.weeks().stream().filter(w -> weeks.contains(w.weekStart()))
                .mapToLong(WeekMetrics::deployments).sum());
        }
        if (teams.size() <= CHARTED_TEAMS) {
            return teams;
        }
        List<TeamReport> busiest = teams.stream()
            .sorted(Comparator.comparing((TeamReport t) -> -deployments.get(t)).thenComparing(teams::indexOf))
            .limit(CHARTED_TEAMS).toList();
        return teams.stream().filter(busiest::contains).toList();
    }

    void write(XSSFSheet sheet) {
        OverviewSheet.writeTitle(sheet, report, styles, "Trends");
        List<LocalDate> weeks = chartedWeeks(report);
        List<TeamReport> teams = report.teams().stream().filter(t -> !t.rollUp()).toList();
        List<TeamReport> charted = chartedTeams(report, weeks);
        text(sheet, 5, 0, "The last " + weeks.size() + " complete weeks. "
            + (charted.size() < teams.size()
                ? "Charts show the " + charted.size() + " teams with the most deployments; the tables below hold all "
                    + teams.size() + "."
                : "One line per team; the numbers are in the tables below the charts."), styles.text);

        List<Trend> trends = trends(teams, weeks);
        int chartRowsUsed = CHART_ROWS * ((trends.size() + CHARTS_ACROSS - 1) / CHARTS_ACROSS);
        int tableRow = CHART_FIRST_ROW + chartRowsUsed + 1;
        for (int i = 0; i < trends.size(); i++) {
            Trend trend = trends.get(i);
            int headerRow = writeTable(sheet, tableRow, trend, teams, weeks);
            int firstColumn = (i % CHARTS_ACROSS) * CHART_COLUMNS;
            int firstRow = CHART_FIRST_ROW + (i / CHARTS_ACROSS) * CHART_ROWS;
            var chart = ReportCharts.chart(sheet, firstColumn, firstRow, firstColumn + CHART_COLUMNS,
                firstRow + CHART_ROWS - 1, trend.title());
            List<ReportCharts.Series> series = new ArrayList<>();
            for (int t = 0; t < charted.size(); t++) {
                int column = FIRST_TEAM_COLUMN + teams.indexOf(charted.get(t));
                series.add(new ReportCharts.Series(new CellReference(sheet.getSheetName(), headerRow, column, true, true),
                    new CellRangeAddress(headerRow + 1, headerRow + weeks.size(), column, column),
                    ReportCharts.SERIES_RGB.get(t)));
            }
            if (!weeks.isEmpty()) {
                ReportCharts.lineChart(sheet, chart,
                    new CellRangeAddress(headerRow + 1, headerRow + weeks.size(), LABEL_COLUMN, LABEL_COLUMN), series,
                    trend.unit(), trend.format());
            }
            tableRow = headerRow + weeks.size() + 2;
        }
        int[] widths = new int[Math.max(CHARTS_ACROSS * CHART_COLUMNS, FIRST_TEAM_COLUMN + teams.size())];
        java.util.Arrays.fill(widths, 11);
        widths[WEEK_COLUMN] = 13; // "Report week" of the title block
        widths[LABEL_COLUMN] = 8;
        SheetCells.widths(sheet, widths);
        // Only the charts print: the tables are there to re-chart and sort.
        sheet.getWorkbook().setPrintArea(sheet.getWorkbook().getSheetIndex(sheet), 0, CHARTS_ACROSS * CHART_COLUMNS - 1,
            0, CHART_FIRST_ROW + chartRowsUsed - 1);
        SheetCells.pageSetup(sheet, report.header(), null);
    }

    private List<Trend> trends(List<TeamReport> teams, List<LocalDate> weeks) {
        boolean recovery = report.benchmarks().ranksRecoveryTime();
        List<Trend> trends = new ArrayList<>();
        trends.add(new Trend("Deployments per week", WeeklyMetric.DEPLOYMENTS, "deployments", 1, "0"));
        trends.add(new Trend("Deploy days per week", WeeklyMetric.DEPLOY_DAYS, "days", 1, "0"));
        trends.add(durationTrend("Lead time for changes, p50", WeeklyMetric.LEAD_TIME_P50, teams, weeks));
        trends.add(new Trend("Change failure rate", WeeklyMetric.CHANGE_FAILURE_RATE, "of deployments", 1, "0%"));
        trends.add(recovery
            ? durationTrend("Failed deployment recovery time, p50", WeeklyMetric.RECOVERY_P50, teams, weeks)
            : durationTrend("Time to restore service, p50", WeeklyMetric.TIME_TO_RESTORE_P50, teams, weeks));
        trends.add(new Trend("Deployment rework rate", WeeklyMetric.REWORK_RATE, "of deployments", 1, "0%"));
        return trends;
    }

    /** Hours while the longest value is under two days, else days: the axis a reader can read at a glance. */
    private static Trend durationTrend(String title, WeeklyMetric metric, List<TeamReport> teams,
                                       List<LocalDate> weeks) {
        double longest = teams.stream().flatMap(t -> t.weeks().stream()).filter(w -> weeks.contains(w.weekStart()))
            .map(metric::of).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(0);
        return longest < 2 * ReportStyles.SECONDS_PER_DAY
            ? new Trend(title + " (hours)", metric, "hours", 3600, "General")
            : new Trend(title + " (days)", metric, "days", ReportStyles.SECONDS_PER_DAY, "General");
    }

    /** Writes one trend's table (a title, a header, a row per week); returns its header row. */
    private int writeTable(XSSFSheet sheet, int firstRow, Trend trend, List<TeamReport> teams, List<LocalDate> weeks) {
        text(sheet, firstRow, 0, trend.title(), styles.label);
        int headerRow = firstRow + 1;
        List<String> headers = new ArrayList<>(List.of("Week", "Label"));
        teams.forEach(t -> headers.add(t.team()));
        SheetCells.headerRow(sheet, headerRow, 0, headers, 2, styles);
        ReportStyles.Kind kind = trend.format().endsWith("%") ? ReportStyles.Kind.RATE
            : trend.divisor() == 1 ? ReportStyles.Kind.COUNT : ReportStyles.Kind.DECIMAL;
        List<Map<LocalDate, WeekMetrics>> byWeek = teams.stream().map(t -> {
            Map<LocalDate, WeekMetrics> map = new HashMap<>();
            t.weeks().forEach(w -> map.put(w.weekStart(), w));
            return map;
        }).toList();
        IntStream.range(0, weeks.size()).forEach(i -> {
            int row = headerRow + 1 + i;
            LocalDate week = weeks.get(i);
            date(sheet, row, WEEK_COLUMN, week, styles.data.get(ReportStyles.Kind.DATE));
            text(sheet, row, LABEL_COLUMN, LABEL.format(week), styles.data.get(ReportStyles.Kind.TEXT));
            for (int t = 0; t < teams.size(); t++) {
                WeekMetrics metrics = byWeek.get(t).get(week);
                Double value = metrics == null ? null : trend.metric().of(metrics);
                number(sheet, row, FIRST_TEAM_COLUMN + t, value == null ? null : value / trend.divisor(),
                    styles.data.get(kind));
            }
        });
        return headerRow;
    }
}
