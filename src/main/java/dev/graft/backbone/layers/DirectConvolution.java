package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J M2.1's convolution layer, calling its oneDNN/cuDNN helper directly. The stock layer
 * <ul>
 *   <li>copies every NHWC input into an NCHW array only to read its height and width (the helper then takes
 *   the original NHWC input), a full memory pass per convolution;</li>
 *   <li>runs the whole forward convolution a second time in backprop to get the pre-activation, which a
 *   convolution without activation (every ResNet convolution: BatchNorm and ReLU are separate layers) never
 *   needs: its gradient is the incoming one as it is.</li>
 * </ul>
 * Both are skipped here; anything else (no helper, a helper that declines, an activation) goes to DL4J's own code.
 */
public class DirectConvolution extends ConvolutionLayer {
    private transient INDArray zeroBias;

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
