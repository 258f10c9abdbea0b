package dev.graft.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * A regression head's target standardisation folded into its weights: the identity output layer learns
 * {@code z = Wx + b} for the standardised target, and the target is {@code z * std + mean}; with {@code W' = W * std}
 * and {@code b' = b * std + mean} the layer outputs the target itself, in DL4J and in any format converted from it,
 * so every engine returns the target's units (months, pixels) with no extra code. The sibling of
 * {@link OutputTemperature}.
 */
public final class OutputTargetScaling {
    private OutputTargetScaling() {
    }

    /**
     * Scales the output layer of {@code model} in place (pass a copy that is not trained further).
     *
     * @throws IllegalArgumentException when std is not a positive finite number, mean is not finite, or the graph
     *                                  does not end in one identity output layer
     */
    public static void fold(ComputationGraph model, double mean, double std) {
        if (!(std > 0) || Double.isInfinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("a target scaling needs a finite mean and std > 0 (was " + mean
                    + ", " + std + ")");
        }
        Layer output = SoleOutputLayer.of(model, ActivationIdentity.class, "a regression model");
        // paramTable() entries are views of the model's parameter vector: what is saved or converted sees this.
        output.paramTable().get("W").muli(std);
        output.paramTable().get("b").muli(std).addi(mean);
    }
}
