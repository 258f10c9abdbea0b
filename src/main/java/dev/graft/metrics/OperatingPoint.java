package dev.graft.metrics;

/**
 * How a binary task's decision threshold is chosen on validation scores of the positive class. Candidate
 * thresholds are the distinct scores (the points of the {@link BinaryCurve}).
 */
public sealed interface OperatingPoint {

    /** The chosen threshold; an example is called positive when its score is {@code >=} it. */
    double choose(BinaryCurve curve);

    /** The rule as written in a config: {@code youden}, {@code {sensitivity: 0.95}}, ... */
    String describe();

    /** Maximises sensitivity + specificity - 1 (Youden's J); among equal J the highest threshold. */
    record Youden() implements OperatingPoint {
        @Override
        public double choose(BinaryCurve curve) {
            requireBothClasses(curve);
            int best = 0;
            double bestJ = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < curve.size(); p++) {
                double j = curve.truePositiveRate(p) - curve.falsePositiveRate(p);
                if (j > bestJ) {
                    bestJ = j;
                    best = p;
                }
            }
            return curve.threshold(best);
        }

        @Override
        public String describe() {
            return "youden";
        }
    }

    /** The highest threshold whose sensitivity is at least {@code minimum} (so the best specificity there). */
    record Sensitivity(double minimum) implements OperatingPoint {
        @Override
        public double choose(BinaryCurve curve) {
            requireBothClasses(curve);
            for (int p = 0; p < curve.size(); p++) {
                if (curve.truePositiveRate(p) >= minimum) {
                    return curve.threshold(p);
                }
            }
            return curve.threshold(curve.size() - 1); // unreachable: the last point has sensitivity 1
        }

        @Override
        public String describe() {
            return "{sensitivity: " + minimum + "}";
        }
    }

    /** The lowest threshold whose specificity is at least {@code minimum} (so the best sensitivity there). */
    record Specificity(double minimum) implements OperatingPoint {
        @Override
        public double choose(BinaryCurve curve) {
            requireBothClasses(curve);
            for (int p = curve.size() - 1; p >= 0; p--) {
                if (1 - curve.falsePositiveRate(p) >= minimum) {
                    return curve.threshold(p);
                }
            }
            return Double.POSITIVE_INFINITY; // no score reaches it: call nothing positive
        }

        @Override
        public String describe() {
            return "{specificity: " + minimum + "}";
        }
    }

    /** A threshold fixed in advance. */
    record Threshold(double value) implements OperatingPoint {
        @Override
        public double choose(BinaryCurve curve) {
            return value;
        }

        @Override
        public String describe() {
            return "{threshold: " + value + "}";
        }
    }

    private static void requireBothClasses(BinaryCurve curve) {
        if (!curve.defined()) {
            throw new IllegalStateException("choosing an operating point needs validation examples of both "
                    + "classes (positives " + curve.positives() + ", negatives " + curve.negatives() + ")");
        }
    }
}
