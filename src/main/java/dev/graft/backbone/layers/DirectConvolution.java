package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * DL4J M2.1's convolution layer, calling its oneDNN/cuDNN helper directly. The stock layer
 * <ul>
 *   <li>copies every NHWC input into an NCHW array only to read its height and width (the helper then takes
 *   the original NHWC input), a full memory pass per convolution;</li>
 *   <li>runs the whole forward convolution a second time in backprop to get the pre-activation, which a
 *   convolution without activation (every ResNet convolution: BatchNorm and ReLU are separate layers) never
 *   needs: its gradient is the incoming one as it is.</li>
 * </ul>
 * Both are skipped here, and pointwise, same-size stride-1 and 3x3 stride-2 convolutions backpropagate without
 * libnd4j's layout conversions (see {@link #pointwiseBackprop}, {@link #sameSizeBackprop} and
 * {@link StrideTwoBackprop}); anything else (no helper,
 * a helper that declines, an activation) goes to DL4J's own code.
 */
public class DirectConvolution extends ConvolutionLayer {
    private transient Constants constants;
    private transient OpContext backwardData;

    public DirectConvolution(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean helperUsable() {
        return helper != null && helperCountFail == 0;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
                                                 LayerWorkspaceMgr workspaceMgr) {
        if (!helperUsable()) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        assertInputSet(false);
        validateInputRank();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        validateInputDepth(weights.size(1));
        INDArray bias = hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)
                : constants().filled(0, dataType, 1, layerConf().getNOut()); // the helpers need a bias
        var conf = layerConf();
        INDArray out = helper.preOutput(input.castTo(dataType), weights, bias, conf.getKernelSize(), conf.getStride(),
                conf.getPadding(), conf.getCudnnAlgoMode(), conf.getCudnnFwdAlgo(), convolutionMode, conf.getDilation(),
                conf.getCnn2dDataFormat(), workspaceMgr);
        return out != null ? new Pair<>(out, null) : super.preOutput(training, forBackprop, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        var conf = layerConf();
        if (!helperUsable() || !(conf.getActivationFn() instanceof ActivationIdentity)
                || convolutionMode == ConvolutionMode.Same) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        if (isPointwise()) {
            return pointwiseBackprop(weights, epsilon.castTo(dataType), workspaceMgr);
        }
        if (isSameSizeStrideOne()) {
            return sameSizeBackprop(weights, epsilon.castTo(dataType), workspaceMgr);
        }
        if (isDownsampling3x3() && framePays(epsilon)) {
            return strideTwoBackprop(weights, epsilon.castTo(dataType), workspaceMgr);
        }
        INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
        Pair<Gradient, INDArray> result = helper.backpropGradient(input.castTo(dataType), weights, bias,
                epsilon.castTo(dataType), conf.getKernelSize(), conf.getStride(), conf.getPadding(),
                gradientViews.get(ConvolutionParamInitializer.BIAS_KEY),
                gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), conf.getActivationFn(),
                conf.getCudnnAlgoMode(), conf.getCudnnBwdFilterAlgo(), conf.getCudnnBwdDataAlgo(), convolutionMode,
                conf.getDilation(), conf.getCnn2dDataFormat(), workspaceMgr);
        if (result == null) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        result.setSecond(backpropDropOutIfPresent(result.getSecond()));
        return result;
    }

    /** A 1x1, unpadded, undilated NHWC convolution (any equal stride): matrix products over 2-D views. */
    private boolean isPointwise() {
        var conf = layerConf();
        int[] stride = conf.getStride();
        return conf.getCnn2dDataFormat() == CNN2DFormat.NHWC && convolutionMode == ConvolutionMode.Truncate
                && Arrays.equals(conf.getKernelSize(), new int[] {1, 1}) && stride[0] == stride[1]
                && Arrays.equals(conf.getPadding(), new int[] {0, 0})
                && Arrays.equals(conf.getDilation(), new int[] {1, 1});
    }

