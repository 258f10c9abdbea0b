package dev.graft.data;

import dev.graft.config.MixConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code data.mix} (issue 21) on one batch: Mixup's pixels and targets are the lambda blend of image i and image
 * n-1-i, CutMix pastes the partner's box and its lambda is the kept area, targets sum to 1, every draw is seeded by
 * (epoch, batch), and the Beta and switch probabilities are what the config says.
 */
class BatchMixTest {
    private static final int N = 5;
    private static final int K = 3;
    private static final int C = 3;
    private static final int H = 12;
    private static final int W = 10;
    private static final int[] CLASSES = {0, 2, 1, 1, 0};

    private static DataSet batch() {
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, N, C, H, W);
        return new DataSet(x, BatchTargets.oneHot(CLASSES, K).labels());
    }

    private static void assertTargetsMix(DataSet original, DataSet mixed, double lambda) {
        float[][] y = original.getLabels().toFloatMatrix();
        float[][] m = mixed.getLabels().toFloatMatrix();
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int k = 0; k < K; k++) {
                assertEquals(lambda * y[i][k] + (1 - lambda) * y[N - 1 - i][k], m[i][k], 1e-6);
                sum += m[i][k];
            }
            assertEquals(1.0, sum, 1e-6, "row " + i + " sums to 1");
            if (CLASSES[i] != CLASSES[N - 1 - i]) {
                assertEquals(lambda, m[i][CLASSES[i]], 1e-6, "own label weighs lambda");
                assertEquals(1 - lambda, m[i][CLASSES[N - 1 - i]], 1e-6, "partner's label weighs 1 - lambda");
            }
        }
    }

    @Test
    void mixupBlendsPixelsAndTargetsByLambda() {
        BatchMix mix = new BatchMix(new MixConfig(0.4, 0, 1.0, 0.5), 17);
        for (int b = 0; b < 5; b++) {
            DataSet original = batch();
            DataSet mixed = batch();
            BatchMix.Mixing how = mix.apply(mixed, 0, b);
            assertEquals(BatchMix.Mixing.Kind.MIXUP, how.kind());
            double lambda = how.lambda();
            assertTrue(lambda > 0 && lambda < 1, "lambda " + lambda);
            INDArray x = original.getFeatures();
            for (int i = 0; i < N; i++) {
                INDArray expected = x.slice(i).mul(lambda).addi(x.slice(N - 1 - i).mul(1 - lambda));
                assertTrue(expected.equalsWithEps(mixed.getFeatures().slice(i), 1e-6), "pixels of image " + i);
            }
            assertTargetsMix(original, mixed, lambda);
        }
    }

    @Test
    void cutmixPastesThePartnersBoxAndLambdaIsTheKeptArea() {
        BatchMix mix = new BatchMix(new MixConfig(0, 1.0, 1.0, 0.5), 23);
        int nonEmptyBoxes = 0;
        for (int b = 0; b < 8; b++) {
            DataSet original = batch();
            DataSet mixed = batch();
            BatchMix.Mixing how = mix.apply(mixed, 2, b);
            assertEquals(BatchMix.Mixing.Kind.CUTMIX, how.kind());
            int area = (how.x1() - how.x0()) * (how.y1() - how.y0());
            nonEmptyBoxes += area > 0 ? 1 : 0;
            assertEquals(1 - area / (double) (H * W), how.lambda(), 1e-12, "lambda is the kept area fraction");
            for (int i = 0; i < N; i++) {
                for (int c = 0; c < C; c++) {
                    for (int y = 0; y < H; y++) {
                        for (int x = 0; x < W; x++) {
                            boolean inBox = x >= how.x0() && x < how.x1() && y >= how.y0() && y < how.y1();
                            int source = inBox ? N - 1 - i : i;
                            assertEquals(original.getFeatures().getFloat(source, c, y, x),
                                    mixed.getFeatures().getFloat(i, c, y, x), "pixel " + i + "," + c + "," + y + ","
                                            + x);
                        }
                    }
                }
            }
            assertTargetsMix(original, mixed, how.lambda());
        }
        assertTrue(nonEmptyBoxes >= 6, "boxes pasted: " + nonEmptyBoxes);
    }

    @Test
    void eachBatchMixesTheSameForItsSeedEpochAndIndex() {
        BatchMix mix = new BatchMix(new MixConfig(0.4, 1.0, 1.0, 0.5), 5);
        DataSet a = batch();
        DataSet b = batch();
        assertEquals(mix.apply(a, 3, 7), mix.apply(b, 3, 7));
        assertArrayEquals(a.getFeatures().data().asFloat(), b.getFeatures().data().asFloat());
        assertNotEquals(mix.apply(batch(), 3, 7).lambda(), mix.apply(batch(), 3, 8).lambda());
        assertNotEquals(mix.apply(batch(), 3, 7).lambda(), mix.apply(batch(), 4, 7).lambda());
        assertNotEquals(mix.apply(batch(), 3, 7).lambda(),
                new BatchMix(new MixConfig(0.4, 1.0, 1.0, 0.5), 6).apply(batch(), 3, 7).lambda());
    }

    @Test
    void probAndSwitchProbChooseHowOftenAndWhich() {
        BatchMix mix = new BatchMix(new MixConfig(0.4, 1.0, 0.6, 0.25), 11);
        int mixed = 0;
        int cut = 0;
        for (int b = 0; b < 400; b++) {
            DataSet ds = batch();
            float[] before = ds.getLabels().data().asFloat();
            BatchMix.Mixing how = mix.apply(ds, 0, b);
            if (how.kind() == BatchMix.Mixing.Kind.NONE) {
                assertArrayEquals(before, ds.getLabels().data().asFloat(), "an unmixed batch is left as it was");
            } else {
                mixed++;
                cut += how.kind() == BatchMix.Mixing.Kind.CUTMIX ? 1 : 0;
            }
        }
        assertEquals(0.6, mixed / 400.0, 0.08, "prob");
        assertEquals(0.25, cut / (double) mixed, 0.08, "switch_prob");
    }

    @Test
    void betaDrawsHaveTheBetaDistributionsMeanAndVariance() {
        java.util.Random rng = new java.util.Random(1);
        for (double alpha : new double[] {0.2, 1.0, 4.0}) {
            int n = 20000;
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double v = BatchMix.beta(rng, alpha);
                assertTrue(v >= 0 && v <= 1);
                sum += v;
                squares += v * v;
            }
            double mean = sum / n;
            double variance = squares / n - mean * mean;
            assertEquals(0.5, mean, 0.01, "alpha " + alpha);
            assertEquals(1 / (4 * (2 * alpha + 1)), variance, 0.006, "alpha " + alpha);
        }
    }
}
