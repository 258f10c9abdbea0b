package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The backward pass of BatchNorm in inference mode ({@code backbone.norm_eval}): with fixed statistics the layer is
 * a per-channel affine map {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}, so
 * {@code dx = dy * gamma * istd}, {@code dgamma = sum(dy * xhat)}, {@code dbeta = sum(dy)} (sums over every
 * position of a channel). Works on an {@code [M, C]} view: NHWC and 2-D inputs as they are, NCHW permuted.
 */
final class NormEvalBackprop {
    private NormEvalBackprop() {
    }

    /** Gradients of one backward pass: {@code dx} shaped as the input, {@code dGamma} and {@code dBeta} [C]. */
    record Result(INDArray dx, INDArray dGamma, INDArray dBeta) {
    }

    static Result backprop(INDArray x, INDArray dy, INDArray gamma, INDArray mean, INDArray var, double eps,
                           CNN2DFormat format) {
        boolean nchw = x.rank() == 4 && format == CNN2DFormat.NCHW;
        INDArray x2 = matrix(x, nchw);
        INDArray dy2 = matrix(dy, nchw);
        long c = x2.size(1);
        INDArray istd = Transforms.pow(var.reshape(c).add(eps), -0.5, false);
        INDArray xhat = x2.subRowVector(mean.reshape(1, c)).muliRowVector(istd.reshape(1, c));
        INDArray dBeta = dy2.sum(0);
        INDArray dGamma = dy2.mul(xhat).sum(0);
        INDArray dx2 = dy2.mulRowVector(gamma.reshape(1, c).mul(istd.reshape(1, c)));
        INDArray dx = nchw ? dx2.reshape('c', x.size(0), x.size(2), x.size(3), c).permute(0, 3, 1, 2).dup('c')
                : dx2.reshape('c', x.shape());
        return new Result(dx, dGamma, dBeta);
    }

    /** {@code a} as a C-ordered {@code [M, C]} matrix, channels last. */
    private static INDArray matrix(INDArray a, boolean nchw) {
        INDArray channelsLast = nchw ? a.permute(0, 2, 3, 1) : a;
        INDArray c = channelsLast.dup('c');
        return c.reshape('c', c.length() / c.size(c.rank() - 1), c.size(c.rank() - 1));
    }

    /** The running variance of a layer that stores {@code log10(std)} ({@code useLogStd}). */
    static INDArray varianceFromLog10Std(INDArray log10Std) {
        return Transforms.pow(Nd4j.valueArrayOf(log10Std.shape(), 10.0, log10Std.dataType()), log10Std, false)
                .muli(Transforms.pow(Nd4j.valueArrayOf(log10Std.shape(), 10.0, log10Std.dataType()), log10Std,
                        false));
    }
}
