package dev.graft.backbone.layers;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** What every DL4J layer configuration's {@code instantiate} does with a new layer, done once for Graft's. */
final class Instantiation {
    private Instantiation() {
    }

    static <L extends AbstractLayer<?>> L wire(L layer, NeuralNetConfiguration conf, ParamInitializer initializer,
                                               Collection<TrainingListener> listeners, int index,
                                               INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
