package dev.graft.metrics;

/**
 * A multi-label task's predictions over one split: each example's per-label probabilities (independent sigmoids)
 * and its targets, 1 present, 0 absent, NaN unknown (an uncertain label the loss ignores, left out of metrics).
 */
public record LabelScores(double[][] probabilities, float[][] targets) {

    public LabelScores {
        if (probabilities.length != targets.length) {
            throw new IllegalArgumentException(probabilities.length + " rows for " + targets.length + " targets");
        }
        for (int i = 0; i < targets.length; i++) {
            if (probabilities[i].length != targets[i].length) {
                throw new IllegalArgumentException("row " + i + " has " + probabilities[i].length + " scores for "
                        + targets[i].length + " labels");
            }
        }
    }

    public int size() {
        return targets.length;
    }

    /** Labels per example (0 when there are no examples). */
    public int labels() {
        return targets.length == 0 ? 0 : targets[0].length;
    }

    /** Label {@code j}'s curve over the examples where it is known. */
    public BinaryCurve curve(int j) {
        int known = 0;
        for (float[] t : targets) {
            known += Float.isNaN(t[j]) ? 0 : 1;
        }
        double[] scores = new double[known];
        boolean[] positive = new boolean[known];
        int k = 0;
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isNaN(targets[i][j])) {
                scores[k] = probabilities[i][j];
                positive[k++] = targets[i][j] >= 0.5f;
            }
        }
        return BinaryCurve.of(scores, positive);
    }

    /** Every known (example, label) pair as one binary scoring: the micro-average's curve. */
    public BinaryCurve pooledCurve() {
        int known = 0;
        for (float[] t : targets) {
            for (float v : t) {
                known += Float.isNaN(v) ? 0 : 1;
            }
        }
        double[] scores = new double[known];
        boolean[] positive = new boolean[known];
        int k = 0;
        for (int i = 0; i < targets.length; i++) {
            for (int j = 0; j < targets[i].length; j++) {
                if (!Float.isNaN(targets[i][j])) {
                    scores[k] = probabilities[i][j];
                    positive[k++] = targets[i][j] >= 0.5f;
                }
            }
        }
        return BinaryCurve.of(scores, positive);
    }
}
