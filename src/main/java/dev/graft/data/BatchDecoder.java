package dev.graft.data;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Decodes {@link SampleSpec}s into a training batch away from a {@link DataPipeline} (on a Spark executor), with
 * the pipeline's own training transform: the same decoder, geometry, augmentation and normalisation, and each
 * sample's own seed, so a batch equals the one {@link ImageBatchIterator} builds from the same samples.
 * Stateless apart from the transform; safe to share between threads.
 */
public final class BatchDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(BatchDecoder.class);

    private final SampleTransform transform;
    private final int classes;

    BatchDecoder(SampleTransform transform, int classes) {
        this.transform = transform;
        this.classes = classes;
    }

    /** The training transform {@code spec} describes, for samples of a dataset with {@code classes} outputs. */
    public static BatchDecoder train(TransformSpec spec, int classes) {
        return new BatchDecoder(spec.trainTransform(), classes);
    }

    /** The training transform of {@code pipeline}, for samples of its dataset. */
    public static BatchDecoder train(DataPipeline pipeline) {
        return train(pipeline.trainTransformSpec(), pipeline.classes().size());
    }

    /**
     * Features {@code [n, 3, size, size]} and the labels of {@link BatchTargets} (one-hot {@code [n, classes]}, or
     * the samples' targets and their mask), in the samples' order. A file
     * that cannot be decoded is left out with a warning; null when none of the samples could be decoded.
     */
    public DataSet decode(List<SampleSpec> samples) {
        int size = transform.size();
        int chw = 3 * size * size;
        List<float[]> features = new ArrayList<>(samples.size());
        List<SampleSpec> decoded = new ArrayList<>(samples.size());
        for (SampleSpec sample : samples) {
            try {
                features.add(transform.tensor(sample.entry(), new Random(sample.seed())));
                decoded.add(sample);
            } catch (IOException e) {
                // Only an unreadable file is skipped; an exception from the ops is a bug and stops the run.
                LOG.warn("skipping {}: failed to decode while loading: {}", sample.path(), e.getMessage());
            }
        }
        int n = features.size();
        if (n == 0) {
            return null;
        }
        float[] x = new float[n * chw];
        for (int i = 0; i < n; i++) {
            System.arraycopy(features.get(i), 0, x, i * chw, chw);
        }
        BatchTargets y = decoded.get(0).target() == null
                ? BatchTargets.oneHot(decoded.stream().mapToInt(SampleSpec::label).toArray(), classes)
                : BatchTargets.targets(decoded.stream().map(SampleSpec::target).toList(), classes);
        return new DataSet(Nd4j.create(x, new long[] {n, 3, size, size}, 'c'), y.labels(), null, y.mask());
    }
}
