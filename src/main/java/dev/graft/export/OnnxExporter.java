package dev.graft.export;

import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import dev.graft.backbone.layers.ChannelZeroPad;
import dev.graft.backbone.layers.NchwToNhwc;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.graft.export.OnnxGraph.integer;
import static dev.graft.export.OnnxGraph.ints;

/**
 * Writes a trained DL4J model graph as an ONNX model (opset 13) for inference: one input
 * {@value #INPUT} {@code [N, 3, H, W]} (N dynamic; the same normalised NCHW floats the DL4J model takes) and, for a
 * softmax (single-label) or sigmoid (multi-label) head, two outputs, {@value #PROBABILITIES} and {@value #LOGITS};
 * for an identity (regression) head one, {@value #VALUE}, in the target's units (the standardisation is folded into
 * the output layer before export). The graph is walked in DL4J's topological
 * order; frozen wrappers are unwrapped, batch norm uses its running statistics and dropout disappears.
 * Residual sums become {@code Add}, the CIFAR option-A shortcut's pieces {@code MaxPool}/{@code Slice}/
 * {@code Mul}/{@code Concat}.
 */
public final class OnnxExporter {
    /** Name of the ONNX model's input. */
    public static final String INPUT = "pixel_values";
    /** Name of the softmax output. */
    public static final String PROBABILITIES = "probabilities";
    /** Name of a regression head's output: {@code [N, 1]}, the target's value. */
    public static final String VALUE = "value";
    /** {@code metadata_props} key: {@code single_label}, {@code multi_label} or {@code regression}. */
    public static final String PROBLEM = "graft.problem";
    /** {@code metadata_props} key of a multi-label head: its thresholds as a JSON object, label to threshold. */
    public static final String LABEL_THRESHOLDS = "graft.label_thresholds";
    /** {@code metadata_props} key of a regression head: the target's name. */
    public static final String TARGET = "graft.target";
    /** Name of the pre-activation output (divided by the calibration temperature when there is one). */
    public static final String LOGITS = "logits";
    /** {@code metadata_props} key: the calibration temperature folded into the output layer. */
    public static final String TEMPERATURE = "graft.temperature";
    /** {@code metadata_props} key of a binary decision: the positive class. */
    public static final String POSITIVE_CLASS = "graft.positive_class";
    /** {@code metadata_props} key of a binary decision: positive when its probability is {@code >=} this. */
    public static final String THRESHOLD = "graft.threshold";
    /** {@code metadata_props} key of a binary decision: how the threshold was chosen. */
    public static final String OPERATING_POINT = "graft.operating_point";

    private OnnxExporter() {
    }

    /**
     * Converts {@code model} (one image input, one softmax, sigmoid or identity output layer).
     *
     * @param imageSize the square input size the model was trained at (fixed H and W of {@value #INPUT})
     * @throws GraftException naming the first vertex that has no ONNX equivalent here
     */
    public static Onnx.ModelProto convert(ComputationGraph model, int imageSize, String producerVersion) {
        return convert(model, imageSize, producerVersion, Map.of());
    }