    /**
     * Backprop of a pointwise convolution as two BLAS products: {@code dx = dy W} and {@code dW = dy^T x} (and
     * {@code db = 1^T dy}) over {@code [N*H*W, C]} views; with stride s the input is the pixels {@code x[:, ::s,
     * ::s]} and the input gradient is zero elsewhere. oneDNN's backward kernels as libnd4j M2.1 calls them work
     * in a blocked layout and convert both activations and gradients into it and back, which cost more than
     * the arithmetic; the products read NHWC memory as it is.
     */
    private Pair<Gradient, INDArray> pointwiseBackprop(INDArray weights, INDArray epsilon,
                                                       LayerWorkspaceMgr workspaceMgr) {
        int stride = layerConf().getStride()[0];
        INDArray x = input.castTo(dataType);
        if (stride > 1) {
            x = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, stride, x.size(1)),
                    NDArrayIndex.interval(0, stride, x.size(2)), NDArrayIndex.all());
        }
        x = Frames.contiguous(x);
        INDArray dy = Frames.contiguous(epsilon);
        long rows = x.size(0) * x.size(1) * x.size(2);
        long in = x.size(3);
        long out = dy.size(3);
        INDArray dy2d = dy.reshape('c', rows, out);
        INDArray w2d = weights.reshape('c', out, in);

        INDArray dx;
        if (stride == 1) {
            dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            Nd4j.gemm(dy2d, w2d, dx.reshape('c', rows, in), false, false, 1.0, 0.0);
        } else {
            INDArray sampled = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            Nd4j.gemm(dy2d, w2d, sampled.reshape('c', rows, in), false, false, 1.0, 0.0);
            dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
            dx.get(NDArrayIndex.all(), NDArrayIndex.interval(0, stride, dx.size(1)),
                    NDArrayIndex.interval(0, stride, dx.size(2)), NDArrayIndex.all()).assign(sampled);
        }
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(dy2d, x.reshape('c', rows, in), weightGrad.reshape('c', out, in), true, false, 1.0, 0.0);
        return gradients(weightGrad, dy2d, dx);
    }

    /** A k x k (k odd), stride-1, undilated NHWC convolution padded to keep its input's size. */
    private boolean isSameSizeStrideOne() {
        var conf = layerConf();
        int k = conf.getKernelSize()[0];
        return conf.getCnn2dDataFormat() == CNN2DFormat.NHWC && convolutionMode == ConvolutionMode.Truncate
                && k % 2 == 1 && Arrays.equals(conf.getKernelSize(), new int[] {k, k})
                && Arrays.equals(conf.getStride(), new int[] {1, 1})
                && Arrays.equals(conf.getPadding(), new int[] {k / 2, k / 2})
                && Arrays.equals(conf.getDilation(), new int[] {1, 1});
    }

    /**
     * Backprop of a same-size k x k convolution without layout conversions: the input gradient is the forward
     * convolution of {@code dy} with the flipped, transposed kernel (oneDNN's NHWC forward kernel), and each
     * kernel tap's weight gradient is {@code dy^T x_shifted}, one BLAS product per tap (see
     * {@link #tapGradientsInFrame} and {@link #tapGradientsFromCopies}; {@link Frames#pay} picks).
     */
    private Pair<Gradient, INDArray> sameSizeBackprop(INDArray weights, INDArray epsilon,
                                                      LayerWorkspaceMgr workspaceMgr) {
        INDArray x = Frames.contiguous(input.castTo(dataType));
        INDArray dy = Frames.contiguous(epsilon);
        long n = x.size(0);
        long h = x.size(1);
        long w = x.size(2);
        long in = x.size(3);
        long out = dy.size(3);
        int k = layerConf().getKernelSize()[0];
        int pad = k / 2;
        long rows = n * h * w;

        INDArray flipped = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {in, out, k, k}, 'c');
        // flipped[i, o, t] = w[o, i, k*k-1-t] over flattened taps t (libnd4j's reverse op is far slower)
        INDArray taps = weights.reshape('c', out, in, (long) k * k);
        INDArray flippedTaps = flipped.reshape('c', in, out, (long) k * k);
        for (int t = 0; t < k * k; t++) {
            flippedTaps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .assign(taps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k * k - 1 - t))
                            .transpose());
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        if (backwardData == null) {
            backwardData = Nd4j.getExecutioner().buildContext();
            // kernel, stride, padding, dilation, not "same" mode, NHWC, weights [out, in, kH, kW]
            backwardData.setIArguments(k, k, 1, 1, pad, pad, 1, 1, 0, 1, 1);
        }
        backwardData.purge();
        backwardData.setInputArray(0, dy);
        backwardData.setInputArray(1, flipped);
        backwardData.setOutputArray(0, dx);
        Nd4j.exec(new Conv2D(), backwardData);

        INDArray dy2d = dy.reshape('c', rows, out);
        INDArray tapGrads = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {k, k, out, in}, 'c');
        if (Frames.pay(out, n * (h + 2L * pad) * (w + 2L * pad), rows)) {
            tapGradientsInFrame(x, dy, tapGrads, pad, workspaceMgr);
        } else {
            tapGradientsFromCopies(x, dy2d, tapGrads, pad, workspaceMgr);
        }
        return gradientsFromTaps(tapGrads, dy2d, dx);
    }

    /** A 3x3, stride-2, padding-1, undilated NHWC convolution: a ResNet stage's downsampling convolution. */
    private boolean isDownsampling3x3() {
        var conf = layerConf();
        return conf.getCnn2dDataFormat() == CNN2DFormat.NHWC && convolutionMode == ConvolutionMode.Truncate
                && Arrays.equals(conf.getKernelSize(), new int[] {3, 3})
                && Arrays.equals(conf.getStride(), new int[] {2, 2})
                && Arrays.equals(conf.getPadding(), new int[] {1, 1})
                && Arrays.equals(conf.getDilation(), new int[] {1, 1});
    }

    /** Whether {@link StrideTwoBackprop}'s phase frame costs less than oneDNN's backward kernels. */
    private static boolean framePays(INDArray epsilon) {
        return Frames.pay(epsilon.size(3), StrideTwoBackprop.frameRows(epsilon),
                epsilon.size(0) * epsilon.size(1) * epsilon.size(2));
    }

    /** Backprop of a downsampling 3x3 convolution by {@link StrideTwoBackprop}. */
    private Pair<Gradient, INDArray> strideTwoBackprop(INDArray weights, INDArray epsilon,
                                                       LayerWorkspaceMgr workspaceMgr) {
        INDArray x = Frames.contiguous(input.castTo(dataType));
        INDArray dy = Frames.contiguous(epsilon);
        INDArray tapWeights = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, weights.permute(2, 3, 0, 1), 'c');
        INDArray tapGrads = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                tapWeights.shape(), 'c');
        INDArray dx = StrideTwoBackprop.backprop(x, dy, tapWeights, tapGrads, dataType, workspaceMgr);
        return gradientsFromTaps(tapGrads, dy.reshape('c', dy.size(0) * dy.size(1) * dy.size(2), dy.size(3)), dx);
    }

    /**
     * Each tap's weight gradient {@code dy^T x_shifted} without a shifted copy of the input. With x and dy both
     * laid out in the padded frame {@code [n, h+2p, w+2p, c]} (dy at the top left, zeros elsewhere) and
     * flattened to rows, tap (i, j) pairs dy's row r with x's row {@code r + i*(w+2p) + j}, and rows where dy is
     * non-zero never reach the next image: each tap is one product over two contiguous row ranges,
     * {@code dyFrame[0, M-off)^T xFrame[off, M)}.
     */
    private void tapGradientsInFrame(INDArray x, INDArray dy, INDArray tapGrads, int pad,
                                     LayerWorkspaceMgr workspaceMgr) {
        long n = x.size(0);
        long h = x.size(1);
        long w = x.size(2);
        int k = (int) tapGrads.size(0);
        long paddedW = w + 2L * pad;
        long frameRows = n * (h + 2L * pad) * paddedW;
        INDArray xFrame = Frames.placed(x, pad, pad, h + 2L * pad, paddedW, dataType, workspaceMgr);
        INDArray dyFrame = Frames.placed(dy, 0, 0, h + 2L * pad, paddedW, dataType, workspaceMgr);
        INDArray xRows = xFrame.reshape('c', frameRows, x.size(3));
        INDArray dyRows = dyFrame.reshape('c', frameRows, dy.size(3));
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                long offset = i * paddedW + j;
                Nd4j.gemm(dyRows.get(NDArrayIndex.interval(0, frameRows - offset), NDArrayIndex.all()),
                        xRows.get(NDArrayIndex.interval(offset, frameRows), NDArrayIndex.all()),
                        Frames.tap(tapGrads, i, j), true, false, 1.0, 0.0);
            }
        }
    }

    /** Each tap's weight gradient {@code dy^T x_shifted} over a shifted copy of the zero-padded input. */
    private void tapGradientsFromCopies(INDArray x, INDArray dy2d, INDArray tapGrads, int pad,
                                        LayerWorkspaceMgr workspaceMgr) {
        long h = x.size(1);
        long w = x.size(2);
        int k = (int) tapGrads.size(0);
        INDArray padded = Frames.placed(x, pad, pad, h + 2L * pad, w + 2L * pad, dataType, workspaceMgr);
        INDArray tap = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
        INDArray tapRows = tap.reshape('c', dy2d.size(0), x.size(3));
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                tap.assign(padded.get(NDArrayIndex.all(), NDArrayIndex.interval(i, i + h),
                        NDArrayIndex.interval(j, j + w), NDArrayIndex.all()));
                Nd4j.gemm(dy2d, tapRows, Frames.tap(tapGrads, i, j), true, false, 1.0, 0.0);
            }
        }
    }

    /** {@link #gradients} with the weight gradient given per tap ({@code [k, k, out, in]}). */
    private Pair<Gradient, INDArray> gradientsFromTaps(INDArray tapGrads, INDArray dy2d, INDArray dx) {
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        weightGrad.assign(tapGrads.permute(2, 3, 0, 1));
        return gradients(weightGrad, dy2d, dx);
    }

    private Pair<Gradient, INDArray> gradients(INDArray weightGrad, INDArray dy2d, INDArray dx) {
        Gradient g = new DefaultGradient();
        INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        if (hasBias() && biasGrad != null) {
            constants().columnSums(dy2d, biasGrad);
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(g, backpropDropOutIfPresent(dx));
    }

    private Constants constants() {
        if (constants == null) {
            constants = new Constants();
        }
        return constants;
    }
}
