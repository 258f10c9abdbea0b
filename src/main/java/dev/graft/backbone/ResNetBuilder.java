package dev.graft.backbone;

import dev.graft.backbone.layers.DirectBatchNormalizationLayer;
import dev.graft.backbone.layers.ChannelZeroPad;
import dev.graft.backbone.layers.DirectConvolutionLayer;
import dev.graft.backbone.layers.InPlaceReluLayer;
import dev.graft.backbone.layers.NchwToNhwc;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;


/**
 * Builds the DL4J graph configuration of a {@link ResNetSpec}, layer for layer as PyTorch computes it:
 * convolutions without bias in {@link ConvolutionMode#Truncate} with explicit padding (PyTorch's output sizes),
 * BatchNorm with eps 1e-5 storing the running variance itself ({@code useLogStd(false)}), ReLU as separate
 * vertices, the residual sum as an {@link ElementWiseVertex}.
 *
 * <p>The option-A shortcut of the CIFAR models is parameter-free: a 1x1/2 max-pool (exactly {@code x[:, :, ::2,
 * ::2]}) and {@link ChannelZeroPad} ({@code [zeros, x, zeros]} along the channel axis). Having no parameters, it
 * matches PyTorch's parameter count, cannot be trained by accident and needs nothing special when stages are
 * frozen; the ONNX export writes it as a {@code Pad}.
 */
public final class ResNetBuilder {
    /** PyTorch's BatchNorm epsilon. */
    public static final double BN_EPS = 1e-5;
    /** DL4J decay equal to PyTorch's BatchNorm momentum 0.1. */
    public static final double BN_DECAY = 0.9;

    private final ResNetSpec spec;
    private final CNN2DFormat format;
    private final GraphBuilder graph;
    private final Stages.Recorder stages = new Stages.Recorder();

    private ResNetBuilder(ResNetSpec spec, int inputSize, long seed) {
        this.spec = spec;
        this.format = layoutOf(spec);
        this.graph = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs(VertexNames.INPUT)
                .setInputTypes(InputType.convolutional(inputSize, inputSize, 3));
    }

    /**
     * The activation layout inside the graph (its input is NCHW either way): channels-last for every model, which
     * lets oneDNN run convolutions and BatchNorm without converting layouts around every convolution (about 2x
     * faster for ResNet-50; CIFAR ResNet-20 training +10%, ResNet-56 +12%). CIFAR models saved by versions before
     * {@link ChannelZeroPad} compute NCHW; code that must know a loaded model's layout reads it from the model
     * ({@code GradCam.layoutAt}).
     */
    public static CNN2DFormat layoutOf(ResNetSpec spec) {
        return CNN2DFormat.NHWC;
    }

    /** The configuration and stage map of {@code spec}, for square inputs of {@code inputSize} pixels. */
    public static Blueprint blueprint(ResNetSpec spec, int inputSize, long seed) {
        return new ResNetBuilder(spec, inputSize, seed).build();
    }

    /** A built configuration with the stages of its graph. */
    public record Blueprint(ResNetSpec spec, ComputationGraphConfiguration configuration, Stages stages) {
    }

    private Blueprint build() {
        String x = stem();
        int reduction = spec.stem() == ResNetSpec.Stem.IMAGENET ? 4 : 1;
        for (int s = 1; s <= spec.stageCount(); s++) {
            int inChannels = spec.inputWidth(s);
            for (int b = 0; b < spec.depths().get(s - 1); b++) {
                int stride = b == 0 ? spec.strides().get(s - 1) : 1;
                x = spec.block() == ResNetSpec.Block.BASIC
                        ? basicBlock(s, b, x, inChannels, stride)
                        : bottleneck(s, b, x, inChannels, stride);
                inChannels = spec.widths().get(s - 1);
            }
            reduction *= spec.strides().get(s - 1);
            endStage(VertexNames.stage(s), x, spec.widths().get(s - 1), reduction);
        }
        add(VertexNames.FEATURES, new GlobalPoolingLayer.Builder(PoolingType.AVG)
                .poolingDimensions(format == CNN2DFormat.NHWC ? new int[] {1, 2} : new int[] {2, 3}).build(), x);
        String output = VertexNames.FEATURES;
        if (spec.hasClassifier()) {
            add(VertexNames.CLASSIFIER, new DenseLayer.Builder().nOut(spec.numClasses())
                    .activation(Activation.IDENTITY).build(), VertexNames.FEATURES);
            output = VertexNames.CLASSIFIER;
        }
        graph.setOutputs(output);
        ComputationGraphConfiguration configuration = graph.build();
        return new Blueprint(spec, configuration, stages.build(configuration, VertexNames.FEATURES,
                spec.hasClassifier() ? VertexNames.CLASSIFIER : null));
    }

