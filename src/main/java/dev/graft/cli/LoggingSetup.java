package dev.graft.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Console verbosity from the global {@code --verbose} / {@code --quiet} flags. */
final class LoggingSetup {
    private LoggingSetup() {
    }

    static void apply(boolean verbose, boolean quiet) {
        if (verbose) {
            Configurator.setLevel("dev.graft", Level.DEBUG);
            Configurator.setRootLevel(Level.INFO);
        } else if (quiet) {
            Configurator.setLevel("dev.graft", Level.WARN);
            Configurator.setRootLevel(Level.ERROR);
        }
    }
}
