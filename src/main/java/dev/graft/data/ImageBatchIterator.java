package dev.graft.data;

import dev.graft.config.Seeds;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A DL4J {@link DataSetIterator} over one split: features {@code [n, 3, size, size]} float (NCHW, RGB,
 * normalised), labels from {@link BatchTargets} (one-hot {@code [n, classes]}, or a multi-label or regression
 * head's targets with their mask), and a {@link SampleRef} per row as example metadata.
 *
 * <p>Prefetch: images are decoded and transformed on the pipeline's worker threads, up to {@code prefetch}
 * batches ahead of the consumer, in a fixed order; so {@link #asyncSupported()} is false (DL4J must not wrap
 * it in a second prefetch thread).
 *
 * <p>Epochs: {@link #reset()} after at least one batch was taken starts the next epoch (a reset before any
 * batch changes nothing, so DL4J's extra resets are harmless); {@link #setEpoch(int)} jumps, e.g. on resume.
 * Sample order comes from the {@link SampleOrder} and each sample's augmentation from a seed derived from
 * (augment seed, epoch, position), so batches are identical for the same seed whatever the thread count.
 *
 * <p>The training iterator may mix each batch with itself ({@link BatchMix}, {@code data.mix}): the labels are then
 * soft rows that sum to 1, and the mix is seeded by (epoch, batch index), so it too is the same whatever the thread
 * count and on resume.
 *
 * <p>A file that fails to decode here (rare: the scan already checked it) is skipped with one warning and
 * the batch is filled from the following samples.
 */
public final class ImageBatchIterator implements DataSetIterator, AutoCloseable {
    private static final long serialVersionUID = 1L;

    private final transient DataPipeline pipeline;
    private final Split split;
    private final transient List<ImageEntry> entries;
    private final transient SampleTransform transform;
    private final transient SampleOrder order;
    private final long augmentSeed;
    private final int batchSize;
    private final int lookahead;
    private final transient ExecutorService workers;
    /** A regression target's standardisation (identity for other heads). */
    private final TargetScaling scaling;
    private final transient ArrayDeque<Future<float[]>> queue = new ArrayDeque<>();
    private transient DataSetPreProcessor preProcessor;
    /** {@code data.mix} for training batches; null: batches are not mixed. */
    private transient BatchMix mix;
    private int epoch;
    private int[] positions;
    private int submitted;
    private int taken;
    /** Batches returned in this epoch (the index {@link #mix} seeds from). */
    private int batchesTaken;
    private boolean consumed;

    ImageBatchIterator(DataPipeline pipeline, Split split, SampleTransform transform, SampleOrder order,
                       long augmentSeed, int batchSize, int prefetchBatches, ExecutorService workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 (was " + batchSize + ")");
        }
        this.pipeline = pipeline;
        this.split = split;
        this.entries = pipeline.dataset().entries(split);
        this.transform = transform;
        this.order = order;
        this.augmentSeed = augmentSeed;
        this.batchSize = batchSize;
        this.lookahead = Math.max(1, prefetchBatches) * batchSize;
        this.workers = workers;
        this.scaling = pipeline.targetScaling();
    }

    /** Mixes every batch from now on with {@code batchMix} ({@code data.mix}; the training iterator only). */
    void mixBatches(BatchMix batchMix) {
        this.mix = batchMix;
    }

    /** The epoch the next batch belongs to (0-based). */
    public int epoch() {
        return epoch;
    }

    /** Starts epoch {@code epoch} from its first batch (e.g. when resuming a run). */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
        restart();
    }

    /** Samples per epoch (with the balanced sampler: more than the split holds). */
    public int epochSize() {
        start();
        return positions.length;
    }

    /** The split this iterator reads. */
    public Split split() {
        return split;
    }

    @Override
    public boolean hasNext() {
        start();
        while (taken < positions.length && await(queue.peek()) == null) {
            take(); // a failed sample at the head: drop it now so hasNext stays truthful
        }
        return taken < positions.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " of " + split + " is exhausted; call reset()");
        }
        List<float[]> features = new ArrayList<>(num);
        List<SampleRef> refs = new ArrayList<>(num);
        while (features.size() < num && hasNext()) {
            int index = positions[taken];
            float[] sample = take();
            if (sample != null) {
                features.add(sample);
                refs.add(new SampleRef(split, index, entries.get(index).path().toString()));
            }
        }
        consumed = true;
        DataSet batch = assemble(features, refs);
        if (mix != null) {
            mix.apply(batch, epoch, batchesTaken);
        }
        batchesTaken++;
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    private DataSet assemble(List<float[]> features, List<SampleRef> refs) {
        int n = features.size();
        int size = transform.size();
        int chw = 3 * size * size;
        float[] x = new float[n * chw];
        for (int i = 0; i < n; i++) {
            System.arraycopy(features.get(i), 0, x, i * chw, chw);
        }
        List<ImageEntry> batch = refs.stream().map(r -> entries.get(r.index())).toList();
        BatchTargets y = BatchTargets.of(batch, pipeline.dataset().problem(), totalOutcomes(), scaling);
        DataSet out = new DataSet(Nd4j.create(x, new long[] {n, 3, size, size}, 'c'), y.labels(), null, y.mask());
        out.setExampleMetaData(refs);
        return out;
    }

    private float[] take() {
        Future<float[]> head = queue.poll();
        taken++;
        float[] sample = await(head);
        fill();
        return sample;
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
            int index = positions[position];
            long seed = Seeds.derive(augmentSeed, epoch + "/" + position);
            queue.add(workers.submit(() -> pipeline.load(split, entries.get(index), transform, new Random(seed))));
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

    private void restart() {
        queue.forEach(f -> f.cancel(false));
        queue.clear();
        positions = null;
        submitted = 0;
        taken = 0;
        batchesTaken = 0;
        consumed = false;
    }

    @Override
    public void reset() {
        if (consumed) {
            epoch++;
            restart();
        }
    }

    /** Cancels the images decoded ahead; the iterator can still be used afterwards. */
    @Override
    public void close() {
        restart();
    }

    @Override
    public int inputColumns() {
        return 3 * transform.size() * transform.size();
    }

    @Override
    public int totalOutcomes() {
        return pipeline.dataset().classes().size();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return pipeline.dataset().classes();
    }
}
