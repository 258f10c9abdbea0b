package dev.graft.data;

import dev.graft.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Iterators end to end: tensors, determinism, epochs, bad files. */
class DataPipelineTest {
    private static final String ALL_OPS = "  augment: [random_resized_crop, hflip, vflip, {rotate: 20},"
            + " {color_jitter: {brightness: 0.3, contrast: 0.3, saturation: 0.3}}, {random_crop: 2},"
            + " {grayscale: 0.3}, {gaussian_blur: {sigma: [0.5, 1.5], p: 0.5}}, {randaugment: {n: 2, m: 12}},"
            + " trivialaugment, {random_erasing: 0.5}]\n";

    @TempDir
    Path dir;

    private DataConfig folders(String extra) throws IOException {
        TestImages.classFolders(dir.resolve("train"), 20, 7, 5);
        TestImages.classFolders(dir.resolve("val"), 20, 3, 2);
        return TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n" + extra);
    }

    private static List<float[]> epoch(ImageBatchIterator it) {
        List<float[]> batches = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            batches.add(ds.getFeatures().dup().data().asFloat());
            batches.add(ds.getLabels().dup().data().asFloat());
        }
        return batches;
    }

    private static List<List<float[]>> twoEpochs(DataConfig data, long seed) {
        try (DataPipeline p = DataPipeline.open(data, seed, 16, Normalization.IMAGENET)) {
            ImageBatchIterator it = p.train(4);
            List<float[]> first = epoch(it);
            it.reset();
            List<float[]> second = epoch(it);
            return List.of(first, second);
        }
    }

    private static void assertSameBatches(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch array " + i);
        }
    }

    private static boolean sameBatches(List<float[]> a, List<float[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void validationIsDecodedOnceAndEveryPassGivesTheSameTensors() throws IOException {
        DataConfig data = folders("");
        List<float[]> first;
        try (DataPipeline p = DataPipeline.open(data, 3, 16, Normalization.IMAGENET)) {
            first = epoch(p.eval(Split.VAL, 2));
            assertSameBatches(first, epoch(p.eval(Split.VAL, 2)));
            // Overwrite every val image: a pass that decoded the files again would see the new pixels.
            for (ImageEntry entry : p.dataset().entries(Split.VAL)) {
                TestImages.png(entry.path(), TestImages.noise(20, 20, 99));
            }
            assertSameBatches(first, epoch(p.eval(Split.VAL, 2)));
            assertEquals(p.dataset().entries(Split.VAL).size(), p.evalTensorsHeld());
        }
        try (DataPipeline fresh = DataPipeline.open(data, 3, 16, Normalization.IMAGENET)) {
            assertFalse(sameBatches(first, epoch(fresh.eval(Split.VAL, 2))), "a new pipeline reads the new files");
        }
    }

    @Test
    void theEvalCacheKeepsOnlyWhatFitsItsBudget() {
        EvalTensorCache cache = new EvalTensorCache(10 * Float.BYTES);
        ImageEntry a = new ImageEntry(Path.of("a.png"), 0, null);
        ImageEntry b = new ImageEntry(Path.of("b.png"), 0, null);
        cache.offer(a, new float[6]);
        cache.offer(b, new float[6]); // 12 floats > 10: not kept
        assertEquals(1, cache.size());
        assertEquals(6, cache.get(a).length);
        assertEquals(null, cache.get(b));
    }

    @Test
    void sameSeedGivesSameBatchesWhateverTheThreadCount() throws IOException {
        List<List<float[]>> one = twoEpochs(folders(ALL_OPS + "  workers: 1\n  prefetch: 1\n"), 11);
        List<List<float[]>> three = twoEpochs(TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n"
                + ALL_OPS + "  workers: 3\n  prefetch: 2\n"), 11);
        assertSameBatches(one.get(0), three.get(0));
        assertSameBatches(one.get(1), three.get(1));
        assertFalse(sameBatches(one.get(0), one.get(1)), "epochs differ");
    }

    @Test
    void mixedBatchesAreTheSameWhateverTheThreadCountAndWhenAnEpochIsReplayed() throws IOException {
        String mix = "  mix: {mixup: 0.4, cutmix: 1.0}\n";
        List<List<float[]>> one = twoEpochs(folders(ALL_OPS + mix + "  workers: 1\n  prefetch: 1\n"), 11);
        DataConfig three = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n" + ALL_OPS + mix
                + "  workers: 3\n  prefetch: 2\n");
        List<List<float[]>> threeThreads = twoEpochs(three, 11);
        assertSameBatches(one.get(0), threeThreads.get(0));
        assertSameBatches(one.get(1), threeThreads.get(1));
        try (DataPipeline p = DataPipeline.open(three, 11, 16, Normalization.IMAGENET)) {
            ImageBatchIterator it = p.train(4);
            it.setEpoch(1);
            assertSameBatches(one.get(1), epoch(it));
        }
        boolean soft = false;
        for (int i = 1; i < one.get(0).size(); i += 2) { // label arrays: rows of 2 classes summing to 1
            float[] y = one.get(0).get(i);
            for (int r = 0; r < y.length; r += 2) {
                assertEquals(1.0, y[r] + y[r + 1], 1e-6);
                soft |= y[r] > 0 && y[r] < 1;
            }
        }
        assertTrue(soft, "some targets are mixed");
        assertFalse(sameBatches(one.get(0), twoEpochs(folders(ALL_OPS + "  workers: 1\n  prefetch: 1\n"), 11).get(0)),
                "mixing changes the batches");
    }

    @Test
    void otherSeedGivesOtherBatches() throws IOException {
        DataConfig data = folders(ALL_OPS);
        assertFalse(sameBatches(twoEpochs(data, 1).get(0), twoEpochs(data, 2).get(0)));
    }

    @Test
    void setEpochReplaysAnEpoch() throws IOException {
        DataConfig data = folders(ALL_OPS);
        List<float[]> second = twoEpochs(data, 5).get(1);
        try (DataPipeline p = DataPipeline.open(data, 5, 16, Normalization.IMAGENET)) {
            ImageBatchIterator it = p.train(4);
            it.setEpoch(1);
            assertSameBatches(second, epoch(it));
        }
    }

    @Test
    void resetBeforeAnyBatchKeepsTheEpoch() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders(""), 3, 16, Normalization.IMAGENET)) {
            ImageBatchIterator it = p.train(5);
            assertTrue(it.hasNext());
            it.reset();
            assertEquals(0, it.epoch());
            it.next();
            it.reset();
            assertEquals(1, it.epoch());
        }
    }

    @Test
    void batchesAreNchwFloatWithOneHotLabelsAndMetadata() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders(""), 3, 16, Normalization.IMAGENET)) {
            ImageBatchIterator val = p.eval(Split.VAL, 4);
            DataSet first = val.next();
            assertArrayEquals(new long[] {4, 3, 16, 16}, first.getFeatures().shape());
            assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, first.getFeatures().dataType());
            assertArrayEquals(new long[] {4, 2}, first.getLabels().shape());
            assertEquals(4.0, first.getLabels().sumNumber().doubleValue());
            List<SampleRef> refs = first.getExampleMetaData(SampleRef.class);
            assertEquals(List.of(0, 1, 2, 3), refs.stream().map(SampleRef::index).toList());
            assertTrue(refs.get(0).path().endsWith("c0_0.png"));
            DataSet last = val.next();
            assertEquals(1, last.numExamples()); // 5 val images, batch 4
            assertFalse(val.hasNext());
            assertEquals(List.of("c0", "c1"), val.getLabels());
            assertEquals(3 * 16 * 16, val.inputColumns());
            assertEquals(2, val.totalOutcomes());
            assertFalse(val.asyncSupported());
        }
    }

    @Test
    void hflipReachesTheTensorAndNormalisationIsApplied() throws IOException {
        TestImages.png(dir.resolve("train/a/x.png"), TestImages.halves(8, 8, 4, 0xFF0000, 0x0000FF));
        TestImages.png(dir.resolve("val/a/x.png"), TestImages.halves(8, 8, 4, 0xFF0000, 0x0000FF));
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n  crop_ratio: 1.0\n"
                + "  augment: [{hflip: 1.0}]\n");
        Normalization norm = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        try (DataPipeline p = new DataPipeline(ImageDataset.scan(data, 1), data, 1, 8, norm)) {
            INDArray flipped = p.train(1).next().getFeatures();
            INDArray plain = p.eval(Split.VAL, 1).next().getFeatures();
            // Red channel: eval has red (=1.0 after (1-0.5)/0.5) on the left, train on the right.
            assertEquals(1.0, plain.getDouble(0, 0, 3, 0), 1e-6);
            assertEquals(-1.0, plain.getDouble(0, 0, 3, 7), 1e-6);
            assertEquals(-1.0, flipped.getDouble(0, 0, 3, 0), 1e-6);
            assertEquals(1.0, flipped.getDouble(0, 0, 3, 7), 1e-6);
            assertEquals(1.0, flipped.getDouble(0, 2, 3, 0), 1e-6); // blue now on the left
        }
    }

    /** 3 + 3 training images of 12 px and a truncated JPEG {@code train/c0/cut.jpg}. */
    private void foldersWithATruncatedJpeg() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 12, 3, 3);
        TestImages.classFolders(dir.resolve("val"), 12, 1, 1);
        Files.write(dir.resolve("train/c0/cut.jpg"),
                TestImages.truncated(TestImages.jpegBytes(TestImages.noise(64, 64, 1)), 0.5));
    }

    @Test
    void badFilesAreSkippedCountedAndReported() throws IOException {
        foldersWithATruncatedJpeg();
        Files.writeString(dir.resolve("train/c1/readme.jpg"), "not an image");
        javax.imageio.ImageIO.write(TestImages.noise(8, 8, 2), "gif", dir.resolve("val/c1/x.gif").toFile());
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n");
        try (DataPipeline p = DataPipeline.open(data, 1, 16, Normalization.IMAGENET)) {
            assertArrayEquals(new int[] {3, 3}, p.dataset().counts(Split.TRAIN));
            assertEquals(3, p.dataset().skipped().size());
            assertEquals(6, countExamples(p.train(4)));
            DataReport report = p.report();
            assertEquals(2, report.splits().get("train").skipped());
            assertEquals(1, report.splits().get("val").classes().get("c1").skipped());
            Path json = dir.resolve("out/data-report.json");
            report.write(json);
            com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
            assertEquals(3, tree.get("skipped").size());
            assertTrue(tree.get("skipped").toString().contains("truncated JPEG"));
            assertEquals(6, tree.at("/splits/train/images").asInt());
        }
    }

    private static int countExamples(ImageBatchIterator it) {
        int n = 0;
        while (it.hasNext()) {
            n += it.next().numExamples();
        }
        return n;
    }

    @Test
    void aFileThatFailsToDecodeWhileLoadingIsSkippedAndTrainingGoesOn() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 12, 4, 4);
        TestImages.classFolders(dir.resolve("val"), 12, 1, 1);
        // Structurally a PNG (chunks up to IEND) but its pixel data is garbage: passes the scan, fails to decode.
        garble(dir.resolve("train/c0/c0_1.png"));
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n");
        try (DataPipeline p = DataPipeline.open(data, 1, 16, Normalization.IMAGENET)) {
            assertEquals(8, p.dataset().entries(Split.TRAIN).size());
            ImageBatchIterator it = p.train(3);
            List<Integer> sizes = new ArrayList<>();
            while (it.hasNext()) {
                sizes.add(it.next().numExamples());
            }
            assertEquals(List.of(3, 3, 1), sizes);
            assertEquals(1, p.loadFailures().size());
            assertTrue(p.loadFailures().get(0).path().endsWith("c0_1.png"));
            assertEquals(1, p.report().skipped().size());
        }
    }

    @Test
    void aBugInAnAugmentationOpStopsTheRunWhileBadFilesAreStillSkipped() throws IOException {
        foldersWithATruncatedJpeg();
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n  augment: [hflip]\n");
        try (DataPipeline p = DataPipeline.open(data, 1, 16, Normalization.IMAGENET)) {
            garble(dir.resolve("train/c1/c1_2.png")); // passes the scan, fails to decode while loading
            assertEquals(5, countExamples(p.train(4)));
            assertEquals(1, p.dataset().skipped().size());
            assertTrue(p.dataset().skipped().get(0).reason().startsWith("truncated JPEG"));
            assertEquals(1, p.loadFailures().size());

            IllegalArgumentException bug = new IllegalArgumentException("bug in an op");
            ImageBatchIterator buggy = p.train(4, p.trainTransform().then((src, rng) -> {
                throw bug;
            }));
            RuntimeException stopped = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    buggy::next);
            assertTrue(stopped == bug || stopped.getCause() == bug, "the op's exception is the cause: " + stopped);
            assertEquals(1, p.loadFailures().size(), "the bug is not reported as a skipped file");
        }
    }

    /** Keeps a PNG's chunk structure (so the scan accepts it) but overwrites its pixel data with garbage. */
    static void garble(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        for (int i = 45; i < bytes.length - 20; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(png, bytes);
    }

    @Test
    void contactSheetIsAPng() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders(ALL_OPS), 3, 16, Normalization.IMAGENET)) {
            Path png = dir.resolve("out/sheet.png");
            assertEquals(4, ContactSheet.write(p, png, 4, 3));
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            assertEquals(4 + 4 * (96 + 4), img.getWidth());
            assertEquals(22 + 4 + 4 * (96 + 4), img.getHeight());
        }
    }

    @Test
    void balancedSamplerOversamplesTheMinorityClass() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders("  sampler: balanced\n"), 3, 16, Normalization.IMAGENET)) {
            ImageBatchIterator it = p.train(4);
            assertEquals(14, it.epochSize());
            int[] perClass = new int[2];
            while (it.hasNext()) {
                INDArray labels = it.next().getLabels();
                for (int i = 0; i < labels.rows(); i++) {
                    perClass[labels.getDouble(i, 0) == 1 ? 0 : 1]++;
                }
            }
            assertArrayEquals(new int[] {7, 7}, perClass);
            assertNotEquals(null, p.report().balance());
            assertEquals(14, p.report().balance().epochSize());
        }
    }
}
