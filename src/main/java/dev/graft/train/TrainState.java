package dev.graft.train;

import dev.graft.metrics.ClassificationMetrics;

import java.util.List;

/**
 * Everything besides the model that a resumed run needs to continue exactly: position, history, best
 * checkpoints and early-stopping counters. Random numbers need no state of their own: every batch reseeds
 * from the root seed and its global step, and every epoch's order and augmentation derive from the seed and
 * the epoch number.
 *
 * @param completedEpochs epochs fully done (validation included)
 * @param batchesDone     batches of epoch {@code completedEpochs + 1} already trained (interrupted mid-epoch)
 * @param partialTrain    train metrics accumulated over those batches; null at an epoch boundary
 * @param best            kept best checkpoints, best first
 * @param badEpochs       epochs since the early-stopping monitor last improved
 */
public record TrainState(List<String> classes, int completedEpochs, int batchesDone,
                         ClassificationMetrics.State partialTrain, double partialSeconds,
                         List<EpochRecord> history, List<BestCheckpoint> best, double earlyStoppingBest,
                         int badEpochs) {

    /** One kept best checkpoint. */
    public record BestCheckpoint(String file, int epoch, double value) {
    }

    public TrainState {
        classes = List.copyOf(classes);
        history = List.copyOf(history);
        best = List.copyOf(best);
    }

    static TrainState start(List<String> classes) {
        return new TrainState(classes, 0, 0, null, 0, List.of(), List.of(), Double.NaN, 0);
    }
}
