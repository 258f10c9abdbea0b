package dev.graft.metrics;

import java.util.List;
import java.util.Map;

/**
 * The threshold-free metrics of one task type over one split. Single-label classification has
 * {@link ProbabilityMetrics}; other task types (multi-label, regression) plug in their own set, and everything
 * downstream (metrics.csv columns, monitor and sweep-objective keys, reports) reads only {@link #names()} and
 * the map.
 *
 * @param <P> the task's predictions over a split
 */
public interface MetricSet<P> {

    /** The metric names this set reports, in column order; a split prefix makes the key: {@code val_auroc}. */
    List<String> names();

    /** Whether a higher value is better, for monitors and sweep objectives. */
    boolean higherIsBetter(String name);

    /** Every name's value (NaN where a metric is undefined on this split, e.g. AUROC with one class). */
    Map<String, Double> compute(P predictions);
}
