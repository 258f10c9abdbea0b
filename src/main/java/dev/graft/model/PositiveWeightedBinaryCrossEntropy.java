package dev.graft.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * Binary cross-entropy on a sigmoid output with a weight on each label's positive term (PyTorch's
 * {@code BCEWithLogitsLoss(pos_weight=w)}): per element {@code -(w y log p + (1 - y) log(1 - p))},
 * {@code p = sigmoid(z)}. Computed from the logit {@code z} as {@code w y softplus(-z) + (1 - y) softplus(z)},
 * exact where DL4J's {@code LossBinaryXENT} clips p, with gradient {@code p (w y + 1 - y) - w y}. Serialised with
 * the model's configuration, so a checkpoint keeps the weights it trained with.
 */
public final class PositiveWeightedBinaryCrossEntropy extends ElementwiseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("posWeight")
    private final double[] posWeight;

    /** @param posWeight one weight per label, each > 0 */
    @JsonCreator
    public PositiveWeightedBinaryCrossEntropy(@JsonProperty("posWeight") double[] posWeight) {
        for (double w : posWeight) {
            if (!(w > 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("positive weights must be finite and > 0: "
                        + Arrays.toString(posWeight));
            }
        }
        this.posWeight = posWeight.clone();
    }

    /** The weight of each label's positive term. */
    public double[] posWeight() {
        return posWeight.clone();
    }

    @Override
    protected INDArray elementScores(INDArray labels, INDArray logits, IActivation activation) {
        requireSigmoid(activation, logits);
        INDArray softplus = softplus(logits);
        INDArray weightedPositives = labels.mulRowVector(weights(logits));
        // w y softplus(-z) = w y (softplus(z) - z)
        INDArray positive = softplus.sub(logits).muli(weightedPositives);
        INDArray negative = labels.rsub(1.0).muli(softplus);
        return positive.addi(negative);
    }

    @Override
    protected INDArray elementGradients(INDArray labels, INDArray logits, IActivation activation) {
        requireSigmoid(activation, logits);
        INDArray weightedPositives = labels.mulRowVector(weights(logits));
        INDArray p = Transforms.sigmoid(logits, true);
        // p (w y + 1 - y) - w y
        return weightedPositives.add(labels.rsub(1.0)).muli(p).subi(weightedPositives);
    }

    /** log(1 + e^z) without overflow: max(z, 0) + log(1 + e^-|z|). */
    private static INDArray softplus(INDArray z) {
        INDArray tail = Transforms.log(Transforms.exp(Transforms.abs(z, true).negi(), false).addi(1.0), false);
        return Transforms.relu(z, true).addi(tail);
    }

    private INDArray weights(INDArray like) {
        if (like.size(1) != posWeight.length) {
            throw new IllegalArgumentException(posWeight.length + " positive weights for " + like.size(1)
                    + " labels");
        }
        return Nd4j.create(posWeight).castTo(like.dataType()).reshape(1, posWeight.length);
    }

    private static void requireSigmoid(IActivation activation, INDArray logits) {
        if (!(activation instanceof ActivationSigmoid) || logits.rank() != 2) {
            throw new IllegalStateException("the positive-weighted binary cross-entropy takes the logits of a "
                    + "sigmoid output layer (was " + activation + ", rank " + logits.rank() + ")");
        }
    }

    @Override
    public String name() {
        return "PositiveWeightedBinaryCrossEntropy(" + Arrays.toString(posWeight) + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PositiveWeightedBinaryCrossEntropy other && Arrays.equals(posWeight, other.posWeight);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(posWeight);
    }
}
