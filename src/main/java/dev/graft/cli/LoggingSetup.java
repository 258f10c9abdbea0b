package dev.graft.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Console verbosity from the global {@code --verbose} / {@code --quiet} flags. */
final class LoggingSetup {
    private LoggingSetup() {
    }

    /** Graft at INFO, libraries at WARN: what log4j2.xml sets, restored after each in-process command. */
    static void defaults() {
        Configurator.setLevel("dev.graft", Level.INFO);
        Configurator.setRootLevel(Level.WARN);
    }

    static void apply(boolean verbose, boolean quiet) {
        defaults();
        if (verbose) {
            Configurator.setLevel("dev.graft", Level.DEBUG);
            Configurator.setRootLevel(Level.INFO);
        } else if (quiet) {
            Configurator.setLevel("dev.graft", Level.WARN);
            Configurator.setRootLevel(Level.ERROR);
        }
    }
}
