package org.dorametrics.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.GitHubApp;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.sources.http.ApiClient;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.testing.FakeApiServer;
import org.dorametrics.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub App authentication against a fake server that verifies the JWT's RS256 signature with the public key of a key
 * pair made here, and answers installation tokens that expire.
 */
class GitHubAppTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS_TOKENS = "/app/installations/4242/access_tokens";
    private static final long APP_ID = 31337;
    private static KeyPair keys;

    @TempDir
    Path folder;

    private FakeApiServer github;
    private final List<String> verifiedJwts = new ArrayList<>();
    private Instant now = Instant.parse("2026-03-02T09:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeAll
    static void makeKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @BeforeEach
    void start() throws IOException {
        github = GitHubFixtures.withShas(GitHubFixtures.servePayments(FakeGitHub.start()), GitHubFixtures.SHAS);
        // GitHub's answer: the installation token (the one the fake accepts) and when it expires, an hour on.
        github.answer(ACCESS_TOKENS, request -> {
            if (!request.method().equals("POST") || !verifies(request.header("Authorization"))) {
                return FakeApiServer.text(401, "{\"message\":\"A JSON web token could not be decoded\"}");
            }
            return FakeApiServer.text(201, "{\"token\":\"" + FakeGitHub.TOKEN + "\",\"expires_at\":\"" + now.plus(Duration.ofHours(1))
                    + "\",\"permissions\":{\"deployments\":\"read\",\"pull_requests\":\"read\"},\"repository_selection\":\"all\"}");
        });
    }

    @AfterEach
    void stop() {
        github.close();
    }

    /** Whether the bearer is a JWT issued by the App, valid now for at most 10 minutes, signed by its private key. */
    private boolean verifies(String authorization) {
        try {
            String jwt = authorization.substring("Bearer ".length());
            String[] parts = jwt.split("\\.");
            PublicKey publicKey = keys.getPublic();
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(publicKey);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            boolean valid = signature.verify(Base64.getUrlDecoder().decode(parts[2])) && header.path("alg").asText().equals("RS256")
                    && claims.path("iss").asText().equals(String.valueOf(APP_ID))
                    && claims.path("iat").asLong() <= now.getEpochSecond() && claims.path("exp").asLong() > now.getEpochSecond()
                    && claims.path("exp").asLong() - claims.path("iat").asLong() <= 600;
            if (valid) {
                verifiedJwts.add(jwt);
            }
            return valid;
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            return false;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The key as GitHub issues it: PKCS#1, the RSAPrivateKey inside the PKCS#8 encoding Java gives. */
    private static String pkcs1Pem() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        // PrivateKeyInfo: SEQUENCE (4 bytes) { INTEGER 0 (3), AlgorithmIdentifier (15), OCTET STRING (4 bytes of header) { key } }
        assertEquals(0x04, pkcs8[22], "a 2048-bit key's PKCS#8 encoding has its OCTET STRING at byte 22");
        byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        assertEquals(pkcs8.length, GitHubAppTokens.pkcs8(pkcs1).length, "wrapping it again gives the same length");
        return pem("RSA PRIVATE KEY", pkcs1);
    }

    private GitHubAppTokens tokens(GitHubApp app, Map<String, String> environment) {
        return GitHubAppTokens.open("sources.github[github]", app, environment::get,
                jwt -> new ApiClient("github:github", URI.create(github.baseUrl()), new GitHubDialect(jwt), GitHubClientTest.QUICK), clock);
    }

    @Test
    void aPkcs1KeyFileSignsTheJwtAndTheTokenIsRenewedFiveMinutesBeforeItExpires() throws IOException {
        Path key = Files.writeString(folder.resolve("app.pem"), pkcs1Pem());
        GitHubAppTokens tokens = tokens(new GitHubApp(APP_ID, 4242, key, null), Map.of());

        assertEquals(FakeGitHub.TOKEN, tokens.get().reveal());
        now = now.plus(Duration.ofMinutes(54));
        assertEquals(FakeGitHub.TOKEN, tokens.get().reveal());
        assertEquals(1, github.requests(ACCESS_TOKENS).size(), "used until five minutes before it expires");
        now = now.plus(Duration.ofMinutes(1));
        tokens.get();
        assertEquals(2, github.requests(ACCESS_TOKENS).size(), "renewed at 55 minutes");
        assertEquals(2, verifiedJwts.size(), "each exchange was signed by the App's key");
    }

    @Test
    void aPkcs8KeyFromTheEnvironmentCollectsARepositoryWithTheInstallationToken() throws IOException {
        String pem = pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        GitHubAppTokens tokens = tokens(new GitHubApp(APP_ID, 4242, null, "GITHUB_APP_KEY"), Map.of("GITHUB_APP_KEY", pem));
        GitHubSource source = GitHubFixtures.source(github.baseUrl(), GitHubFixtures.payments());
        OutputLocation output = OutputLocation.open(folder.resolve("out").toString(), new Configuration());
        String log;
        try (LogCapture capture = new LogCapture()) {
            new GitHubCollector(source, output, new ApiClient(source.sourceName(), source.baseUrl(), new GitHubDialect(tokens),
                    GitHubClientTest.QUICK), now, false).collect((repo, sha) -> { });
            log = capture.text();
        }

        assertEquals(1, github.requests(ACCESS_TOKENS).size(), "one token for the whole collect");
        assertEquals("Bearer " + FakeGitHub.TOKEN, github.requests(GitHubFixtures.DEPLOYMENTS_PAGE_1).get(0).header("Authorization"));
        assertTrue(log.contains("collected github:github acme/payments"), log);
        try (Stream<Path> files = Files.walk(folder.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file);
                assertFalse(content.contains(verifiedJwts.get(0)) || content.contains("PRIVATE KEY"), file + " holds a credential");
            }
        }
        assertFalse(log.contains(verifiedJwts.get(0)) || log.contains(FakeGitHub.TOKEN), log);
    }

    @Test
    void aRefusedExchangeFailsTheSourceAndABadKeyIsAConfigError() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair other = generator.generateKeyPair();
        GitHubAppTokens wrongKey = tokens(new GitHubApp(APP_ID, 4242, null, "K"), Map.of("K", pem("PRIVATE KEY", other.getPrivate().getEncoded())));
        DoraException refused = assertThrows(DoraException.class, wrongKey::get);
        assertEquals(ExitCode.SOURCE_UNREACHABLE, refused.exitCode());
        assertTrue(refused.getMessage().contains("POST " + github.baseUrl() + ACCESS_TOKENS + " failed: HTTP 401"), refused.getMessage());

        DoraException notAKey = assertThrows(DoraException.class,
                () -> tokens(new GitHubApp(APP_ID, 4242, null, "K"), Map.of("K", "ghp_pasted-a-token-here")));
        assertEquals(ExitCode.USAGE_OR_CONFIG, notAKey.exitCode());
        assertTrue(notAKey.getMessage().contains("sources.github[github].app.private_key_env: expected a PEM private key"), notAKey.getMessage());
        assertFalse(notAKey.getMessage().contains("ghp_pasted"), notAKey.getMessage());
    }

    @Test
    void theAppIsAnAlternativeToATokenCheckedAtLoad() throws IOException {
        String yaml = """
                repos: [{name: payments, path: git/payments.git}]
                services: [{name: payments-api, repo: payments}]
                teams: [{name: payments, services: [payments-api]}]
                sources:
                  github:
                    - %s
                      repositories: [{github: acme/payments, repo: payments}]
                """;
        DoraConfig config = ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(folder.resolve("app.yaml"),
                yaml.formatted("app: {app_id: 31337, installation_id: 4242, private_key_file: keys/app.pem}")));
        assertEquals(new GitHubApp(31337, 4242, folder.resolve("keys/app.pem"), null), config.sources().github().get(0).app());

        DoraException both = assertThrows(DoraException.class, () -> ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(
                folder.resolve("both.yaml"), yaml.formatted("token_env: T\n      app: {app_id: 1, installation_id: 2, private_key_env: K}"))));
        assertTrue(both.getMessage().contains("expected exactly one of token_env"), both.getMessage());
        DoraException noKey = assertThrows(DoraException.class, () -> ConfigLoader.withEnvironment(Map.of()).read(Files.writeString(
                folder.resolve("nokey.yaml"), yaml.formatted("app: {app_id: 1, installation_id: 2}"))));
        assertTrue(noKey.getMessage().contains("app: expected exactly one of private_key_file"), noKey.getMessage());
    }
}
