package dev.graft.serve;

import dev.graft.GraftException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic batching: preprocessed images submitted by concurrent requests are grouped into one model call of at
 * most {@code maxBatch} images. One thread runs the calls; it takes the first waiting image, then waits up to
 * {@code maxDelay} for more (0: takes only those already waiting, so a lone request is never delayed and batches
 * form from the requests that arrive while the previous call runs). Each image gets its own outputs back, as if it
 * had run alone.
 */
final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /** Runs the model on {@code n} planar images in one array; answers {@code [n][outputs]}. */
    interface Model {
        float[][] run(float[] batch, int n);
    }

    private record Job(float[] image, CompletableFuture<float[]> outputs) {
    }

    private final Model model;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final IntConsumer batches;
    private final BlockingQueue<Job> waiting = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param batches told the number of images of every model call */
    Batcher(Model model, int maxBatch, Duration maxDelay, IntConsumer batches) {
        if (maxBatch < 2 || maxDelay.isNegative()) {
            throw new IllegalArgumentException("a batcher needs a max batch >= 2 and a delay >= 0");
        }
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.batches = batches;
        this.thread = new Thread(this::loop, "graft-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** The outputs of one preprocessed image, computed in the next model call. */
    CompletableFuture<float[]> submit(float[] image) {
        CompletableFuture<float[]> outputs = new CompletableFuture<>();
        if (closed) {
            outputs.completeExceptionally(new GraftException("the server is shutting down"));
            return outputs;
        }
        waiting.add(new Job(image, outputs));
        return outputs;
    }

    /** Images waiting for a model call. */
    int waiting() {
        return waiting.size();
    }

    private void loop() {
        List<Job> batch = new ArrayList<>(maxBatch);
        try {
            while (!closed) {
                batch.add(waiting.take());
                collect(batch);
                run(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            batch.addAll(waiting);
            batch.forEach(job -> job.outputs.completeExceptionally(new GraftException("the server is shutting "
                    + "down")));
        }
    }

    /** Adds waiting images to {@code batch}, up to the batch size, waiting at most the delay for them. */
    private void collect(List<Job> batch) throws InterruptedException {
        waiting.drainTo(batch, maxBatch - batch.size());
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < maxBatch) {
            long left = deadline - System.nanoTime();
            Job next = left > 0 ? waiting.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            waiting.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void run(List<Job> batch) {
        int n = batch.size();
        int length = batch.get(0).image.length;
        float[] images = new float[n * length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).image, 0, images, i * length, length);
        }
        float[][] outputs;
        try {
            outputs = model.run(images, n);
            batches.accept(n);
        } catch (RuntimeException e) { // answered per request; the batcher goes on
            LOG.debug("model call of {} images failed", n, e);
            batch.forEach(job -> job.outputs.completeExceptionally(e));
            return;
        }
        for (int i = 0; i < n; i++) {
            batch.get(i).outputs.complete(outputs[i]);
        }
    }

    /** Stops the thread; images still waiting fail with "shutting down". */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
