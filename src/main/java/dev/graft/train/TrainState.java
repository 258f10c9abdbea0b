package dev.graft.train;

import dev.graft.data.TargetScaling;
import dev.graft.metrics.ClassificationMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything besides the model that a resumed run needs to continue exactly: position, history, best
 * checkpoints and early-stopping counters. Random numbers need no state of their own: every batch reseeds
 * from the root seed and its global step, and every epoch's order and augmentation derive from the seed and
 * the epoch number. Immutable: the trainer moves on with {@link #start}, {@link #stoppedIn}, {@link #after},
 * {@link #withBest}, {@link #withEarlyStopping} and {@link #withRunSeconds}.
 *
 * @param completedEpochs epochs fully done (validation included)
 * @param batchesDone     batches of epoch {@code completedEpochs + 1} already trained (interrupted mid-epoch)
 * @param partialTrain    train metrics accumulated over those batches; null at an epoch boundary
 * @param partialSeconds  training seconds spent on those batches
 * @param best            kept best checkpoints, best first
 * @param badEpochs       epochs since the early-stopping monitor last improved
 * @param runSeconds      wall-clock seconds the run has spent up to this checkpoint, over all its attempts (a
 *                        resumed run, or sweep trial, counts the time before it was stopped or killed)
 * @param targetScaling   a regression head's target standardisation, which its outputs are mapped back
 *                        through; null for other heads
 */
public record TrainState(List<String> classes, int completedEpochs, int batchesDone,
                         ClassificationMetrics.State partialTrain, double partialSeconds,
                         List<EpochRecord> history, List<BestCheckpoint> best, double earlyStoppingBest,
                         int badEpochs, double runSeconds, TargetScaling targetScaling) {

    /** One kept best checkpoint. */
    public record BestCheckpoint(String file, int epoch, double value) {
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public TrainState {
        classes = List.copyOf(classes);
        history = List.copyOf(history);
        best = List.copyOf(best);
    }

    /** The state of a classification head (no target scaling). */
    public TrainState(List<String> classes, int completedEpochs, int batchesDone,
                      ClassificationMetrics.State partialTrain, double partialSeconds, List<EpochRecord> history,
                      List<BestCheckpoint> best, double earlyStoppingBest, int badEpochs, double runSeconds) {
        this(classes, completedEpochs, batchesDone, partialTrain, partialSeconds, history, best, earlyStoppingBest,
                badEpochs, runSeconds, null);
    }

    /** A run before its first batch. */
    static TrainState start(List<String> classes) {
        return start(classes, null);
    }

    /** A run before its first batch, with a regression head's target scaling (null for other heads). */
    static TrainState start(List<String> classes, TargetScaling scaling) {
        return new TrainState(classes, 0, 0, null, 0, List.of(), List.of(), Double.NaN, 0, 0, scaling);
    }

    /** Stopped in epoch {@code epoch} after {@code batches} of its batches (0: before its first). */
    TrainState stoppedIn(int epoch, int batches, ClassificationMetrics.State partial, double seconds) {
        return new TrainState(classes, epoch - 1, batches, batches > 0 ? partial : null, batches > 0 ? seconds : 0,
                history, best, earlyStoppingBest, badEpochs, runSeconds, targetScaling);
    }

    /** At the end of the epoch {@code record} describes. */
    TrainState after(EpochRecord record) {
        List<EpochRecord> longer = new ArrayList<>(history);
        longer.add(record);
        return new TrainState(classes, record.epoch(), 0, null, 0, longer, best, earlyStoppingBest, badEpochs,
                runSeconds, targetScaling);
    }

    TrainState withBest(List<BestCheckpoint> kept) {
        return new TrainState(classes, completedEpochs, batchesDone, partialTrain, partialSeconds, history, kept,
                earlyStoppingBest, badEpochs, runSeconds, targetScaling);
    }

    TrainState withEarlyStopping(double bestValue, int epochsWithoutImprovement) {
        return new TrainState(classes, completedEpochs, batchesDone, partialTrain, partialSeconds, history, best,
                bestValue, epochsWithoutImprovement, runSeconds, targetScaling);
    }

    TrainState withRunSeconds(double seconds) {
        return new TrainState(classes, completedEpochs, batchesDone, partialTrain, partialSeconds, history, best,
                earlyStoppingBest, badEpochs, seconds, targetScaling);
    }

    /** True when the run stopped inside an epoch (after some of its batches). */
    boolean midEpoch() {
        return batchesDone > 0;
    }

    /**
     * Where the run stands, in the words both the stop message and the resume message use:
     * "after batch 4 of epoch 3" or "after epoch 2" (nothing trained yet: "before epoch 1").
     */
    public String position() {
        if (midEpoch()) {
            return "after batch " + batchesDone + " of epoch " + (completedEpochs + 1);
        }
        return completedEpochs == 0 ? "before epoch 1" : "after epoch " + completedEpochs;
    }
}
