package dev.graft.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-label (per-label, macro and micro AUROC, mAP; unknown labels left out; ties; a label never present) and
 * per-label decision thresholds tuned for F1 (their precision, recall and F1 on held-out rows, macro F1) and
 * regression (MAE, RMSE, R²) metrics equal scikit-learn's (1.2.1, Debian python3-sklearn) to 1e-9 on the committed
 * goldens. Regenerate with tools/make_target_metric_goldens.py.
 */
class TargetMetricsGoldenTest {
    private static final double TOL = 1e-9;

    private static JsonNode goldens() throws IOException {
        try (InputStream in = TargetMetricsGoldenTest.class.getResourceAsStream("/metrics/target-goldens.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static double value(JsonNode node) {
        return node.isNull() ? Double.NaN : node.asDouble();
    }

    private static LabelScores scores(JsonNode c) {
        int n = c.get("targets").size();
        double[][] p = new double[n][];
        float[][] t = new float[n][];
        for (int i = 0; i < n; i++) {
            JsonNode pr = c.get("probabilities").get(i);
            JsonNode tr = c.get("targets").get(i);
            p[i] = new double[pr.size()];
            t[i] = new float[tr.size()];
            for (int j = 0; j < pr.size(); j++) {
                p[i][j] = pr.get(j).asDouble();
                t[i][j] = tr.get(j).isNull() ? Float.NaN : (float) tr.get(j).asDouble();
            }
        }
        return new LabelScores(p, t);
    }

    @Test
    void multiLabelMetricsEqualScikitLearn() throws IOException {
        int cases = 0;
        for (JsonNode c : goldens().get("multi_label")) {
            String name = c.get("name").asText();
            LabelScores s = scores(c);
            Map<String, Double> m = new MultiLabelMetrics().compute(s);
            for (String metric : MultiLabelMetrics.NAMES) {
                assertEquals(c.get(metric).asDouble(), m.get(metric), TOL, name + " " + metric);
            }
            double[] auroc = MultiLabelMetrics.perLabelAuroc(s);
            double[] ap = MultiLabelMetrics.perLabelAveragePrecision(s);
            for (int j = 0; j < auroc.length; j++) {
                assertEquals(value(c.get("per_label_auroc").get(j)), auroc[j], TOL, name + " auroc of label " + j);
                assertEquals(value(c.get("per_label_ap").get(j)), ap[j], TOL, name + " AP of label " + j);
            }
            cases++;
        }
        assertEquals(4, cases);
    }

    /** Rows {@code from..to} of a golden case's scores. */
    private static LabelScores rows(LabelScores s, int from, int to) {
        return new LabelScores(java.util.Arrays.copyOfRange(s.probabilities(), from, to),
                java.util.Arrays.copyOfRange(s.targets(), from, to));
    }

    /**
     * Thresholds tuned on the first half of each case (the F1-maximising score, 0.5 for a label without positives)
     * give, on the second half, scikit-learn's precision, recall and F1 per label and their macro mean.
     */
    @Test
    void labelThresholdsAndTheirF1EqualScikitLearn() throws IOException {
        int cases = 0;
        for (JsonNode c : goldens().get("decisions")) {
            String name = c.get("name").asText();
            LabelScores all = scores(c);
            int half = c.get("validation_rows").asInt();
            double[] thresholds = LabelThresholds.tune(rows(all, 0, half), all.labels());
            java.util.List<ThresholdStats> test = LabelThresholds.at(rows(all, half, all.size()), thresholds);
            for (int j = 0; j < thresholds.length; j++) {
                assertEquals(c.get("thresholds").get(j).asDouble(), thresholds[j], 0, name + " threshold " + j);
                assertEquals(value(c.get("precision").get(j)), test.get(j).ppv(), TOL, name + " precision " + j);
                assertEquals(value(c.get("recall").get(j)), test.get(j).sensitivity(), TOL, name + " recall " + j);
                assertEquals(value(c.get("f1").get(j)), test.get(j).f1(), TOL, name + " F1 " + j);
            }
            assertEquals(c.get("macro_f1").asDouble(), LabelThresholds.macroF1(test), TOL, name + " macro F1");
            cases++;
        }
        assertEquals(4, cases);
        assertEquals(LabelThresholds.FALLBACK, LabelThresholds.tune(new LabelScores(new double[0][],
                new float[0][]), 2)[1], 0, "an empty validation split falls back for every label");
    }

    @Test
    void regressionMetricsEqualScikitLearn() throws IOException {
        int cases = 0;
        for (JsonNode c : goldens().get("regression")) {
            double[] predicted = new double[c.get("predicted").size()];
            double[] actual = new double[predicted.length];
            for (int i = 0; i < predicted.length; i++) {
                predicted[i] = c.get("predicted").get(i).asDouble();
                actual[i] = c.get("actual").get(i).asDouble();
            }
            Map<String, Double> m = new RegressionMetrics().compute(new RegressionMetrics.Values(predicted, actual));
            for (String metric : RegressionMetrics.NAMES) {
                assertEquals(c.get(metric).asDouble(), m.get(metric), TOL, c.get("name").asText() + " " + metric);
            }
            cases++;
        }
        assertEquals(2, cases);
    }

    @Test
    void constantTargetsHaveNoR2AndNoExamplesNoMetrics() {
        Map<String, Double> m = new RegressionMetrics().compute(new RegressionMetrics.Values(new double[] {1, 2},
                new double[] {3, 3}));
        assertEquals(1.5, m.get("mae"), TOL);
        assertTrue(Double.isNaN(m.get("r2")), "R² is undefined when the targets do not vary");
        assertTrue(new MultiLabelMetrics().compute(new LabelScores(new double[0][], new float[0][])).values()
                .stream().allMatch(v -> Double.isNaN(v)));
    }
}
