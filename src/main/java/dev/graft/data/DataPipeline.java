package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.Threads;
import dev.graft.config.ClassWeights;
import dev.graft.config.DataConfig;
import dev.graft.config.HeadConfig;
import dev.graft.config.PosWeight;
import dev.graft.config.Seeds;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The data layer's entry point: a scanned {@link ImageDataset} plus everything needed to turn it into
 * batches. The train layer asks it for iterators, class names and loss weights:
 *
 * <pre>{@code
 * try (DataPipeline data = DataPipeline.open(config.data(), config.seed(), config.imageSize(), backboneNorm)) {
 *     ImageBatchIterator train = data.train(batchSize);      // augmented, shuffled or balanced, per epoch
 *     ImageBatchIterator val = data.eval(Split.VAL, batchSize); // evaluation transform, fixed order
 *     float[] weights = data.classWeights();                   // null unless data.class_weights is set
 * }
 * }</pre>
 *
 * Seeds: split {@code Seeds.derive(seed, "split")}, epoch order {@code "shuffle"} (or {@code "sampler"} for the
 * balanced sampler), augmentation {@code "augment"}, batch mixing {@code "mix"}. Decoding runs on
 * {@code data.workers} threads (0: one per core) shared by all iterators of this pipeline; they stop after 30 s
 * idle or on {@link #close()}. The same samples, transforms and seeds as DataVec records, for DL4J code of your
 * own: {@link GraftRecordReader}.
 */
public final class DataPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPipeline.class);

    private final ImageDataset dataset;
    private final DataConfig config;
    private final long seed;
    private final int imageSize;
    private final Normalization normalization;
    private final int workerCount;
    private final ThreadPoolExecutor workers;
    private final Map<String, SkippedFile> loadFailures = new ConcurrentHashMap<>();
    /** Built once: {@link #load} recognises it to serve evaluation tensors from {@link #evalTensors}. */
    private final SampleTransform evalTransform;
    private final EvalTensorCache evalTensors = new EvalTensorCache(EvalTensorCache.DEFAULT_BUDGET_BYTES);

    /** Scans {@code data} (see {@link ImageDataset#scan}) and builds the pipeline. */
    public static DataPipeline open(DataConfig data, long seed, int imageSize, Normalization normalization) {
        return open(data, HeadConfig.Problem.SINGLE_LABEL, seed, imageSize, normalization);
    }

    /** Scans {@code data} for a {@code problem} head (see {@link ImageDataset#scan(DataConfig, HeadConfig.Problem,
     * long)}) and builds the pipeline. */
    public static DataPipeline open(DataConfig data, HeadConfig.Problem problem, long seed, int imageSize,
                                    Normalization normalization) {
        return new DataPipeline(ImageDataset.scan(data, problem, seed), data, seed, imageSize, normalization);
    }

    /**
     * @param imageSize     the network input size (the backbone's default unless {@code data.image_size} is set)
     * @param normalization the backbone's mean/std
     * @throws dev.graft.config.ConfigException when explicit class weights do not match the classes
     */
    public DataPipeline(ImageDataset dataset, DataConfig config, long seed, int imageSize,
                        Normalization normalization) {
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be >= 1 (was " + imageSize + ")");
        }
        this.dataset = dataset;
        this.config = config;
        this.seed = seed;
        this.imageSize = imageSize;
        this.normalization = normalization;
        this.workerCount = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        this.workers = new ThreadPoolExecutor(workerCount, workerCount, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Threads.daemons("graft-data"));
        this.workers.allowCoreThreadTimeOut(true);
        this.evalTransform = SampleTransform.eval(imageSize, config.cropRatio(), normalization);
        classWeights(); // fail early on a class-weight count mismatch
    }

    /** The scanned dataset: classes, per-split images, skipped files. */
    public ImageDataset dataset() {
        return dataset;
    }

    /** Class names in label order (the order the model's outputs follow). */
    public List<String> classes() {
        return dataset.classes();
    }

    /** Side of the square network input, in pixels. */
    public int imageSize() {
        return imageSize;
    }

    /** The mean/std applied to every tensor. */
    public Normalization normalization() {
        return normalization;
    }

    /** Decode threads in use. */
    public int workers() {
        return workerCount;
    }

    /** Loss weights per class in label order, or null when {@code data.class_weights} is {@code none}. */
    public float[] classWeights() {
        return ClassBalance.weights(config.classWeights(), dataset.counts(Split.TRAIN), dataset.classes());
    }

    /**
     * A multi-label head's positive weights ({@code head.pos_weight}) in label order, counted on the training
     * split for {@code auto}; null for {@code none}. See {@link ClassBalance#positiveWeights}.
     */
    public float[] positiveWeights(PosWeight posWeight) {
        return ClassBalance.positiveWeights(posWeight,
                dataset.entries(Split.TRAIN).stream().map(ImageEntry::target).toList(), dataset.classes());
    }

    /**
     * A regression head's target standardisation, from the training split's targets; {@link
     * TargetScaling#IDENTITY} for other heads.
     */
    public TargetScaling targetScaling() {
        if (dataset.problem() != HeadConfig.Problem.REGRESSION) {
            return TargetScaling.IDENTITY;
        }
        return TargetScaling.of(dataset.entries(Split.TRAIN).stream().map(e -> e.target()[0]).toList());
    }

    /** The training epochs' sample order ({@code data.sampler}); indices into the train split. */
    public SampleOrder trainOrder() {
        List<ImageEntry> train = dataset.entries(Split.TRAIN);
        if (config.sampler() == DataConfig.Sampler.BALANCED) {
            int[] labels = train.stream().mapToInt(ImageEntry::label).toArray();
            return ClassBalance.balanced(labels, dataset.classes().size(), Seeds.derive(seed, "sampler"));
        }
        return SampleOrder.shuffled(train.size(), Seeds.derive(seed, "shuffle"));
    }

    /**
     * Training batches: the configured augmentation and sampler, a new order and new augmentations per epoch, and
     * with {@code data.mix} Mixup / CutMix of each batch (seed {@code "mix"}).
     */
    public ImageBatchIterator train(int batchSize) {
        return train(batchSize, trainTransform());
    }

    ImageBatchIterator train(int batchSize, SampleTransform transform) {
        ImageBatchIterator batches = new ImageBatchIterator(this, Split.TRAIN, transform, trainOrder(),
                augmentSeed(), batchSize, config.prefetch());
        if (config.mix().enabled()) {
            batches.mixBatches(new BatchMix(config.mix(), Seeds.derive(seed, "mix")));
        }
        return batches;
    }

    /** The root of the training samples' augmentation seeds (each sample's: this, epoch and position). */
    long augmentSeed() {
        return Seeds.derive(seed, "augment");
    }

    /**
     * Evaluation batches of {@code split}: resize + centre crop, no augmentation, dataset order.
     *
     * @throws GraftException when the split has no images
     */
    public ImageBatchIterator eval(Split split, int batchSize) {
        requireImages(split);
        SampleOrder order = SampleOrder.sequential(dataset.entries(split).size());
        return new ImageBatchIterator(this, split, evalTransform(), order, 0, batchSize, config.prefetch());
    }

    /** Throws a {@link GraftException} saying how to add images when {@code split} has none. */
    void requireImages(Split split) {
        if (!dataset.has(split)) {
            throw new GraftException("the dataset has no " + split + " images"
                    + (split == Split.TEST ? " (set data.test, or data.split.test for root/csv layouts)" : ""));
        }
    }

    /** Whether the dataset has images in {@code split} (a test split is optional). */
    public boolean has(Split split) {
        return dataset.has(split);
    }

    /** Evaluation tensors held in memory (see {@link EvalTensorCache}). */
    int evalTensorsHeld() {
        return evalTensors.size();
    }

    /** Files that passed the scan but failed to decode while loading (normally none). */
    public List<SkippedFile> loadFailures() {
        return new ArrayList<>(loadFailures.values());
    }

    /** Everything this pipeline's report should say. */
    public DataReport report() {
        return DataReport.of(this, config, seed);
    }

    /** What defines the training transform, as serialisable values (for a cluster's executors). */
    public TransformSpec trainTransformSpec() {
        return new TransformSpec(config.augment(), config.cropRatio(), imageSize, normalization);
    }

    /** The training transform: decode, the configured augmentation, geometry and normalisation. */
    SampleTransform trainTransform() {
        return trainTransformSpec().trainTransform();
    }

    /** The evaluation transform: decode, resize the shorter side, centre crop, normalise. */
    SampleTransform evalTransform() {
        return evalTransform;
    }

    /** The decode threads, shared by every iterator and record reader of this pipeline. */
    ExecutorService executor() {
        return workers;
    }

    /** {@code data.prefetch}: batches decoded ahead of the consumer. */
    int prefetch() {
        return config.prefetch();
    }

    ClassWeights classWeightsConfig() {
        return config.classWeights();
    }

    DataConfig.Sampler sampler() {
        return config.sampler();
    }

    /**
     * One sample for a worker thread; null (after one warning) when the file cannot be read or decoded. Any other
     * exception (a bug in an augmentation op, say) propagates and stops the run. Evaluation tensors are decoded
     * once and then served from memory while they fit its budget ({@link EvalTensorCache}).
     */
    float[] load(Split split, ImageEntry entry, SampleTransform transform, Random rng) {
        boolean evaluation = transform == evalTransform;
        float[] cached = evaluation ? evalTensors.get(entry) : null;
        if (cached != null) {
            return cached;
        }
        try {
            float[] tensor = transform.tensor(entry, rng);
            if (evaluation) {
                evalTensors.offer(entry, tensor);
            }
            return tensor;
        } catch (IOException e) {
            recordFailure(split, entry, e);
            return null;
        }
    }

    /**
     * An image as the network sees it before normalisation (8-bit BGR, {@code size x size}): with the training
     * augmentation drawn from {@code previewSeed}, or with the evaluation transform. The caller closes it.
     */
    Mat preview(ImageEntry entry, boolean augmented, long previewSeed) throws IOException {
        SampleTransform transform = augmented ? trainTransform() : evalTransform();
        return transform.pixels(entry, new Random(Seeds.derive(augmentSeed(), "preview " + previewSeed)));
    }

    private void recordFailure(Split split, ImageEntry entry, Exception e) {
        String path = entry.path().toString();
        String reason = "failed to decode while loading: " + e.getMessage();
        if (loadFailures.putIfAbsent(path, new SkippedFile(path, split.id(), dataset.classes().get(entry.label()),
                reason)) == null) {
            LOG.warn("skipping {}: {}", path, reason);
        }
    }

    /** Stops the decode threads; iterators from this pipeline cannot load images afterwards. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
