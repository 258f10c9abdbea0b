package dev.graft.data;

import dev.graft.config.ClassWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stratified split, class weights, balanced sampler. */
class SplitAndBalanceTest {
    @TempDir
    Path dir;

    private ImageDataset rootSplit(long seed) throws IOException {
        if (!java.nio.file.Files.exists(dir.resolve("root"))) {
            TestImages.classFolders(dir.resolve("root"), 4, 50, 30, 10, 1);
        }
        return ImageDataset.scan(TestImages.data(dir, "  root: root\n  split: {val: 0.2, test: 0.1}\n"), seed);
    }

    @Test
    void stratifiedSplitKeepsProportionsPerClass() throws IOException {
        ImageDataset ds = rootSplit(42);
        assertArrayEquals(new int[] {35, 21, 7, 1}, ds.counts(Split.TRAIN));
        assertArrayEquals(new int[] {10, 6, 2, 0}, ds.counts(Split.VAL));
        assertArrayEquals(new int[] {5, 3, 1, 0}, ds.counts(Split.TEST));
        Set<Path> seen = new HashSet<>();
        for (Split s : Split.values()) {
            ds.entries(s).forEach(e -> assertTrue(seen.add(e.path()), "in one split only: " + e.path()));
        }
        assertEquals(91, seen.size());
    }

    @Test
    void splitIsSeeded() throws IOException {
        List<ImageEntry> a = rootSplit(42).entries(Split.VAL);
        assertEquals(a, rootSplit(42).entries(Split.VAL));
        assertNotEquals(a, rootSplit(43).entries(Split.VAL));
    }

    @Test
    void autoWeightsAreInverseFrequencyWithMeanOne() {
        float[] w = ClassBalance.weights(ClassWeights.auto(), new int[] {10, 30}, List.of("a", "b"));
        assertArrayEquals(new float[] {1.5f, 0.5f}, w, 1e-6f);
        float[] three = ClassBalance.weights(ClassWeights.auto(), new int[] {1, 2, 4}, List.of("a", "b", "c"));
        assertEquals(3.0, three[0] + three[1] + three[2], 1e-5);
        assertEquals(4.0, three[0] / three[2], 1e-5);
        assertNull(ClassBalance.weights(ClassWeights.none(), new int[] {1, 2}, List.of("a", "b")));
        ClassWeights explicit = new ClassWeights(ClassWeights.Mode.EXPLICIT, List.of(2.0, 0.5));
        assertArrayEquals(new float[] {2f, 0.5f}, ClassBalance.weights(explicit, new int[] {1, 2}, List.of("a", "b")));
    }

    @Test
    void balancedSamplerRepeatsMinorityImagesEvenly() {
        int[] labels = {0, 0, 0, 0, 0, 0, 0, 1, 1, 2}; // 7 : 2 : 1
        SampleOrder order = ClassBalance.balanced(labels, 3, 9);
        int[] epoch = order.order(0);
        assertEquals(21, epoch.length);
        assertEquals(21, ClassBalance.balancedEpochSize(new int[] {7, 2, 1}));
        int[] perClass = new int[3];
        int[] perImage = new int[labels.length];
        for (int i : epoch) {
            perClass[labels[i]]++;
            perImage[i]++;
        }
        assertArrayEquals(new int[] {7, 7, 7}, perClass);
        for (int i = 0; i < 7; i++) {
            assertEquals(1, perImage[i]);
        }
        assertTrue(Math.abs(perImage[7] - perImage[8]) <= 1, "3 or 4 each");
        assertEquals(7, perImage[9]);
        assertArrayEquals(epoch, ClassBalance.balanced(labels, 3, 9).order(0));
        assertFalse(java.util.Arrays.equals(epoch, order.order(1)));
    }

    @Test
    void shuffledOrderIsAPermutationPerEpoch() {
        SampleOrder order = SampleOrder.shuffled(50, 4);
        int[] e0 = order.order(0);
        int[] sorted = e0.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(SampleOrder.sequential(50).order(0), sorted);
        assertArrayEquals(e0, SampleOrder.shuffled(50, 4).order(0));
        assertFalse(java.util.Arrays.equals(e0, order.order(1)));
    }
}
