package org.dorametrics.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dorametrics.alerts.Finding.Severity;
import org.dorametrics.config.DoraConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook and e-mail notifications against a real local HTTP server (the JDK's) and a real local SMTP server
 * (GreenMail): what they receive, retries with backoff, failures reported and never thrown, secrets never shown,
 * and the dry run that sends nothing.
 */
class NotificationsTest {
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-04");
    /** The part of a Slack webhook URL that is the secret. */
    private static final String WEBHOOK_SECRET = "T0000/B0000/XXXXsecretXXXX";

    @TempDir
    Path folder;

    private HttpServer http;
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private GreenMail smtp;

    @BeforeEach
    void startServers() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/services/", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Integer status = statuses.poll();
            byte[] body = (status == null || status == 200 ? "ok" : "internal_error").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status == null ? 200 : status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("dora", "smtp-password-123");
        smtp.start();
    }

    @AfterEach
    void stopServers() {
        http.stop(0);
        smtp.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String webhookUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/services/" + WEBHOOK_SECRET;
    }

    private Notifications notifications(String routes, boolean starttls, boolean dryRun) throws IOException {
        Map<String, String> environment = new HashMap<>();
        environment.put("WEBHOOK", webhookUrl());
        environment.put("SMTP_PASSWORD", "smtp-password-123");
        DoraConfig config = AlertConfigs.load(folder, """
                alerts:
                  team_link: "https://dora.example.com/teams/{team}?as_of={as_of}"
                  webhook: {url_env: WEBHOOK}
                  email: {host: 127.0.0.1, port: %d, starttls: %s, from: dora@example.com, user: dora, password_env: SMTP_PASSWORD}
                  routes: %s
                """.formatted(smtp.getSmtp().getPort(), starttls, routes), environment);
        return Notifications.open(config, environment::get, dryRun, new PrintStream(printed, true, StandardCharsets.UTF_8), waits::add);
    }

    private static AlertRow newAlert(String team) {
        Finding finding = new Finding(AlertRule.CHANGE_FAILURE_RATE, team, null, null, Severity.WARNING, 0.3, 0.0, 0.2, "rate",
                new AlertRules.Subject(team, null, null).possessive() + " change failure rate is 30% over the 7 days to 2026-03-04 (3 of 10 deployments failed), against a usual"
                        + " 10% (expected at most 20%): up 20 points.");
        return AlertState.merge(List.of(), List.of(finding), AS_OF).get(0);
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWebhookFailingTwiceIsRetriedWithBackoffThenGetsTheMessage() throws IOException {
        statuses.addAll(List.of(500, 503));
        AlertRow row = notifications("[{team: payments, channel: '#payments'}]", false, false)
                .deliver(List.of(newAlert("payments")), AS_OF).get(0);
        assertEquals(AlertRow.SENT, row.notification());
        assertEquals(AS_OF, row.notifiedOn());
        assertEquals(List.of("webhook #payments"), row.notifiedRoutes());
        assertEquals(3, posted.size());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)), waits, "backoff 2 s, doubling");
        JsonNode body = new ObjectMapper().readTree(posted.get(2));
        assertEquals("#payments", body.get("channel").asText());
        assertTrue(body.get("text").asText().contains("payments' change failure rate is 30%"), body.toString());
        assertTrue(body.get("text").asText().contains("payments: https://dora.example.com/teams/payments?as_of=2026-03-04"));
        assertEquals("header", body.get("blocks").get(0).get("type").asText());
        assertTrue(output().contains("alerts: sent 1 alert to webhook #payments"), output());
    }

    @Test
    void aWebhookThatKeepsFailingIsReportedNeverThrownNeverShownAndRetriedNextRun() throws IOException {
        statuses.addAll(List.of(500, 500, 500));
        Notifications notifications = notifications("[{team: payments, channel: '#payments'}]", false, false);
        AlertRow row = notifications.deliver(List.of(newAlert("payments")), AS_OF).get(0);
        assertEquals("failed: webhook #payments: webhook answered HTTP 500: internal_error after 3 attempts", row.notification());
        assertNull(row.notifiedOn());
        assertTrue(row.awaitsNotification());
        assertTrue(output().contains("alerts: could not notify webhook #payments"), output());
        assertFalse(output().contains(WEBHOOK_SECRET), "the webhook URL is a secret: " + output());
        AlertRow next = notifications.deliver(List.of(row), AS_OF.plusDays(1)).get(0);
        assertEquals(AlertRow.SENT, next.notification(), "the next run sends it");
        assertEquals(4, posted.size());
    }

    @Test
    void anUnreachableWebhookNeverShowsItsUrl() throws IOException {
        Notifications notifications = notifications("[{team: payments, channel: '#payments'}]", false, false);
        http.stop(0);
        AlertRow row = notifications.deliver(List.of(newAlert("payments")), AS_OF).get(0);
        assertTrue(row.notification().startsWith("failed: webhook #payments: webhook: "), row.notification());
        assertFalse(row.notification().contains(WEBHOOK_SECRET), row.notification());
        assertFalse(output().contains(WEBHOOK_SECRET), output());
    }

    @Test
    void anEmailReachesTheSmtpServerWithWhatChangedAndTheLink() throws Exception {
        AlertRow row = notifications("[{team: payments, email: [leads@example.com]}]", false, false)
                .deliver(List.of(newAlert("payments")), AS_OF).get(0);
        assertEquals(AlertRow.SENT, row.notification());
        assertEquals(List.of("email leads@example.com"), row.notifiedRoutes());
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length);
        assertEquals("DORA alerts for payments as of 2026-03-04: 1 alert", received[0].getSubject());
        assertEquals("leads@example.com", received[0].getAllRecipients()[0].toString());
        String body = GreenMailUtil.getBody(received[0]);
        assertTrue(body.contains("up 20 points"), body);
        assertTrue(body.contains("https://dora.example.com/teams/payments?as_of=2026-03-04"), body);
    }

    @Test
    void starttlsRequiredSendsNothingToAServerThatDoesNotOfferIt() throws IOException {
        // GreenMail 2.1 offers no STARTTLS: with starttls the client must refuse to go on in the clear.
        AlertRow row = notifications("[{team: payments, email: [leads@example.com]}]", true, false)
                .deliver(List.of(newAlert("payments")), AS_OF).get(0);
        assertTrue(row.notification().startsWith("failed: email leads@example.com: e-mail via 127.0.0.1:"), row.notification());
        assertTrue(row.notification().contains("STARTTLS"), row.notification());
        assertFalse(row.notification().contains("smtp-password-123"));
        assertEquals(0, smtp.getReceivedMessages().length);
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)), waits);
    }

    @Test
    void aTargetThatFailedIsTheOnlyOneTriedAgain() throws IOException {
        Notifications notifications = notifications("[{team: payments, channel: '#payments', email: [leads@example.com]}]", false, false);
        smtp.stop();
        AlertRow row = notifications.deliver(List.of(newAlert("payments")), AS_OF).get(0);
        assertEquals(List.of("webhook #payments"), row.notifiedRoutes());
        assertTrue(row.notification().startsWith("failed: email leads@example.com: "), row.notification());
        smtp.start();
        smtp.setUser("dora", "smtp-password-123");
        AlertRow next = notifications.deliver(List.of(row), AS_OF).get(0);
        assertEquals(AlertRow.SENT, next.notification());
        assertEquals(List.of("webhook #payments", "email leads@example.com"), next.notifiedRoutes());
        assertEquals(1, posted.size(), "the webhook got it once");
        assertEquals(1, smtp.getReceivedMessages().length);
    }

    @Test
    void aDryRunPrintsEachRoutesMessageAndSendsNothing() throws IOException {
        List<AlertRow> rows = notifications("[{team: payments, channel: '#payments', email: [leads@example.com]}]", false, true)
                .deliver(List.of(newAlert("payments")), AS_OF);
        assertEquals(AlertRow.DRY_RUN, rows.get(0).notification());
        assertTrue(rows.get(0).awaitsNotification(), "a real run sends it later");
        assertEquals(List.of(), posted);
        assertEquals(0, smtp.getReceivedMessages().length);
        assertTrue(output().contains("alerts: dry run: would send to webhook #payments:\n  | DORA alerts for payments as of 2026-03-04: 1 alert"),
                output());
        assertTrue(output().contains("alerts: dry run: would send to email leads@example.com:"), output());
        assertFalse(output().contains(WEBHOOK_SECRET), output());
    }

    @Test
    void findingsOfATeamWithoutARouteAreMarkedSo() throws IOException {
        AlertRow row = notifications("[{team: payments, channel: '#payments'}]", false, false)
                .deliver(List.of(newAlert("identity")), AS_OF).get(0);
        assertEquals(AlertRow.NO_ROUTE, row.notification());
        assertEquals(List.of(), posted);
    }
}
