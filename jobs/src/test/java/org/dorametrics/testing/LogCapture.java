package org.dorametrics.testing;

import java.io.StringWriter;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Captures every log line of the job (org.dorametrics, debug included) while open, to check what reaches the log. */
public final class LogCapture implements AutoCloseable {
    private static final String LOGGER = "org.dorametrics";
    private final StringWriter lines = new StringWriter();
    private final WriterAppender appender;
    private final Level previousLevel;
    /** The root logger's other appenders while they are detached ({@link #silenced()}), else empty. */
    private final Map<String, Appender> detached;

    public LogCapture() {
        this(false);
    }

    /** Captures without the console seeing the lines: for a test that provokes errors (and their stack traces) on purpose. */
    public static LogCapture silenced() {
        return new LogCapture(true);
    }

    private LogCapture(boolean silenced) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        appender = WriterAppender.newBuilder()
                .setName("capture-" + UUID.randomUUID())
                .setTarget(lines)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n").build())
                .build();
        appender.start();
        detached = silenced ? Map.copyOf(configuration.getRootLogger().getAppenders()) : Map.of();
        detached.keySet().forEach(configuration.getRootLogger()::removeAppender);
        configuration.getRootLogger().addAppender(appender, Level.ALL, null);
        previousLevel = LogManager.getLogger(LOGGER).getLevel();
        Configurator.setLevel(LOGGER, Level.DEBUG);
        context.updateLoggers();
    }

    public String text() {
        return lines.toString();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        detached.values().forEach(other -> context.getConfiguration().getRootLogger().addAppender(other, null, null));
        Configurator.setLevel(LOGGER, previousLevel);
        appender.stop();
        context.updateLoggers();
    }
}
