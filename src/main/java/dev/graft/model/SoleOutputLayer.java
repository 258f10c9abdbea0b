package dev.graft.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;

/** The one output layer of a graph, for the folds that rewrite its weights (temperature, target scaling). */
final class SoleOutputLayer {
    private SoleOutputLayer() {
    }

    /**
     * The graph's single output layer, which must use {@code activation}.
     *
     * @param what what the graph is, for messages ("a classifier", "a regression model")
     * @throws IllegalArgumentException when the graph has several outputs or its output is not such a layer
     */
    static Layer of(ComputationGraph model, Class<? extends IActivation> activation, String what) {
        if (model.getConfiguration().getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException(what + " has one output, this graph has "
                    + model.getConfiguration().getNetworkOutputs());
        }
        String name = model.getConfiguration().getNetworkOutputs().get(0);
        Layer output = model.getLayer(name);
        if (output == null || !(output.conf().getLayer() instanceof OutputLayer conf)
                || !activation.isInstance(conf.getActivationFn())) {
            throw new IllegalArgumentException("the output vertex '" + name + "' is not an output layer with "
                    + activation.getSimpleName().replace("Activation", "").toLowerCase(java.util.Locale.ROOT)
                    + " activation");
        }
        return output;
    }
}
