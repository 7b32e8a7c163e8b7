package org.dorametrics.alerts;

import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.dorametrics.config.DoraConfig;
import org.dorametrics.config.DoraConfig.Alerts;
import org.dorametrics.config.DoraConfig.Route;
import org.dorametrics.job.Redaction;
import org.dorametrics.job.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells each route about the alerts that await it: one webhook post per channel and one e-mail per address, each
 * retried with backoff; a target that still fails is reported (warning, run output, the row's notification) and
 * tried again by the next run, never stopping this one. In a dry run each message is printed instead of sent.
 */
public final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    private final Alerts settings;
    private final WebhookNotifier webhook;
    private final EmailNotifier email;
    private final Retrying retrying;
    private final boolean dryRun;
    private final PrintStream out;

    Notifications(Alerts settings, WebhookNotifier webhook, EmailNotifier email, Retrying retrying, boolean dryRun, PrintStream out) {
        this.settings = settings;
        this.webhook = webhook;
        this.email = email;
        this.retrying = retrying;
        this.dryRun = dryRun;
        this.out = out;
    }

    /** Reads the webhook URL and SMTP password the config names: one missing is a config error, before any work. */
    public static Notifications open(DoraConfig config, Function<String, String> environment, boolean dryRun, PrintStream out) {
        return open(config, environment, dryRun, out, duration -> Thread.sleep(duration.toMillis()));
    }

    static Notifications open(DoraConfig config, Function<String, String> environment, boolean dryRun, PrintStream out,
                              Retrying.Sleeper sleeper) {
        Alerts settings = config.alerts();
        WebhookNotifier webhook = settings.webhook() == null ? null : new WebhookNotifier(Secret.resolve("alerts.webhook",
                "url_env", "url_file", settings.webhook().urlEnv(), settings.webhook().urlFile(), environment));
        EmailNotifier email = null;
        if (settings.email() != null) {
            Secret password = settings.email().user() == null ? null : Secret.resolve("alerts.email", "password_env",
                    "password_file", settings.email().passwordEnv(), settings.email().passwordFile(), environment);
            email = new EmailNotifier(settings.email(), password);
        }
        return new Notifications(settings, webhook, email, new Retrying(settings.attempts(), settings.backoff(), sleeper),
                dryRun || settings.dryRun(), out);
    }

    /** The rows with what was sent about them as of {@code asOf}: only open rows not yet sent everywhere are touched. */
    public List<AlertRow> deliver(List<AlertRow> rows, LocalDate asOf) {
        Map<Route, List<AlertRow>> byRoute = new LinkedHashMap<>();
        Map<String, AlertRow> updated = new LinkedHashMap<>();
        for (AlertRow row : rows) {
            updated.put(row.alertId(), row);
            if (row.awaitsNotification()) {
                Optional<Route> route = settings.route(row.team() == null ? Route.ANY_TEAM : row.team());
                if (route.isPresent()) {
                    byRoute.computeIfAbsent(route.get(), r -> new ArrayList<>()).add(row);
                } else {
                    updated.put(row.alertId(), row.withNotification(null, row.notifiedRoutes(), AlertRow.NO_ROUTE));
                }
            }
        }
        for (Map.Entry<Route, List<AlertRow>> entry : byRoute.entrySet()) {
            Route route = entry.getKey();
            Map<String, String> failures = new LinkedHashMap<>();
            for (String target : targets(route)) {
                List<AlertRow> waiting = entry.getValue().stream().filter(r -> !r.notifiedRoutes().contains(target)).toList();
                if (waiting.isEmpty()) {
                    continue;
                }
                AlertMessage message = AlertMessage.of(routeName(route, waiting), waiting, asOf, settings.teamLink());
                if (dryRun) {
                    out.println("alerts: dry run: would send to " + target + ":");
                    message.text().lines().forEach(line -> out.println("  | " + line));
                    continue;
                }
                Optional<String> failure = retrying.run(() -> send(target, route, message));
                if (failure.isPresent()) {
                    String reason = Redaction.redact(failure.get());
                    failures.put(target, reason);
                    LOG.warn("alerts: could not notify {}: {}", target, reason);
                    out.println("alerts: could not notify " + target + ": " + reason);
                } else {
                    out.println("alerts: sent " + waiting.size() + (waiting.size() == 1 ? " alert" : " alerts") + " to " + target);
                    for (AlertRow row : waiting) {
                        List<String> routes = new ArrayList<>(updated.get(row.alertId()).notifiedRoutes());
                        routes.add(target);
                        updated.put(row.alertId(), updated.get(row.alertId()).withNotification(null, routes, row.notification()));
                    }
                }
            }
            for (AlertRow original : entry.getValue()) {
                AlertRow row = updated.get(original.alertId());
                String outcome;
                if (dryRun) {
                    outcome = AlertRow.DRY_RUN;
                } else if (failures.isEmpty() || row.notifiedRoutes().containsAll(targets(route))) {
                    outcome = AlertRow.SENT;
                } else {
                    outcome = "failed: " + String.join("; ", failures.entrySet().stream()
                            .filter(f -> !row.notifiedRoutes().contains(f.getKey())).map(f -> f.getKey() + ": " + f.getValue()).toList());
                }
                updated.put(row.alertId(), row.withNotification(AlertRow.SENT.equals(outcome) ? asOf : null, row.notifiedRoutes(), outcome));
            }
        }
        return List.copyOf(updated.values());
    }

    private void send(String target, Route route, AlertMessage message) throws Exception {
        if (target.startsWith("webhook ")) {
            webhook.send(route.channel(), message);
        } else {
            email.send(target.substring("email ".length()), message);
        }
    }

    /** A route's targets as the alerts table names them: {@code webhook <channel>}, {@code email <address>}. */
    static List<String> targets(Route route) {
        List<String> targets = new ArrayList<>();
        if (route.channel() != null) {
            targets.add("webhook " + route.channel());
        }
        route.email().forEach(address -> targets.add("email " + address));
        return targets;
    }

    private static String routeName(Route route, List<AlertRow> rows) {
        if (!route.team().equals(Route.ANY_TEAM)) {
            return route.team();
        }
        Set<String> whom = new LinkedHashSet<>();
        rows.forEach(r -> whom.add(r.team() != null ? r.team() : "sources"));
        return String.join(", ", whom);
    }
}
