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
 * Training-mode BatchNorm for NHWC activations, seen as an {@code [M, C]} matrix ({@code M = N*H*W}, one column
 * per channel). Channel sums are one streaming BLAS pass ({@link Constants#columnSums}), and the input
 * gradient is {@code dx = a*dy + b*x + c} with per-channel {@code a, b, c} (two {@link ChannelAffine} passes):
 * <pre>
 *   dbeta = sum(dy)            dgamma = (sum(dy*x) - mean*dbeta) * istd          a = gamma * istd
 *   b = -a * istd * dgamma / M c = -a * dbeta / M - b * mean                     (istd = 1/sqrt(var + eps))
 * </pre>
 * which is the usual {@code gamma*istd/M * (M*dy - dbeta - xhat*dgamma)} expanded. Normalising itself (and
 * everything at inference) stays with oneDNN through DL4J's helper. Variance is the biased batch variance, as
 * DL4J computes it.
 */
final class ChannelsLastBatchNorm implements BatchNormalizationHelper {
    private final MKLDNNBatchNormHelper oneDnn;
    private INDArray mean;
    private INDArray var;
    private final Constants constants = new Constants();
    private boolean delegated;
    private final ChannelAffine affine = new ChannelAffine();

    ChannelsLastBatchNorm(MKLDNNBatchNormHelper oneDnn) {
        this.oneDnn = oneDnn;
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
        INDArray x2d = matrix(x);
        long m = x2d.size(0);
        long c = x2d.size(1);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (mean == null || mean.length() != c) {
                mean = Nd4j.create(x.dataType(), c);
                var = Nd4j.create(x.dataType(), c);
            }
        }
        INDArray sum = columnSums(x2d);
        INDArray squares = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), x2d.shape());
        Nd4j.exec(new MulOp(x2d, x2d, squares));
        INDArray sumSquares = columnSums(squares);
        mean.assign(sum.reshape(c).divi(m));
        // E[x^2] - mean^2, clamped: rounding can make it a hair negative for a near-constant channel.
        var.assign(Transforms.max(sumSquares.reshape(c).divi(m).subi(mean.mul(mean)), 0.0, false));
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
        INDArray x2d = matrix(input);
        INDArray dy = matrix(Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c'));
        long m = x2d.size(0);
        long c = x2d.size(1);
        DataType type = input.dataType();
        INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, type, x2d.shape());

        INDArray dBeta = columnSums(dy);
        Nd4j.exec(new MulOp(dy, x2d, work));
        INDArray sumDyX = columnSums(work);
        INDArray istd = Transforms.pow(var.add(eps), -0.5, false);
        INDArray dGamma = sumDyX.subi(mean.mul(dBeta)).muli(istd);
        INDArray a = gamma.reshape(c).mul(istd);
        INDArray b = a.mul(istd).muli(dGamma).muli(-1.0 / m);
        INDArray cc = a.mul(dBeta).muli(-1.0 / m).subi(b.mul(mean));

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, input.shape(), 'c');
        affine.apply(dy.reshape(input.shape()), a, constants.filled(0, type, c), dx);
        affine.apply(input, b, cc, work.reshape(input.shape()));
        dx.addi(work.reshape(input.shape()));

        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, dx);
    }

    private static boolean handles(INDArray x, CNN2DFormat format) {
        return format == CNN2DFormat.NHWC && x.rank() == 4 && x.dataType() == DataType.FLOAT
                && Shape.hasDefaultStridesForShape(x);
    }

    /** {@code [N, H, W, C]} as {@code [N*H*W, C]} (a view of the same memory). */
    private static INDArray matrix(INDArray nhwc) {
        return nhwc.reshape('c', nhwc.size(0) * nhwc.size(1) * nhwc.size(2), nhwc.size(3));
    }

    /** Per-column sums {@code [C]} of an {@code [M, C]} matrix. */
    private INDArray columnSums(INDArray matrix) {
        return constants.columnSums(matrix, Nd4j.create(matrix.dataType(), matrix.size(1)));
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
