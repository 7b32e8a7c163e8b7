package org.dorametrics.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.dorametrics.alerts.Finding.Severity;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The e-mail notifier against a real SMTP server that requires STARTTLS and a login (SubEthaSMTP), with a certificate
 * of its own made by keytool: mail goes through TLS to a server whose certificate chains to {@code ca_file}, and a
 * server the client cannot trust gets neither the mail nor the password.
 */
class EmailStartTlsTest {
    private static final String PASSWORD = "smtp-password-tls-456";
    private static final LocalDate AS_OF = LocalDate.parse("2026-03-04");

    @TempDir
    static Path keys;
    private static SSLContext serverTls;

    @TempDir
    Path folder;
    private SMTPServer smtp;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeAll
    static void makeTheServersCertificate() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keystore = keys.resolve("smtp.p12");
        run(keytool.toString(), "-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "smtp", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", keys.resolve("ca.pem").toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, String.join(" ", command) + ":\n" + output);
    }

    @BeforeEach
    void startServer() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        smtp = SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress())
                .startTlsSocketFactory(serverTls).enableTLS().requireTLS()
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(
                        (user, password, context) -> {
                            if (!"dora".equals(user) || !PASSWORD.equals(password)) {
                                throw new org.subethamail.smtp.auth.LoginFailedException();
                            }
                        }))
                .requireAuth()
                .messageHandler((context, from, to, data) -> received.add(to + "\n" + new String(data, StandardCharsets.UTF_8)))
                .build();
        smtp.start();
    }

    @AfterEach
    void stopServer() {
        smtp.stop();
    }

    private Notifications notifications(String caFile) throws IOException {
        Map<String, String> environment = Map.of("SMTP_PASSWORD", PASSWORD);
        DoraConfig config = AlertConfigs.load(folder, """
                alerts:
                  email: {host: 127.0.0.1, port: %d, starttls: true, %s from: dora@example.com, user: dora, password_env: SMTP_PASSWORD}
                  routes: [{team: payments, email: [leads@example.com]}]
                  retry: {attempts: 1}
                """.formatted(smtp.getPortAllocated(), caFile == null ? "" : "ca_file: " + caFile + ","), environment);
        return Notifications.open(config, environment::get, false, new PrintStream(printed, true, StandardCharsets.UTF_8), wait -> { });
    }

    private static AlertRow newAlert() {
        Finding finding = new Finding(AlertRule.CHANGE_FAILURE_RATE, "payments", null, null, Severity.WARNING, 0.3, 0.0, 0.2, "rate",
                "payments' change failure rate is 30% over the 7 days to 2026-03-04, against a usual 10%: up 20 points.");
        return AlertState.merge(List.of(), List.of(finding), AS_OF).get(0);
    }

    @Test
    void mailGoesThroughStartTlsToAServerSignedByTheConfiguredCa() throws IOException {
        AlertRow row = notifications(keys.resolve("ca.pem").toString()).deliver(List.of(newAlert()), AS_OF).get(0);

        assertEquals(AlertRow.SENT, row.notification(), printed.toString(StandardCharsets.UTF_8));
        assertEquals(1, received.size(), "the server requires TLS and a login before it takes mail");
        assertTrue(received.get(0).startsWith("leads@example.com\n"));
        assertTrue(received.get(0).contains("up 20 points"), received.get(0));
    }

    @Test
    void aServerTheClientCannotTrustGetsNeitherTheMailNorThePassword() throws IOException {
        AlertRow row = notifications(null).deliver(List.of(newAlert()), AS_OF).get(0);

        assertTrue(row.notification().startsWith("failed: email leads@example.com: e-mail via 127.0.0.1:"), row.notification());
        assertFalse(row.notification().contains(PASSWORD));
        assertEquals(List.of(), received);
    }

    @Test
    void aCaFileWithoutCertificatesStopsTheRunBeforeAnyWork() throws IOException {
        Path empty = Files.writeString(folder.resolve("empty.pem"), "not a certificate\n");

        DoraException refused = org.junit.jupiter.api.Assertions.assertThrows(DoraException.class, () -> notifications(empty.toString()));

        assertEquals(ExitCode.USAGE_OR_CONFIG, refused.exitCode());
        assertTrue(refused.getMessage().startsWith("alerts.email.ca_file:"), refused.getMessage());
        assertEquals(new ArrayList<String>(), received);
    }
}
