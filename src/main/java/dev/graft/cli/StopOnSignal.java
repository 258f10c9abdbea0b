package dev.graft.cli;

import dev.graft.train.StopSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.function.Consumer;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the trainer to finish its batch, save {@code last.zip} and return; a second
 * Ctrl-C exits at once. A command may replace what a signal does for a later phase ({@link #onSignal}, e.g. the
 * export after training). Uses {@code sun.misc.Signal} (jdk.unsupported), the JDK's only way to observe a
 * signal without starting JVM shutdown.
 */
final class StopOnSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopOnSignal.class);
    private static volatile Consumer<String> handler = name -> { };
    private static volatile boolean registered;

    private StopOnSignal() {
    }

    /** Training: the first signal requests a clean stop of {@code stop}, the second exits without saving. */
    static void install(StopSignal stop) {
        onSignal(name -> {
            if (stop.requested()) {
                LOG.warn("second signal: exiting without saving");
                Runtime.getRuntime().halt(130);
            }
            LOG.warn("SIG{} received: finishing the current batch and saving checkpoints/last.zip "
                    + "(press Ctrl-C again to quit without saving)", name);
            stop.request("SIG" + name);
        });
    }

    /** From now on a signal calls {@code action} with the signal's name ({@code INT}, {@code TERM}). */
    static synchronized void onSignal(Consumer<String> action) {
        handler = action;
        if (registered) {
            return;
        }
        registered = true;
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> handler.accept(name));
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
    }

    /** Does what signal {@code name} does now (tests, which cannot send a signal to their own JVM). */
    static void raise(String name) {
        handler.accept(name);
    }
}
