package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.config.TrainConfig;
import dev.graft.data.BatchTargets;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageEntry;
import dev.graft.data.SampleRef;
import dev.graft.data.Split;
import dev.graft.data.TargetScaling;
import dev.graft.model.InferenceGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frozen front of a model with frozen leading stages, run as an inference graph, and (with
 * {@code train.cache_features}) its stored output. While the leading stages stay frozen their output for an
 * image cannot change, so the model is split at that {@code boundary} into a frozen front, folded for inference
 * ({@link InferenceGraph}: no BatchNorm passes, no stored activations), and a trainable {@link TailModel}; the
 * tail is what trains. Without the cache every batch runs through the front ("streaming"). With it, epochs
 * 1..K ({@code cache_views}) store the front's output per image (one view per epoch: the augmentation of that
 * epoch); later epochs replay the stored views in the same order and batches the image pipeline would give,
 * so they decode and compute nothing in the frozen part. Validation features are stored in epoch 1. Same
 * results as training the whole graph for the same inputs, to float rounding.
 */
final class FeatureCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
    /** {@code auto} caches when the cache stays under this size on disk. */
    static final long AUTO_BUDGET_BYTES = 4L << 30;

    private final String boundary;
    private final int views;
    private final int batchSize;
    private final DataPipeline data;
    private final FeatureStore train;
    private final FeatureStore val;
    private final long[] shape;
    private final ComputationGraph front;
    /** A regression target's standardisation, for replayed batches' labels (identity for other heads). */
    private final TargetScaling scaling;
    private TailModel tail;

    /** {@code folder} null: streaming, nothing stored. */
    private FeatureCache(ComputationGraph model, String boundary, long[] shape, int views, int batchSize,
                         DataPipeline data, Path folder) {
        this.front = InferenceGraph.fold(TailModel.front(model, boundary));
        this.boundary = boundary;
        this.shape = shape;
        this.views = views;
        this.batchSize = batchSize;
        this.data = data;
        this.scaling = data.targetScaling();
        int floats = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        this.train = folder == null ? null
                : new FeatureStore(folder, "train", views, data.dataset().entries(Split.TRAIN).size(), floats);
        this.val = folder == null ? null
                : new FeatureStore(folder, "val", 1, data.dataset().entries(Split.VAL).size(), floats);
    }

    /**
     * The split for this run, or null when the whole model trains: nothing frozen, stages unfreezing later (the
     * frozen part would change), or workers training the whole model. It stores features unless the cache is
     * off: {@code false}, a resumed run ({@code resumed}: the records of earlier epochs are gone), {@code data.mix}
     * (mixed images differ every epoch), or ({@code auto}) a cache larger than {@link #AUTO_BUDGET_BYTES} or one
     * that would replay one augmented view.
     */
    static FeatureCache plan(ExperimentConfig config, ComputationGraph model, DataPipeline data, Path folder,
                             boolean resumed) {
        String boundary = boundary(config, model);
        if (boundary == null) {
            return null;
        }
        TrainConfig t = config.train();
        INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, 3, config.imageSize(), config.imageSize());
        long[] full = model.feedForward(probe, false).get(boundary).shape();
        long[] shape = Arrays.copyOfRange(full, 1, full.length);
        long floats = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int images = data.dataset().entries(Split.TRAIN).size() + data.dataset().entries(Split.VAL).size();
        long bytes = FeatureStore.bytes(t.cacheViews(), images, floats);
        String off = null;
        if (t.cacheFeatures() == TrainConfig.CacheMode.FALSE) {
            off = "train.cache_features: false";
        } else if (resumed) {
            off = "a resumed run does not have the earlier epochs' records";
        } else if (config.data().mix().enabled()) {
            off = "data.mix mixes the images of every batch anew each epoch";
        } else if (t.cacheFeatures() == TrainConfig.CacheMode.AUTO && !config.data().augment().isEmpty()
                && t.cacheViews() == 1) {
            off = "auto, with augmentation and cache_views 1 every epoch would replay the first epoch's views; set "
                    + "train.cache_features: true and cache_views: K to cache K views";
        } else if (t.cacheFeatures() == TrainConfig.CacheMode.AUTO && bytes > AUTO_BUDGET_BYTES) {
            off = "auto, it would need " + (bytes >> 20) + " MiB on disk";
        }
        if (off != null) {
            LOG.info("frozen stages run as a folded inference graph up to {}; feature cache off ({})", boundary, off);
            return new FeatureCache(model, boundary, shape, 1, t.batchSize(), data, null);
        }
        LOG.info("feature cache on: {} output {} per image, {} view(s), {} MiB in {}", boundary,
                Arrays.toString(shape), t.cacheViews(), bytes >> 20, folder);
        return new FeatureCache(model, boundary, shape, t.cacheViews(), t.batchSize(), data, folder);
    }

    /**
     * Where {@code model} splits into a frozen front and a trainable tail (the end of its last frozen stage, or
     * the pooled features when every stage is frozen); null when it trains whole: nothing frozen, stages
     * unfreezing during the run, or workers (ParallelWrapper, Spark) training the whole model on images.
     */
    static String boundary(ExperimentConfig config, ComputationGraph model) {
        FreezePlan plan = new FreezePlan(config);
        List<String> frozen = plan.frozenIn(model);
        if (EpochFitter.distributed(config) || frozen.isEmpty()) {
            return null;
        }
        if (!config.train().unfreeze().isEmpty()) {
            LOG.info("frozen stages train as part of the whole model: train.unfreeze changes them during the run");
            return null;
        }
        return plan.stages().splitAfter(frozen);
    }

    /** The tail model to train, synchronised from {@code full}. */
    TailModel tail(ComputationGraph full) {
        if (tail == null) {
            tail = TailModel.of(full, boundary);
        } else {
            tail.pullFrom(full);
        }
        return tail;
    }

    /** True when epoch {@code epoch} needs the image pipeline (it streams or records a view). */
    boolean needsImages(int epoch) {
        return train == null || !(epoch > views && complete());
    }

    private boolean complete() {
        for (int v = 0; v < views; v++) {
            if (!train.complete(v)) {
                return false;
            }
        }
        return val.complete(0);
    }

    /** Epoch {@code epoch}'s training batches as boundary features: recorded from {@code images}, or replayed. */
    DataSetIterator trainBatches(int epoch, DataSetIterator images) {
        int view = (epoch - 1) % views;
        if (needsImages(epoch)) {
            return new Recording(images, train, view);
        }
        int[] order = data.trainOrder().order(epoch - 1);
        List<Integer> present = new ArrayList<>();
        for (int index : order) {
            if (train.has(view, index)) {
                present.add(index);
            }
        }
        return replay(train, view, present, data.dataset().entries(Split.TRAIN), Split.TRAIN);
    }

    /** Validation batches as boundary features: recorded from {@code images} the first time, then replayed. */
    DataSetIterator valBatches(DataSetIterator images) {
        if (val == null || !val.complete(0)) {
            return new Recording(images, val, 0);
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < data.dataset().entries(Split.VAL).size(); i++) {
            if (val.has(0, i)) {
                all.add(i);
            }
        }
        return replay(val, 0, all, data.dataset().entries(Split.VAL), Split.VAL);
    }

    private DataSetIterator replay(FeatureStore store, int view, List<Integer> indices, List<ImageEntry> entries,
                                   Split split) {
        List<DataSet> batches = new ArrayList<>();
        int outputs = data.classes().size();
        int floats = store.recordFloats();
        for (int start = 0; start < indices.size(); start += batchSize) {
            List<Integer> chunk = indices.subList(start, Math.min(indices.size(), start + batchSize));
            float[] x = new float[chunk.size() * floats];
            List<ImageEntry> batch = new ArrayList<>();
            List<SampleRef> meta = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                int index = chunk.get(i);
                store.get(view, index, x, i * floats);
                batch.add(entries.get(index));
                meta.add(new SampleRef(split, index, entries.get(index).path().toString()));
            }
            BatchTargets y = BatchTargets.of(batch, data.dataset().problem(), outputs, scaling);
            DataSet ds = new DataSet(Nd4j.create(x, batchShape(chunk.size()), 'c'), y.labels(), null, y.mask());
            ds.setExampleMetaData(meta);
            batches.add(ds);
        }
        return new BatchList(batches);
    }

    private long[] batchShape(int n) {
        long[] s = new long[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** Image batches turned into front features on the way, each image's features stored (if storing). */
    private final class Recording extends BatchList {
        private final DataSetIterator images;
        private final FeatureStore store;
        private final int view;

        Recording(DataSetIterator images, FeatureStore store, int view) {
            super(List.of());
            this.images = images;
            this.store = store;
            this.view = view;
        }

        @Override
        public boolean hasNext() {
            return images.hasNext();
        }

        @Override
        public DataSet next() {
            DataSet batch = images.next();
            INDArray features = front.outputSingle(false, batch.getFeatures());
            List<? extends Serializable> meta = batch.getExampleMetaData();
            if (store != null) {
                INDArray flat = features.reshape(features.size(0), store.recordFloats()).castTo(DataType.FLOAT);
                for (int i = 0; i < meta.size(); i++) {
                    store.put(view, ((SampleRef) meta.get(i)).index(), flat.getRow(i).toFloatVector());
                }
            }
            DataSet out = new DataSet(features, batch.getLabels(), null, batch.getLabelsMaskArray());
            out.setExampleMetaData(meta);
            return out;
        }

        @Override
        public void reset() {
            images.reset();
        }
    }

    @Override
    public void close() {
        if (train != null) {
            train.close();
            val.close();
        }
    }
}
