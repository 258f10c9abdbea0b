package dev.graft.sweep;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A trial to train in its run folder, as the sweep hands it to a {@link TrialExecutor} (paths as text: a Spark task
 * carries it to an executor, where they must name the same folders).
 *
 * @param sweepDir   the sweep folder, absolute
 * @param run        the trial's run folder, relative to the sweep folder
 * @param resumeFrom the {@code last.zip} an interrupted trial continues from; null for a fresh start
 */
record TrialJob(int trial, String sweepDir, String run, String resumeFrom) implements Serializable {

    Path runDir() {
        return Path.of(sweepDir).resolve(run);
    }

    /** The checkpoint to continue from; null for a fresh start. */
    Path resumePath() {
        return resumeFrom == null ? null : Path.of(resumeFrom);
    }

    /** The same trial continuing from {@code checkpoint}. */
    TrialJob resumingFrom(Path checkpoint) {
        return new TrialJob(trial, sweepDir, run, checkpoint.toString());
    }
}
