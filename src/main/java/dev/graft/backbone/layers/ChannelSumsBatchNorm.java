package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * Training-mode BatchNorm computed from per-channel sums, in either layout. Channel sums are streaming BLAS
 * passes: NHWC activations are an {@code [N*H*W, C]} matrix summed by columns ({@link Constants#columnSums}); NCHW
 * ones are an {@code [N*C, H*W]} matrix summed by rows, then {@code [N, C]} by columns. The input gradient is
 * {@code dx = a*dy + b*x + c} with per-channel {@code a, b, c} (two {@link ChannelAffine} passes):
 * <pre>
 *   dbeta = sum(dy)            dgamma = (sum(dy*x) - mean*dbeta) * istd          a = gamma * istd
 *   b = -a * istd * dgamma / M c = -a * dbeta / M - b * mean                     (istd = 1/sqrt(var + eps))
 * </pre>
 * which is the usual {@code gamma*istd/M * (M*dy - dbeta - xhat*dgamma)} expanded. Normalising itself (and
 * everything at inference) stays with oneDNN through DL4J's helper. Variance is the biased batch variance, as
 * DL4J computes it, from the centred activations (two passes).
 */
final class ChannelSumsBatchNorm implements BatchNormalizationHelper {
    private final MKLDNNBatchNormHelper oneDnn;
    private final CNN2DFormat format;
    private INDArray mean;
    private INDArray var;
    private final Constants constants = new Constants();
    private boolean delegated;
    private final ChannelAffine affine;

    ChannelSumsBatchNorm(MKLDNNBatchNormHelper oneDnn, CNN2DFormat format) {
        this.oneDnn = oneDnn;
        this.format = format;
        this.affine = new ChannelAffine(channelAxis(format));
    }

    private static int channelAxis(CNN2DFormat format) {
        return format == CNN2DFormat.NHWC ? 3 : 1;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray globalMean, INDArray globalVar, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        delegated = !training || !handles(x, format);
        if (delegated) {
            return oneDnn.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format,
                    workspaceMgr);
        }
        long c = x.size(channelAxis(format));
        long m = x.length() / c;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (mean == null || mean.length() != c) {
                mean = Nd4j.create(x.dataType(), c);
                var = Nd4j.create(x.dataType(), c);
            }
        }
        mean.assign(channelSums(x).reshape(c).divi(m));
        // Two passes: the variance of x - mean. E[x^2] - mean^2 in float loses the variance of a channel whose
        // mean is large next to its spread (it moved a run's validation loss by 1.5e-4 relative).
        INDArray centred = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), x.shape(), 'c');
        affine.apply(x, constants.filled(1, x.dataType(), c), mean.neg(), centred);
        Nd4j.exec(new MulOp(centred, centred, centred));
        var.assign(channelSums(centred).reshape(c).divi(m));
        return oneDnn.preOutput(x, false, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (delegated || gamma == null) {
            return oneDnn.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format,
                    workspaceMgr);
        }
        INDArray dy = Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
        long c = input.size(channelAxis(format));
        long m = input.length() / c;
        DataType type = input.dataType();
        INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, type, input.shape(), 'c');

        INDArray dBeta = channelSums(dy);
        Nd4j.exec(new MulOp(dy, input, work));
        INDArray sumDyX = channelSums(work);
        INDArray istd = Transforms.pow(var.add(eps), -0.5, false);
        INDArray dGamma = sumDyX.subi(mean.mul(dBeta)).muli(istd);
        INDArray a = gamma.reshape(c).mul(istd);
        INDArray b = a.mul(istd).muli(dGamma).muli(-1.0 / m);
        INDArray cc = a.mul(dBeta).muli(-1.0 / m).subi(b.mul(mean));

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, input.shape(), 'c');
        affine.apply(dy, a, constants.filled(0, type, c), dx);
        affine.apply(input, b, cc, work);
        dx.addi(work);

        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, dx);
    }

    private boolean handles(INDArray x, CNN2DFormat actual) {
        return actual == format && x.rank() == 4 && x.dataType() == DataType.FLOAT
                && Shape.hasDefaultStridesForShape(x);
    }

    /** Per-channel sums {@code [C]} of a 4-D activation with default strides. */
    private INDArray channelSums(INDArray x) {
        if (format == CNN2DFormat.NHWC) { // [N*H*W, C] by columns
            INDArray matrix = x.reshape('c', x.size(0) * x.size(1) * x.size(2), x.size(3));
            return constants.columnSums(matrix, Nd4j.create(x.dataType(), x.size(3)));
        }
        long n = x.size(0);
        long c = x.size(1);
        long pixels = x.size(2) * x.size(3);
        INDArray perImage = Nd4j.create(x.dataType(), n, c); // [N*C, H*W] by rows, as X 1
        Nd4j.gemm(x.reshape('c', n * c, pixels), constants.filled(1, x.dataType(), pixels, 1),
                perImage.reshape('c', n * c, 1), false, false, 1.0, 0.0);
        return constants.columnSums(perImage, Nd4j.create(x.dataType(), c));
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return delegated ? oneDnn.getMeanCache(dataType) : mean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return delegated ? oneDnn.getVarCache(dataType) : var;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return oneDnn.checkSupported(eps, fixedGammaBeta);
    }

    @Override
    public boolean checkSupported() {
        return oneDnn.checkSupported();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return oneDnn.helperMemoryUse();
    }
}
