package dev.graft.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of a regression head in the target's own units: mean absolute error, root mean squared error and the
 * coefficient of determination R² (1 - residual / total sum of squares; NaN when the targets are all equal), each
 * as scikit-learn defines them.
 */
public final class RegressionMetrics implements MetricSet<RegressionMetrics.Values> {
    public static final List<String> NAMES = List.of("mae", "rmse", "r2");

    /** Predicted and true values, one pair per example. */
    public record Values(double[] predicted, double[] actual) {
        public Values {
            if (predicted.length != actual.length) {
                throw new IllegalArgumentException(predicted.length + " predictions for " + actual.length
                        + " targets");
            }
        }
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public boolean higherIsBetter(String name) {
        return name.equals("r2");
    }

    @Override
    public Map<String, Double> compute(Values v) {
        Map<String, Double> out = new LinkedHashMap<>();
        int n = v.actual().length;
        if (n == 0) {
            NAMES.forEach(name -> out.put(name, Double.NaN));
            return out;
        }
        double absolute = 0;
        double squared = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double e = v.predicted()[i] - v.actual()[i];
            absolute += Math.abs(e);
            squared += e * e;
            mean += v.actual()[i];
        }
        mean /= n;
        double total = 0;
        for (double y : v.actual()) {
            total += (y - mean) * (y - mean);
        }
        out.put("mae", absolute / n);
        out.put("rmse", Math.sqrt(squared / n));
        out.put("r2", total > 0 ? 1 - squared / total : Double.NaN);
        return out;
    }
}
