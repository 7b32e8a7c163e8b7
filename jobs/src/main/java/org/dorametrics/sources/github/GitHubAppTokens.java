package org.dorametrics.sources.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;
import org.dorametrics.config.DoraConfig.GitHubApp;
import org.dorametrics.job.DoraException;
import org.dorametrics.job.ExitCode;
import org.dorametrics.job.Secret;
import org.dorametrics.sources.http.ApiClient;

/**
 * The installation access tokens of a GitHub App: a JWT signed with the App's private key (RS256, issued by the App
 * id, valid 9 minutes, backdated a minute for clock drift) is exchanged at
 * {@code POST /app/installations/<id>/access_tokens} for a token valid an hour, which is used until five minutes
 * before it expires, then renewed. Neither the key nor a token is ever written anywhere.
 */
final class GitHubAppTokens implements Supplier<Secret> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** The DER AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01, 0x05, 0x00};

    private final GitHubApp app;
    private final PrivateKey key;
    private final ApiClient client;
    private final Clock clock;
    private Secret token;
    private Instant expiresAt;

    /**
     * @param client a client of the source's API whose dialect sends {@link #jwt()} (see {@link #open})
     */
    private GitHubAppTokens(GitHubApp app, PrivateKey key, Function<Supplier<Secret>, ApiClient> client, Clock clock) {
        this.app = app;
        this.key = key;
        this.clock = clock;
        this.client = client.apply(() -> Secret.of(jwt()));
    }

    /**
     * The tokens of a configured App; its private key is read now, so a missing or unreadable one stops the run before
     * any work (exit 2).
     *
     * @param keyPath the config path of the source, for messages
     * @param client the API client of the source for a given credential
     */
    static GitHubAppTokens open(String keyPath, GitHubApp app, Function<String, String> environment,
                                Function<Supplier<Secret>, ApiClient> client, Clock clock) {
        return new GitHubAppTokens(app, privateKey(keyPath + ".app", app, environment), client, clock);
    }

    @Override
    public synchronized Secret get() {
        if (token == null || !clock.instant().isBefore(expiresAt.minus(RENEW_BEFORE_EXPIRY))) {
            renew();
        }
        return token;
    }

    private void renew() {
        ApiClient.Response response = client.post(client.url("/app/installations/" + app.installationId() + "/access_tokens"), "{}");
        try {
            JsonNode answer = JSON.readTree(response.body());
            String value = answer.path("token").asText("");
            Instant expires = OffsetDateTime.parse(answer.path("expires_at").asText("")).toInstant();
            if (value.isBlank()) {
                throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "GitHub App " + app.appId() + ": the access token answer holds no token");
            }
            token = Secret.of(value);
            expiresAt = expires;
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "GitHub App " + app.appId() + ": the access token answer is not"
                    + " {token, expires_at} (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A JWT for the App: header and claims base64url-encoded, signed with SHA256withRSA. */
    String jwt() {
        long now = clock.instant().getEpochSecond();
        String header = BASE64URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = BASE64URL.encodeToString(("{\"iat\":" + (now - 60) + ",\"exp\":" + (now + 540) + ",\"iss\":\"" + app.appId() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + BASE64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new DoraException(ExitCode.SOURCE_UNREACHABLE, "GitHub App " + app.appId() + ": cannot sign a JWT with its private key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The App's RSA private key from its PEM: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as GitHub issues it) or PKCS#8
     * ({@code BEGIN PRIVATE KEY}, as {@code openssl pkcs8 -topk8} converts it). Errors never show the key.
     */
    static PrivateKey privateKey(String keyPath, GitHubApp app, Function<String, String> environment) {
        String key = keyPath + "." + (app.privateKeyEnv() != null ? "private_key_env" : "private_key_file");
        String pem;
        if (app.privateKeyEnv() != null) {
            pem = environment.apply(app.privateKeyEnv());
            if (pem == null) {
                throw DoraException.config(key, "environment variable " + app.privateKeyEnv() + " is not set");
            }
        } else {
            try {
                pem = Files.readString(app.privateKeyFile(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw DoraException.config(key, "cannot read private_key_file " + app.privateKeyFile() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        boolean pkcs1 = pem.contains("-----BEGIN RSA PRIVATE KEY-----");
        if (!pkcs1 && !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw DoraException.config(key, "expected a PEM private key (BEGIN RSA PRIVATE KEY, or BEGIN PRIVATE KEY); the value is not shown");
        }
        try {
            String base64 = pem.replaceAll("-----(BEGIN|END) (RSA )?PRIVATE KEY-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw DoraException.config(key, "the PEM private key does not decode as an RSA key (" + e.getClass().getSimpleName()
                    + "); the value is not shown");
        }
    }

    /** A PKCS#1 RSAPrivateKey wrapped as PKCS#8 PrivateKeyInfo: SEQUENCE { version 0, rsaEncryption, OCTET STRING key }. */
    static byte[] pkcs8(byte[] pkcs1) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(RSA_ALGORITHM);
        info.writeBytes(der(0x04, pkcs1));
        return der(0x30, info.toByteArray());
    }

    /** A DER element: tag, definite length (short or long form), content. */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream element = new ByteArrayOutputStream();
        element.write(tag);
        int length = content.length;
        if (length < 0x80) {
            element.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            element.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                element.write(length >>> (8 * i));
            }
        }
        element.writeBytes(content);
        return element.toByteArray();
    }
}
