package dev.graft.cli;

import dev.graft.train.StopSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the trainer to finish its batch, save {@code last.zip} and return; a second
 * Ctrl-C exits at once. Uses {@code sun.misc.Signal} (jdk.unsupported), the JDK's only way to observe a
 * signal without starting JVM shutdown.
 */
final class StopOnSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopOnSignal.class);

    private StopOnSignal() {
    }

    static void install(StopSignal stop) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (stop.requested()) {
                        LOG.warn("second signal: exiting without saving");
                        Runtime.getRuntime().halt(130);
                    }
                    LOG.warn("SIG{} received: finishing the current batch and saving checkpoints/last.zip "
                            + "(press Ctrl-C again to quit without saving)", name);
                    stop.request("SIG" + name);
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
    }
}
