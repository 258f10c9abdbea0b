package dev.graft.model;

import dev.graft.GraftException;
import dev.graft.backbone.Backbone;
import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.backbone.layers.DirectBatchNormalizationLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;
import java.util.Map;

/**
 * Builds the classifier graph from a backbone and re-freezes it when stages unfreeze. Both go through
 * {@link #configure}: frozen stages become {@code FrozenLayer}s, every other layer gets its stage group's
 * updater, weight regularisation and gradient clipping. Layers whose updater is {@link NoOp} (fixed by
 * construction, e.g. the CIFAR option-A shortcut projection) stay untouched.
 */
public final class ModelAssembler {
    /** The output vertex of every Graft classifier (softmax probabilities). */
    public static final String OUTPUT = HeadBuilder.OUTPUT;

    private ModelAssembler() {
    }

    /** The backbone without its classifier, the new head on its pooled features, imported weights copied in. */
    public static ComputationGraph assemble(Backbone backbone, HeadSpec head, List<String> frozenStages,
                                            LayerTraining training, long initSeed) {
        ComputationGraphConfiguration base = backbone.graph().getConfiguration().clone();
        // Never seed 0: DL4J reads a configuration seed of 0 as "unseeded".
        NeuralNetConfiguration.Builder defaults = new NeuralNetConfiguration.Builder().seed(initSeed == 0 ? 1 : initSeed)
                .updater(training.updater(LayerTraining.HEAD));
        ComputationGraphConfiguration.GraphBuilder builder =
                new ComputationGraphConfiguration.GraphBuilder(base, defaults);
        Stages stages = backbone.stages();
        stages.classifierVertex().ifPresent(fc -> builder.removeVertex(fc, true));
        String output = HeadBuilder.add(builder, head, stages.featureVertex(), backbone.featureWidth());
        builder.setOutputs(output);
        ComputationGraphConfiguration conf = builder.build();
        configure(conf, stages, frozenStages, training);
        ComputationGraph model = new ComputationGraph(conf);
        model.init();
        copyMatchingParameters(backbone.graph(), model);
        return model;
    }

    /**
     * The same model with another set of frozen stages (gradual unfreezing). Parameters are carried over
     * exactly; the optimizer state starts afresh, as it does when fastai or timm unfreeze.
     */
    public static ComputationGraph refreeze(ComputationGraph model, Stages stages, List<String> frozenStages,
                                            LayerTraining training) {
        // The cloned configuration carries the iteration and epoch counts, so schedules continue seamlessly.
        ComputationGraphConfiguration conf = model.getConfiguration().clone();
        configure(conf, stages, frozenStages, training);
        ComputationGraph next = new ComputationGraph(conf);
        next.init(model.params().dup(), false);
        return next;
    }

    /**
     * The learning group of a vertex: its stage's name, or {@link LayerTraining#HEAD} for everything after the
     * stages (pooling and the new head).
     */
    private static String groupOf(Stages stages, String vertex) {
        return stages.containing(vertex).map(Stage::name).orElse(LayerTraining.HEAD);
    }

    static void configure(ComputationGraphConfiguration conf, Stages stages, List<String> frozenStages,
                          LayerTraining training) {
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            String vertexStage = groupOf(stages, entry.getKey());
            if (!(entry.getValue() instanceof LayerVertex vertex)) {
                // Parameter-free vertices (residual adds, shortcut pieces) of a frozen stage must be frozen too,
                // or DL4J expects a gradient from the frozen layers after them ("errors not set").
                GraphVertex plain = entry.getValue() instanceof FrozenVertex fv ? fv.getUnderlying()
                        : entry.getValue();
                entry.setValue(frozenStages.contains(vertexStage) ? new FrozenVertex(plain) : plain);
                continue;
            }
            NeuralNetConfiguration layerConf = vertex.getLayerConf();
            Layer layer = layerConf.getLayer();
            Layer inner = layer instanceof FrozenLayer frozen ? frozen.getLayer() : layer;
            String stage = vertexStage;
            if (frozenStages.contains(stage)) {
                FrozenLayer frozen = new FrozenLayer(inner);
                frozen.setLayerName(entry.getKey()); // DL4J finds a restored layer's vertex by this name
                layerConf.setLayer(frozen);
                continue;
            }
            layerConf.setLayer(inner);
            if (inner instanceof BatchNormalization bn && !stage.equals(LayerTraining.HEAD)) {
                setNormEval(entry.getKey(), bn, training.normEval());
            }
            if (inner instanceof BaseLayer trainable && !(trainable.getIUpdater() instanceof NoOp)) {
                trainable.setIUpdater(training.updater(stage));
                trainable.setBiasUpdater(training.updater(stage));
                boolean hasWeights = !(trainable instanceof BatchNormalization);
                trainable.setRegularization(hasWeights ? training.weightRegularization() : List.of());
                trainable.setRegularizationBias(List.of());
                if (training.gradientClip() > 0) {
                    trainable.setGradientNormalization(GradientNormalization.ClipL2PerLayer);
                    trainable.setGradientNormalizationThreshold(training.gradientClip());
                } else {
                    trainable.setGradientNormalization(GradientNormalization.None);
                }
            }
        }
    }

    /** backbone.norm_eval on a trainable backbone BatchNorm (Graft's own layer is the one that implements it). */
    private static void setNormEval(String vertex, BatchNormalization bn, boolean normEval) {
        if (bn instanceof DirectBatchNormalizationLayer direct) {
            direct.setNormEval(normEval);
        } else if (normEval) {
            throw GraftException.usage("backbone.norm_eval: the BatchNorm layer " + vertex + " is DL4J's own, not "
                    + "Graft's; norm_eval works with the backbones Graft builds (set it to false for this model)");
        }
    }

    /** Copies every parameter whose name exists in both graphs with the same shape (the backbone's). */
    private static void copyMatchingParameters(ComputationGraph from, ComputationGraph to) {
        Map<String, INDArray> target = to.paramTable();
        for (Map.Entry<String, INDArray> e : from.paramTable().entrySet()) {
            INDArray dst = target.get(e.getKey());
            if (dst != null && java.util.Arrays.equals(dst.shape(), e.getValue().shape())) {
                dst.assign(e.getValue());
            }
        }
    }
}
