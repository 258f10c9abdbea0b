package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code randaugment}, {@code trivialaugment} and {@code random_erasing} (issue 21) on small in-memory images:
 * seeded per sample (same seed, same image; other seeds, other images), torchvision's magnitude tables and pixel
 * operations, and the erased area within the configured range.
 */
class AugmentPolicyTest {
    private static final int W = 40;
    private static final int H = 32;

    private static Mat noise(long seed) {
        byte[] bytes = new byte[W * H * 3];
        new Random(seed).nextBytes(bytes);
        return Pixels.image(bytes, W, H);
    }

    private static Mat constant(int level) {
        byte[] bytes = new byte[W * H * 3];
        Arrays.fill(bytes, (byte) level);
        return Pixels.image(bytes, W, H);
    }

    private static byte[] run(AugmentOp op, Mat src, long seed) {
        // per-sample seeds are spread like the pipeline's (java.util.Random's first draws of seeds 0, 1, 2 correlate)
        Mat out = op.apply(src, new Random(dev.graft.config.Seeds.derive(seed, "sample")), W);
        byte[] bytes = Pixels.read(out);
        if (out != src) {
            out.close();
        }
        return bytes;
    }

    @Test
    void policiesAreDeterministicPerSeedAndDifferAcrossSeeds() {
        for (AugmentOp op : List.of(new AugmentOp.RandAugment(2, 15), new AugmentOp.TrivialAugment())) {
            try (Mat src = noise(1)) {
                byte[] original = Pixels.read(src);
                Set<String> outcomes = new HashSet<>();
                int changed = 0;
                for (long seed = 0; seed < 12; seed++) {
                    byte[] once = run(op, src, seed);
                    assertArrayEquals(once, run(op, src, seed), op + " seed " + seed);
                    outcomes.add(Arrays.toString(once));
                    changed += Arrays.equals(once, original) ? 0 : 1;
                }
                assertArrayEquals(original, Pixels.read(src), "the source is left as it was");
                assertTrue(outcomes.size() >= 8, op + ": 12 seeds gave only " + outcomes.size() + " images");
                assertTrue(changed >= 8, op + " changed only " + changed + " of 12 images");
            }
        }
    }

    @Test
    void magnitudesFollowTorchvisionsTables() {
        assertEquals(30.0, PolicyOp.ROTATE.magnitude(30, false, W, H), 1e-12);
        assertEquals(135.0, PolicyOp.ROTATE.magnitude(30, true, W, H), 1e-12);
        assertEquals(9.0, PolicyOp.ROTATE.magnitude(9, false, W, H), 1e-12);
        assertEquals(0.3, PolicyOp.SHEAR_X.magnitude(30, false, W, H), 1e-12);
        assertEquals(150.0 / 331 * W, PolicyOp.TRANSLATE_X.magnitude(30, false, W, H), 1e-12);
        assertEquals(150.0 / 331 * H, PolicyOp.TRANSLATE_Y.magnitude(30, false, W, H), 1e-12);
        assertEquals(32.0, PolicyOp.TRANSLATE_Y.magnitude(30, true, W, H), 1e-12);
        assertEquals(0.9 * 15 / 30, PolicyOp.BRIGHTNESS.magnitude(15, false, W, H), 1e-12);
        assertEquals(8.0, PolicyOp.POSTERIZE.magnitude(0, false, W, H));
        assertEquals(4.0, PolicyOp.POSTERIZE.magnitude(30, false, W, H));
        assertEquals(2.0, PolicyOp.POSTERIZE.magnitude(30, true, W, H));
        assertEquals(255.0, PolicyOp.SOLARIZE.magnitude(0, false, W, H), 1e-12);
        assertEquals(0.0, PolicyOp.SOLARIZE.magnitude(30, false, W, H), 1e-12);
        assertEquals(14, PolicyOp.values().length);
    }

