package dev.graft.backbone.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Backprop of a 3x3, stride-2, padding-1 NHWC convolution (a ResNet stage's downsampling convolution) by BLAS
 * products over its input's four stride phases, without oneDNN's blocked-layout backward kernels and the four
 * layout conversions libnd4j M2.1 wraps around them.
 * <p>Padded by one, the input {@code xp} splits into phases {@code P[a][b][u, v] = xp[2u + a, 2v + b]}, each
 * {@code (ho + 1) x (wo + 1)}. Kernel tap (i, j) reads phase {@code (i % 2, j % 2)} shifted by {@code (i / 2,
 * j / 2)}, so with {@code dy} placed in a zero frame of the phases' size, and everything flattened to rows, tap (i,
 * j) pairs dy's row r with the phase's row {@code r + (i / 2) * (wo + 1) + j / 2} (as in
 * {@link DirectConvolution}'s same-size frame; rows where dy is non-zero never reach the next image): its weight
 * gradient is {@code dyRows[0, M-off)^T P[off, M)} and its share of the input gradient is added by
 * {@code dP[off, M) += dyRows[0, M-off) W_ij}. The phases of {@code dP} are then the input gradient's pixels.
 */
final class StrideTwoBackprop {
    private static final int K = 3;

    private final DataType dataType;
    private final LayerWorkspaceMgr workspaceMgr;
    private final long n;
    private final long h;
    private final long w;
    private final long phaseH;
    private final long phaseW;

    private StrideTwoBackprop(INDArray x, INDArray dy, DataType dataType, LayerWorkspaceMgr workspaceMgr) {
        this.dataType = dataType;
        this.workspaceMgr = workspaceMgr;
        this.n = x.size(0);
        this.h = x.size(1);
        this.w = x.size(2);
        this.phaseH = dy.size(1) + 1;
        this.phaseW = dy.size(2) + 1;
    }

    /** Rows of the phase frame for an {@code [n, ho, wo, c]} gradient: what the products run over. */
    static long frameRows(INDArray dy) {
        return dy.size(0) * (dy.size(1) + 1) * (dy.size(2) + 1);
    }

    /**
     * Writes the weight gradient ({@code [k, k, out, in]} per tap) into {@code tapGrads} and returns the input
     * gradient {@code [n, h, w, in]}.
     *
     * @param x        the layer's input, NHWC, default strides
     * @param dy       the output gradient, NHWC, default strides
     * @param tapWeights the weights as {@code [k, k, out, in]}, default strides
     */
    static INDArray backprop(INDArray x, INDArray dy, INDArray tapWeights, INDArray tapGrads, DataType dataType,
                             LayerWorkspaceMgr workspaceMgr) {
        return new StrideTwoBackprop(x, dy, dataType, workspaceMgr).run(x, dy, tapWeights, tapGrads);
    }

    private INDArray run(INDArray x, INDArray dy, INDArray tapWeights, INDArray tapGrads) {
        long in = x.size(3);
        long out = dy.size(3);
        long rows = n * phaseH * phaseW;
        INDArray dyRows = Frames.placed(dy, 0, 0, phaseH, phaseW, dataType, workspaceMgr).reshape('c', rows, out);
        INDArray[][] phases = new INDArray[2][2];
        INDArray[][] phaseGrads = new INDArray[2][2];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                phases[a][b] = phase(x, a, b).reshape('c', rows, in);
                phaseGrads[a][b] = workspaceMgr.create(ArrayType.BP_WORKING_MEM, dataType, n, phaseH, phaseW, in);
            }
        }
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < K; j++) {
                long offset = (i / 2) * phaseW + j / 2;
                INDArray dyPart = dyRows.get(range(0, rows - offset), NDArrayIndex.all());
                Nd4j.gemm(dyPart, phases[i % 2][j % 2].get(range(offset, rows), NDArrayIndex.all()),
                        Frames.tap(tapGrads, i, j), true, false, 1.0, 0.0);
                INDArray gradRows = phaseGrads[i % 2][j % 2].reshape('c', rows, in);
                Nd4j.gemm(dyPart, Frames.tap(tapWeights, i, j), gradRows.get(range(offset, rows),
                        NDArrayIndex.all()), false, false, 1.0, 1.0);
            }
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                pixelsOf(dx, a, b).assign(phasePixels(phaseGrads[a][b], a, b));
            }
        }
        return dx;
    }

    /** Phase (a, b) of the input padded by one: zero where it falls on the padding. */
    private INDArray phase(INDArray x, int a, int b) {
        return Frames.placed(pixelsOf(x, a, b), 1 - a, 1 - b, phaseH, phaseW, dataType, workspaceMgr);
    }

    /**
     * The input pixels phase (a, b) holds: padded row {@code 2u + a} is input row {@code 2u + a - 1}, so phase 1
     * holds the even rows from u = 0 and phase 0 the odd rows from u = 1 (its u = 0 is the top padding).
     */
    private INDArray pixelsOf(INDArray image, int a, int b) {
        return image.get(NDArrayIndex.all(), everyOther(1 - a, count(h, a)), everyOther(1 - b, count(w, b)),
                NDArrayIndex.all());
    }

    /** Where in phase (a, b) those pixels are. */
    private INDArray phasePixels(INDArray phase, int a, int b) {
        return phase.get(NDArrayIndex.all(), range(1 - a, 1 - a + count(h, a)), range(1 - b, 1 - b + count(w, b)),
                NDArrayIndex.all());
    }

    /** How many of {@code size} input rows phase {@code a} holds (rows 1 - a, 3 - a, ...). */
    private static long count(long size, int a) {
        return (size - (1 - a) + 1) / 2;
    }

    /**
     * Indices {@code from, from + 2, ...} ({@code count} of them). ND4J M2.1 rejects a strided interval whose
     * {@code begin + stride} passes the dimension's size even when it holds one index ({@code interval(1, 2, 2)}
     * on a dimension of 2: "Indices are out of range"), so a single index is a plain interval.
     */
    private static INDArrayIndex everyOther(long from, long count) {
        return count == 1 ? NDArrayIndex.interval(from, from + 1) : NDArrayIndex.interval(from, 2, from + 2 * count - 1);
    }

    private static INDArrayIndex range(long from, long to) {
        return NDArrayIndex.interval(from, to);
    }
}
