package org.dorametrics.report;

import static org.dorametrics.report.SheetCells.badge;
import static org.dorametrics.report.SheetCells.text;

import java.util.List;

import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/** The edition's published table, how this project measures each cell of it, how a level is assigned, and each metric. */
final class BenchmarksSheet {

    static final String NAME = "Benchmarks";
    static final int PUBLISHED_HEADER_ROW = 8;
    private static final int LAST_COLUMN = 4;

    /** DORA.md, section 2: how each metric is computed, one line each. */
    static final List<List<String>> DEFINITIONS = List.of(
        List.of("Deployment frequency", "Successful deployments to production per week, and deploy days: distinct local "
            + "days with at least one. Failed attempts are counted apart. The level uses the trailing window's median "
            + "deploy days per week and deploys per deploy day."),
        List.of("Lead time for changes", "Deployment finished minus the change's start (its commit's author time by "
            + "default), over the changes a deployment newly delivered (from the git graph); a service's first "
            + "deployment is a baseline, left out. Median (p50), p75, p90, mean."),
        List.of("Change failure rate", "Failed deployments divided by deployments, in the deployment's week. A "
            + "deployment failed when an incident is attributed to it, it was rolled back, or a hotfix followed it "
            + "within the attribution window; it never exceeds 100%."),
        List.of("Time to restore service", "Incident resolved minus opened, over the incidents resolved in the week "
            + "(with or without an attributed deployment). Median."),
        List.of("Failed deployment recovery time", "A failed deployment's finish to its recovery: the earlier of its "
            + "incidents all resolved and the service's next successful deployment that did not fail. Median."),
        List.of("Deployment rework rate", "Rework deployments (rollbacks, hotfixes, deployments whose changes name an "
            + "incident) divided by deployments. DORA publishes no levels for it."),
        List.of("Quick Check score", "DORA's 0\u201310 score: each frequency or duration answer 1..6 maps to "
            + "(answer \u2212 1) \u00D7 2, a change failure or rework rate p to 10 \u00D7 (1 \u2212 p); the mean of "
            + "the components with enough samples."));

    private final WeeklyReport report;
    private final ReportStyles styles;

    BenchmarksSheet(WeeklyReport report, ReportStyles styles) {
        this.report = report;
        this.styles = styles;
    }

    void write(XSSFSheet sheet) {
        BenchmarkTable table = report.benchmarks();
        ReportHeader header = report.header();
        OverviewSheet.writeTitle(sheet, report, styles, "Benchmarks");
        String restore = table.ranksRecoveryTime() ? "Failed deployment recovery time" : "Time to restore service";

        text(sheet, PUBLISHED_HEADER_ROW - 2, 0, "DORA " + table.edition() + ": the published levels", styles.subtitle);
        text(sheet, PUBLISHED_HEADER_ROW - 1, 0, "Source: " + table.source(), styles.text);
        SheetCells.headerRow(sheet, PUBLISHED_HEADER_ROW, 0, List.of("Level", "Deployment frequency",
            "Lead time for changes", restore, "Change failure rate"), 2, styles);
        int row = PUBLISHED_HEADER_ROW;
        XSSFCellStyle cell = styles.data.get(ReportStyles.Kind.WRAPPED_TEXT);
        for (BenchmarkLevel level : table.levels()) {
            row++;
            badge(sheet, row, 0, level.level(), styles);
            text(sheet, row, 1, level.deploymentFrequencyPublished(), cell);
            text(sheet, row, 2, level.leadTimePublished(), cell);
            text(sheet, row, 3, level.restorePublished(), cell);
            text(sheet, row, 4, level.changeFailureRatePublished(), cell);
        }

        row += 2;
        text(sheet, row++, 0, "What each level takes, as this project measures it", styles.subtitle);
        SheetCells.headerRow(sheet, row, 0, List.of("Level", "Deployment frequency (trailing window)",
            "Lead time (median)", restore + " (median)", "Change failure rate"), 2, styles);
        for (BenchmarkLevel level : table.levels()) {
            row++;
            badge(sheet, row, 0, level.level(), styles);
            text(sheet, row, 1, level.deploymentFrequencyRule().replace(">=", "\u2265"), cell);
            text(sheet, row, 2, below(level.leadTimeBelowSeconds()), cell);
            text(sheet, row, 3, below(level.restoreBelowSeconds()), cell);
            text(sheet, row, 4, "\u2264 " + HumanUnits.percent(level.changeFailureRateMax()), cell);
            SheetCells.setLines(sheet, row, 2);
        }

        row += 2;
        text(sheet, row++, 0, "How a level is assigned", styles.subtitle);
        row = paragraph(sheet, row, "A level is the best level whose published answer the value meets or beats; a "
            + "value worse than every level is low. It is measured over the trailing " + header.trailingWeeks()
            + " weeks to the as-of date (26 weeks for the two slowest frequency answers), from the median. Below "
            + header.minSamples() + " samples in the window (changes, deployments, resolved incidents, recovered "
            + "failures) a value is still shown, but its level is insufficient data.");
        row = paragraph(sheet, row, "Each metric is first turned into one of DORA's six survey answers: durations "
            + "under 1 hour, 1 day, 1 week, 30 days, 180 days, or longer; deployment frequency from the medians above. "
            + "Published levels need not be ordered (in 2024, high allows a 20% change failure rate, medium 10%): the "
            + "rule handles it, and Next level names the level a team reaches first as it improves.");

        row++;
        text(sheet, row++, 0, "How each metric is computed", styles.subtitle);
        SheetCells.headerRow(sheet, row, 0, List.of("Metric", "Definition", "", "", ""), 1, styles);
        SheetCells.merge(sheet, new CellRangeAddress(row, row, 1, LAST_COLUMN));
        for (List<String> definition : DEFINITIONS) {
            row++;
            text(sheet, row, 0, definition.get(0), styles.data.get(ReportStyles.Kind.TEXT));
            text(sheet, row, 1, definition.get(1), cell);
            for (int c = 2; c <= LAST_COLUMN; c++) {
                SheetCells.cell(sheet, row, c, cell);
            }
            SheetCells.merge(sheet, new CellRangeAddress(row, row, 1, LAST_COLUMN));
            SheetCells.setLines(sheet, row, 2);
        }
        SheetCells.widths(sheet, 30, 36, 28, 28, 22);
        SheetCells.pageSetup(sheet, header, null);
    }

    private static String below(Long seconds) {
        return seconds == null ? "any" : "< " + HumanUnits.bound(seconds);
    }

    private int paragraph(XSSFSheet sheet, int row, String text) {
        text(sheet, row, 0, text, styles.wrappedText);
        SheetCells.merge(sheet, new CellRangeAddress(row, row, 0, LAST_COLUMN));
        SheetCells.setLines(sheet, row, 3);
        return row + 1;
    }
}
