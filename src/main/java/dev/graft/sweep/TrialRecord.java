package dev.graft.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trial as the sweep records it (a row of {@code trials.csv}, an entry of {@code sweep-state.json}).
 *
 * @param trial     1-based trial number (Arbiter's candidate index + 1)
 * @param values    searched key to value (YAML/JSON text), in the space's order
 * @param objective the best epoch's objective metric; null when no epoch finished
 * @param bestEpoch the epoch that reached {@code objective}; 0 when none
 * @param epochs    epochs trained
 * @param seconds   wall-clock time of the trial (summed over resumptions)
 * @param message   how it ended (the failure's reason for failed trials)
 * @param run       the trial's run folder, relative to the sweep folder; null when it never got one
 */
public record TrialRecord(int trial, Map<String, String> values, TrialStatus status, Double objective,
                          int bestEpoch, int epochs, double seconds, String message, String run) {
    public TrialRecord {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** True when the objective counts in the ranking. */
    public boolean ranked() {
        return status.succeeded() && objective != null && Double.isFinite(objective);
    }
}
