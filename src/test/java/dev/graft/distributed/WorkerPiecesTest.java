package dev.graft.distributed;

import dev.graft.config.ExperimentConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.Normalization;
import dev.graft.data.SampleSpec;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.MetricsSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The small parts that travel to workers: batch splitting, training counts, the shipped transform. */
class WorkerPiecesTest {
    @Test
    void batchesSplitIntoNearEqualPartsInOrder() {
        DataSet batch = new DataSet(Nd4j.arange(10).reshape(10, 1), Nd4j.arange(10).reshape(10, 1));
        List<DataSet> parts = RoundIterator.split(batch, 3);
        assertEquals(List.of(4, 3, 3), parts.stream().map(DataSet::numExamples).toList());
        assertArrayEquals(new float[] {4, 5, 6}, parts.get(1).getFeatures().data().asFloat());
        assertEquals(2, RoundIterator.split(new DataSet(Nd4j.ones(2, 1), Nd4j.ones(2, 1)), 3).size());
    }

    @Test
    void eachPartKeepsItsRowsOfTheLabelsMask() {
        DataSet batch = new DataSet(Nd4j.arange(5).reshape(5, 1), Nd4j.ones(5, 2), null,
                Nd4j.create(new float[][] {{1, 0}, {1, 1}, {0, 1}, {1, 1}, {1, 0}}));
        List<DataSet> parts = RoundIterator.split(batch, 2);
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1}, parts.get(0).getLabelsMaskArray().data().asFloat());
        assertArrayEquals(new float[] {1, 1, 1, 0}, parts.get(1).getLabelsMaskArray().data().asFloat());
    }

    @Test
    void talliesAddUpAndSurviveSerialisation() throws Exception {
        List<String> classes = List.of("a", "b", "c");
        TrainTally first = new TrainTally(classes);
        first.add(new float[] {0.7f, 0.2f, 0.1f}, 0);
        first.add(new float[] {0.1f, 0.2f, 0.7f}, 1);
        first.addLoss(1.5, 2);
        TrainTally second = copy(new TrainTally(classes));
        second.add(new float[] {0.1f, 0.8f, 0.1f}, 1);
        second.addLoss(0.5, 1);
        first.merge(copy(second));

        ClassificationMetrics metrics = new ClassificationMetrics(classes);
        metrics.add(new float[] {0.2f, 0.1f, 0.7f}, 2);
        metrics.addLoss(1.0, 1);
        copy(first).addTo(metrics);
        MetricsSummary s = metrics.summary();
        assertEquals(4, s.count());
        assertEquals(3.0 / 4, s.top1(), 1e-12);
        assertEquals(3.0 / 4, s.loss(), 1e-12);
        assertEquals(1, s.confusion()[1][2]);
    }

    /**
     * The executors' transform travels as values (Graft op records and a DataVec transform spec) and decodes the
     * same batch as the driver's own pipeline.
     */
    @Test
    void theShippedTransformDecodesThePipelinesBatch(@TempDir Path dir) throws Exception {
        ColourFolders.colourFolders(dir.resolve("colours"), 4, 24, 5);
        ExperimentConfig config = TinyExperiments.config(dir, "ship", 1, "data.augment=[random_resized_crop, hflip,"
                + " {rotate: 10}, {datavec: org.datavec.image.transform.FlipImageTransform, args: [0]}]");
        try (DataPipeline data = DataPipeline.open(config.data(), config.seed(), config.imageSize(),
                Normalization.IMAGENET)) {
            assertEquals(4, data.trainTransformSpec().augment().size());
            DataSet local = data.train(6).next();
            ExecutorBatches shipped = copy(new ExecutorBatches(data, 0));
            List<SampleSpec> samples = SampleSpec.trainEpoch(data, config.seed(), 0).subList(0, 6);
            Iterator<DataSet> remote = shipped.call(List.of(new ArrayList<>(samples)));
            DataSet decoded = remote.next();
            assertArrayEquals(local.getFeatures().data().asFloat(), decoded.getFeatures().data().asFloat());
            assertEquals(local.getLabels(), decoded.getLabels());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
