package dev.graft.metrics;

/**
 * A binary decision rule's counts at one threshold (positive when the score is {@code >=} it) and the rates
 * a clinician reads. A rate whose denominator is zero is NaN.
 */
public record ThresholdStats(double threshold, long tp, long fp, long tn, long fn) {

    /** Recall of the positive class: tp / (tp + fn). */
    public double sensitivity() {
        return ratio(tp, fn);
    }

    /** Recall of the negative class: tn / (tn + fp). */
    public double specificity() {
        return ratio(tn, fp);
    }

    /** Positive predictive value (precision): tp / (tp + fp). */
    public double ppv() {
        return ratio(tp, fp);
    }

    /** Negative predictive value: tn / (tn + fn). */
    public double npv() {
        return ratio(tn, fn);
    }

    /** F1, the harmonic mean of precision and sensitivity: 2tp / (2tp + fp + fn); NaN when all three are 0. */
    public double f1() {
        return ratio(2 * tp, fp + fn);
    }

    private static double ratio(long hit, long miss) {
        return hit + miss == 0 ? Double.NaN : (double) hit / (hit + miss);
    }
}
