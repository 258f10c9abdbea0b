package dev.graft.run;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.nio.file.Path;

/**
 * The run's {@code train.log}: a Log4j2 file appender attached to the root logger for the run's lifetime.
 * It records, with timestamps, what the console shows (Graft's messages, library warnings).
 */
final class RunLog implements AutoCloseable {
    private final FileAppender appender;
    private final LoggerContext context;

    RunLog(Path file) {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %c{1} - %msg%n").build();
        appender = FileAppender.newBuilder().setName("run-" + file).withFileName(file.toString())
                .setLayout(layout).setConfiguration(config).withAppend(true).withImmediateFlush(true).build();
        appender.start();
        // Events from dev.graft (INFO) and libraries (WARN) all reach the root logger's appenders.
        config.getRootLogger().addAppender(appender, Level.DEBUG, null);
        context.updateLoggers();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
