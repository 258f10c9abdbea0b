package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;

/**
 * DL4J M2.1's BatchNorm layer with {@link ChannelSumsBatchNorm} in place of its oneDNN helper, in both layouts.
 * The stock helper spends most of a ResNet training step in BatchNorm: batch
 * statistics by strided reductions and a backward op that adds several passes of its own around oneDNN's
 * (measured: BatchNorm backward alone took as long as every convolution's backward together).
 * With {@link DirectBatchNormalizationLayer#isNormEval()} it normalises with its running statistics in training
 * too, keeps them unchanged, and back-propagates through that fixed affine map ({@link NormEvalBackprop}).
 */
public class DirectBatchNormalization extends BatchNormalization {
    /** Parameter names. */
    private interface P {
        String GAMMA = BatchNormalizationParamInitializer.GAMMA;
        String BETA = BatchNormalizationParamInitializer.BETA;
        String GLOBAL_MEAN = BatchNormalizationParamInitializer.GLOBAL_MEAN;
        String GLOBAL_VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;
        String GLOBAL_LOG_STD = BatchNormalizationParamInitializer.GLOBAL_LOG_STD;
    }

    public DirectBatchNormalization(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (getHelper() instanceof MKLDNNBatchNormHelper stock) {
            replaceHelper(new ChannelSumsBatchNorm(stock, layerConf().getCnn2DFormat()));
        }
    }

    /** {@code backbone.norm_eval}: inference-mode normalisation while training, running statistics untouched. */
    private boolean normEval() {
        return layerConf() instanceof DirectBatchNormalizationLayer direct && direct.isNormEval();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return super.activate(training && !normEval(), workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!normEval()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        boolean logStd = layerConf().isUseLogStd();
        INDArray var = logStd ? NormEvalBackprop.varianceFromLog10Std(getParam(P.GLOBAL_LOG_STD))
                : getParam(P.GLOBAL_VAR);
        NormEvalBackprop.Result r = NormEvalBackprop.backprop(input, epsilon, getParam(P.GAMMA),
                getParam(P.GLOBAL_MEAN), var, layerConf().getEps(), layerConf().getCnn2DFormat());
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(P.GAMMA, gradientViews.get(P.GAMMA).assign(r.dGamma().reshape(
                gradientViews.get(P.GAMMA).shape())));
        gradient.setGradientFor(P.BETA, gradientViews.get(P.BETA).assign(r.dBeta().reshape(
                gradientViews.get(P.BETA).shape())));
        // The running statistics' "gradient" is DL4J's update to them: zero keeps them as they are.
        String stat = logStd ? P.GLOBAL_LOG_STD : P.GLOBAL_VAR;
        gradient.setGradientFor(P.GLOBAL_MEAN, gradientViews.get(P.GLOBAL_MEAN).assign(0));
        gradient.setGradientFor(stat, gradientViews.get(stat).assign(0));
        return new Pair<>(gradient, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, r.dx()));
    }

    /** DL4J keeps the helper in a package-private field and picks it itself; no setter exists. */
    private void replaceHelper(ChannelSumsBatchNorm replacement) {
        try {
            Field field = BatchNormalization.class.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(this, replacement);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's BatchNormalization changed: " + e.getMessage(), e);
        }
    }
}
