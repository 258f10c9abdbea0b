package dev.graft.sweep;

import java.util.Map;

/** Hears about trials as they start and end (the console's progress lines); called from trial threads. */
public interface TrialListener {
    /** A trial starts (or an interrupted one continues). */
    default void trialStarted(int trial, int planned, Map<String, String> values) {
    }

    /** A trial ended: completed, stopped early, diverged, failed or interrupted. */
    default void trialFinished(TrialRecord record, int planned) {
    }
}
