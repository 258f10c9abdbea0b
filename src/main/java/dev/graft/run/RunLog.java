package dev.graft.run;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.nio.file.Path;

/**
 * The run's {@code train.log}: a Log4j2 file appender attached to the root logger for the run's lifetime. It
 * records, with timestamps, what the console shows (Graft's messages, library warnings) and the lines Graft
 * writes only here ({@link RunDirectory#note}: errors, how the run ended).
 *
 * <p>Each run's log is its own, also when runs share a JVM (parallel sweep trials): the thread that opens the run
 * is tagged with the run in Log4j's thread context ({@value #KEY}), threads it starts inherit the tag
 * ({@code log4j2.component.properties}), and the appender takes only events tagged with its run or with no run at
 * all (threads of shared libraries that no run started).
 */
final class RunLog implements AutoCloseable {
    /** The thread-context key naming the run a thread works for. */
    static final String KEY = "graft.run";

    private final FileAppender appender;
    private final LoggerContext context;
    private final String previousOwner;
    private boolean closed;

    RunLog(Path file) {
        String id = file.toAbsolutePath().normalize().toString();
        previousOwner = ThreadContext.get(KEY);
        ThreadContext.put(KEY, id);
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %c{1} - %msg%n").build();
        appender = FileAppender.newBuilder().setName("run-" + id).withFileName(file.toString())
                .setLayout(layout).setConfiguration(config).setFilter(new OwnRun(id)).withAppend(true)
                .withImmediateFlush(true).build();
        appender.start();
        // Events from dev.graft (INFO) and libraries (WARN) all reach the root logger's appenders.
        config.getRootLogger().addAppender(appender, Level.DEBUG, null);
        context.updateLoggers();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
        if (previousOwner == null) {
            ThreadContext.remove(KEY);
        } else {
            ThreadContext.put(KEY, previousOwner);
        }
    }

    /** Takes the events of one run's threads, and those of threads working for no run. */
    private static final class OwnRun extends AbstractFilter {
        private final String id;

        OwnRun(String id) {
            super(Filter.Result.NEUTRAL, Filter.Result.DENY);
            this.id = id;
        }

        @Override
        public Result filter(LogEvent event) {
            String owner = event.getContextData().getValue(KEY);
            return owner == null || owner.equals(id) ? onMatch : onMismatch;
        }
    }
}
