package dev.graft.sweep;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a trial stands. Only {@link #RUNNING} and {@link #INTERRUPTED} trials run again on {@code --resume}. */
public enum TrialStatus {
    /** Trained every epoch. */
    COMPLETED,
    /** Early stopping ended it (train.early_stopping). */
    EARLY_STOPPED,
    /** The loss became NaN or infinite. */
    DIVERGED,
    /** It threw: bad combination, out of memory, unreadable data... the reason is recorded. */
    FAILED,
    /** Stopped by Ctrl-C or the sweep's time budget; continues from its last.zip on resume. */
    INTERRUPTED,
    /** Started and not yet ended (or the process was killed): rerun on resume. */
    RUNNING;

    /** True when the trial will not run again. */
    public boolean finished() {
        return this != INTERRUPTED && this != RUNNING;
    }

    /** True when the trial produced a model whose objective counts. */
    public boolean succeeded() {
        return this == COMPLETED || this == EARLY_STOPPED;
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
