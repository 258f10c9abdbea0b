package dev.graft.model;

import dev.graft.backbone.layers.DirectConvolutionLayer;
import dev.graft.backbone.layers.NchwToNhwc;
import dev.graft.backbone.layers.NhwcToNchw;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites an inference-only NCHW graph (vertices and inputs, before it is instantiated) to compute channels-last
 * behind the same NCHW input and outputs: oneDNN's convolutions convert every NCHW activation to NHWC and back
 * around each call (measured: most of a CIFAR ResNet-20 frozen front's time at 64 px), while NHWC activations
 * go in as they are. Only graphs made of layers whose layout is a setting are rewritten (convolution, pooling,
 * BatchNorm, activation, element-wise sums, global pooling and 2-D layers after it, no preprocessors); the
 * CIFAR models' option-A shortcut (channel subsets and merges of NCHW activations) keeps a whole CIFAR
 * model as it is, but not its frozen front (stem and stage1 have no such shortcut). Parameters are
 * layout-independent ({@code [out, in, kH, kW]} weights), so the rewritten graph takes the trained values as
 * they are.
 */
final class ChannelsLastInference {
    /** Suffix of a 4-D output vertex's new name; the old name goes to the layer that hands it back in NCHW. */
    static final String NHWC_SUFFIX = "/nhwc";

    private final Map<String, GraphVertex> vertices;
    private final Map<String, List<String>> inputs;
    private final String input;
    private final Map<String, Integer> ranks = new HashMap<>();

    private ChannelsLastInference(Map<String, GraphVertex> vertices, Map<String, List<String>> inputs, String input) {
        this.vertices = vertices;
        this.inputs = inputs;
        this.input = input;
    }

    /**
     * Rewrites {@code vertices} and {@code inputs} in place when the graph computes NCHW and can compute NHWC.
     * Returns the renamed outputs (new name to old), empty when nothing was renamed or rewritten.
     */
    static Map<String, String> rewrite(Map<String, GraphVertex> vertices, Map<String, List<String>> inputs,
                                       List<String> networkInputs, List<String> outputs) {
        if (networkInputs.size() != 1) {
            return Map.of();
        }
        ChannelsLastInference r = new ChannelsLastInference(vertices, inputs, networkInputs.get(0));
        return r.convertible() ? r.convert(outputs) : Map.of();
    }

    private boolean convertible() {
        boolean anyNchwConvolution = false;
        for (var e : vertices.entrySet()) {
            GraphVertex v = e.getValue();
            if (v instanceof ElementWiseVertex) {
                continue;
            }
            if (!(v instanceof LayerVertex lv) || lv.getPreProcessor() != null) {
                return false;
            }
            Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof ConvolutionLayer conv) {
                if (conv.getClass() != ConvolutionLayer.class && conv.getClass() != DirectConvolutionLayer.class
                        || conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                    return false;
                }
                anyNchwConvolution = true;
            } else if (layer instanceof SubsamplingLayer pool) {
                if (pool.getClass() != SubsamplingLayer.class || pool.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                    return false;
                }
            } else if (layer instanceof GlobalPoolingLayer global) {
                if (!Arrays.equals(global.getPoolingDimensions(), new int[] {2, 3})) {
                    return false;
                }
            } else if (layer instanceof BatchNormalization bn) {
                if (rank(e.getKey()) == 4 && bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
                    return false;
                }
            } else if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
                if (rank(inputs.get(e.getKey()).get(0)) != 2) {
                    return false;
                }
            } else if (!(layer instanceof ActivationLayer || layer instanceof DropoutLayer)) {
                return false; // element-wise layers are the same in either layout; anything else may not be
            }
        }
        return anyNchwConvolution;
    }

    /** Rank of a vertex's output: 4 from the image input until a global pooling, 2 after it. */
    private int rank(String name) {
        if (name.equals(input)) {
            return 4;
        }
        Integer known = ranks.get(name);
        if (known != null) {
            return known;
        }
        GraphVertex v = vertices.get(name);
        Layer layer = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
        int rank = layer instanceof GlobalPoolingLayer || layer instanceof DenseLayer || layer instanceof OutputLayer
                ? 2 : rank(inputs.get(name).get(0));
        ranks.put(name, rank);
        return rank;
    }

    private Map<String, String> convert(List<String> outputs) {
        for (var e : vertices.entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                e.setValue(channelsLast(lv, inputs.get(e.getKey()).contains(input)));
            }
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        for (String out : outputs) {
            if (rank(out) == 4) {
                String inner = out + NHWC_SUFFIX;
                vertices.put(inner, vertices.remove(out));
                inputs.put(inner, inputs.remove(out));
                inputs.replaceAll((name, ins) -> rename(ins, out, inner));
                vertices.put(out, backToNchw(out, (LayerVertex) anyLayer()));
                inputs.put(out, List.of(inner));
                renamed.put(inner, out);
            }
        }
        return renamed;
    }

    private LayerVertex channelsLast(LayerVertex lv, boolean readsInput) {
        NeuralNetConfiguration nnc = lv.getLayerConf().clone();
        Layer layer = nnc.getLayer();
        if (layer instanceof ConvolutionLayer conv) {
            conv.setCnn2dDataFormat(CNN2DFormat.NHWC);
        } else if (layer instanceof SubsamplingLayer pool) {
            pool.setCnn2dDataFormat(CNN2DFormat.NHWC);
        } else if (layer instanceof BatchNormalization bn && bn.getCnn2DFormat() == CNN2DFormat.NCHW) {
            bn.setCnn2DFormat(CNN2DFormat.NHWC);
        } else if (layer instanceof GlobalPoolingLayer global) {
            global.setPoolingDimensions(new int[] {1, 2});
        }
        return new LayerVertex(nnc, readsInput ? new NchwToNhwc() : null);
    }

    private GraphVertex anyLayer() {
        return vertices.values().stream().filter(v -> v instanceof LayerVertex).findFirst().orElseThrow();
    }

    /** An identity layer named {@code name} that takes the NHWC activation and returns it in NCHW. */
    private static LayerVertex backToNchw(String name, LayerVertex template) {
        NeuralNetConfiguration nnc = template.getLayerConf().clone();
        nnc.setLayer(new ActivationLayer.Builder().activation(Activation.IDENTITY).name(name).build());
        return new LayerVertex(nnc, new NhwcToNchw());
    }

    private static List<String> rename(List<String> names, String from, String to) {
        List<String> out = new ArrayList<>(names);
        out.replaceAll(n -> n.equals(from) ? to : n);
        return out;
    }
}
