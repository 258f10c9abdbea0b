package dev.graft.metrics;

/**
 * A single-label task's predictions over one split: each example's class probabilities (rows summing to 1)
 * and its true class index.
 */
public record ScoredExamples(double[][] probabilities, int[] labels, int classes) {

    public ScoredExamples {
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException(probabilities.length + " rows for " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (probabilities[i].length != classes) {
                throw new IllegalArgumentException("row " + i + " has " + probabilities[i].length + " scores for "
                        + classes + " classes");
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not a class index");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** The most probable class of example {@code i} (the first of equal highest probabilities). */
    public int predicted(int i) {
        double[] p = probabilities[i];
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Column {@code c} of the probabilities. */
    public double[] column(int c) {
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = probabilities[i][c];
        }
        return out;
    }

    /** Which examples belong to class {@code c} (one-vs-rest). */
    public boolean[] isClass(int c) {
        boolean[] out = new boolean[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] == c;
        }
        return out;
    }

    /** The one-vs-rest curve of class {@code c}. */
    public BinaryCurve curve(int c) {
        return BinaryCurve.of(column(c), isClass(c));
    }
}
