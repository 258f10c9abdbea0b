package dev.graft.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

/**
 * Temperature scaling folded into a classifier's weights: dividing the softmax output layer's {@code W} and
 * {@code b} by {@code T} turns its logits {@code Wx + b} into {@code (Wx + b) / T}, so the model's own softmax
 * gives the calibrated probabilities, in DL4J and in any format converted from it, with no extra operation.
 */
public final class OutputTemperature {
    private OutputTemperature() {
    }

    /**
     * Divides the output layer's weights and bias of {@code model} by {@code temperature}, in place (pass a copy
     * that is not trained further). A temperature of 1 leaves the model as it is.
     *
     * @throws IllegalArgumentException when the temperature is not a positive finite number, or the graph does
     *                                  not end in one softmax output layer
     */
    public static void fold(ComputationGraph model, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, was " + temperature);
        }
        Layer output = SoleOutputLayer.of(model, ActivationSoftmax.class, "a classifier");
        if (temperature == 1.0) {
            return;
        }
        // paramTable() entries are views of the model's parameter vector: what is saved or converted sees this.
        output.paramTable().forEach((key, values) -> values.divi(temperature));
    }
}
