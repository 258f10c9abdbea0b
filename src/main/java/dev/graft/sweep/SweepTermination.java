package dev.graft.sweep;

import dev.graft.config.ConfigErrors;
import dev.graft.train.StopSignal;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;

/**
 * When Arbiter's loop ends: every planned trial has ended, or the sweep was asked to stop (Ctrl-C) or ran out of
 * {@code budget.max_minutes}; the last two also stop the trials in flight (after their batch, resumable).
 * Arbiter checks it at least once a second.
 */
final class SweepTermination implements TerminationCondition {
    private final int planned;
    private final SweepSession session;
    private final StopSignal stop;
    private final double maxMinutes;
    private long deadline = Long.MAX_VALUE;

    SweepTermination(int planned, SweepSession session, StopSignal stop, double maxMinutes) {
        this.planned = planned;
        this.session = session;
        this.stop = stop;
        this.maxMinutes = maxMinutes;
    }

    @Override
    public void initialize(IOptimizationRunner runner) {
        if (maxMinutes > 0) {
            deadline = System.nanoTime() + (long) (maxMinutes * 60e9);
        }
    }

    @Override
    public boolean terminate(IOptimizationRunner runner) {
        if (runner.numCandidatesCompleted() + runner.numCandidatesFailed() >= planned) {
            return true;
        }
        String reason = stop.requested() ? stop.reason()
                : System.nanoTime() >= deadline ? "budget.max_minutes (" + ConfigErrors.fmt(maxMinutes)
                + ") reached" : null;
        if (reason != null) {
            session.stopAll(reason);
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "SweepTermination(" + planned + " trials, max " + maxMinutes + " min)";
    }
}