    private String stem() {
        String p = VertexNames.STEM + ".";
        String x;
        if (spec.stem() == ResNetSpec.Stem.IMAGENET) {
            x = convBnRelu(p + "conv", p + "bn", p + "relu", VertexNames.INPUT, spec.stemWidth(), 7, 2);
            // After ReLU every value is >= 0, so the zero padding of DL4J's max-pool equals PyTorch's -inf.
            add(p + "pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                    .padding(1, 1).dataFormat(format).build(), x);
            x = p + "pool";
        } else {
            x = convBnRelu(p + "conv", p + "bn", p + "relu", VertexNames.INPUT, spec.stemWidth(), 3, 1);
        }
        endStage(VertexNames.STEM, x, spec.stemWidth(), spec.stem() == ResNetSpec.Stem.IMAGENET ? 4 : 1);
        return x;
    }

    private String basicBlock(int s, int b, String in, int inChannels, int stride) {
        String p = VertexNames.block(s, b) + ".";
        int out = spec.widths().get(s - 1);
        String x = convBnRelu(p + "conv1", p + "bn1", p + "relu1", in, out, 3, stride);
        conv(p + "conv2", x, out, 3, 1);
        bn(p + "bn2", p + "conv2");
        return residual(p, p + "bn2", in, inChannels, out, stride);
    }

    private String bottleneck(int s, int b, String in, int inChannels, int stride) {
        String p = VertexNames.block(s, b) + ".";
        int inner = spec.innerWidth(s);
        int out = spec.widths().get(s - 1);
        int stride1 = spec.strideOn3x3() ? 1 : stride;
        int stride2 = spec.strideOn3x3() ? stride : 1;
        String x = convBnRelu(p + "conv1", p + "bn1", p + "relu1", in, inner, 1, stride1);
        x = convBnRelu(p + "conv2", p + "bn2", p + "relu2", x, inner, 3, stride2);
        conv(p + "conv3", x, out, 1, 1);
        bn(p + "bn3", p + "conv3");
        return residual(p, p + "bn3", in, inChannels, out, stride);
    }

    private String residual(String p, String main, String in, int inChannels, int out, int stride) {
        String shortcut = in;
        if (stride != 1 || inChannels != out) {
            shortcut = spec.shortcut() == ResNetSpec.Shortcut.PROJECTION
                    ? projection(p + "downsample.", in, out, stride)
                    : zeroPad(p + "shortcut", in, inChannels, out, stride);
        }
        graph.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), main, shortcut);
        stages.vertex(p + "add");
        add(p + "out", new InPlaceReluLayer(), p + "add");
        return p + "out";
    }

    private String projection(String p, String in, int out, int stride) {
        conv(p + "conv", in, out, 1, stride);
        bn(p + "bn", p + "conv");
        return p + "bn";
    }

    private String zeroPad(String name, String in, int inChannels, int out, int stride) {
        int before = (out - inChannels) / 2;
        int after = out - inChannels - before;
        if (out < inChannels || before < 1 || Math.max(before, after) > inChannels) {
            throw new IllegalArgumentException("zero-pad shortcut cannot map " + inChannels + " to " + out
                    + " channels at " + name + "; use projection shortcuts");
        }
        String x = in;
        if (stride != 1) {
            add(name + ".pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(1, 1)
                    .stride(stride, stride).dataFormat(format).build(), in);
            x = name + ".pool";
        }
        vertex(name, new ChannelZeroPad(before, after, format), x);
        return name;
    }

    private String convBnRelu(String conv, String bn, String relu, String in, int out, int kernel, int stride) {
        conv(conv, in, out, kernel, stride);
        bn(bn, conv);
        add(relu, new InPlaceReluLayer(), bn);
        return relu;
    }

    private void conv(String name, String in, int out, int kernel, int stride) {
        ConvolutionLayer layer = new DirectConvolutionLayer(new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride).padding(kernel / 2, kernel / 2).nOut(out).hasBias(false)
                .activation(Activation.IDENTITY).dataFormat(format));
        if (in.equals(VertexNames.INPUT) && format == CNN2DFormat.NHWC) {
            graph.addLayer(name, layer, new NchwToNhwc(), in);
            stages.vertex(name);
        } else {
            add(name, layer, in);
        }
    }

    private void bn(String name, String in) {
        add(name, DirectBatchNormalizationLayer.of(new BatchNormalization.Builder().eps(BN_EPS).decay(BN_DECAY)
                .useLogStd(false).activation(Activation.IDENTITY).dataFormat(format).build()), in);
    }

    private void add(String name, Layer layer, String... inputs) {
        graph.addLayer(name, layer, inputs);
        stages.vertex(name);
    }

    private void vertex(String name, org.deeplearning4j.nn.conf.graph.GraphVertex v, String... inputs) {
        graph.addVertex(name, v, inputs);
        stages.vertex(name);
    }

    private void endStage(String name, String endVertex, int channels, int reduction) {
        stages.endStage(name, endVertex, channels, reduction);
    }
}
