package dev.graft.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;

/**
 * The plumbing DL4J's losses share, for a loss that is a sum over outputs of a per-element term: labels cast to
 * the network's type, the labels mask (per output, or per example) zeroing masked terms and their gradients, the
 * per-example score summed over outputs, and the batch score averaged over examples when asked. Like DL4J's own
 * losses, the gradient is not divided by the batch size (DL4J's updater does that).
 */
abstract class ElementwiseLoss implements ILossFunction {
    /** The loss of every element, shape of {@code preOutput}; {@code labels} already of its type. */
    protected abstract INDArray elementScores(INDArray labels, INDArray preOutput, IActivation activation);

    /** d loss / d preOutput of every element, a new array. */
    protected abstract INDArray elementGradients(INDArray labels, INDArray preOutput, IActivation activation);

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray scores = elementScores(cast(labels, preOutput), preOutput, activation);
        if (mask != null) {
            LossUtil.applyMask(scores, mask);
        }
        return scores.sum(true, 1);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                               boolean average) {
        double sum = computeScoreArray(labels, preOutput, activation, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray gradients = elementGradients(cast(labels, preOutput), preOutput, activation);
        if (mask != null) {
            LossUtil.applyMask(gradients, mask);
        }
        return gradients;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activation,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activation, mask, average),
                computeGradient(labels, preOutput, activation, mask));
    }

    private static INDArray cast(INDArray labels, INDArray preOutput) {
        if (!labels.equalShapes(preOutput)) {
            throw new IllegalArgumentException("labels " + java.util.Arrays.toString(labels.shape())
                    + " and outputs " + java.util.Arrays.toString(preOutput.shape()) + " differ in shape");
        }
        return labels.castTo(preOutput.dataType());
    }
}
