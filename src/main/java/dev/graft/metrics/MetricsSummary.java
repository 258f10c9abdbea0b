package dev.graft.metrics;

import java.util.List;

/**
 * Metrics over one pass of a dataset split.
 *
 * @param loss             mean loss per example (NaN when no loss was recorded)
 * @param k                the k of top-k: 5, or the class count when there are fewer classes
 * @param confusion        confusion[true][predicted] counts
 */
public record MetricsSummary(long count, double loss, double top1, double topK, int k, double balancedAccuracy,
                             double macroF1, List<ClassStats> perClass, long[][] confusion) {

    /** The value of a metric by its config name suffix: loss, top1, top5, balanced_accuracy, macro_f1. */
    public double get(String name) {
        return switch (name) {
            case "loss" -> loss;
            case "top1" -> top1;
            case "top5" -> topK;
            case "balanced_accuracy" -> balancedAccuracy;
            case "macro_f1" -> macroF1;
            default -> throw new IllegalArgumentException("unknown metric " + name);
        };
    }
}
