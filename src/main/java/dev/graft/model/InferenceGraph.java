package dev.graft.model;

import dev.graft.backbone.layers.DirectConvolutionLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inference-only copy of a trained graph with each convolution &rarr; BatchNorm (&rarr; ReLU) chain folded into
 * one convolution with bias and ReLU: {@code W' = W * s}, {@code b' = (b - mean) * s + beta} with
 * {@code s = gamma / sqrt(var + eps)}. A ResNet's BatchNorm and ReLU layers are memory-bound passes over every
 * activation; folding them removes about a third of ResNet-50's inference time on a CPU and changes outputs
 * only by float rounding. Frozen wrappers are dropped (nothing trains here); vertex names of everything the
 * fold keeps are unchanged, and a folded chain takes the name of its last vertex, so outputs and stage ends
 * keep their names. An NCHW graph that can compute channels-last does so behind the same NCHW input and outputs
 * ({@link ChannelsLastInference}).
 */
public final class InferenceGraph {
    private InferenceGraph() {
    }

    /** The folded copy of {@code trained} (which is left as it is). */
    public static ComputationGraph fold(ComputationGraph trained) {
        ComputationGraphConfiguration conf = trained.getConfiguration().clone();
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        vertices.replaceAll((name, v) -> unfrozen(v));

        Map<String, Chain> chains = findChains(conf);
        Map<String, GraphVertex> newVertices = new LinkedHashMap<>();
        Map<String, List<String>> newInputs = new LinkedHashMap<>();
        Map<String, String> absorbed = new HashMap<>();
        chains.values().forEach(c -> {
            absorbed.put(c.conv, c.name());
            absorbed.put(c.bn, c.name());
        });
        for (var e : vertices.entrySet()) {
            String name = e.getKey();
            Chain chain = chains.get(name);
            if (chain != null) {
                newVertices.put(name, chain.foldedVertex((LayerVertex) vertices.get(chain.conv)));
                newInputs.put(name, inputs.get(chain.conv));
            } else if (!absorbed.containsKey(name)) {
                newVertices.put(name, e.getValue());
                if (inputs.containsKey(name)) {
                    newInputs.put(name, inputs.get(name));
                }
            }
        }
        Map<String, String> renamed = ChannelsLastInference.rewrite(newVertices, newInputs, conf.getNetworkInputs(),
                conf.getNetworkOutputs());
        conf.setVertices(newVertices);
        conf.setVertexInputs(newInputs);
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);

