package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * A ReLU {@link ActivationLayer} computed by {@link InPlaceRelu}: while training it overwrites its input instead
 * of copying it. Only for a vertex that is its input's sole reader (in a ResNet: after BatchNorm and after the
 * residual sum), which is what makes overwriting safe.
 */
public class InPlaceReluLayer extends ActivationLayer {
    private static final long serialVersionUID = 1L;

    public InPlaceReluLayer() {
        super(Activation.RELU);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        return Instantiation.wire(new InPlaceRelu(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
