package dev.graft.export;

import dev.graft.GraftException;
import dev.graft.backbone.layers.DirectConvolutionLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;

import static dev.graft.export.OnnxGraph.integer;
import static dev.graft.export.OnnxGraph.ints;
import static dev.graft.export.OnnxGraph.real;
import static dev.graft.export.OnnxGraph.text;

/**
 * Converts one DL4J layer (already unwrapped from {@code FrozenLayer}) into ONNX nodes, in inference mode:
 * convolution, batch normalisation (running statistics), activations, pooling, dense and softmax output layers;
 * dropout is the identity. Anything else is refused with a message naming the layer.
 */
final class OnnxLayers {
    private final OnnxGraph onnx;
    private final Map<String, INDArray> params;

    OnnxLayers(OnnxGraph onnx, Map<String, INDArray> params) {
        this.onnx = onnx;
        this.params = params;
    }

    /**
     * A converted tensor and its rank (4 for image activations, 2 for feature vectors). ONNX tensors are always
     * NCHW; {@code channelsLast} says that DL4J holds the same activation as NHWC, so the DL4J layers reading it
     * must be configured for NHWC (their ONNX nodes are the NCHW ones all the same).
     */
    record Tensor(String name, int rank, boolean channelsLast) {
        Tensor(String name, int rank) {
            this(name, rank, false);
        }

        Tensor renamed(String newName) {
            return new Tensor(newName, rank, channelsLast);
        }
    }

    /**
     * Converts layer {@code name} applied to {@code in}. The network's output layer ({@code isOutput}) must be a
     * softmax, sigmoid or identity {@link OutputLayer}: see {@link #output}.
     */
    Tensor convert(String name, Layer layer, Tensor in, boolean isOutput) {
        if (layer instanceof ConvolutionLayer conv && (layer.getClass() == ConvolutionLayer.class
                || layer.getClass() == DirectConvolutionLayer.class)) {
            return activation(name, conv.getActivationFn(), in.renamed(conv(name, conv, in)));
        }
        if (layer instanceof SubsamplingLayer pool && layer.getClass() == SubsamplingLayer.class) {
            return in.renamed(pool(name, pool, in));
        }
        if (layer instanceof BatchNormalization bn) {
            // DL4J's BatchNormalization layer never applies its configured activation (which defaults to the
            // builder's sigmoid in Graft's head); measured on M2.1, so the export leaves it out too.
            return in.renamed(batchNorm(name, bn, in));
        }
        if (layer instanceof ActivationLayer act) {
            return activation(name, act.getActivationFn(), in);
        }
        if (layer instanceof GlobalPoolingLayer global) {
            return globalPool(name, global, in);
        }
        if (layer instanceof DropoutLayer) {
            return in;
        }
        if (layer instanceof OutputLayer out && layer.getClass() == OutputLayer.class) {
            return output(name, out, in, isOutput);
        }
        if (layer instanceof DenseLayer dense && layer.getClass() == DenseLayer.class) {
            if (dense.hasLayerNorm()) {
                throw unsupported(name, "a dense layer with layer normalisation");
            }
            return activation(name, dense.getActivationFn(), new Tensor(gemm(onnx.fresh(name + "/gemm"), name, dense,
                    in), 2));
        }
        throw unsupported(name, layer.getClass().getSimpleName());
    }

    private String conv(String name, ConvolutionLayer conv, Tensor in) {
        requireRank(name, in, 4);
        requireLayout(name, conv.getCnn2dDataFormat(), in);
        INDArray w = param(name, "W");
        String[] inputs = conv.hasBias()
                ? new String[] {in.name(), weights(name, "W", w), weights(name, "b", param(name, "b").reshape(-1))}
                : new String[] {in.name(), weights(name, "W", w)};
        return onnx.node("Conv", onnx.fresh(name + "/conv"), inputs, window(name, conv.getConvolutionMode(),
                conv.getKernelSize(), conv.getStride(), conv.getPadding(), conv.getDilation(), true));
    }

    private String pool(String name, SubsamplingLayer pool, Tensor in) {
        requireRank(name, in, 4);
        requireLayout(name, pool.getCnn2dDataFormat(), in);
        boolean dilated = Arrays.stream(pool.getDilation()).anyMatch(d -> d != 1);
        if (pool.getPoolingType() == PoolingType.MAX) {
            return onnx.node("MaxPool", onnx.fresh(name + "/maxpool"), new String[] {in.name()},
                    window(name, pool.getConvolutionMode(), pool.getKernelSize(), pool.getStride(), pool.getPadding(),
                            pool.getDilation(), true));
        }
        boolean padded = Arrays.stream(pool.getPadding()).anyMatch(p -> p != 0)
                || pool.getConvolutionMode() == ConvolutionMode.Same;
        if (pool.getPoolingType() == PoolingType.AVG && !padded && !dilated) {
            return onnx.node("AveragePool", onnx.fresh(name + "/avgpool"), new String[] {in.name()},
                    window(name, pool.getConvolutionMode(), pool.getKernelSize(), pool.getStride(), pool.getPadding(),
                            pool.getDilation(), false));
        }
        throw unsupported(name, pool.getPoolingType() + " pooling" + (padded ? " with padding" : "")
                + (dilated ? " with dilation" : ""));
    }

