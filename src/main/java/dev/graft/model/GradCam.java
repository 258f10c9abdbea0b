package dev.graft.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grad-CAM (Selvaraju et al. 2017) of one vertex's output, usually a stage's end: for class {@code c} with
 * pre-activation score (logit) {@code z_c} and the vertex's activation {@code A} ({@code K} channels of
 * {@code H x W}), the channel weights are {@code alpha_k = (1 / HW) sum_ij dz_c / dA_kij} and the map is
 * {@code ReLU(sum_k alpha_k A_k)}.
 *
 * <p>DL4J M2.1's ComputationGraph gives no gradient with respect to an activation, so this builds a second graph,
 * the model's tail from that vertex on, in which the gradient is a parameter gradient: the tail's input passes
 * through a probe, a 1x1 depthwise convolution with weight 1 and bias 0 (the identity), whose bias gradient is
 * {@code sum_ij dz_c / dA_kij}; the softmax output layer becomes a dense layer with the same weights and identity
 * activation, fed the external error {@code e_c}, so what flows back is {@code dz_c}. BatchNorm layers become
 * their inference-time affine map (DL4J's BatchNorm backprop uses batch statistics) and dropout, the identity at
 * inference, is dropped. A model with its calibration temperature folded in has logits {@code z / T}: the map is
 * scaled by {@code 1 / T} and, once normalised, the same.
 *
 * <p>Works on trained and on folded ({@link InferenceGraph}) graphs alike, with the same result to float rounding.
 * Thread-safe: calls on one instance run one at a time.
 */
public final class GradCam {
    private static final String PROBE = "gradcam.probe";
    /** Suffix of a convolution split from its activation. */
    private static final String LINEAR = ".gradcam-linear";

    private final ComputationGraph tail;
    private final CNN2DFormat layout;

    private GradCam(ComputationGraph tail, CNN2DFormat layout) {
        this.tail = tail;
        this.layout = layout;
    }

    /**
     * One image's Grad-CAM.
     *
     * @param classIndex the explained class
     * @param logit      its pre-activation score {@code z_c}
     * @param weights    {@code alpha_k}, one per channel
     * @param map        {@code ReLU(sum_k alpha_k A_k)}, {@code H x W}, unnormalised
     */
    public record Result(int classIndex, float logit, float[] weights, float[][] map) {
    }

    /**
     * Grad-CAM of {@code vertex}'s output in {@code model}, in the layout the model computes it in ({@link
     * #layoutAt}): models of this version are channels-last throughout, CIFAR ResNets saved by earlier versions
     * channels-first.
     */
    public static GradCam of(ComputationGraph model, String vertex, int imageSize) {
        return of(model, vertex, layoutAt(model.getConfiguration(), vertex), imageSize);
    }

    /**
     * How {@code vertex}'s 4-D output is laid out: the data format of the nearest convolution, BatchNorm or
     * pooling layer it is computed from (NCHW when none says).
     */
    public static CNN2DFormat layoutAt(ComputationGraphConfiguration conf, String vertex) {
        java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>(List.of(vertex));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (!seen.add(name)) {
                continue;
            }
            if (conf.getVertices().get(name) instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                if (layer instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
                    return c.getCnn2dDataFormat();
                }
                if (layer instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization b) {
                    return b.getCnn2DFormat();
                }
                if (layer instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer s) {
                    return s.getCnn2dDataFormat();
                }
            }
            pending.addAll(conf.getVertexInputs().getOrDefault(name, List.of()));
        }
        return CNN2DFormat.NCHW;
    }

    /**
     * Grad-CAM of {@code vertex}'s output in {@code model} (left unchanged), a single-output graph ending in an
     * output layer.
     *
     * @param layout    how {@code model} holds 4-D activations (NHWC for Graft's ImageNet ResNets)
     * @param imageSize side of the model's square RGB input; one blank image is run to learn activation ranks
     */
    public static GradCam of(ComputationGraph model, String vertex, CNN2DFormat layout, int imageSize) {
        ComputationGraphConfiguration conf = model.getConfiguration();
        if (conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("Grad-CAM needs one output, the graph has "
                    + conf.getNetworkOutputs());
        }
        if (!conf.getVertices().containsKey(vertex) || conf.getNetworkInputs().contains(vertex)) {
            throw new IllegalArgumentException("the graph has no vertex '" + vertex + "' to explain");
        }
        Map<String, INDArray> activations = model.feedForward(Nd4j.zeros(DataType.FLOAT, 1, 3, imageSize,
                imageSize), false);
        INDArray a = activations.get(vertex);
        if (a.rank() != 4) {
            throw new IllegalArgumentException("'" + vertex + "' is not a convolutional activation: "
                    + a.shapeInfoToString());
        }
        int channels = (int) a.size(layout == CNN2DFormat.NHWC ? 3 : 1);
        return new Builder(model, vertex, layout, activations).build(channels);
    }

    /**
     * Grad-CAM of class {@code classIndex} for one image, given the explained vertex's activation for it
     * ({@code [1, C, H, W]}, or {@code [1, H, W, C]} in an NHWC model): the map, unnormalised, {@code H x W}.
     */
    public synchronized Result explain(INDArray activation, int classIndex) {
        if (activation.rank() != 4 || activation.size(0) != 1) {
            throw new IllegalArgumentException("need one image's 4-D activation, got "
                    + activation.shapeInfoToString());
        }
        // A training-mode pass keeps what backprop needs; nothing in the tail behaves differently in training
        // (BatchNorm and dropout are gone). The probe's output, not the caller's array, feeds in-place layers.
        Map<String, INDArray> out = tail.feedForward(new INDArray[] {activation.castTo(DataType.FLOAT)}, true,
                false);
        INDArray scores = out.get(tail.getConfiguration().getNetworkOutputs().get(0));
        if (classIndex < 0 || classIndex >= scores.size(1)) {
            throw new IllegalArgumentException("class " + classIndex + " of " + scores.size(1));
        }
        float logit = scores.getFloat(0, classIndex);
        INDArray error = Nd4j.zeros(DataType.FLOAT, 1, scores.size(1));
        error.putScalar(0, classIndex, 1f);
        Gradient gradient = tail.backpropGradient(error);
        float[] sums = gradient.getGradientFor(PROBE + "_b").castTo(DataType.FLOAT).toFloatVector();
        float[][][] a = channelsFirst(activation);
        int h = a[0].length;
        int w = a[0][0].length;
        float[] weights = new float[sums.length];
        for (int k = 0; k < sums.length; k++) {
            weights[k] = sums[k] / (h * w);
        }
        tail.clearLayersStates();
        return new Result(classIndex, logit, weights, weightedSum(a, weights));
    }

    /** ReLU of the channels weighted and summed, in double. */
    private static float[][] weightedSum(float[][][] a, float[] weights) {
        int h = a[0].length;
        int w = a[0][0].length;
        float[][] map = new float[h][w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double sum = 0;
                for (int k = 0; k < weights.length; k++) {
                    sum += (double) weights[k] * a[k][i][j];
                }
                map[i][j] = (float) Math.max(0, sum);
            }
        }
        return map;
    }

    private float[][][] channelsFirst(INDArray activation) {
        INDArray image = activation.get(NDArrayIndex.point(0));
        INDArray chw = layout == CNN2DFormat.NHWC ? image.permute(2, 0, 1) : image;
        INDArray c = chw.castTo(DataType.FLOAT).dup('c');
        int k = (int) c.size(0);
        int h = (int) c.size(1);
        int w = (int) c.size(2);
        float[] flat = c.data().asFloat();
        float[][][] out = new float[k][h][w];
        for (int ch = 0; ch < k; ch++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(flat, (ch * h + i) * w, out[ch][i], 0, w);
            }
        }
        return out;
    }

    /** Builds the tail graph and fills its parameters. */
    private static final class Builder {
        private final ComputationGraph model;
        private final String vertex;
        private final CNN2DFormat layout;
        private final Map<String, INDArray> activations;
        private final Map<String, BatchNormalization> replacedNorms = new HashMap<>();

        Builder(ComputationGraph model, String vertex, CNN2DFormat layout, Map<String, INDArray> activations) {
            this.model = model;
            this.vertex = vertex;
            this.layout = layout;
            this.activations = activations;
        }

        GradCam build(int channels) {
            ComputationGraphConfiguration conf = model.getConfiguration().clone();
            Set<String> upstream = GraphWalk.ancestors(vertex, conf.getVertexInputs());
            ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder(
                    conf.getDefaultConfiguration().clone()).graphBuilder().addInputs(vertex);
            graph.addLayer(PROBE, new DepthwiseConvolution2D.Builder(1, 1).nIn(channels).nOut(channels)
                    .depthMultiplier(1).dataFormat(layout).activation(Activation.IDENTITY).build(), vertex);
            String output = conf.getNetworkOutputs().get(0);
            for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
                String name = e.getKey();
                if (upstream.contains(name)) {
                    continue;
                }
                String[] inputs = conf.getVertexInputs().get(name).stream().map(in -> in.equals(vertex) ? PROBE : in)
                        .toArray(String[]::new);
                GraphVertex v = tailVertex(name, InferenceGraph.unfrozen(e.getValue()), name.equals(output));
                if (convolutionWithActivation(v) instanceof ConvolutionLayer conv) {
                    // A folded convolution's ReLU as a layer of its own: convolutions backpropagate on their fast,
                    // tested path only without an activation.
                    IActivation activation = conv.getActivationFn();
                    conv.setActivationFn(new ActivationIdentity());
                    conv.setLayerName(name + LINEAR);
                    graph.addVertex(name + LINEAR, v, inputs);
                    graph.addLayer(name, new ActivationLayer.Builder().activation(activation).build(), name + LINEAR);
                } else {
                    graph.addVertex(name, v, inputs);
                }
            }
            ComputationGraphConfiguration tailConf = graph.setOutputs(output).build();
            // Plain arrays: the activations and layer inputs must outlive the forward pass for the backward one.
            tailConf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            tailConf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
            ComputationGraph tail = new ComputationGraph(tailConf);
            tail.init();
            fillParameters(tail);
            return new GradCam(tail, layout);
        }

        private static Layer convolutionWithActivation(GraphVertex v) {
            return v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer conv
                    && !(conv instanceof DepthwiseConvolution2D)
                    && !(conv.getActivationFn() instanceof ActivationIdentity) ? conv : null;
        }

        private GraphVertex tailVertex(String name, GraphVertex v, boolean isOutput) {
            if (!(v instanceof LayerVertex lv)) {
                return v.clone();
            }
            NeuralNetConfiguration nnc = lv.getLayerConf().clone();
            Layer layer = nnc.getLayer().clone();
            layer.setIDropout(null); // the identity at inference
            if (isOutput) {
                if (!(layer instanceof BaseOutputLayer out)) {
                    throw new IllegalArgumentException("the output '" + name + "' is not an output layer");
                }
                layer = new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut()).hasBias(out.hasBias())
                        .activation(Activation.IDENTITY).weightInit(WeightInit.ZERO).updater(new NoOp()).build();
            } else if (layer instanceof BatchNormalization norm) {
                replacedNorms.put(name, norm);
                layer = affine(norm, activations.get(name).rank() == 4);
            }
            layer.setLayerName(name);
            nnc.setLayer(layer);
            return new LayerVertex(nnc, lv.getPreProcessor());
        }

        /** A layer computing {@code activation(scale * x + shift)} per channel: BatchNorm at inference. */
        private Layer affine(BatchNormalization norm, boolean convolutional) {
            long n = norm.getNOut();
            IActivation activation = norm.getActivationFn();
            return convolutional
                    ? new DepthwiseConvolution2D.Builder(1, 1).nIn(n).nOut(n).depthMultiplier(1)
                    .dataFormat(norm.getCnn2DFormat()).activation(activation).weightInit(WeightInit.ZERO)
                    .updater(new NoOp()).build()
                    : new ElementWiseMultiplicationLayer.Builder().nIn(n).nOut(n).activation(activation)
                    .weightInit(WeightInit.ZERO).updater(new NoOp()).build();
        }

        private void fillParameters(ComputationGraph tail) {
            for (org.deeplearning4j.nn.api.Layer layer : tail.getLayers()) {
                String name = layer.conf().getLayer().getLayerName();
                if (name.equals(PROBE)) {
                    layer.getParam("W").assign(1);
                    layer.getParam("b").assign(0);
                } else if (replacedNorms.containsKey(name)) {
                    fillAffine(layer, model.getLayer(name), replacedNorms.get(name));
                } else if (layer.numParams() > 0) {
                    org.deeplearning4j.nn.api.Layer source = model.getLayer(name.endsWith(LINEAR)
                            ? name.substring(0, name.length() - LINEAR.length()) : name);
                    layer.paramTable().forEach((key, target) -> target.assign(source.getParam(key)));
                }
            }
        }

        /** {@code scale = gamma / std}, {@code shift = beta - mean * scale}, computed in double. */
        private static void fillAffine(org.deeplearning4j.nn.api.Layer target, org.deeplearning4j.nn.api.Layer bn,
                                       BatchNormalization norm) {
            long n = norm.getNOut();
            INDArray gamma = norm.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {n}, norm.getGamma(),
                    DataType.DOUBLE) : bn.getParam("gamma").castTo(DataType.DOUBLE).reshape(n);
            INDArray beta = norm.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {n}, norm.getBeta(),
                    DataType.DOUBLE) : bn.getParam("beta").castTo(DataType.DOUBLE).reshape(n);
            INDArray mean = bn.getParam("mean").castTo(DataType.DOUBLE).reshape(n);
            // DL4J's inference: std = 10^log10stdev with useLogStd, else sqrt(var + eps)
            INDArray std = norm.isUseLogStd()
                    ? org.nd4j.linalg.ops.transforms.Transforms.pow(Nd4j.valueArrayOf(new long[] {n}, 10.0,
                    DataType.DOUBLE), bn.getParam("log10stdev").castTo(DataType.DOUBLE).reshape(n), true)
                    : org.nd4j.linalg.ops.transforms.Transforms.sqrt(bn.getParam("var").castTo(DataType.DOUBLE)
                    .reshape(n).add(norm.getEps()), true);
            INDArray scale = gamma.div(std);
            INDArray shift = beta.sub(mean.mul(scale));
            INDArray w = target.getParam("W");
            INDArray b = target.getParam("b");
            w.assign(scale.reshape(w.shape()));
            b.assign(shift.reshape(b.shape()));
        }

    }
}
