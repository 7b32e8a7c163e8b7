package org.dorametrics.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A credential (API token, password), read from the environment variable or file the config names. It never prints
 * itself, and removes itself from texts that came from elsewhere in case a server or library echoed it.
 */
public final class Secret {
    /** Visible ASCII only: anything else is a copy-paste accident, and would be an invalid (or injected) header. */
    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]+");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Reads a secret that the config names with {@code token_env} or {@code token_file}; a missing, empty or malformed
     * one is a config error (exit 2) that never shows it.
     *
     * @param keyPath the config path of the entry naming it, such as {@code sources.github[github]}
     * @param envName the environment variable, or null when the secret is in {@code file}
     * @param file the file holding it, when {@code envName} is null
     */
    public static Secret resolve(String keyPath, String envName, Path file, Function<String, String> environment) {
        return resolve(keyPath, "token_env", "token_file", envName, file, environment);
    }

    /** The same, for a secret the config names with other keys, such as {@code url_env} / {@code url_file}. */
    public static Secret resolve(String keyPath, String envKey, String fileKey, String envName, Path file,
                                 Function<String, String> environment) {
        String key = keyPath + "." + (envName != null ? envKey : fileKey);
        String where;
        String text;
        if (envName != null) {
            where = "environment variable " + envName;
            text = environment.apply(envName);
            if (text == null) {
                throw DoraException.config(key, where + " is not set");
            }
        } else {
            where = fileKey + " " + file;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw DoraException.config(key, "cannot read " + where + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        String secret = text.strip();
        if (secret.isEmpty()) {
            throw DoraException.config(key, where + " is empty");
        }
        if (!VISIBLE_ASCII.matcher(secret).matches()) {
            throw DoraException.config(key, where + " does not hold a token: it has spaces or other invisible characters"
                    + " (its value is not shown)");
        }
        return new Secret(secret);
    }

    /** For tests and callers that already hold the value. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The value itself, for the one place that sends it (a header, a credentials provider): never for a message. */
    public String reveal() {
        return value;
    }

    /** Removes the secret from a text that came from elsewhere (an exception message), in case it was echoed. */
    public String scrub(String text) {
        return text == null ? null : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
