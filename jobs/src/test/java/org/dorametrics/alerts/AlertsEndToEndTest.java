package org.dorametrics.alerts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Arrays;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Row;
import org.dorametrics.cli.DoraCli;
import org.dorametrics.demo.DemoOrganisation;
import org.dorametrics.testing.ConsoleCapture;
import org.dorametrics.testing.TestSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dora alerts} on the demo's output, through the command line: a week after the demo's data ends, the teams
 * that deploy often and the sources are silent; the webhook gets them once, the next run sends nothing new, a run
 * for a day when all was well closes them, and a dry run sends nothing.
 */
class AlertsEndToEndTest {
    private static final String SECRET_PATH = "/services/T1/B2/demo-secret";
    private static final LocalDate WEEK_LATER = DemoOrganisation.AS_OF.plusDays(7);

    @TempDir
    static Path out;
    private static HttpServer http;
    private static final List<String> posted = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @BeforeAll
    static void runDemoAndStartWebhook() throws IOException {
        TestSpark.session();
        assertEquals(0, DoraCli.execute("demo", "--out", out.toString()));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/services/", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        http.start();
        Files.writeString(out.resolve("sample/webhook.txt"), "http://127.0.0.1:" + http.getAddress().getPort() + SECRET_PATH + "\n");
        Files.writeString(out.resolve("sample/alerts.yaml"), Files.readString(out.resolve("sample/dora.yaml")) + """
                alerts:
                  team_link: "https://dora.example.com/teams/{team}?as_of={as_of}"
                  webhook: {url_file: webhook.txt}
                  routes:
                    - {team: storefront, channel: "#storefront"}
                    - {team: "*", channel: "#delivery"}
                """);
    }

    @AfterAll
    static void stopWebhook() {
        http.stop(0);
    }

    private static String config() {
        return out.resolve("sample/alerts.yaml").toString();
    }

    /** The domain tables as of {@code day}: alerts read them for their own report date only. */
    private void normalizedAsOf(LocalDate day) {
        assertEquals(0, DoraCli.execute("normalize", "--config", config(), "--as-of", day.toString()), console.err());
    }

    private static List<Row> alerts() {
        return TestSpark.session().read().parquet(out.resolve("tables/alerts").toString()).orderBy("alert_id").collectAsList();
    }

    @Test
    void silenceAWeekLaterIsSentOnceAndClosesWhenTheDataSaysAllIsWell() throws IOException {
        posted.clear();
        normalizedAsOf(WEEK_LATER);
        assertEquals(0, DoraCli.execute("alerts", "--config", config(), "--as-of", WEEK_LATER.toString()), console.err());
        List<Row> rows = alerts();
        Row storefront = rows.stream().filter(r -> "deploy_silence".equals(r.getAs("rule")) && "storefront".equals(r.getAs("team"))
                && r.getAs("service") == null).findFirst().orElseThrow(() -> new AssertionError(rows.toString()));
        assertEquals(WEEK_LATER, storefront.getAs("first_seen"));
        assertEquals("sent", storefront.getAs("notification"));
        assertEquals(List.of("webhook #storefront"), storefront.getList(storefront.fieldIndex("notified_routes")));
        assertTrue(rows.stream().anyMatch(r -> "source_silence".equals(r.getAs("rule")) && "webhook #delivery".equals(
                r.getList(r.fieldIndex("notified_routes")).get(0))), "sources go to the * route: " + rows);
        assertTrue(posted.stream().anyMatch(p -> p.contains("\"channel\":\"#storefront\"") && p.contains("storefront has not deployed")
                && p.contains("https://dora.example.com/teams/storefront?as_of=" + WEEK_LATER)), posted.toString());
        assertFalse(console.out().contains(SECRET_PATH), console.out());
        byte[] table = Files.readAllBytes(out.resolve("tables/alerts/part-00000.parquet"));

        int sent = posted.size();
        assertEquals(0, DoraCli.execute("alerts", "--config", config(), "--as-of", WEEK_LATER.toString()), console.err());
        assertEquals(sent, posted.size(), "nothing is sent twice");
        assertArrayEquals(table, Files.readAllBytes(out.resolve("tables/alerts/part-00000.parquet")), "the same run, the same table");

        normalizedAsOf(DemoOrganisation.AS_OF);
        assertEquals(0, DoraCli.execute("alerts", "--config", config(), "--as-of", DemoOrganisation.AS_OF.toString()), console.err());
        Row closed = alerts().stream().filter(r -> r.getAs("alert_id").equals(storefront.getAs("alert_id"))).findFirst().orElseThrow();
        assertFalse(closed.<Boolean>getAs("open"));
        assertEquals(DemoOrganisation.AS_OF, closed.getAs("resolved_on"));
        assertTrue(posted.subList(sent, posted.size()).stream().noneMatch(p -> p.contains("storefront has not deployed")),
                "closing sends nothing: " + posted.subList(sent, posted.size()));
    }

    @Test
    void theDemoWorkbookListsTheDemosOpenAlertsLinkedToTheirTeams() throws IOException {
        try (XSSFWorkbook workbook = new XSSFWorkbook(Files.newInputStream(out.resolve("reports/dora-" + DemoOrganisation.AS_OF + ".xlsx")))) {
            XSSFSheet sheet = workbook.getSheet("Alerts");
            XSSFRow first = sheet.getRow(8);
            assertTrue(Arrays.stream(AlertRule.values()).anyMatch(r -> r.id().equals(first.getCell(2).getStringCellValue())),
                    first.getCell(2).getStringCellValue());
            String team = first.getCell(0).getStringCellValue();
            if (!team.isEmpty()) {
                assertEquals("'" + team + "'!A1", first.getCell(0).getHyperlink().getAddress());
            }
            assertTrue(first.getCell(7).getStringCellValue().length() > 20, "the message says what changed");
        }
    }

    @Test
    void aDryRunPrintsPerRouteAndSendsNothing() {
        posted.clear();
        normalizedAsOf(WEEK_LATER.plusDays(7));
        assertEquals(0, DoraCli.execute("alerts", "--config", config(), "--as-of", WEEK_LATER.plusDays(7).toString(), "--dry-run"),
                console.err());
        assertEquals(List.of(), posted);
        assertTrue(console.out().contains("alerts: dry run: would send to webhook #storefront:"), console.out());
        assertFalse(console.out().contains(SECRET_PATH), console.out());
    }

    @Test
    void aMissingWebhookUrlFileStopsTheCommandBeforeAnyWork() throws IOException {
        Path broken = out.resolve("sample/broken.yaml");
        Files.writeString(broken, Files.readString(out.resolve("sample/alerts.yaml")).replace("webhook.txt", "missing.txt"));
        assertEquals(2, DoraCli.execute("alerts", "--config", broken.toString(), "--as-of", WEEK_LATER.toString()));
        assertTrue(console.err().contains("alerts.webhook.url_file"), console.err());
    }
}
