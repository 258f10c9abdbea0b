package dev.graft.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What one image costs ONNX Runtime at each batch size, for a bundle's {@code model.onnx}: the ceiling of what
 * dynamic batching can gain on the ONNX engine (it saves per-call cost only; a model whose per-image cost does not
 * fall with the batch gains little). Sessions come from {@link OnnxEngine#sessionOptions}, with 1 and 2 intra-op
 * threads. Not a unit test; run it from the
 * build's test class path:
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.graft.export.OnnxBatchCost \
 *     experiments/quickstart/TIME/export</pre>
 * Prints, per thread count and batch size, the wall time per image in microseconds (random normal inputs at the
 * bundle's input size).
 */
public final class OnnxBatchCost {
    private static final int[] BATCHES = {1, 4, 16, 32};

    private OnnxBatchCost() {
    }

    public static void main(String[] args) throws OrtException {
        Path bundle = Path.of(args[0]);
        int size = Bundle.open(bundle).preprocessing().imageSize();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int threads = 1; threads <= 2; threads++) {
            try (OrtSession.SessionOptions options = OnnxEngine.sessionOptions(threads)) {
                try (OrtSession session = env.createSession(bundle.resolve(Bundle.ONNX_MODEL).toString(), options)) {
                    StringBuilder row = new StringBuilder(threads + " intra-op thread(s), us per image:");
                    for (int batch : BATCHES) {
                        row.append(String.format(Locale.ROOT, "  batch %d %.0f", batch,
                                microsPerImage(env, session, batch, size)));
                    }
                    System.out.println(row);
                }
            }
        }
    }

    private static double microsPerImage(OrtEnvironment env, OrtSession session, int batch, int size)
            throws OrtException {
        float[] x = new float[batch * 3 * size * size];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        long[] shape = {batch, 3, size, size};
        String input = session.getInputNames().iterator().next();
        int calls = Math.max(20, 3000 / batch);
        for (int i = 0; i < calls / 4; i++) {
            run(env, session, input, x, shape);
        }
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            run(env, session, input, x, shape);
        }
        return (System.nanoTime() - start) / 1e3 / calls / batch;
    }

    private static void run(OrtEnvironment env, OrtSession session, String input, float[] x, long[] shape)
            throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OrtSession.Result ignored = session.run(Map.of(input, tensor))) {
            // only the time counts
        }
    }
}
