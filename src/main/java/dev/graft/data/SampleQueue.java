package dev.graft.data;

import dev.graft.config.Seeds;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One split's samples of an epoch in the {@link SampleOrder}'s order, decoded and transformed on the pipeline's
 * worker threads up to {@code lookahead} samples ahead of the consumer. Sample {@code position} of epoch {@code e}
 * is augmented with the seed derived from (augment seed, {@code e/position}), so the tensors do not depend on
 * the thread count. A sample whose file fails to decode is dropped (the pipeline warns once). One consumer.
 */
final class SampleQueue {
    private final DataPipeline pipeline;
    private final Split split;
    private final List<ImageEntry> entries;
    private final SampleTransform transform;
    private final SampleOrder order;
    private final long augmentSeed;
    private final int lookahead;
    private final ArrayDeque<Future<float[]>> queue = new ArrayDeque<>();
    private int epoch;
    private int[] positions;
    private int submitted;
    private int taken;

    SampleQueue(DataPipeline pipeline, Split split, SampleTransform transform, SampleOrder order, long augmentSeed,
                int lookahead, int epoch) {
        this.pipeline = pipeline;
        this.split = split;
        this.entries = pipeline.dataset().entries(split);
        this.transform = transform;
        this.order = order;
        this.augmentSeed = augmentSeed;
        this.lookahead = lookahead;
        this.epoch = epoch;
    }

    int epoch() {
        return epoch;
    }

    /** Starts epoch {@code epoch} from its first sample, cancelling what was decoded ahead. */
    void setEpoch(int epoch) {
        this.epoch = epoch;
        restart();
    }

    /** Samples in this epoch's order (failed ones included). */
    int epochSize() {
        start();
        return positions.length;
    }

    /** Whether a decodable sample is left in this epoch; drops failed ones at the head. */
    boolean hasNext() {
        start();
        while (taken < positions.length && await(queue.peek()) == null) {
            take();
        }
        return taken < positions.length;
    }

    /** True once every sample of the epoch was taken. */
    boolean exhausted() {
        return positions != null && taken >= positions.length;
    }

    /** Position in the epoch of the next sample (call after {@link #hasNext()}). */
    int position() {
        return taken;
    }

    /** Index into the split's entries of the next sample (call after {@link #hasNext()}). */
    int nextIndex() {
        return positions[taken];
    }

    /** The augmentation seed of {@code position} in the current epoch. */
    long seedOf(int position) {
        return Seeds.derive(augmentSeed, epoch + "/" + position);
    }

    /** The next sample's tensor; null when its file failed to decode. */
    float[] take() {
        Future<float[]> head = queue.poll();
        taken++;
        float[] sample = await(head);
        fill();
        return sample;
    }

    /** Back to the start of the current epoch. */
    void restart() {
        queue.forEach(f -> f.cancel(false));
        queue.clear();
        positions = null;
        submitted = 0;
        taken = 0;
    }

    private void start() {
        if (positions == null) {
            positions = order.order(epoch);
            fill();
        }
    }

    private void fill() {
        while (submitted < positions.length && submitted - taken < lookahead) {
            int position = submitted++;
            ImageEntry entry = entries.get(positions[position]);
            long seed = seedOf(position);
            queue.add(pipeline.executor().submit(() -> pipeline.load(split, entry, transform, new Random(seed))));
        }
    }

    private static float[] await(Future<float[]> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an image", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("image worker failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            return null;
        }
    }
}
