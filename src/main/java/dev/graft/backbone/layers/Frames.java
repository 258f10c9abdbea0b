package dev.graft.backbone.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The zero-padded frames the convolution backprop of {@link DirectConvolution} and {@link StrideTwoBackprop}
 * multiplies over: an NHWC array placed in a larger zero array, flattened to rows, so that a kernel tap is a
 * contiguous range of rows and needs no shifted copy. It also decides
 * when a frame pays, and slices the per-tap blocks both classes keep.
 */
final class Frames {
    /**
     * Largest {@code channels * (frameRows - rows) / rows} at which a frame is used: the frame costs no copies of
     * the input but multiplies over its pad rows too, against a copy of the input per tap. The limit puts CIFAR
     * stages (32x32 and 16x16, 32-64 channels: 4 and 17) and ResNet-18's 28x28 and 14x14 stages at 112 px (9 and
     * 39) in the frame, its 7x7 and 4x4 stages of 256 and 512 channels (167 and 640) on copies. ResNet-18, 112 px,
     * batch 32 train step: all copies 36.9 img/s, limit 10 42.2, 64 43.6, 200 41.5, all frame 39.0.
     */
    private static final double OVERHEAD_LIMIT = 64;

    private Frames() {
    }

    /** Whether products over {@code frameRows} instead of {@code rows} rows of {@code channels} outputs pay. */
    static boolean pay(long channels, long frameRows, long rows) {
        return (double) channels * (frameRows - rows) / rows <= OVERHEAD_LIMIT;
    }

    /**
     * {@code values} ({@code [n, h, w, c]}, any strides) placed at ({@code top}, {@code left}) in a new zero
     * {@code [n, height, width, c]} working array.
     */
    static INDArray placed(INDArray values, long top, long left, long height, long width, DataType dataType,
                           LayerWorkspaceMgr workspaceMgr) {
        INDArray frame = workspaceMgr.create(ArrayType.BP_WORKING_MEM, dataType, values.size(0), height, width,
                values.size(3));
        frame.get(NDArrayIndex.all(), NDArrayIndex.interval(top, top + values.size(1)),
                NDArrayIndex.interval(left, left + values.size(2)), NDArrayIndex.all()).assign(values);
        return frame;
    }

    /** The {@code [a, b]} block of tap (i, j) in a {@code [k, k, a, b]} per-tap array. */
    static INDArray tap(INDArray perTap, int i, int j) {
        return perTap.get(NDArrayIndex.point(i), NDArrayIndex.point(j), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** {@code array} itself when it has default strides, else a copy that has (the products read it as rows). */
    static INDArray contiguous(INDArray array) {
        return Shape.hasDefaultStridesForShape(array) ? array : array.dup('c');
    }
}
