package dev.graft.data;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

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
    private final int batchSize;
    /** A regression target's standardisation (identity for other heads). */
    private final TargetScaling scaling;
    /** The epoch's samples, decoded ahead on the pipeline's workers. */
    private final transient SampleQueue samples;
    private transient DataSetPreProcessor preProcessor;
    /** {@code data.mix} for training batches; null: batches are not mixed. */
    private transient BatchMix mix;
    /** Batches returned in this epoch (the index {@link #mix} seeds from). */
    private int batchesTaken;
    private boolean consumed;

    ImageBatchIterator(DataPipeline pipeline, Split split, SampleTransform transform, SampleOrder order,
                       long augmentSeed, int batchSize, int prefetchBatches) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 (was " + batchSize + ")");
        }
        this.pipeline = pipeline;
        this.split = split;
        this.entries = pipeline.dataset().entries(split);
        this.transform = transform;
        this.batchSize = batchSize;
        this.scaling = pipeline.targetScaling();
        this.samples = new SampleQueue(pipeline, split, transform, order, augmentSeed,
                Math.max(1, prefetchBatches) * batchSize, 0);
    }

    /** Mixes every batch from now on with {@code batchMix} ({@code data.mix}; the training iterator only). */
    void mixBatches(BatchMix batchMix) {
        this.mix = batchMix;
    }

    /** The epoch the next batch belongs to (0-based). */
    public int epoch() {
        return samples.epoch();
    }

    /** Starts epoch {@code epoch} from its first batch (e.g. when resuming a run). */
    public void setEpoch(int epoch) {
        samples.setEpoch(epoch);
        restartBatches();
    }

    /** Samples per epoch (with the balanced sampler: more than the split holds). */
    public int epochSize() {
        return samples.epochSize();
    }

    /** The split this iterator reads. */
    public Split split() {
        return split;
    }

    @Override
    public boolean hasNext() {
        return samples.hasNext(); // drops failed samples at the head, so hasNext stays truthful
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + samples.epoch() + " of " + split
                    + " is exhausted; call reset()");
        }
        List<float[]> features = new ArrayList<>(num);
        List<SampleRef> refs = new ArrayList<>(num);
        while (features.size() < num && hasNext()) {
            int index = samples.nextIndex();
            float[] sample = samples.take();
            if (sample != null) {
                features.add(sample);
                refs.add(new SampleRef(split, index, entries.get(index).path().toString()));
            }
        }
        consumed = true;
        DataSet batch = assemble(features, refs);
        if (mix != null) {
            mix.apply(batch, samples.epoch(), batchesTaken);
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

    private void restartBatches() {
        batchesTaken = 0;
        consumed = false;
    }

    @Override
    public void reset() {
        if (consumed) {
            samples.setEpoch(samples.epoch() + 1);
            restartBatches();
        }
    }

    /** Cancels the images decoded ahead; the iterator can still be used afterwards. */
    @Override
    public void close() {
        samples.restart();
        restartBatches();
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