        ComputationGraph folded = new ComputationGraph(conf);
        folded.init();
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : folded.getVertices()) {
            if (!v.hasLayer() || v.getLayer().numParams() == 0) {
                continue;
            }
            String name = renamed.getOrDefault(v.getVertexName(), v.getVertexName());
            Chain chain = chains.get(name);
            if (chain != null) {
                chain.copyFoldedParams(trained, v.getLayer());
            } else {
                copyParams(trained.getLayer(name), v.getLayer());
            }
        }
        return folded;
    }

    /** Conv &rarr; BN (&rarr; ReLU) chains, keyed by the name the folded vertex takes. */
    private static Map<String, Chain> findChains(ComputationGraphConfiguration conf) {
        Map<String, List<String>> consumers = new HashMap<>();
        conf.getVertexInputs().forEach((name, ins) -> ins.forEach(
                in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(name)));
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (var e : conf.getVertices().entrySet()) {
            String conv = e.getKey();
            if (!(layerOf(e.getValue()) instanceof ConvolutionLayer c) || !isPlainConvolution(c)
                    || !(c.getActivationFn() instanceof ActivationIdentity)) {
                continue;
            }
            String bn = onlyConsumer(conf, consumers, conv);
            if (bn == null || !(layerOf(conf.getVertices().get(bn)) instanceof BatchNormalization norm)
                    || norm.isUseLogStd() || ((LayerVertex) conf.getVertices().get(bn)).getPreProcessor() != null) {
                continue;
            }
            String relu = onlyConsumer(conf, consumers, bn);
            boolean withRelu = relu != null && layerOf(conf.getVertices().get(relu)) instanceof ActivationLayer act
                    && act.getActivationFn() instanceof ActivationReLU r && r.getMax() == null
                    && isZero(r.getThreshold()) && isZero(r.getNegativeSlope())
                    && ((LayerVertex) conf.getVertices().get(relu)).getPreProcessor() == null;
            Chain chain = new Chain(conv, bn, withRelu ? relu : null, norm.getEps());
            chains.put(chain.name(), chain);
        }
        return chains;
    }

    private static boolean isPlainConvolution(ConvolutionLayer c) {
        return c.getClass() == ConvolutionLayer.class || c.getClass() == DirectConvolutionLayer.class;
    }

    /** The single vertex reading {@code name}, or null when none, several, or {@code name} is an output. */
    private static String onlyConsumer(ComputationGraphConfiguration conf, Map<String, List<String>> consumers,
                                       String name) {
        List<String> readers = consumers.getOrDefault(name, List.of());
        return readers.size() == 1 && !conf.getNetworkOutputs().contains(name) ? readers.get(0) : null;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOf(GraphVertex v) {
        return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    private static boolean isZero(Double value) {
        return value == null || value == 0;
    }

    /** The vertex without its frozen wrapper: inference never updates parameters. */
    static GraphVertex unfrozen(GraphVertex v) {
        if (v instanceof FrozenVertex frozen) {
            return unfrozen(frozen.getUnderlying());
        }
        if (v instanceof LayerVertex lv) {
            org.deeplearning4j.nn.conf.layers.Layer layer = lv.getLayerConf().getLayer();
            org.deeplearning4j.nn.conf.layers.Layer inner = layer;
            while (inner instanceof FrozenLayer || inner instanceof FrozenLayerWithBackprop) {
                inner = inner instanceof FrozenLayer f ? f.getLayer()
                        : ((FrozenLayerWithBackprop) inner).getUnderlying();
            }
            if (inner != layer) {
                NeuralNetConfiguration nnc = lv.getLayerConf().clone();
                inner = inner.clone();
                inner.setLayerName(layer.getLayerName());
                nnc.setLayer(inner);
                return new LayerVertex(nnc, lv.getPreProcessor());
            }
        }
        return v;
    }

    private static void copyParams(Layer from, Layer to) {
        to.paramTable().forEach((key, target) -> target.assign(from.getParam(key)));
    }

    private record Chain(String conv, String bn, String relu, double eps) {
        String name() {
            return relu != null ? relu : bn;
        }

        GraphVertex foldedVertex(LayerVertex convVertex) {
            NeuralNetConfiguration nnc = convVertex.getLayerConf().clone();
            ConvolutionLayer layer = (ConvolutionLayer) nnc.getLayer().clone();
            layer.setHasBias(true);
            layer.setActivationFn(relu != null ? new ActivationReLU() : new ActivationIdentity());
            layer.setLayerName(name());
            nnc.setLayer(layer);
            return new LayerVertex(nnc, convVertex.getPreProcessor());
        }

        void copyFoldedParams(ComputationGraph trained, Layer target) {
            Layer convLayer = trained.getLayer(conv);
            Layer bnLayer = trained.getLayer(bn);
            BatchNormalization norm = (BatchNormalization) bnLayer.conf().getLayer();
            INDArray w = convLayer.getParam("W").castTo(DataType.DOUBLE);
            long channels = w.size(0);
            INDArray gamma = norm.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {channels}, norm.getGamma(),
                    DataType.DOUBLE) : bnLayer.getParam("gamma").castTo(DataType.DOUBLE).reshape(channels);
            INDArray beta = norm.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {channels}, norm.getBeta(),
                    DataType.DOUBLE) : bnLayer.getParam("beta").castTo(DataType.DOUBLE).reshape(channels);
            INDArray mean = bnLayer.getParam("mean").castTo(DataType.DOUBLE).reshape(channels);
            INDArray var = bnLayer.getParam("var").castTo(DataType.DOUBLE).reshape(channels);
            INDArray scale = gamma.div(Transforms.sqrt(var.add(eps), true));
            INDArray bias = convLayer.paramTable().containsKey("b")
                    ? convLayer.getParam("b").castTo(DataType.DOUBLE).reshape(channels)
                    : Nd4j.zeros(DataType.DOUBLE, channels);
            target.getParam("W").assign(w.reshape(channels, -1).mulColumnVector(scale.reshape(channels, 1))
                    .reshape(w.shape()));
            target.getParam("b").assign(bias.sub(mean).mul(scale).add(beta).reshape(target.getParam("b").shape()));
        }
    }
}