    /**
     * Converts {@code model} as {@link #convert(ComputationGraph, int, String)} does, with {@code metadata} as the
     * model's {@code metadata_props}.
     */
    public static Onnx.ModelProto convert(ComputationGraph model, int imageSize, String producerVersion,
                                          Map<String, String> metadata) {
        ComputationGraphConfiguration conf = model.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new GraftException("cannot export to ONNX: the graph has " + conf.getNetworkInputs().size()
                    + " inputs and " + conf.getNetworkOutputs().size() + " outputs (a classifier has one of each)");
        }
        String output = conf.getNetworkOutputs().get(0);
        OnnxGraph onnx = new OnnxGraph("graft-classifier");
        onnx.input(INPUT, null, 3L, (long) imageSize, (long) imageSize);
        OnnxLayers layers = new OnnxLayers(onnx, model.paramTable());
        Map<String, OnnxLayers.Tensor> tensors = new HashMap<>();
        tensors.put(conf.getNetworkInputs().get(0), new OnnxLayers.Tensor(INPUT, 4));
        OnnxLayers.Tensor last = null;
        for (int index : model.topologicalSortOrder()) {
            String name = model.getVertices()[index].getVertexName();
            if (tensors.containsKey(name)) {
                continue; // the network input
            }
            List<OnnxLayers.Tensor> inputs = new ArrayList<>();
            for (String in : conf.getVertexInputs().get(name)) {
                inputs.add(tensors.get(in));
            }
            boolean isOutput = name.equals(output);
            last = vertex(onnx, layers, name, conf.getVertices().get(name), inputs, isOutput);
            tensors.put(name, last);
        }
        String outputs;
        if (last != null && onnx.has(PROBABILITIES)) {
            long classes = model.getOutputLayer(0).getParam("W").size(1);
            onnx.output(PROBABILITIES, null, classes);
            onnx.output(LOGITS, null, classes);
            outputs = PROBABILITIES + " / " + LOGITS;
        } else if (last != null && onnx.has(VALUE)) {
            onnx.output(VALUE, null, 1L);
            outputs = VALUE;
        } else {
            throw new GraftException("cannot export to ONNX: the output vertex '" + output
                    + "' is not a softmax, sigmoid or identity output layer");
        }
        return onnx.model(producerVersion, "Graft image model: " + INPUT + " [N, 3, " + imageSize + ", "
                + imageSize + "] normalised RGB -> " + outputs, metadata);
    }

    /** Converts and writes {@code model} to {@code file} atomically. */
    public static void write(ComputationGraph model, int imageSize, String producerVersion, Path file) {
        write(model, imageSize, producerVersion, Map.of(), file);
    }

    /** Converts and writes {@code model} with {@code metadata} as its {@code metadata_props}, atomically. */
    public static void write(ComputationGraph model, int imageSize, String producerVersion,
                             Map<String, String> metadata, Path file) {
        Onnx.ModelProto proto = convert(model, imageSize, producerVersion, metadata);
        try {
            AtomicFiles.write(file, proto::writeTo);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static OnnxLayers.Tensor vertex(OnnxGraph onnx, OnnxLayers layers, String name, GraphVertex vertex,
                                            List<OnnxLayers.Tensor> inputs, boolean isOutput) {
        GraphVertex v = vertex instanceof FrozenVertex frozen ? frozen.getUnderlying() : vertex;
        if (v instanceof LayerVertex lv) {
            OnnxLayers.Tensor in = preprocess(onnx, name, lv.getPreProcessor(), single(name, inputs));
            return layers.convert(name, unwrap(lv.getLayerConf().getLayer()), in, isOutput);
        }
        if (isOutput) {
            throw OnnxLayers.unsupported(name, "a " + v.getClass().getSimpleName() + " as the network output");
        }
        String[] names = inputs.stream().map(OnnxLayers.Tensor::name).toArray(String[]::new);
        int rank = inputs.get(0).rank();
        boolean channelsLast = inputs.get(0).channelsLast();
        if (v instanceof ElementWiseVertex ew) {
            String op = switch (ew.getOp()) {
                case Add -> names.length == 2 ? "Add" : "Sum";
                case Subtract -> "Sub";
                case Product -> "Mul";
                case Average -> "Mean";
                case Max -> "Max";
            };
            if ((op.equals("Sub") || op.equals("Mul")) && names.length != 2) {
                throw OnnxLayers.unsupported(name, ew.getOp() + " of " + names.length + " inputs");
            }
            return new OnnxLayers.Tensor(onnx.node(op, onnx.fresh(name), names), rank, channelsLast);
        }
        if (v instanceof ChannelZeroPad pad) { // ONNX tensors stay NCHW whatever DL4J's layout
            String pads = onnx.longs(onnx.fresh(name + "/pads"), 0L, pad.getBefore(), 0L, 0L, 0L, pad.getAfter(), 0L,
                    0L);
            return new OnnxLayers.Tensor(onnx.node("Pad", onnx.fresh(name), new String[] {single(name, inputs).name(),
                    pads}), rank, channelsLast);
        }
        if ((v instanceof MergeVertex || v instanceof SubsetVertex) && channelsLast) {
            throw OnnxLayers.unsupported(name, "a channel merge or subset of NHWC activations");
        }
        if (v instanceof MergeVertex merge) {
            return new OnnxLayers.Tensor(onnx.node("Concat", onnx.fresh(name), names,
                    integer("axis", merge.getMergeAxis())), rank);
        }
        if (v instanceof ScaleVertex scale) {
            String factor = onnx.floats(onnx.fresh(name + "/factor"), new float[] {(float) scale.getScaleFactor()});
            return new OnnxLayers.Tensor(onnx.node("Mul", onnx.fresh(name), new String[] {single(name, inputs).name(),
                    factor}), rank, channelsLast);
        }
        if (v instanceof SubsetVertex subset) {
            // DL4J's subset takes features/channels from..to (inclusive) along dimension 1.
            String starts = onnx.longs(onnx.fresh(name + "/starts"), subset.getFrom());
            String ends = onnx.longs(onnx.fresh(name + "/ends"), subset.getTo() + 1L);
            String axes = onnx.longs(onnx.fresh(name + "/axes"), 1L);
            return new OnnxLayers.Tensor(onnx.node("Slice", onnx.fresh(name), new String[] {single(name, inputs).name(),
                    starts, ends, axes}), rank);
        }
        throw OnnxLayers.unsupported(name, v.getClass().getSimpleName());
    }

    private static OnnxLayers.Tensor preprocess(OnnxGraph onnx, String name, InputPreProcessor pre,
                                                OnnxLayers.Tensor in) {
        if (pre == null) {
            return in;
        }
        if (pre instanceof NchwToNhwc && in.rank() == 4 && !in.channelsLast()) {
            return new OnnxLayers.Tensor(in.name(), 4, true); // ONNX stays NCHW; only DL4J's layout changes
        }
        if (pre instanceof CnnToFeedForwardPreProcessor cnn && in.rank() == 4
                && (cnn.getFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC) == in.channelsLast()) {
            String x = in.name();
            if (in.channelsLast()) { // DL4J flattens NHWC activations in h, w, c order
                x = onnx.node("Transpose", onnx.fresh(name + "/nhwc"), new String[] {x}, ints("perm", 0, 2, 3, 1));
            }
            return new OnnxLayers.Tensor(onnx.node("Flatten", onnx.fresh(name + "/flatten"), new String[] {x},
                    integer("axis", 1)), 2);
        }
        throw OnnxLayers.unsupported(name, "input preprocessor " + pre.getClass().getSimpleName());
    }

    private static Layer unwrap(Layer layer) {
        Layer current = layer;
        while (true) {
            if (current instanceof FrozenLayer frozen) {
                current = frozen.getLayer();
            } else if (current instanceof FrozenLayerWithBackprop frozen) {
                current = frozen.getUnderlying();
            } else {
                return current;
            }
        }
    }

    private static OnnxLayers.Tensor single(String name, List<OnnxLayers.Tensor> inputs) {
        if (inputs.size() != 1) {
            throw OnnxLayers.unsupported(name, "a layer with " + inputs.size() + " inputs");
        }
        return inputs.get(0);
    }
}
