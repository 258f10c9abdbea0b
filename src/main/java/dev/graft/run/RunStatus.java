package dev.graft.run;

import java.util.Locale;

/**
 * How a run stands, as its {@code status} file says (first line: the state, second: why), so a folder tells how
 * its run ended even when nobody saw the console.
 */
public enum RunStatus {
    /** Training (or the export after it) is under way, or the process died without a word (kill -9). */
    RUNNING,
    /** Every epoch ran (and the export, if configured). */
    COMPLETED,
    /** Early stopping ended the run. */
    EARLY_STOPPED,
    /** Ctrl-C, SIGTERM or a budget stopped it; {@code graft train --resume} continues. */
    STOPPED,
    /** The loss became NaN or infinite. */
    DIVERGED,
    /** An error ended it; train.log has the error (and, for an internal error, the stack trace). */
    FAILED;

    /** The word in the status file: {@code completed}, {@code early-stopped}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when training has nothing left to do. */
    public boolean finished() {
        return this == COMPLETED || this == EARLY_STOPPED;
    }

    static RunStatus of(String word) {
        return valueOf(word.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
