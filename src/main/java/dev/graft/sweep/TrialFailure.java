package dev.graft.sweep;

import dev.graft.GraftException;
import dev.graft.config.ConfigException;

/** The one-line reason a trial failed, recorded in {@code trials.csv}, for whatever it threw. */
final class TrialFailure {
    private TrialFailure() {
    }

    /**
     * @param runDir the trial's run folder relative to the sweep folder (where train.log keeps the stack trace of
     *               an internal error); null when it has none
     */
    static String reason(Throwable e, String runDir) {
        if (e instanceof ConfigException) {
            return "invalid combination: " + e.getMessage();
        }
        if (e instanceof GraftException) {
            return e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory: " + e.getMessage();
        }
        return "internal error: " + e + (runDir == null ? "" : " (stack trace in " + runDir + "/train.log)");
    }
}
