package dev.graft.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Threshold-free metrics of single-label class probabilities: ROC AUC and average precision (binary: of the
 * positive class; more classes: one-vs-rest macro mean over the classes present with both outcomes), log
 * loss, Brier score and expected calibration error (15 bins). Each equals scikit-learn's on the committed
 * goldens (tools/make_metric_goldens.py).
 */
public final class ProbabilityMetrics implements MetricSet<ScoredExamples> {
    public static final List<String> NAMES = List.of("auroc", "pr_auc", "log_loss", "brier", "ece");
    private final int positiveClass;

    /** @param positiveClass the class whose probability is the binary score (ignored with more classes) */
    public ProbabilityMetrics(int positiveClass) {
        this.positiveClass = positiveClass;
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public boolean higherIsBetter(String name) {
        return name.equals("auroc") || name.equals("pr_auc");
    }

    @Override
    public Map<String, Double> compute(ScoredExamples s) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (s.size() == 0) {
            NAMES.forEach(n -> out.put(n, Double.NaN));
            return out;
        }
        out.put("auroc", auroc(s));
        out.put("pr_auc", averagePrecision(s));
        out.put("log_loss", Calibration.logLoss(s));
        out.put("brier", Calibration.brier(s, positiveClass));
        out.put("ece", Calibration.ece(s));
        return out;
    }

    /** Binary: the positive class's ROC AUC; more classes: the macro one-vs-rest mean. */
    public double auroc(ScoredExamples s) {
        return s.classes() == 2 ? orNaN(s.curve(positiveClass), true) : mean(perClassAuroc(s));
    }

    /** Binary: the positive class's average precision; more classes: the macro one-vs-rest mean. */
    public double averagePrecision(ScoredExamples s) {
        return s.classes() == 2 ? orNaN(s.curve(positiveClass), false) : mean(perClassAveragePrecision(s));
    }

    /** One-vs-rest ROC AUC per class; NaN for a class without both positives and negatives. */
    public static double[] perClassAuroc(ScoredExamples s) {
        double[] out = new double[s.classes()];
        for (int c = 0; c < out.length; c++) {
            out[c] = orNaN(s.curve(c), true);
        }
        return out;
    }

    /** One-vs-rest average precision per class; NaN for a class without both positives and negatives. */
    public static double[] perClassAveragePrecision(ScoredExamples s) {
        double[] out = new double[s.classes()];
        for (int c = 0; c < out.length; c++) {
            out[c] = orNaN(s.curve(c), false);
        }
        return out;
    }

    private static double orNaN(BinaryCurve curve, boolean roc) {
        if (!curve.defined()) {
            return Double.NaN;
        }
        return roc ? curve.auroc() : curve.averagePrecision();
    }

    /** Mean over the values that are not NaN; NaN when all are. */
    static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
