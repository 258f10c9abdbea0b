package dev.graft.export;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import dev.graft.data.EvalPreprocessor;
import dev.graft.data.UnreadableImageException;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs a freshly written ONNX model next to its DL4J source and compares what the output layer computes before its
 * softmax or sigmoid (the logits; a regression head's value). Probabilities would hide a difference: a confident
 * model's saturate to exactly 0 and 1 in both. The inputs are real images where the run left them (the first
 * {@value #IMAGES} readable ones of its {@code val-predictions.csv}, preprocessed as the bundle says), a seeded
 * noise batch otherwise.
 */
final class OnnxCheck {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxCheck.class);
    static final int IMAGES = 8;
    private static final int NOISE_BATCH = 2;

    /**
     * @param maxDifference the largest |onnx - dl4j| / max(1, |dl4j|) over the batch's logits (values), NaN when
     *                      DL4J's own output is not finite
     * @param images        how many inputs were compared
     * @param real          whether they were the run's validation images (else noise)
     */
    record Result(double maxDifference, int images, boolean real) {
        String describe() {
            return real ? "on " + images + " validation image" + (images == 1 ? "" : "s") : "on random noise";
        }
    }

    private OnnxCheck() {
    }

    /** Compares the two on the run's validation images ({@code runDir} may be null) or on noise. */
    static Result compare(ComputationGraph model, Path onnxFile, Preprocessing pre, Path runDir) throws IOException {
        List<float[]> images = validationImages(runDir, pre.preprocessor());
        boolean real = !images.isEmpty();
        float[] batch = real ? concat(images, pre.preprocessor().length()) : noise(pre.imageSize());
        int n = real ? images.size() : NOISE_BATCH;
        float[][] expected = dl4jLogits(model, batch, n, pre.imageSize());
        float[][] actual;
        try (OnnxEngine onnx = new OnnxEngine(Files.readAllBytes(onnxFile), pre.imageSize())) {
            actual = onnx.outputs(onnx.hasLogits() ? OnnxExporter.LOGITS : OnnxExporter.VALUE, batch, n);
        }
        double max = maxRelativeDifference(expected, actual);
        Result result = new Result(max, n, real);
        if (Double.isNaN(max)) {
            LOG.warn("ONNX check skipped: the DL4J model's output is not finite");
        } else {
            LOG.info("ONNX Runtime vs DL4J {}: max logit difference |onnx - dl4j| / max(1, |dl4j|) = {}",
                    result.describe(), String.format("%.2e", max));
        }
        return result;
    }

    /** The output layer's pre-activation: its input times its weights plus its bias. */
    static float[][] dl4jLogits(ComputationGraph model, float[] batch, int n, int size) {
        INDArray x = Nd4j.create(batch, new long[] {n, 3, size, size}, 'c').castTo(DataType.FLOAT);
        String outputName = model.getConfiguration().getNetworkOutputs().get(0);
        GraphVertex output = model.getVertex(outputName);
        String inputName = model.getConfiguration().getVertexInputs().get(outputName).get(0);
        Map<String, INDArray> activations = model.feedForward(new INDArray[] {x}, false, false);
        INDArray features = activations.get(inputName);
        INDArray w = output.paramTable(false).get("W");
        INDArray b = output.paramTable(false).get("b");
        INDArray logits = features.castTo(w.dataType()).mmul(w);
        if (b != null) {
            logits.addiRowVector(b);
        }
        return logits.castTo(DataType.FLOAT).toFloatMatrix();
    }

    static double maxRelativeDifference(float[][] expected, float[][] actual) {
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int c = 0; c < expected[i].length; c++) {
                if (!Float.isFinite(expected[i][c])) {
                    return Double.NaN;
                }
                max = Math.max(max, Math.abs(expected[i][c] - actual[i][c]) / Math.max(1, Math.abs(expected[i][c])));
            }
        }
        return max;
    }

    /** Up to {@value #IMAGES} of the run's validation images that still exist and decode, preprocessed. */
    private static List<float[]> validationImages(Path runDir, EvalPreprocessor preprocessor) {
        List<float[]> images = new ArrayList<>();
        Path csv = runDir == null ? null : RunDirectory.predictionsCsv(runDir, "val");
        if (csv == null || !Files.isRegularFile(csv)) {
            return images;
        }
        try (MappingIterator<String[]> rows = RunDirectory.predictionRows(csv)) {
            rows.next(); // the header
            for (int row = 0; rows.hasNext() && images.size() < IMAGES && row < 4 * IMAGES; row++) {
                Path file = Path.of(rows.next()[0]);
                if (Files.isRegularFile(file)) {
                    try {
                        images.add(preprocessor.file(file));
                    } catch (UnreadableImageException e) {
                        LOG.debug("ONNX check: skipping {} ({})", file, e.getMessage());
                    }
                }
            }
        } catch (IOException | RuntimeJsonMappingException e) {
            LOG.warn("ONNX check: cannot read the images of {} ({}); comparing on noise", csv, e.getMessage());
            return List.of();
        }
        return images;
    }

    private static float[] concat(List<float[]> images, int length) {
        float[] batch = new float[images.size() * length];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, batch, i * length, length);
        }
        return batch;
    }

    private static float[] noise(int size) {
        float[] batch = new float[NOISE_BATCH * 3 * size * size];
        Random random = new Random(7);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        return batch;
    }
}
