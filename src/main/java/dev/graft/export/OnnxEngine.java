package dev.graft.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;

/**
 * The exported ONNX model in ONNX Runtime (CPU execution provider, all graph optimisations). ONNX Runtime
 * sessions may be run from several threads at once.
 */
final class OnnxEngine implements InferenceEngine {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int size;
    /** {@link OnnxExporter#PROBABILITIES}, or {@link OnnxExporter#VALUE} for a regression model. */
    private final String output;

    OnnxEngine(byte[] model, int size) {
        this.size = size;
        try (OrtSession.SessionOptions options = sessionOptions(Runtime.getRuntime().availableProcessors())) {
            this.session = env.createSession(model, options);
            this.output = session.getOutputNames().contains(OnnxExporter.PROBABILITIES) ? OnnxExporter.PROBABILITIES
                    : OnnxExporter.VALUE;
        } catch (OrtException e) {
            throw new GraftException("ONNX Runtime cannot load " + Bundle.ONNX_MODEL + " (" + e.getMessage()
                    + "); export the bundle again", GraftException.USAGE, e);
        }
    }

    /** How Graft sets up an ONNX Runtime session: all graph optimisations, {@code threads} intra-op threads. */
    static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        // ONNX Runtime's pool threads otherwise spin after every run, invisible to the JVM, taking the cores
        // from the HTTP and decode threads of a server: quickstart bundle, 32 clients, 221 -> 308 req/s.
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    @Override
    public float[][] probabilities(float[] batch, int n) {
        return outputs(output, batch, n);
    }

    /** Whether the model has the {@link OnnxExporter#LOGITS} output (a classifier's). */
    boolean hasLogits() {
        return session.getOutputNames().contains(OnnxExporter.LOGITS);
    }

    /** One named output of the model for a batch of {@code n} normalised NCHW images. */
    float[][] outputs(String name, float[] batch, int n) {
        long[] shape = {n, 3, size, size};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch), shape);
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input), Set.of(name))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new GraftException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new GraftException("cannot close the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
