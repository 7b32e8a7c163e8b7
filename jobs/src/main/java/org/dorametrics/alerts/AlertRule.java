package org.dorametrics.alerts;

/** The rules {@code dora alerts} evaluates; each is defined in the README's Alerts section. */
public enum AlertRule {
    DEPLOY_SILENCE("deploy_silence", "no production deployment for longer than usual"),
    CHANGE_FAILURE_RATE("change_failure_rate", "change failure rate above its usual range"),
    LEAD_TIME_P50("lead_time_p50", "lead time p50 above its usual range"),
    SOURCE_SILENCE("source_silence", "a source sent no records for longer than usual"),
    NO_PRODUCTION_DEPLOY("no_production_deploy", "no production deployment for the configured working days"),
    CHANGE_FAILURE_RATE_ABOVE("change_failure_rate_above", "change failure rate above the configured limit");

    private final String id;
    private final String meaning;

    AlertRule(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    /** The name in the alerts table and the messages. */
    public String id() {
        return id;
    }

    public String meaning() {
        return meaning;
    }
}
