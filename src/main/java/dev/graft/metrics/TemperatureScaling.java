package dev.graft.metrics;

/**
 * Temperature scaling (Guo et al. 2017): one T > 0 that divides every logit, chosen to minimise the mean
 * negative log likelihood on validation. Argmax, hence top-1, is unchanged for any T.
 *
 * <p>The NLL is convex in 1/T, so its derivative crosses zero once; the root is found by bisection on log T
 * to machine precision. When the NLL keeps falling towards a bound (perfectly separated logits), the bound is
 * returned.
 */
public final class TemperatureScaling {
    static final double MIN_T = 1e-3;
    static final double MAX_T = 1e3;
    private static final int ITERATIONS = 200;

    private TemperatureScaling() {
    }

    /** The fitted temperature for logits (one row per example) and true class indices. */
    public static double fit(double[][] logits, int[] labels) {
        if (logits.length == 0 || logits.length != labels.length) {
            throw new IllegalArgumentException(logits.length + " logit rows for " + labels.length + " labels");
        }
        double lo = Math.log(MIN_T);
        double hi = Math.log(MAX_T);
        if (slope(logits, labels, MIN_T) >= 0) {
            return MIN_T;
        }
        if (slope(logits, labels, MAX_T) <= 0) {
            return MAX_T;
        }
        for (int i = 0; i < ITERATIONS && hi - lo > 0; i++) {
            double mid = (lo + hi) / 2;
            if (mid == lo || mid == hi) {
                break;
            }
            if (slope(logits, labels, Math.exp(mid)) < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /**
     * T^2 times dNLL/dT = mean over examples of (z_label - E_softmax(z/T)[z]): negative while a higher T would
     * lower the NLL, positive past the optimum.
     */
    static double slope(double[][] logits, int[] labels, double t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double[] p = softmax(logits[i], t);
            double expected = 0;
            for (int c = 0; c < p.length; c++) {
                expected += p[c] * logits[i][c];
            }
            sum += logits[i][labels[i]] - expected;
        }
        return sum / logits.length;
    }

    /** softmax(z / t), computed stably. */
    public static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / t);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.exp(z[c] / t - max);
            sum += p[c];
        }
        for (int c = 0; c < z.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** Mean negative log likelihood of softmax(logits / t). */
    public static double nll(double[][] logits, int[] labels, double t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[i]) {
                max = Math.max(max, v / t);
            }
            double s = 0;
            for (double v : logits[i]) {
                s += Math.exp(v / t - max);
            }
            sum += max + Math.log(s) - logits[i][labels[i]] / t;
        }
        return sum / logits.length;
    }
}
