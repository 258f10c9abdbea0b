package dev.graft.export;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J model itself. A {@link ComputationGraph} must not run two forward passes at once, so calls are
 * serialised; each pass already uses every core through ND4J's native kernels (oneDNN).
 */
final class Dl4jEngine implements InferenceEngine {
    private final ComputationGraph model;
    private final int size;

    Dl4jEngine(ComputationGraph model, int size) {
        this.model = model;
        this.size = size;
    }

    @Override
    public synchronized float[][] probabilities(float[] batch, int n) {
        INDArray x = Nd4j.create(batch, new long[] {n, 3, size, size}, 'c');
        return model.output(false, x)[0].toFloatMatrix();
    }

    /** Runs {@code work} on the model, one call at a time (Grad-CAM needs more than its output). */
    synchronized <T> T withModel(java.util.function.Function<ComputationGraph, T> work) {
        return work.apply(model);
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
