package org.dorametrics.sources.github;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.dorametrics.config.DoraConfig.GitHubSource;
import org.dorametrics.job.DoraException;

/** A GitHub token, read from the environment variable or file the config names; it never prints itself. */
public final class GitHubToken {
    /** Visible ASCII only: anything else is a copy-paste accident, and would be an invalid (or injected) header. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]+");

    private final String value;

    private GitHubToken(String value) {
        this.value = value;
    }

    /** Reads the token of a source; a missing, empty or malformed one is a config error (exit 2) that never shows it. */
    public static GitHubToken resolve(GitHubSource source, Function<String, String> environment) {
        String where;
        String text;
        if (source.tokenEnv() != null) {
            where = "environment variable " + source.tokenEnv();
            text = environment.apply(source.tokenEnv());
            if (text == null) {
                throw DoraException.config(keyPath(source, "token_env"), where + " is not set");
            }
        } else {
            where = "token_file " + source.tokenFile();
            try {
                text = Files.readString(source.tokenFile(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw DoraException.config(keyPath(source, "token_file"), "cannot read " + where + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        String token = text.strip();
        if (token.isEmpty()) {
            throw DoraException.config(keyPath(source, source.tokenEnv() != null ? "token_env" : "token_file"), where + " is empty");
        }
        if (!TOKEN.matcher(token).matches()) {
            throw DoraException.config(keyPath(source, source.tokenEnv() != null ? "token_env" : "token_file"),
                    where + " does not hold a token: it has spaces or other invisible characters (its value is not shown)");
        }
        return new GitHubToken(token);
    }

    /** For tests and callers that already hold the secret. */
    static GitHubToken of(String token) {
        return new GitHubToken(token);
    }

    String authorization() {
        return "Bearer " + value;
    }

    /** Removes the token from a text that came from elsewhere (an exception message), in case it was echoed. */
    String scrub(String text) {
        return text == null ? null : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "GitHubToken[***]";
    }

    private static String keyPath(GitHubSource source, String key) {
        return "sources.github[" + source.name() + "]." + key;
    }
}
