package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link ConvolutionLayer} configuration, computed by {@link DirectConvolution}: the same parameters,
 * output and gradients, minus two costs DL4J M2.1 adds around its oneDNN/cuDNN helpers (see there).
 * A model saved with it needs Graft on the class path to load, as every Graft model does.
 */
public class DirectConvolutionLayer extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation. */
    public DirectConvolutionLayer() {
    }

    public DirectConvolutionLayer(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        return Instantiation.wire(new DirectConvolution(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
