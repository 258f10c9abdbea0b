package dev.graft.data;

import java.util.Locale;

/** The three parts of a dataset. */
public enum Split {
    TRAIN, VAL, TEST;

    /** The lower-case name used in configs, reports and messages. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
