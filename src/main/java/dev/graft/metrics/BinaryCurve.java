package dev.graft.metrics;

import java.util.Arrays;

/**
 * The exact ROC and precision-recall curve of one binary scoring: at every distinct score, taken as a threshold
 * (an example is positive when its score is {@code >=} the threshold), the true- and false-positive counts.
 * Tied scores share one point, as in scikit-learn's {@code roc_curve(drop_intermediate=False)}: this is what
 * makes the areas exact with ties. Immutable.
 */
public final class BinaryCurve {
    private final double[] thresholds;
    private final long[] truePositives;
    private final long[] falsePositives;
    private final long positives;
    private final long negatives;

    private BinaryCurve(double[] thresholds, long[] tp, long[] fp, long positives, long negatives) {
        this.thresholds = thresholds;
        this.truePositives = tp;
        this.falsePositives = fp;
        this.positives = positives;
        this.negatives = negatives;
    }

    /** The curve of {@code scores} against {@code positive} (same length; NaN scores are not allowed). */
    public static BinaryCurve of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double[] thresholds = new double[scores.length];
        long[] tp = new long[scores.length];
        long[] fp = new long[scores.length];
        int points = 0;
        long tpSum = 0;
        long fpSum = 0;
        for (int i = 0; i < order.length; i++) {
            if (positive[order[i]]) {
                tpSum++;
            } else {
                fpSum++;
            }
            boolean lastOfTie = i + 1 == order.length || scores[order[i + 1]] != scores[order[i]];
            if (lastOfTie) {
                thresholds[points] = scores[order[i]];
                tp[points] = tpSum;
                fp[points] = fpSum;
                points++;
            }
        }
        return new BinaryCurve(Arrays.copyOf(thresholds, points), Arrays.copyOf(tp, points),
                Arrays.copyOf(fp, points), tpSum, fpSum);
    }

    /** How many points (distinct scores), highest threshold first. */
    public int size() {
        return thresholds.length;
    }

    public double threshold(int point) {
        return thresholds[point];
    }

    public long positives() {
        return positives;
    }

    public long negatives() {
        return negatives;
    }

    /** True when both classes occur, so that the areas are defined. */
    public boolean defined() {
        return positives > 0 && negatives > 0;
    }

    /** Sensitivity (recall) at a point. */
    public double truePositiveRate(int point) {
        return (double) truePositives[point] / positives;
    }

    /** 1 - specificity at a point. */
    public double falsePositiveRate(int point) {
        return (double) falsePositives[point] / negatives;
    }

    /** Positive predictive value at a point (every point predicts at least one positive). */
    public double precision(int point) {
        return (double) truePositives[point] / (truePositives[point] + falsePositives[point]);
    }

    /** Area under the ROC curve, trapezoids from (0, 0) through every point (scikit-learn's roc_auc_score). */
    public double auroc() {
        requireDefined();
        double area = 0;
        double x = 0;
        double y = 0;
        for (int p = 0; p < size(); p++) {
            double nx = falsePositiveRate(p);
            double ny = truePositiveRate(p);
            area += (nx - x) * (ny + y) / 2;
            x = nx;
            y = ny;
        }
        return area;
    }

    /**
     * Average precision: the step-wise area under the precision-recall curve, sum of (R_n - R_(n-1)) * P_n
     * (scikit-learn's average_precision_score; no trapezoids, which would be optimistic).
     */
    public double averagePrecision() {
        if (positives == 0) {
            throw new IllegalStateException("average precision needs at least one positive");
        }
        double area = 0;
        double recall = 0;
        for (int p = 0; p < size(); p++) {
            double r = truePositiveRate(p);
            area += (r - recall) * precision(p);
            recall = r;
        }
        return area;
    }

    /** The confusion counts at a point: its threshold's. */
    public ThresholdStats point(int point) {
        long tp = truePositives[point];
        long fp = falsePositives[point];
        return new ThresholdStats(thresholds[point], tp, fp, negatives - fp, positives - tp);
    }

    /** The confusion counts when every score {@code >= threshold} is called positive. */
    public ThresholdStats at(double threshold) {
        long tp = 0;
        long fp = 0;
        for (int p = 0; p < size() && thresholds[p] >= threshold; p++) {
            tp = truePositives[p];
            fp = falsePositives[p];
        }
        return new ThresholdStats(threshold, tp, fp, negatives - fp, positives - tp);
    }

    private void requireDefined() {
        if (!defined()) {
            throw new IllegalStateException("ROC AUC needs both classes (positives " + positives + ", negatives "
                    + negatives + ")");
        }
    }
}
