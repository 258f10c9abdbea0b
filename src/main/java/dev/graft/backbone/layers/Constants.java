package dev.graft.backbone.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Constant arrays (zeros, ones) a layer reuses from step to step, kept outside DL4J's workspaces (which reset
 * every step). A few shapes at most live per layer: full and last batches of an epoch.
 */
final class Constants {
    private static final int KEPT = 4;
    private final Map<String, INDArray> arrays = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, INDArray> eldest) {
            return size() > KEPT;
        }
    };

    /** An array of {@code shape} filled with {@code value}. */
    INDArray filled(double value, DataType type, long... shape) {
        return arrays.computeIfAbsent(value + " " + type + " " + Arrays.toString(shape), key -> {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                return Nd4j.valueArrayOf(shape, value, type);
            }
        });
    }

    /**
     * Per-column sums of an {@code [M, C]} matrix into {@code out} ({@code C} elements), as {@code X^T 1}:
     * OpenBLAS runs this 2-13x faster than {@code 1^T X} or ND4J's column reduction.
     */
    INDArray columnSums(INDArray matrix, INDArray out) {
        Nd4j.gemm(matrix, filled(1, matrix.dataType(), matrix.size(0), 1), out.reshape('c', matrix.size(1), 1),
                true, false, 1.0, 0.0);
        return out;
    }
}
