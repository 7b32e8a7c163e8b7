package org.dorametrics.alerts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dorametrics.config.ConfigLoader;
import org.dorametrics.config.DoraConfig;

/** Configs of one team (payments, owning payments-api) with a given alerts section, for the alerts tests. */
final class AlertConfigs {
    static final String TEAM = "payments";
    static final String SERVICE = "payments-api";

    private AlertConfigs() {}

    static DoraConfig load(Path folder, String alertsSection, Map<String, String> environment) throws IOException {
        Path file = folder.resolve("dora.yaml");
        Files.writeString(file, """
                output: out
                repos:
                  - {name: payments, path: git/payments}
                services:
                  - {name: payments-api, repo: payments}
                teams:
                  - {name: payments, services: [payments-api]}
                """ + alertsSection);
        return ConfigLoader.withEnvironment(environment).read(file);
    }
}
