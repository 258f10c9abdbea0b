package dev.graft.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The Huber loss of output {@code o} against target {@code y} ({@code d = o - y}): {@code d^2 / 2} while
 * {@code |d| <= delta}, {@code delta (|d| - delta / 2)} beyond (PyTorch's {@code HuberLoss(delta)}), summed over
 * outputs: squared error near the target, absolute error for outliers. Its gradient {@code clip(d, -delta, delta)}
 * goes back through the output activation.
 */
public final class HuberLoss extends ElementwiseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("delta")
    private final double delta;

    /** @param delta where the loss turns from squared to linear, > 0 */
    @JsonCreator
    public HuberLoss(@JsonProperty("delta") double delta) {
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("the Huber delta must be finite and > 0 (was " + delta + ")");
        }
        this.delta = delta;
    }

    public double delta() {
        return delta;
    }

    @Override
    protected INDArray elementScores(INDArray labels, INDArray preOutput, IActivation activation) {
        INDArray distance = Transforms.abs(output(preOutput, activation).subi(labels), false);
        INDArray quadratic = Transforms.min(distance, delta, true);
        // min(a, delta) * (a - min(a, delta) / 2): a^2 / 2 inside, delta (a - delta / 2) outside
        return distance.subi(quadratic.mul(0.5)).muli(quadratic);
    }

    @Override
    protected INDArray elementGradients(INDArray labels, INDArray preOutput, IActivation activation) {
        INDArray clipped = Transforms.max(Transforms.min(output(preOutput, activation).subi(labels), delta, false),
                -delta, false);
        return activation.backprop(preOutput.dup(), clipped).getFirst();
    }

    private static INDArray output(INDArray preOutput, IActivation activation) {
        return activation.getActivation(preOutput.dup(), true);
    }

    @Override
    public String name() {
        return "HuberLoss(" + delta + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HuberLoss other && Double.compare(delta, other.delta) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(delta);
    }
}
