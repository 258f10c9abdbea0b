package dev.graft.data;

import dev.graft.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Decoding from sample descriptions (as Spark executors do) gives exactly the local iterator's batches. */
class BatchDecoderTest {
    @TempDir
    Path dir;

    @Test
    void samplesDecodeToTheIteratorsBatchesInEveryEpoch() throws Exception {
        TestImages.classFolders(dir.resolve("train"), 20, 6, 5);
        TestImages.classFolders(dir.resolve("val"), 20, 2, 2);
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n"
                + "  augment: [random_resized_crop, hflip, {rotate: 20}, {color_jitter: {brightness: 0.3}}]\n"
                + "  workers: 2\n");
        try (DataPipeline pipeline = DataPipeline.open(data, 5, 16, Normalization.IMAGENET)) {
            BatchDecoder decoder = BatchDecoder.train(pipeline);
            for (int epoch = 0; epoch < 2; epoch++) {
                ImageBatchIterator it = pipeline.train(4);
                it.setEpoch(epoch);
                List<SampleSpec> samples = roundTrip(SampleSpec.trainEpoch(pipeline, 5, epoch));
                assertEquals(11, samples.size());
                int batch = 0;
                while (it.hasNext()) {
                    DataSet expected = it.next();
                    DataSet actual = decoder.decode(samples.subList(4 * batch, Math.min(11, 4 * batch + 4)));
                    assertArrayEquals(expected.getFeatures().data().asFloat(), actual.getFeatures().data().asFloat(),
                            "epoch " + epoch + " batch " + batch);
                    assertArrayEquals(expected.getLabels().data().asFloat(), actual.getLabels().data().asFloat());
                    batch++;
                }
                assertEquals(3, batch);
            }
        }
    }

    /** Six 20 px training images in two classes, no augmentation. */
    private DataPipeline small() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 20, 3, 3);
        TestImages.classFolders(dir.resolve("val"), 20, 1, 1);
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n");
        return DataPipeline.open(data, 5, 16, Normalization.IMAGENET);
    }

    @Test
    void undecodableFilesAreLeftOut() throws IOException {
        try (DataPipeline pipeline = small()) {
            List<SampleSpec> samples = SampleSpec.trainEpoch(pipeline, 5, 0);
            Files.write(Path.of(samples.get(1).path()), new byte[] {1, 2, 3}); // broken after the scan
            BatchDecoder decoder = BatchDecoder.train(pipeline);
            assertEquals(2, decoder.decode(samples.subList(0, 3)).numExamples());
            assertNull(decoder.decode(samples.subList(1, 2)));
        }
    }

    @Test
    void aBugInAnAugmentationOpIsNotTakenForABadFile() throws IOException {
        try (DataPipeline pipeline = small()) {
            List<SampleSpec> samples = SampleSpec.trainEpoch(pipeline, 5, 0);
            IllegalStateException bug = new IllegalStateException("bug in an op");
            BatchDecoder buggy = new BatchDecoder(pipeline.trainTransform().then((src, rng) -> {
                throw bug;
            }), 2);
            assertSame(bug, assertThrows(IllegalStateException.class, () -> buggy.decode(samples.subList(0, 3))));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SampleSpec> roundTrip(List<SampleSpec> samples) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.ArrayList<>(samples));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (List<SampleSpec>) in.readObject();
        }
    }
}
