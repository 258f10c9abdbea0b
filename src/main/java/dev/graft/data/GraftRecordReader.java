package dev.graft.data;

import dev.graft.config.HeadConfig.Problem;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.DoubleWritable;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * One split of a Graft dataset (any layout: class folders, root + split, CSV; any head: single-label, multi-label,
 * regression) as a DataVec {@link org.datavec.api.records.reader.RecordReader}. Each record is
 *
 * <ol start="0">
 *   <li>the image: an {@link NDArrayWritable} {@code [1, 3, size, size]} float (RGB planes), decoded, augmented
 *       and normalised exactly as {@link ImageBatchIterator} does it (same decoder, transform, per-sample seed);</li>
 *   <li>the label(s): single-label, an {@link IntWritable} class index; multi-label, one {@link DoubleWritable}
 *       per label (1, 0, or NaN for an unknown/uncertain cell the config ignores); regression, one
 *       {@link DoubleWritable} holding the target standardised with the training split's mean/std.</li>
 * </ol>
 *
 * <p>Build one from a {@link DataPipeline} with {@link #train} or {@link #eval}, and batch it with DL4J's
 * {@link RecordReaderDataSetIterator} ({@link #dataSetIterator(int)} sets the label columns for the head): the
 * batches equal {@code data.train(batchSize)}'s for the same seed and epoch.
 *
 * <p>Epochs: records follow the pipeline's sample order of the current epoch. {@link #reset()} after the last
 * record starts the next epoch (new order, new augmentations); a reset before that replays the current epoch
 * (DL4J's {@code RecordReaderDataSetIterator} reads one record and resets when it starts). Images decode on the
 * pipeline's worker threads, {@code data.prefetch x 32} records ahead; a file that fails to decode is skipped with
 * one warning, as in the pipeline's own iterator. Not thread-safe: one consumer at a time. Not meant to be
 * shipped to a cluster (its pipeline stays on the driver); Spark ships {@link SampleSpec}s instead.
 */
public final class GraftRecordReader extends BaseRecordReader {
    @Serial
    private static final long serialVersionUID = 1L;
    /** Records decoded ahead per {@code data.prefetch} (a typical batch). */
    private static final int LOOKAHEAD_PER_PREFETCH = 32;

    private final transient DataPipeline pipeline;
    private final Split split;
    private final transient List<ImageEntry> entries;
    private final transient SampleTransform transform;
    private final transient SampleQueue samples;
    private final TargetScaling scaling;
    private Configuration conf;

    private GraftRecordReader(DataPipeline pipeline, Split split, SampleTransform transform, SampleOrder order,
                              long augmentSeed, int epoch) {
        pipeline.requireImages(split);
        this.pipeline = pipeline;
        this.split = split;
        this.entries = pipeline.dataset().entries(split);
        this.transform = transform;
        this.samples = new SampleQueue(pipeline, split, transform, order, augmentSeed,
                Math.max(1, pipeline.prefetch()) * LOOKAHEAD_PER_PREFETCH, epoch);
        this.scaling = pipeline.targetScaling();
    }

    /**
     * The training split from epoch {@code epoch} (0-based) on: the pipeline's sampler order and seeded
     * augmentation, the records {@code data.train(batchSize)} batches in that epoch.
     */
    public static GraftRecordReader train(DataPipeline data, int epoch) {
        return new GraftRecordReader(data, Split.TRAIN, data.trainTransform(), data.trainOrder(), data.augmentSeed(),
                epoch);
    }

    /**
     * {@code split} with the evaluation transform (resize, centre crop), in dataset order, as {@code data.eval}.
     *
     * @throws dev.graft.GraftException when the split has no images
     */
    public static GraftRecordReader eval(DataPipeline data, Split split) {
        return new GraftRecordReader(data, split, data.evalTransform(),
                SampleOrder.sequential(data.dataset().entries(split).size()), 0, 0);
    }

    /**
     * DL4J's {@link RecordReaderDataSetIterator} over this reader with the label columns of the head: one-hot
     * classes for single-label; for multi-label and regression the target columns as regression outputs, with
     * {@link UnknownTargetMask} as its preprocessor (an unknown label becomes 0 with a labels-mask 0, as in
     * Graft's own batches). Replacing that preprocessor leaves NaN in the labels.
     */
    public RecordReaderDataSetIterator dataSetIterator(int batchSize) {
        int outputs = pipeline.classes().size();
        if (problem() == Problem.SINGLE_LABEL) {
            return new RecordReaderDataSetIterator(this, batchSize, 1, outputs);
        }
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(this, batchSize, 1, outputs, true);
        it.setPreProcessor(new UnknownTargetMask());
        return it;
    }

    /** The head's problem, which decides the label columns. */
    public Problem problem() {
        return pipeline.dataset().problem();
    }

    /** The epoch the next record belongs to (0-based). */
    public int epoch() {
        return samples.epoch();
    }

    /** Starts epoch {@code epoch} from its first record. */
    public void setEpoch(int epoch) {
        samples.setEpoch(epoch);
    }

    /** Records per epoch (with the balanced sampler: more than the split holds). */
    public int epochSize() {
        return samples.epochSize();
    }

    @Override
    public boolean hasNext() {
        return samples.hasNext();
    }

    @Override
    public List<Writable> next() {
        return nextRecord().getRecord();
    }

    @Override
    public Record nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch() + " of " + split + " is exhausted; call reset()");
        }
        int position = samples.position();
        int index = samples.nextIndex();
        float[] image = samples.take();
        Sample meta = new Sample(new SampleRef(split, index, entries.get(index).path().toString()),
                samples.seedOf(position));
        return new org.datavec.api.records.impl.Record(writables(entries.get(index), image), meta);
    }

    /** The image and label writables of one decoded sample. */
    private List<Writable> writables(ImageEntry entry, float[] image) {
        int size = transform.size();
        List<Writable> out = new ArrayList<>(2);
        out.add(new NDArrayWritable(Nd4j.create(image, new long[] {1, 3, size, size}, 'c')));
        float[] target = BatchTargets.lossTarget(entry, scaling);
        if (target == null) {
            out.add(new IntWritable(entry.label()));
        } else {
            for (float t : target) {
                out.add(new DoubleWritable(t));
            }
        }
        return out;
    }

    /** Decodes the record {@code meta} names again, with its own augmentation seed. */
    @Override
    public Record loadFromMetaData(RecordMetaData meta) throws IOException {
        if (!(meta instanceof Sample sample) || sample.ref().split() != split) {
            throw new IllegalArgumentException("not a record of this reader's " + split + " split: " + meta);
        }
        ImageEntry entry = entries.get(sample.ref().index());
        float[] image = transform.tensor(entry, new Random(sample.seed()));
        return new org.datavec.api.records.impl.Record(writables(entry, image), sample);
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> metas) throws IOException {
        List<Record> out = new ArrayList<>(metas.size());
        for (RecordMetaData m : metas) {
            out.add(loadFromMetaData(m));
        }
        return out;
    }

    /** The class names (single-label) or the outputs' names (multi-label labels, regression target column). */
    @Override
    public List<String> getLabels() {
        return pipeline.classes();
    }

    /** After the last record: the next epoch; before it: the current epoch again from its start. */
    @Override
    public void reset() {
        if (samples.exhausted()) {
            samples.setEpoch(samples.epoch() + 1);
        } else {
            samples.restart();
        }
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** Cancels the images decoded ahead. */
    @Override
    public void close() {
        samples.restart();
    }

    /** Unsupported: the reader's images come from the pipeline's scan of the config's layout, not a split. */
    @Override
    public void initialize(InputSplit split) {
        throw new UnsupportedOperationException("GraftRecordReader reads the dataset its DataPipeline scanned;"
                + " build it with GraftRecordReader.train or .eval instead of initialize");
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) {
        initialize(split);
    }

    /** Unsupported: a record needs the scan's facts about its file (format, size) and a seed. */
    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("GraftRecordReader decodes only the files of its dataset");
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }

    /**
     * Which sample a record is and the seed of its augmentation: enough to decode it again
     * ({@link #loadFromMetaData(RecordMetaData)}).
     */
    public record Sample(SampleRef ref, long seed) implements RecordMetaData {
        @Override
        public String getLocation() {
            return ref.path();
        }

        @Override
        public URI getURI() {
            return Path.of(ref.path()).toUri();
        }

        @Override
        public Class<?> getReaderClass() {
            return GraftRecordReader.class;
        }
    }
}
