package dev.graft.metrics;

/**
 * Probability-quality metrics of single-label predictions: log loss, Brier score and expected calibration
 * error with its reliability bins.
 */
public final class Calibration {
    /** Bins of the expected calibration error and the reliability diagram. */
    public static final int BINS = 15;
    /** Probabilities are clipped to [EPS, 1] before the logarithm, so one certain mistake stays finite. */
    static final double EPS = 1e-15;

    private Calibration() {
    }

    /** Mean negative log probability of the true class (scikit-learn's log_loss). */
    public static double logLoss(ScoredExamples s) {
        double sum = 0;
        for (int i = 0; i < s.size(); i++) {
            sum -= Math.log(Math.max(EPS, s.probabilities()[i][s.labels()[i]]));
        }
        return sum / s.size();
    }

    /**
     * Brier score. Binary: mean (p_positive - y)^2 with the second class positive (scikit-learn's
     * brier_score_loss); more classes: mean over examples of sum_k (p_k - [k is the label])^2.
     */
    public static double brier(ScoredExamples s, int positiveClass) {
        double sum = 0;
        for (int i = 0; i < s.size(); i++) {
            double[] p = s.probabilities()[i];
            if (s.classes() == 2) {
                double err = p[positiveClass] - (s.labels()[i] == positiveClass ? 1 : 0);
                sum += err * err;
            } else {
                for (int c = 0; c < p.length; c++) {
                    double err = p[c] - (s.labels()[i] == c ? 1 : 0);
                    sum += err * err;
                }
            }
        }
        return sum / s.size();
    }

    /** The reliability bins of the top-label confidence (predicted class = first highest probability). */
    public static Reliability reliability(ScoredExamples s) {
        long[] count = new long[BINS];
        double[] confidence = new double[BINS];
        double[] correct = new double[BINS];
        for (int i = 0; i < s.size(); i++) {
            double[] p = s.probabilities()[i];
            int predicted = s.predicted(i);
            int bin = Math.min(BINS - 1, (int) Math.floor(p[predicted] * BINS));
            count[bin]++;
            confidence[bin] += p[predicted];
            correct[bin] += predicted == s.labels()[i] ? 1 : 0;
        }
        return new Reliability(count, confidence, correct, s.size());
    }

    /** Expected calibration error over {@link #BINS} equal-width bins of top-label confidence. */
    public static double ece(ScoredExamples s) {
        return reliability(s).ece();
    }

    /**
     * Per bin [b/15, (b+1)/15) (the last one closed): how many examples, and the sums of their confidence and
     * of their correctness.
     */
    public record Reliability(long[] count, double[] confidenceSum, double[] correctSum, long total) {

        /** Sum over bins of (share of examples) * |accuracy - mean confidence|. */
        public double ece() {
            double ece = 0;
            for (int b = 0; b < count.length; b++) {
                if (count[b] > 0) {
                    ece += (double) count[b] / total * Math.abs(accuracy(b) - meanConfidence(b));
                }
            }
            return ece;
        }

        public double accuracy(int bin) {
            return correctSum[bin] / count[bin];
        }

        public double meanConfidence(int bin) {
            return confidenceSum[bin] / count[bin];
        }
    }
}
