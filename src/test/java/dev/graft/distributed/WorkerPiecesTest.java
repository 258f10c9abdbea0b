package dev.graft.distributed;

import dev.graft.config.Augmentation;
import dev.graft.config.YamlFiles;
import dev.graft.data.AugmentOp;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.MetricsSummary;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The small parts that travel to workers: batch splitting, training counts, the shipped augmentation. */
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

    @Test
    void augmentationTravelsAsYamlUnchanged() {
        List<Augmentation> augment = List.of(AugmentOp.RandomResizedCrop.defaults(), new AugmentOp.HFlip(0.3),
                new AugmentOp.Rotate(12));
        String yaml = YamlFiles.toYaml(Map.of("augment", augment));
        assertEquals(augment, ExecutorBatches.augment(yaml));
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
