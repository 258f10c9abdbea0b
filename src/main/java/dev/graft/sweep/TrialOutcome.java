package dev.graft.sweep;

import java.io.Serializable;

/**
 * How one attempt at a trial ended, as the place that trained it reports back to the sweep (a Spark task
 * returns it to the driver, hence {@link Serializable}).
 *
 * @param objective the best epoch's objective; null when no epoch has a finite one
 * @param seconds   trained: the run's time over all its attempts; failed: this attempt's time
 * @param message   how it ended (the reason, for a failure)
 */
record TrialOutcome(TrialStatus status, Double objective, int bestEpoch, int epochs, double seconds, String message)
        implements Serializable {

    static TrialOutcome failed(String reason, double seconds) {
        return new TrialOutcome(TrialStatus.FAILED, null, 0, 0, seconds, reason);
    }
}