    /** Kernel, strides, dilations and padding; DL4J's Same mode pads the extra pixel at the end (SAME_UPPER). */
    private static onnx.Onnx.AttributeProto[] window(String name, ConvolutionMode mode, int[] kernel, int[] stride,
                                                     int[] padding, int[] dilation, boolean withDilation) {
        onnx.Onnx.AttributeProto pads = switch (mode) {
            case Same -> text("auto_pad", "SAME_UPPER");
            case Truncate, Strict -> ints("pads", padding[0], padding[1], padding[0], padding[1]);
            default -> throw unsupported(name, "convolution mode " + mode);
        };
        return withDilation
                ? new onnx.Onnx.AttributeProto[] {ints("kernel_shape", kernel), ints("strides", stride), pads,
                        ints("dilations", dilation)}
                : new onnx.Onnx.AttributeProto[] {ints("kernel_shape", kernel), ints("strides", stride), pads};
    }

    private String batchNorm(String name, BatchNormalization bn, Tensor in) {
        if (in.rank() == 4) {
            requireLayout(name, bn.getCnn2DFormat(), in);
        }
        int channels = (int) param(name, "mean").length();
        INDArray gamma = bn.isLockGammaBeta() ? constant(channels, bn.getGamma()) : param(name, "gamma");
        INDArray beta = bn.isLockGammaBeta() ? constant(channels, bn.getBeta()) : param(name, "beta");
        INDArray variance;
        if (bn.isUseLogStd()) {
            // DL4J keeps log10(std) and, at inference, uses var = (10^log10std)^2 with eps added again.
            INDArray std = org.nd4j.linalg.ops.transforms.Transforms.pow(constant(channels, 10.0),
                    param(name, "log10stdev").reshape(-1).castTo(DataType.DOUBLE), true);
            variance = std.mul(std);
        } else {
            variance = param(name, "var");
        }
        return onnx.node("BatchNormalization", onnx.fresh(name + "/bn"), new String[] {in.name(),
                weights(name, "gamma", gamma.reshape(-1)), weights(name, "beta", beta.reshape(-1)),
                weights(name, "mean", param(name, "mean").reshape(-1)), weights(name, "var", variance.reshape(-1))},
                real("epsilon", (float) bn.getEps()));
    }

    private Tensor globalPool(String name, GlobalPoolingLayer global, Tensor in) {
        requireRank(name, in, 4);
        int[] dims = global.getPoolingDimensions();
        int[] spatial = in.channelsLast() ? new int[] {1, 2} : new int[] {2, 3};
        if ((dims == null && in.channelsLast()) || (dims != null && !Arrays.equals(dims, spatial))) {
            throw unsupported(name, "global pooling over dimensions " + Arrays.toString(dims));
        }
        String op = switch (global.getPoolingType()) {
            case AVG -> "GlobalAveragePool";
            case MAX -> "GlobalMaxPool";
            default -> throw unsupported(name, global.getPoolingType() + " global pooling");
        };
        String pooled = onnx.node(op, onnx.fresh(name + "/pool"), new String[] {in.name()});
        if (!global.isCollapseDimensions()) {
            return in.renamed(pooled);
        }
        return new Tensor(onnx.node("Flatten", onnx.fresh(name + "/flatten"), new String[] {pooled},
                integer("axis", 1)), 2);
    }

    /**
     * {@code x W + b} as Gemm in its canonical form: B stored {@code [out, in]} with {@code transB = 1}, as PyTorch
     * writes a Linear layer. DL4J keeps dense weights {@code [nIn, nOut]}; the plain {@code [in, out]} form is valid
     * ONNX too, but some runtimes only take the canonical one (OpenCV's DNN module refused it).
     */
    private String gemm(String output, String name, org.deeplearning4j.nn.conf.layers.FeedForwardLayer layer,
                        Tensor in) {
        requireRank(name, in, 2);
        boolean bias = layer instanceof DenseLayer d ? d.hasBias() : ((OutputLayer) layer).hasBias();
        String w = weights(name, "W", param(name, "W").transpose());
        String[] inputs = bias ? new String[] {in.name(), w, weights(name, "b", param(name, "b").reshape(-1))}
                : new String[] {in.name(), w};
        return onnx.node("Gemm", output, inputs, integer("transB", 1));
    }

