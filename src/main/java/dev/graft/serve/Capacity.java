package dev.graft.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the server has taken on: bodies being received (bounded by {@link ServerOptions#uploads()}) and received
 * predictions running or waiting for a worker (bounded by {@code workers + queue}). Readiness is "a new
 * prediction would be accepted": not draining, and neither bound reached. Thread-safe.
 */
final class Capacity {
    private final ServerOptions options;
    /** Worker threads: {@link ServerOptions#workers()}, more with dynamic batching ({@link ModelCalls#threads}). */
    private final int workers;
    private final AtomicInteger uploads = new AtomicInteger();
    private final AtomicInteger predictions = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    Capacity(ServerOptions options) {
        this.options = options;
        this.workers = ModelCalls.threads(options);
    }

    /** Takes an upload slot; false (nothing taken) when all are in use. */
    boolean startUpload() {
        return take(uploads, options.uploads());
    }

    void endUpload() {
        uploads.decrementAndGet();
    }

    /** Takes a worker-or-queue slot for a received request; false (nothing taken) when all are in use. */
    boolean startPrediction() {
        return take(predictions, workers + options.queue());
    }

    void endPrediction() {
        predictions.decrementAndGet();
    }

    /** Whether no prediction could be queued right now. */
    boolean predictionsFull() {
        return predictions.get() >= workers + options.queue();
    }

    /** From now on, new requests are refused. */
    void drain() {
        draining.set(true);
    }

    boolean draining() {
        return draining.get();
    }

    /** Nothing being received or predicted. */
    boolean idle() {
        return uploads.get() == 0 && predictions.get() == 0;
    }

    /** Requests received or being received and not yet answered. */
    int inFlight() {
        return uploads.get() + predictions.get();
    }

    /** Received requests waiting for a worker. */
    int queued() {
        return Math.max(0, predictions.get() - workers);
    }

    /** Whether a new prediction request would be accepted now. */
    boolean ready() {
        return !draining.get() && uploads.get() < options.uploads() && !predictionsFull();
    }

    /** {@code GET /v1/health}: readiness and the numbers behind it. */
    Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", draining.get() ? "draining" : ready() ? "ok" : "busy");
        health.put("ready", ready());
        int running = predictions.get();
        health.put("predicting", Math.min(running, workers));
        health.put("queued", queued());
        health.put("queue", options.queue());
        health.put("workers", workers);
        health.put("uploads", uploads.get());
        health.put("max_uploads", options.uploads());
        return health;
    }

    private static boolean take(AtomicInteger counter, int limit) {
        if (counter.incrementAndGet() > limit) {
            counter.decrementAndGet();
            return false;
        }
        return true;
    }
}
