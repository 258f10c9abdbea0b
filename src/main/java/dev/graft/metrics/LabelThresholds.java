package dev.graft.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-label head's decision: one threshold per label, tuned on validation to maximise that label's F1 (a label
 * is called present when its probability is {@code >=} its threshold), and the per-label precision, recall and F1
 * those thresholds give on any split.
 */
public final class LabelThresholds {
    /**
     * The threshold of a label that validation cannot tune: one without a known positive example, whose F1 is 0 at
     * every threshold. 0.5 is the plain "more likely present than not" rule.
     */
    public static final double FALLBACK = 0.5;
    /** How the thresholds were chosen, as {@code decision.json}'s {@code operating_point} says it. */
    public static final String RULE = "max F1 per label on validation, halfway to the next lower score ("
            + FALLBACK + " for a label without positives there)";

    private LabelThresholds() {
    }

    /**
     * Each of {@code labels} labels' F1-maximising threshold on {@code val}, or {@link #FALLBACK} for a label without
     * positives there (every label when validation is empty).
     */
    public static double[] tune(LabelScores val, int labels) {
        double[] out = new double[labels];
        for (int j = 0; j < out.length; j++) {
            out[j] = val.size() == 0 ? FALLBACK : bestF1(val.curve(j));
        }
        return out;
    }

    /**
     * Halfway between the distinct score with the highest F1 (among equal F1 the highest score, so fewer false
     * alarms) and the next lower distinct score (0 below the lowest), or {@link #FALLBACK} when the curve has no
     * positives. Any threshold in that gap decides validation the same way; its middle leaves room on both sides,
     * where the score itself would call a test image just below the lowest validation positive absent.
     */
    static double bestF1(BinaryCurve curve) {
        if (curve.positives() == 0) {
            return FALLBACK;
        }
        double best = FALLBACK;
        double bestF1 = -1;
        for (int p = 0; p < curve.size(); p++) {
            double f1 = curve.point(p).f1();
            if (f1 > bestF1) {
                bestF1 = f1;
                double below = p + 1 < curve.size() ? curve.threshold(p + 1) : 0;
                best = (curve.threshold(p) + below) / 2;
            }
        }
        return best;
    }

    /** Each label's confusion counts on {@code s} (its known examples) at its threshold. */
    public static List<ThresholdStats> at(LabelScores s, double[] thresholds) {
        if (thresholds.length != s.labels() && s.size() > 0) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + s.labels() + " labels");
        }
        List<ThresholdStats> out = new ArrayList<>();
        for (int j = 0; j < thresholds.length; j++) {
            out.add(s.size() == 0 ? new ThresholdStats(thresholds[j], 0, 0, 0, 0) : s.curve(j).at(thresholds[j]));
        }
        return out;
    }

    /** The mean F1 over the labels where it is defined (NaN when none is). */
    public static double macroF1(List<ThresholdStats> perLabel) {
        return ProbabilityMetrics.mean(perLabel.stream().mapToDouble(ThresholdStats::f1).toArray());
    }
}