    /**
     * The network's output layer: softmax (single-label) or sigmoid (multi-label) over {@link OnnxExporter#LOGITS}
     * named {@link OnnxExporter#PROBABILITIES}, or identity (regression) named {@link OnnxExporter#VALUE}.
     */
    private Tensor output(String name, OutputLayer out, Tensor in, boolean isOutput) {
        IActivation fn = out.getActivationFn();
        boolean supported = fn instanceof ActivationSoftmax || fn instanceof ActivationSigmoid
                || fn instanceof ActivationIdentity;
        if (!isOutput || !supported) {
            throw unsupported(name, "an output layer with activation " + fn + (isOutput ? "" : " inside the graph")
                    + " (a model ends in one softmax, sigmoid or identity output layer)");
        }
        if (fn instanceof ActivationIdentity) {
            return new Tensor(gemm(OnnxExporter.VALUE, name, out, in), 2);
        }
        String z = gemm(OnnxExporter.LOGITS, name, out, in);
        return new Tensor(fn instanceof ActivationSigmoid
                ? onnx.node("Sigmoid", OnnxExporter.PROBABILITIES, new String[] {z})
                : onnx.node("Softmax", OnnxExporter.PROBABILITIES, new String[] {z}, integer("axis", 1)), 2);
    }

    /** The activation {@code fn} applied to {@code in}. */
    Tensor activation(String name, IActivation fn, Tensor in) {
        String x = in.name();
        String out;
        if (fn instanceof ActivationIdentity) {
            return in;
        } else if (fn instanceof ActivationReLU relu) {
            if (nonZero(relu.getThreshold()) || nonZero(relu.getNegativeSlope())) {
                throw unsupported(name, "ReLU with a threshold or negative slope");
            }
            out = onnx.node("Relu", onnx.fresh(name + "/relu"), new String[] {x});
            if (relu.getMax() != null) {
                out = min(name, out, relu.getMax().floatValue());
            }
        } else if (fn instanceof ActivationReLU6) {
            out = min(name, onnx.node("Relu", onnx.fresh(name + "/relu"), new String[] {x}), 6f);
        } else if (fn instanceof ActivationLReLU leaky) {
            out = onnx.node("LeakyRelu", onnx.fresh(name + "/leakyrelu"), new String[] {x},
                    real("alpha", (float) leaky.getAlpha()));
        } else if (fn instanceof ActivationTanH) {
            out = onnx.node("Tanh", onnx.fresh(name + "/tanh"), new String[] {x});
        } else if (fn instanceof ActivationSigmoid) {
            out = onnx.node("Sigmoid", onnx.fresh(name + "/sigmoid"), new String[] {x});
        } else if (fn instanceof ActivationSwish) {
            String gate = onnx.node("Sigmoid", onnx.fresh(name + "/swish/sigmoid"), new String[] {x});
            out = onnx.node("Mul", onnx.fresh(name + "/swish"), new String[] {x, gate});
        } else if (fn instanceof ActivationGELU gelu && !gelu.isPrecise()) {
            // DL4J's default GELU is the sigmoid approximation x * sigmoid(1.702 x) (opset 13 has no Gelu).
            String k = onnx.floats(onnx.fresh(name + "/gelu/k"), new float[] {1.702f});
            String scaled = onnx.node("Mul", onnx.fresh(name + "/gelu/scaled"), new String[] {x, k});
            String gate = onnx.node("Sigmoid", onnx.fresh(name + "/gelu/sigmoid"), new String[] {scaled});
            out = onnx.node("Mul", onnx.fresh(name + "/gelu"), new String[] {x, gate});
        } else if (fn instanceof ActivationSoftmax && in.rank() == 2) {
            out = onnx.node("Softmax", onnx.fresh(name + "/softmax"), new String[] {x}, integer("axis", 1));
        } else {
            throw unsupported(name, "activation " + fn);
        }
        return in.renamed(out);
    }

    private String min(String name, String x, float max) {
        String bound = onnx.floats(onnx.fresh(name + "/max"), new float[] {max});
        return onnx.node("Min", onnx.fresh(name + "/clip"), new String[] {x, bound});
    }

    private static boolean nonZero(Double value) {
        return value != null && value != 0;
    }

    private INDArray param(String layer, String key) {
        INDArray p = params.get(layer + "_" + key);
        if (p == null) {
            throw new IllegalStateException("layer " + layer + " has no parameter " + key);
        }
        return p;
    }

    private String weights(String layer, String key, INDArray values) {
        float[] data = values.castTo(DataType.FLOAT).dup('c').data().asFloat();
        return onnx.floats(onnx.fresh(layer + "." + key), data, values.shape());
    }

    private static INDArray constant(int n, double value) {
        return org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[] {n}, value, DataType.DOUBLE);
    }

    private static void requireRank(String name, Tensor in, int rank) {
        if (in.rank() != rank) {
            throw unsupported(name, "a " + in.rank() + "-D input where " + rank + "-D is needed");
        }
    }

    /** The layer's configured layout must be the one DL4J holds its input in. */
    private static void requireLayout(String name, CNN2DFormat format, Tensor in) {
        CNN2DFormat actual = in.channelsLast() ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        if ((format == null ? CNN2DFormat.NCHW : format) != actual) {
            throw unsupported(name, "a " + format + " layer on " + actual + " activations");
        }
    }

    static GraftException unsupported(String vertex, String what) {
        return new GraftException("cannot export vertex '" + vertex + "' to ONNX: " + what + " is not supported "
                + "(Graft exports convolution, batch norm, pooling, dense, softmax output, residual add/merge/"
                + "subset/scale vertices and relu/leakyrelu/tanh/sigmoid/swish/gelu activations)");
    }
}
