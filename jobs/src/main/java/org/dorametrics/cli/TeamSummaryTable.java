package org.dorametrics.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dorametrics.report.TeamSummary;

/** A one-screen text table of each team's trailing-window metrics and levels, for the terminal. */
final class TeamSummaryTable {
    private static final String[] HEADER = {"team", "deploy days/wk", "lead time p50", "change fail rate", "restore p50",
            "recovery p50", "quick check"};

    private TeamSummaryTable() {}

    static String format(List<TeamSummary> teams, int trailingWeeks, LocalDate asOf) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (TeamSummary t : teams) {
            rows.add(new String[] {
                t.team(),
                number(t.windowMedianDeployDaysPerWeek()) + " " + t.deploymentFrequencyLevel(),
                duration(t.windowLeadTimeP50Seconds()) + " " + t.leadTimeLevel(),
                percent(t.windowChangeFailureRate()) + " " + t.changeFailureRateLevel(),
                duration(t.windowTimeToRestoreP50Seconds()) + " " + t.timeToRestoreLevel(),
                duration(t.windowRecoveryP50Seconds()) + " " + t.recoveryLevel(),
                t.quickCheckScore() == null ? "-" : String.format(Locale.ROOT, "%.1f / 10", t.quickCheckScore())});
        }
        int[] widths = new int[HEADER.length];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        StringBuilder text = new StringBuilder("DORA levels as of " + asOf + ", trailing " + trailingWeeks + " weeks\n");
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                text.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i])).append(i + 1 < row.length ? "  " : "\n");
            }
        }
        return text.toString();
    }

    /** "45 min", "3.2 h", "4.0 d": the unit a reader would choose. */
    static String duration(Double seconds) {
        if (seconds == null) {
            return "-";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        }
        if (seconds < 86400 * 2) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f d", seconds / 86400);
    }

    /** "25%": a ratio as a whole percentage. */
    static String percent(Double ratio) {
        return ratio == null ? "-" : String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
