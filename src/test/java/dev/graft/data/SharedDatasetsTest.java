package dev.graft.data;

import dev.graft.config.DataConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Integration with the real datasets in {@code ../shared/datasets}; skipped when that folder is absent. */
class SharedDatasetsTest {
    static final Path DATASETS = Path.of("..", "shared", "datasets").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireSharedData() {
        assumeTrue(Files.isDirectory(DATASETS), "skipped: " + DATASETS + " is absent");
    }

    @Test
    void hymenopteraHas397ReadableImagesAndOneUnreadable() throws IOException {
        Path hy = DATASETS.resolve("hymenoptera");
        DataConfig data = TestImages.data(dir, "  train: " + hy.resolve("train") + "\n  val: " + hy.resolve("val")
                + "\n  image_size: 64\n  augment: [random_resized_crop, hflip]\n");
        try (DataPipeline p = DataPipeline.open(data, 42, 64, Normalization.IMAGENET)) {
            ImageDataset ds = p.dataset();
            assertEquals(List.of("ants", "bees"), ds.classes());
            assertEquals(397, ds.entries(Split.TRAIN).size() + ds.entries(Split.VAL).size());
            assertArrayEquals(new int[] {123, 121}, ds.counts(Split.TRAIN));
            assertArrayEquals(new int[] {70, 83}, ds.counts(Split.VAL));
            assertEquals(1, ds.skipped().size());
            assertTrue(ds.skipped().get(0).path().endsWith("imageNotFound.gif"));
            DataSet batch = p.train(16).next();
            assertArrayEquals(new long[] {16, 3, 64, 64}, batch.getFeatures().shape());
        }
    }

    @Test
    void ham10000SampleLoadsThroughItsCsv() throws IOException {
        Path ham = DATASETS.resolve("ham10000_sample");
        DataConfig data = TestImages.data(dir, "  csv: {file: " + ham.resolve("HAM10000_metadata_sample.csv")
                + ", images: " + ham.resolve("all") + ", image_column: image_id, label_column: dx}\n"
                + "  split: {val: 0.2}\n  image_size: 64\n  class_weights: auto\n  sampler: balanced\n");
        try (DataPipeline p = DataPipeline.open(data, 42, 64, Normalization.IMAGENET)) {
            ImageDataset ds = p.dataset();
            assertEquals(List.of("akiec", "bcc", "bkl", "df", "mel", "nv", "vasc"), ds.classes());
            assertEquals(70, ds.entries(Split.TRAIN).size() + ds.entries(Split.VAL).size());
            assertTrue(ds.skipped().isEmpty(), ds.skipped().toString());
            assertEquals(7, p.classWeights().length);
            DataSet batch = p.eval(Split.VAL, 8).next();
            assertArrayEquals(new long[] {8, 3, 64, 64}, batch.getFeatures().shape());
        }
    }
}
