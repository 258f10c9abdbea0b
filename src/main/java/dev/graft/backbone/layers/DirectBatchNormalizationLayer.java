package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

/**
 * DL4J's {@link BatchNormalization} configuration, computed by {@link DirectBatchNormalization} (channels-last
 * training statistics and gradients in a few bandwidth-bound passes; everything else is DL4J's).
 */
public class DirectBatchNormalizationLayer extends BatchNormalization {
    private static final long serialVersionUID = 1L;

    /**
     * {@code backbone.norm_eval}: normalise with the running statistics in training too and leave them unchanged,
     * while gamma and beta still learn (mmpretrain's norm_eval); saved with the model's configuration.
     */
    private boolean normEval;

    /** For JSON deserialisation. */
    public DirectBatchNormalizationLayer() {
    }

    /** The same configuration as {@code built} (DL4J's builder offers no subclass constructor, so copy it). */
    public static DirectBatchNormalizationLayer of(BatchNormalization built) {
        DirectBatchNormalizationLayer layer = new DirectBatchNormalizationLayer();
        for (Class<?> c = BatchNormalization.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    try {
                        f.setAccessible(true);
                        f.set(layer, f.get(built));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot copy " + f, e);
                    }
                }
            }
        }
        return layer;
    }

    /** True when this BatchNorm uses (and keeps) its running statistics while training. */
    public boolean isNormEval() {
        return normEval;
    }

    public void setNormEval(boolean normEval) {
        this.normEval = normEval;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        return Instantiation.wire(new DirectBatchNormalization(conf, networkDataType), conf, initializer(),
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }
}
