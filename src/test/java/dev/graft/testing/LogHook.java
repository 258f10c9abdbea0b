package dev.graft.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action once, at the moment Graft logs a line starting with a given text: a way to act at a precise
 * point of a command run in-process (press Ctrl-C during the first batch, or during the export). The action runs
 * on its own thread, which the logging thread waits for, so it is done before the logged step goes on.
 */
public final class LogHook extends AbstractAppender implements AutoCloseable {
    private final String prefix;
    private final Runnable action;
    private final AtomicBoolean fired = new AtomicBoolean();

    private LogHook(String prefix, Runnable action) {
        super("hook-" + prefix, null, null, true, Property.EMPTY_ARRAY);
        this.prefix = prefix;
        this.action = action;
    }

    /** Attaches a hook that runs {@code action} when a message starting with {@code prefix} is logged. */
    public static LogHook when(String prefix, Runnable action) {
        LogHook hook = new LogHook(prefix, action);
        hook.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(hook, Level.DEBUG, null);
        context.updateLoggers();
        return hook;
    }

    /** True once the action ran. */
    public boolean fired() {
        return fired.get();
    }

    @Override
    public void append(LogEvent event) {
        if (!event.getMessage().getFormattedMessage().startsWith(prefix) || !fired.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(action, "log-hook");
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
