package dev.graft.distributed;

import dev.graft.train.LabelSmoothing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.config.Augmentation;
import dev.graft.config.ConfigErrors;
import dev.graft.config.DataConfig;
import dev.graft.config.RecordBinder;
import dev.graft.config.YamlFiles;
import dev.graft.data.BatchDecoder;
import dev.graft.data.DataPipeline;
import dev.graft.data.Normalization;
import dev.graft.data.SampleSpec;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serial;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Runs on Spark executors: turns one worker's share of a round (its minibatches as {@link SampleSpec} lists) into
 * {@link DataSet}s, decoding lazily with the run's training transform. Ships the transform as text (the
 * {@code data.augment} YAML, crop ratio, input size, mean/std) and rebuilds it once per task.
 */
final class ExecutorBatches implements FlatMapFunction<List<List<SampleSpec>>, DataSet> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String augmentYaml;
    private final double cropRatio;
    private final int imageSize;
    private final float[] mean;
    private final float[] std;
    private final int classes;
    private final double labelSmoothing;
    private transient BatchDecoder decoder;

    ExecutorBatches(DataConfig data, DataPipeline pipeline, double labelSmoothing) {
        this.augmentYaml = YamlFiles.toYaml(Map.of("augment", data.augment()));
        this.cropRatio = data.cropRatio();
        this.imageSize = pipeline.imageSize();
        this.mean = pipeline.normalization().mean();
        this.std = pipeline.normalization().std();
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
            decoder = BatchDecoder.train(augment(augmentYaml), cropRatio, imageSize, new Normalization(mean, std),
                    classes);
        }
        return decoder;
    }

    /** {@code data.augment} back from its YAML, through the config binder (so it means what it meant). */
    @SuppressWarnings("unchecked")
    static List<Augmentation> augment(String yaml) {
        JsonNode node = YamlFiles.parseMapping(yaml, "data.augment").get("augment");
        Type type = Arrays.stream(DataConfig.class.getRecordComponents())
                .filter(c -> c.getName().equals("augment")).map(RecordComponent::getGenericType)
                .findFirst().orElseThrow();
        ConfigErrors errors = new ConfigErrors();
        Object bound = new RecordBinder().bindValue(node, type, List.of(), "data.augment", errors);
        errors.throwIfAny("data.augment from the driver");
        return new ArrayList<>((List<Augmentation>) bound);
    }
}
