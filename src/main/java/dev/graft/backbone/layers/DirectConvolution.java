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
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
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
 * Both are skipped here, and pointwise (1x1) convolutions backpropagate by matrix products (see
 * {@link #pointwiseBackprop}); anything else (no helper, a helper that declines, an activation) goes to DL4J's own code.
 */
public class DirectConvolution extends ConvolutionLayer {
    private transient INDArray zeroBias;
    private transient INDArray ones;

    public DirectConvolution(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean helperUsable() {
        return helper != null && helperCountFail == 0;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!helperUsable()) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        assertInputSet(false);
        validateInputRank();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        validateInputDepth(weights.size(1));
        INDArray bias = hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)
                : zeroBias();
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

    /** A 1x1, stride-1, unpadded, undilated NHWC convolution: a matrix product over {@code [N*H*W, C]} views. */
    private boolean isPointwise() {
        var conf = layerConf();
        return conf.getCnn2dDataFormat() == CNN2DFormat.NHWC && Arrays.equals(conf.getKernelSize(), new int[] {1, 1})
                && Arrays.equals(conf.getStride(), new int[] {1, 1}) && Arrays.equals(conf.getPadding(), new int[] {0, 0})
                && Arrays.equals(conf.getDilation(), new int[] {1, 1});
    }

    /**
     * Backprop of a pointwise convolution as two BLAS products on free 2-D views: {@code dx = dy W} and
     * {@code dW = dy^T x} (and {@code db = 1^T dy}). oneDNN's backward kernels as libnd4j M2.1 calls them work
     * in a blocked layout and convert both activations and gradients into it and back, which cost more than
     * the arithmetic; the products read NHWC memory as it is.
     */
    private Pair<Gradient, INDArray> pointwiseBackprop(INDArray weights, INDArray epsilon,
                                                       LayerWorkspaceMgr workspaceMgr) {
        INDArray x = Shape.hasDefaultStridesForShape(input) ? input.castTo(dataType) : input.castTo(dataType).dup('c');
        INDArray dy = Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
        long rows = x.size(0) * x.size(1) * x.size(2);
        long in = x.size(3);
        long out = dy.size(3);
        INDArray x2d = x.reshape('c', rows, in);
        INDArray dy2d = dy.reshape('c', rows, out);
        INDArray w2d = weights.reshape('c', out, in);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        Nd4j.gemm(dy2d, w2d, dx.reshape('c', rows, in), false, false, 1.0, 0.0);
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(dy2d, x2d, weightGrad.reshape('c', out, in), true, false, 1.0, 0.0);
        Gradient g = new DefaultGradient();
        INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        if (hasBias() && biasGrad != null) {
            Nd4j.gemm(ones(rows), dy2d, biasGrad.reshape('c', 1, out), false, false, 1.0, 0.0);
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(g, backpropDropOutIfPresent(dx));
    }

    private INDArray ones(long n) {
        if (ones == null || ones.length() != n || ones.dataType() != dataType) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(dataType, 1, n);
            }
        }
        return ones;
    }

    /** The helpers need a bias array; a layer without bias gets zeros, kept outside any workspace. */
    private INDArray zeroBias() {
        if (zeroBias == null) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                zeroBias = Nd4j.create(dataType, 1, layerConf().getNOut());
            }
        }
        return zeroBias;
    }
}
