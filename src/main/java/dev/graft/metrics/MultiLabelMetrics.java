package dev.graft.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Threshold-free metrics of a multi-label head: macro AUROC ({@code mauroc}, the mean of the per-label ROC AUCs
 * over the labels with both outcomes, as scikit-learn's {@code roc_auc_score(average="macro")} on those labels),
 * micro AUROC (every known example-label pair pooled) and mean average precision ({@code map}, the macro mean of
 * per-label average precision). Unknown labels (NaN targets) are left out of their label's curve.
 */
public final class MultiLabelMetrics implements MetricSet<LabelScores> {
    public static final List<String> NAMES = List.of("mauroc", "micro_auroc", "map");

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public boolean higherIsBetter(String name) {
        return true;
    }

    @Override
    public Map<String, Double> compute(LabelScores s) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (s.size() == 0) {
            NAMES.forEach(n -> out.put(n, Double.NaN));
            return out;
        }
        out.put("mauroc", ProbabilityMetrics.mean(perLabelAuroc(s)));
        BinaryCurve pooled = s.pooledCurve();
        out.put("micro_auroc", pooled.defined() ? pooled.auroc() : Double.NaN);
        out.put("map", ProbabilityMetrics.mean(perLabelAveragePrecision(s)));
        return out;
    }

    /** ROC AUC per label; NaN for a label without both outcomes among its known targets. */
    public static double[] perLabelAuroc(LabelScores s) {
        double[] out = new double[s.labels()];
        for (int j = 0; j < out.length; j++) {
            BinaryCurve curve = s.curve(j);
            out[j] = curve.defined() ? curve.auroc() : Double.NaN;
        }
        return out;
    }

    /** Average precision per label; NaN for a label without both outcomes among its known targets. */
    public static double[] perLabelAveragePrecision(LabelScores s) {
        double[] out = new double[s.labels()];
        for (int j = 0; j < out.length; j++) {
            BinaryCurve curve = s.curve(j);
            out[j] = curve.defined() ? curve.averagePrecision() : Double.NaN;
        }
        return out;
    }
}
