package org.dorametrics.job;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

/**
 * How log lines look on stderr ({@code --log-format}): text for people, or one JSON object per line for log
 * collectors, in the Elastic Common Schema ({@code @timestamp}, {@code log.level}, {@code log.logger}, {@code message},
 * {@code error.*}). The loggers and levels are log4j2.properties' either way; JSON replaces its console appender's layout.
 */
public enum LogFormat {
    TEXT, JSON;

    private static volatile LogFormat current = TEXT;

    /** The format in use, for the last line of a failed run (printed as text, or logged as JSON). */
    public static LogFormat current() {
        return current;
    }

    /** Switches this JVM's log output to the format; the job's executors on a cluster keep their own log4j config. */
    public void apply() {
        current = this;
        if (this == TEXT) {
            return;
        }
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        Appender json = ConsoleAppender.newBuilder()
                .setName("console-json")
                .setTarget(ConsoleAppender.Target.SYSTEM_ERR)
                .setLayout(JsonTemplateLayout.newBuilder().setConfiguration(configuration)
                        .setEventTemplateUri("classpath:EcsLayout.json").build())
                .build();
        json.start();
        configuration.addAppender(json);
        LoggerConfig root = configuration.getRootLogger();
        for (String name : root.getAppenders().keySet()) {
            if (name.startsWith("console")) {
                root.removeAppender(name);
            }
        }
        root.addAppender(json, null, null);
        context.updateLoggers();
    }
}
