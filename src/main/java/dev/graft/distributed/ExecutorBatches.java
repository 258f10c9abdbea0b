package dev.graft.distributed;

import dev.graft.data.BatchDecoder;
import dev.graft.data.DataPipeline;
import dev.graft.data.SampleSpec;
import dev.graft.data.TransformSpec;
import dev.graft.train.LabelSmoothing;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serial;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs on Spark executors: turns one worker's share of a round (its minibatches as {@link SampleSpec} lists) into
 * {@link DataSet}s, decoding lazily with the run's training transform. Ships the transform as its
 * {@link TransformSpec} (the augmentation step records themselves, crop ratio, input size, mean/std; plain Java
 * serialisation, no config text) and builds it once per task.
 */
final class ExecutorBatches implements FlatMapFunction<List<List<SampleSpec>>, DataSet> {
    @Serial
    private static final long serialVersionUID = 2L;

    private final TransformSpec transform;
    private final int classes;
    private final double labelSmoothing;
    private transient BatchDecoder decoder;

    ExecutorBatches(DataPipeline pipeline, double labelSmoothing) {
        this.transform = pipeline.trainTransformSpec();
        this.classes = pipeline.classes().size();
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public Iterator<DataSet> call(List<List<SampleSpec>> minibatches) {
        BatchDecoder batches = decoder();
        LabelSmoothing smoothing = new LabelSmoothing(labelSmoothing);
        Iterator<List<SampleSpec>> specs = minibatches.iterator();
        return new Iterator<>() {
            private DataSet next;

            @Override
            public boolean hasNext() {
                while (next == null && specs.hasNext()) {
                    next = batches.decode(specs.next()); // null when no image of the minibatch decoded
                }
                return next != null;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                DataSet out = next;
                next = null;
                smoothing.preProcess(out);
                return out;
            }
        };
    }

    private BatchDecoder decoder() {
        if (decoder == null) {
            decoder = BatchDecoder.train(transform, classes);
        }
        return decoder;
    }
}
