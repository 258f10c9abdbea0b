package dev.graft.backbone;

import java.util.Arrays;

/**
 * One tensor read from a checkpoint, converted to float32, in C (row-major) order.
 * The arrays are shared, not copied: readers hand them over, importers only read them.
 *
 * @param dtype  the stored element type, for messages ({@code float32}, {@code int64}, ...)
 * @param shape  dimensions, PyTorch order ({@code [out, in, kh, kw]} for convolutions)
 * @param values {@code product(shape)} values
 */
public record CheckpointTensor(String dtype, long[] shape, float[] values) {
    public CheckpointTensor {
        if (numel(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " values, got " + values.length);
        }
    }

    /** Number of elements of a shape (1 for a scalar). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The shape as PyTorch prints it: {@code [64, 3, 7, 7]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckpointTensor t && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return dtype + shapeString();
    }
}
