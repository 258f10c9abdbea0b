package dev.graft.train;

import dev.graft.run.RunStatus;

import java.nio.file.Path;
import java.util.List;

/**
 * How a training run ended.
 *
 * @param bestCheckpoint the best checkpoint by {@code checkpoint.monitor}; null if no epoch finished
 * @param seconds        wall-clock seconds of the run over all its attempts ({@link TrainState#runSeconds()})
 */
public record TrainResult(Status status, String message, List<EpochRecord> history, Path runDirectory,
                          Path bestCheckpoint, double bestValue, int bestEpoch, double seconds) {
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

    /** The run's state for its {@code status} file. */
    public RunStatus runStatus() {
        return switch (status) {
            case COMPLETED -> RunStatus.COMPLETED;
            case EARLY_STOPPED -> RunStatus.EARLY_STOPPED;
            case INTERRUPTED -> RunStatus.STOPPED;
            case DIVERGED -> RunStatus.DIVERGED;
        };
    }

    /** Whether training ran to its end (all epochs, or early stopping), rather than being cut short. */
    public boolean finished() {
        return status == Status.COMPLETED || status == Status.EARLY_STOPPED;
    }

    public EpochRecord last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
