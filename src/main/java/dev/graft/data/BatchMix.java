package dev.graft.data;

import dev.graft.config.MixConfig;
import dev.graft.config.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * {@code data.mix} on one training batch, timm's {@code Mixup} in its default batch mode: image i is mixed with
 * image n-1-i (the batch reversed) by one weight lambda per batch; Mixup blends the pixels, CutMix pastes a box of
 * the partner (timm's {@code rand_bbox}, lambda then corrected to the pasted area); the one-hot targets mix by the
 * same lambda, so each row still sums to 1. Works on the normalised NCHW features, before the model (and before a
 * frozen front: the mix is of images, not features).
 *
 * <p>Every draw comes from a seed derived from (mix seed, epoch, batch index), so a batch mixes the same whatever
 * the decode thread count, and a resumed run (which replays the epoch's earlier batches) mixes as the
 * uninterrupted one did. Stateless and thread-safe.
 */
public final class BatchMix {
    private final MixConfig config;
    private final long seed;

    /** What was done to a batch: nothing ({@code lambda} 1), a Mixup, or a CutMix of box [x0, x1) x [y0, y1). */
    public record Mixing(Kind kind, double lambda, int x0, int y0, int x1, int y1) {
        public enum Kind { NONE, MIXUP, CUTMIX }

        static final Mixing NONE = new Mixing(Kind.NONE, 1, 0, 0, 0, 0);
    }

    /** @param seed the run's mix seed (derived from the root seed) */
    public BatchMix(MixConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    /** Mixes batch {@code batch} (0-based) of epoch {@code epoch} in place and says how. */
    public Mixing apply(DataSet ds, int epoch, int batch) {
        Random rng = new Random(Seeds.derive(seed, epoch + "/" + batch));
        if (!config.enabled() || rng.nextDouble() >= config.prob()) {
            return Mixing.NONE;
        }
        boolean cut = config.mixup() > 0 && config.cutmix() > 0 ? rng.nextDouble() < config.switchProb()
                : config.cutmix() > 0;
        double lambda = beta(rng, cut ? config.cutmix() : config.mixup());
        INDArray features = ds.getFeatures();
        long[] shape = features.shape();
        float[] x = features.dup('c').data().asFloat();
        Mixing mixing = cut ? cutMix(x, shape, lambda, rng) : mixUp(x, (int) shape[0], lambda);
        ds.setFeatures(Nd4j.create(x, shape, 'c').castTo(features.dataType()));
        INDArray labels = ds.getLabels();
        float[] y = labels.dup('c').data().asFloat();
        blendRows(y, (int) labels.size(0), mixing.lambda());
        ds.setLabels(Nd4j.create(y, labels.shape(), 'c').castTo(labels.dataType()));
        return mixing;
    }

    private static Mixing mixUp(float[] x, int n, double lambda) {
        blendRows(x, n, lambda);
        return new Mixing(Mixing.Kind.MIXUP, lambda, 0, 0, 0, 0);
    }

    /** Row i becomes lambda * row i + (1 - lambda) * row n-1-i, for {@code n} equal rows of {@code values}. */
    private static void blendRows(float[] values, int n, double lambda) {
        int width = values.length / n;
        float[] original = values.clone();
        for (int i = 0; i < n; i++) {
            int self = i * width;
            int partner = (n - 1 - i) * width;
            for (int j = 0; j < width; j++) {
                values[self + j] = (float) (lambda * original[self + j] + (1 - lambda) * original[partner + j]);
            }
        }
    }

    /** timm's CutMix: a box of area about (1 - lambda) at a uniform centre, clipped to the image. */
    private static Mixing cutMix(float[] x, long[] shape, double lambda, Random rng) {
        int n = (int) shape[0];
        int channels = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        double cutRatio = Math.sqrt(1 - lambda);
        int cutH = (int) (h * cutRatio);
        int cutW = (int) (w * cutRatio);
        int cy = rng.nextInt(h);
        int cx = rng.nextInt(w);
        int y0 = clip(cy - cutH / 2, h);
        int y1 = clip(cy + cutH / 2, h);
        int x0 = clip(cx - cutW / 2, w);
        int x1 = clip(cx + cutW / 2, w);
        float[] original = x.clone();
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int partner = n - 1 - i;
            for (int c = 0; c < channels; c++) {
                for (int yy = y0; yy < y1; yy++) {
                    int row = yy * w;
                    System.arraycopy(original, (partner * channels + c) * plane + row + x0, x,
                            (i * channels + c) * plane + row + x0, x1 - x0);
                }
            }
        }
        double kept = 1 - (double) (y1 - y0) * (x1 - x0) / plane;
        return new Mixing(Mixing.Kind.CUTMIX, kept, x0, y0, x1, y1);
    }

    private static int clip(int v, int size) {
        return Math.max(0, Math.min(size, v));
    }

    /** A Beta(alpha, alpha) draw as G1 / (G1 + G2) of two Gamma(alpha) draws. */
    static double beta(Random rng, double alpha) {
        double a = gamma(rng, alpha);
        double b = gamma(rng, alpha);
        return a + b > 0 ? a / (a + b) : 0.5;
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape below 1 through Gamma(shape + 1) U^(1 / shape). */
    private static double gamma(Random rng, double shape) {
        if (shape < 1) {
            return gamma(rng, shape + 1) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rng.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