    @Test
    void pixelOperationsMatchPil() {
        assertEquals(0xF0, PolicyOp.posterize(4)[0xFF]);
        assertEquals(0x80, PolicyOp.posterize(1)[0xC7]);
        assertEquals(127, PolicyOp.solarize(128)[128]);
        assertEquals(127, PolicyOp.solarize(128)[127]);
        int[][] histograms = new int[3][256];
        histograms[0][50] = 510; // two levels of 510 pixels each: PIL's step is 2, low -> 0, high -> 255
        histograms[0][200] = 510;
        histograms[1][7] = 1020; // one level: unchanged
        histograms[2][10] = 1;
        histograms[2][110] = 1;
        int[][] equalised = PolicyOp.equalize(histograms);
        assertEquals(0, equalised[0][50]);
        assertEquals(255, equalised[0][200]);
        assertEquals(7, equalised[1][7]);
        int[][] stretched = PolicyOp.autoContrast(histograms);
        assertEquals(0, stretched[0][50]);
        assertEquals(255, stretched[0][200]);
        assertEquals(127, stretched[0][125]);
        assertEquals(7, stretched[1][7], "a constant channel stays");
        assertEquals(255, stretched[2][110]);
    }

    @Test
    void identityMagnitudesLeaveTheImage() {
        try (Mat src = noise(4)) {
            byte[] original = Pixels.read(src);
            for (PolicyOp op : List.of(PolicyOp.SHEAR_X, PolicyOp.TRANSLATE_Y, PolicyOp.BRIGHTNESS, PolicyOp.COLOR,
                    PolicyOp.SHARPNESS, PolicyOp.POSTERIZE)) {
                try (Mat out = op.apply(src, op.magnitude(0, false, W, H))) {
                    assertArrayEquals(original, Pixels.read(out), op + " at bin 0");
                }
            }
        }
    }

    @Test
    void randomErasingErasesOneRectangleOfTheConfiguredAreaAndAspect() {
        AugmentOp.RandomErasing op = new AugmentOp.RandomErasing(1.0, List.of(0.05, 0.25), List.of(0.5, 2.0), "0");
        double smallest = 1;
        double largest = 0;
        try (Mat src = constant(200)) {
            for (long seed = 0; seed < 40; seed++) {
                byte[] out = run(op, src, seed);
                int minX = W;
                int maxX = -1;
                int minY = H;
                int maxY = -1;
                int erased = 0;
                for (int i = 0; i < out.length; i += 3) {
                    if (out[i] == 0) {
                        erased++;
                        minX = Math.min(minX, (i / 3) % W);
                        maxX = Math.max(maxX, (i / 3) % W);
                        minY = Math.min(minY, (i / 3) / W);
                        maxY = Math.max(maxY, (i / 3) / W);
                    } else {
                        assertEquals(200, out[i] & 0xFF);
                    }
                }
                int ew = maxX - minX + 1;
                int eh = maxY - minY + 1;
                assertEquals(ew * eh, erased, "one filled rectangle");
                double fraction = erased / (double) (W * H);
                // rounding the sides to pixels moves the area by at most about one row and one column
                double slack = (ew + eh + 1) / (double) (W * H);
                assertTrue(fraction >= 0.05 - slack && fraction <= 0.25 + slack, "area " + fraction);
                double aspect = eh / (double) ew;
                assertTrue(aspect >= 0.5 * (1 - 1.0 / ew) / (1 + 1.0 / eh) && aspect <= 2.0 * (1 + 1.0 / ew)
                        / (1 - 1.0 / eh), "aspect " + aspect);
                smallest = Math.min(smallest, fraction);
                largest = Math.max(largest, fraction);
            }
        }
        assertTrue(smallest < 0.1 && largest > 0.18, "areas spread over the range: " + smallest + ".." + largest);
    }

    @Test
    void randomErasingWithNoiseIsSeededAndProbabilityZeroLeavesTheImage() {
        AugmentOp.RandomErasing noise = AugmentOp.RandomErasing.defaults();
        try (Mat src = constant(200)) {
            byte[] a = run(new AugmentOp.RandomErasing(1.0, noise.scale(), noise.ratio(), "random"), src, 3);
            byte[] b = run(new AugmentOp.RandomErasing(1.0, noise.scale(), noise.ratio(), "random"), src, 3);
            assertArrayEquals(a, b);
            Set<Byte> values = new HashSet<>();
            for (byte v : a) {
                values.add(v);
            }
            assertTrue(values.size() > 50, "noise, not one level");
            assertFalse(Arrays.equals(a, run(new AugmentOp.RandomErasing(1.0, noise.scale(), noise.ratio(),
                    "random"), src, 4)));
            assertSame(src, new AugmentOp.RandomErasing(0, noise.scale(), noise.ratio(), "random")
                    .apply(src, new Random(1), W));
        }
    }
}
