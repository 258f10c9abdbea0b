package dev.graft.export;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Runs a freshly written ONNX model next to its DL4J source on a seeded random batch. */
final class OnnxCheck {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxCheck.class);
    private static final int BATCH = 2;

    private OnnxCheck() {
    }

    /**
     * The largest output difference over a random batch, |onnx - dl4j| / max(1, |dl4j|): the absolute difference
     * for probabilities, the relative one for a regression value in the target's units (float32 resolves 120 months
     * only to about 1e-5). NaN when DL4J's own output is not finite.
     */
    static double maxDifference(ComputationGraph model, Path onnxFile, int size) throws IOException {
        float[] batch = new float[BATCH * 3 * size * size];
        Random random = new Random(7);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        INDArray x = Nd4j.create(batch, new long[] {BATCH, 3, size, size}, 'c').castTo(DataType.FLOAT);
        float[][] expected = model.output(false, x)[0].toFloatMatrix();
        float[][] actual;
        try (OnnxEngine onnx = new OnnxEngine(Files.readAllBytes(onnxFile), size)) {
            actual = onnx.probabilities(batch, BATCH);
        }
        double max = 0;
        for (int i = 0; i < BATCH; i++) {
            for (int c = 0; c < expected[i].length; c++) {
                if (!Float.isFinite(expected[i][c])) {
                    LOG.warn("ONNX check skipped: the DL4J model's output on random input is not finite");
                    return Double.NaN;
                }
                max = Math.max(max, Math.abs(expected[i][c] - actual[i][c]) / Math.max(1, Math.abs(expected[i][c])));
            }
        }
        LOG.info("ONNX Runtime vs DL4J on a random batch: max output difference = {}", String.format("%.2e", max));
        return max;
    }
}
