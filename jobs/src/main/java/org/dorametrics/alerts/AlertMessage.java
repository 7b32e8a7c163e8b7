package org.dorametrics.alerts;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.dorametrics.config.DoraConfig;

/**
 * What one notification says: a title, one line per alert (severity and the finding's sentence, which says what
 * changed and by how much), and where each team's numbers are.
 *
 * @param links the line "team: where its numbers are", one per team of the alerts
 */
public record AlertMessage(String title, List<String> lines, List<String> links) {

    public AlertMessage {
        lines = List.copyOf(lines);
        links = List.copyOf(links);
    }

    /**
     * The message for {@code rows}, as of {@code asOf}; {@code teamLink} is alerts.team_link (null: the workbook's team
     * sheet is named instead).
     */
    public static AlertMessage of(String routeName, List<AlertRow> rows, LocalDate asOf, String teamLink) {
        List<String> lines = new ArrayList<>();
        Set<String> teams = new LinkedHashSet<>();
        for (AlertRow row : rows) {
            lines.add("[" + row.severity() + "] " + row.message() + " (since " + row.firstSeen() + ")");
            teams.add(row.team() != null ? row.team() : DoraConfig.ORGANISATION);
        }
        List<String> links = new ArrayList<>();
        for (String team : teams) {
            links.add(team + ": " + link(team, asOf, teamLink));
        }
        String title = "DORA alerts for " + routeName + " as of " + asOf + ": " + rows.size() + (rows.size() == 1 ? " alert" : " alerts");
        return new AlertMessage(title, lines, links);
    }

    static String link(String team, LocalDate asOf, String teamLink) {
        if (teamLink == null) {
            return "sheet '" + team + "' of the workbook reports/dora-" + asOf + ".xlsx";
        }
        return teamLink.replace("{team}", URLEncoder.encode(team, StandardCharsets.UTF_8).replace("+", "%20"))
                .replace("{as_of}", asOf.toString());
    }

    /** The message as plain text: an e-mail body, a dry-run listing, a webhook's fallback text. */
    public String text() {
        StringBuilder text = new StringBuilder(title).append("\n\n");
        lines.forEach(line -> text.append("- ").append(line).append('\n'));
        text.append("\nThe team's numbers:\n");
        links.forEach(link -> text.append("  ").append(link).append('\n'));
        return text.toString();
    }
}
