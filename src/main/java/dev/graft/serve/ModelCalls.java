package dev.graft.serve;

import dev.graft.GraftException;
import dev.graft.export.Classifier;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;

/**
 * How the handlers run the model on a request's preprocessed images: directly on the calling worker, in calls of at
 * most {@link Classifier#MAX_BATCH}, or, with dynamic batching on ({@link ServerOptions#maxBatch()} above 1),
 * through the {@link Batcher}, which groups them with other requests' images. Both give each image the outputs it
 * would get alone. Every model call's size goes to the metrics.
 */
final class ModelCalls implements AutoCloseable {
    private final Classifier classifier;
    private final IntConsumer batches;
    private final Batcher batcher;

    ModelCalls(Classifier classifier, ServerOptions options, IntConsumer batches) {
        this.classifier = classifier;
        this.batches = batches;
        this.batcher = options.maxBatch() > 1
                ? new Batcher(classifier::probabilities, options.maxBatch(), options.maxDelay(), batches) : null;
    }

    /**
     * The outputs of each image, in order. With batching, the calling worker waits for the calls its images joined.
     *
     * @throws GraftException when the engine fails
     */
    float[][] run(List<float[]> images) {
        if (batcher == null) {
            return direct(images);
        }
        List<CompletableFuture<float[]>> each = images.stream().map(batcher::submit).toList();
        float[][] out = new float[each.size()][];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = each.get(i).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        return out;
    }

    /**
     * Worker threads the server needs: without batching, {@code workers} (each runs its own model calls); with
     * batching, also room for two full batches of waiting requests, so that one call runs while the next fills.
     */
    static int threads(ServerOptions options) {
        return options.maxBatch() > 1 ? options.workers() + 2 * options.maxBatch() : options.workers();
    }

    private float[][] direct(List<float[]> images) {
        int length = classifier.inputLength();
        float[][] out = new float[images.size()][];
        for (int from = 0; from < images.size(); from += Classifier.MAX_BATCH) {
            int n = Math.min(Classifier.MAX_BATCH, images.size() - from);
            float[] batch = new float[n * length];
            for (int i = 0; i < n; i++) {
                System.arraycopy(images.get(from + i), 0, batch, i * length, length);
            }
            float[][] outputs = classifier.probabilities(batch, n);
            batches.accept(n);
            System.arraycopy(outputs, 0, out, from, n);
        }
        return out;
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
    }
}
