package dev.graft.model;

import dev.graft.config.HeadConfig;
import dev.graft.config.TrainLoss;

/**
 * The new head: {@link HeadConfig} plus what the dataset decides.
 *
 * @param numClasses   the outputs: classes (single-label), labels (multi-label) or 1 (regression)
 * @param lossWeights  per-output loss weights, or null for an unweighted loss: a single-label head's class weights
 *                     ({@code data.class_weights}), a multi-label head's positive weights ({@code head.pos_weight})
 * @param loss         a single-label head's loss ({@code train.loss}); cross-entropy for the other heads
 */
public record HeadSpec(HeadConfig config, int numClasses, float[] lossWeights, TrainLoss loss) {
    /** A head with its problem's default loss (cross-entropy for a single-label head). */
    public HeadSpec(HeadConfig config, int numClasses, float[] lossWeights) {
        this(config, numClasses, lossWeights, TrainLoss.crossEntropy());
    }

    public HeadSpec {
        if (loss.kind() != TrainLoss.Kind.CROSS_ENTROPY && config.problem() != HeadConfig.Problem.SINGLE_LABEL) {
            throw new IllegalArgumentException("train.loss " + loss.kind() + " is for a single-label head");
        }
        switch (config.problem()) {
            case SINGLE_LABEL -> {
                if (numClasses < 2) {
                    throw new IllegalArgumentException("a classifier needs at least 2 classes (got " + numClasses
                            + ")");
                }
            }
            case MULTI_LABEL -> {
                if (numClasses < 1) {
                    throw new IllegalArgumentException("a multi-label head needs at least 1 label");
                }
            }
            case REGRESSION -> {
                if (numClasses != 1) {
                    throw new IllegalArgumentException("a regression head has 1 output (got " + numClasses + ")");
                }
            }
        }
        if (lossWeights != null && config.problem() == HeadConfig.Problem.REGRESSION) {
            throw new IllegalArgumentException("a regression head takes no loss weights");
        }
        if (lossWeights != null && lossWeights.length != numClasses) {
            throw new IllegalArgumentException(lossWeights.length + " loss weights for " + numClasses + " outputs");
        }
    }
}
