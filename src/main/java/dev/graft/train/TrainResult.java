package dev.graft.train;

import java.nio.file.Path;
import java.util.List;

/**
 * How a training run ended.
 *
 * @param bestCheckpoint the best checkpoint by {@code checkpoint.monitor}; null if no epoch finished
 */
public record TrainResult(Status status, String message, List<EpochRecord> history, Path runDirectory,
                          Path bestCheckpoint, double bestValue, int bestEpoch) {
    public enum Status {
        /** All epochs ran. */
        COMPLETED,
        /** Early stopping ended the run. */
        EARLY_STOPPED,
        /** A stop was requested (Ctrl-C, SIGTERM); {@code last.zip} holds the position to resume from. */
        INTERRUPTED,
        /** The loss became NaN or infinite; the last good checkpoint is kept. */
        DIVERGED
    }

    public EpochRecord last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
