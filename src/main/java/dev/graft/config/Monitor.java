package dev.graft.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The metric names that checkpoints, early stopping and sweeps can monitor. The {@code val_auroc} ...
 * {@code val_ece} names are the validation columns of {@code metrics.ProbabilityMetrics} (config may not use
 * that package; a test keeps the two lists equal).
 */
public final class Monitor {
    /** Validation's threshold-free metrics (see {@code metrics.ProbabilityMetrics}). */
    public static final List<String> THRESHOLD_FREE = List.of("val_auroc", "val_pr_auc", "val_log_loss",
            "val_brier", "val_ece");
    /** A single-label head's metrics. */
    public static final List<String> SINGLE_LABEL = Stream.concat(Stream.of("val_loss", "val_top1",
            "val_top5", "val_balanced_accuracy", "val_macro_f1", "train_loss", "train_top1", "train_top5"),
            THRESHOLD_FREE.stream()).toList();
    /** A multi-label head's (see {@code metrics.MultiLabelMetrics}): macro and micro AUROC, mean average precision. */
    public static final List<String> MULTI_LABEL = List.of("val_loss", "train_loss", "val_mauroc", "val_micro_auroc",
            "val_map");
    /** A regression head's (see {@code metrics.RegressionMetrics}), in the target's own units. */
    public static final List<String> REGRESSION = List.of("val_loss", "train_loss", "val_mae", "val_rmse", "val_r2");
    /** Every name some head reports (what a sweep objective may name). */
    public static final List<String> NAMES = union();
    /** Errors and losses: lower is better. */
    private static final Set<String> LOWER_IS_BETTER_SUFFIXES = Set.of("_loss", "_brier", "_ece", "_mae", "_rmse");

    private Monitor() {
    }

    /** Losses, the Brier score and the calibration error improve downwards, everything else upwards. */
    public static boolean lowerIsBetter(String metric) {
        return LOWER_IS_BETTER_SUFFIXES.stream().anyMatch(metric::endsWith);
    }

    static void check(String metric, String path, ConfigErrors errors) {
        if (!NAMES.contains(metric)) {
            String accuracy = accuracyName(metric);
            errors.add(path, accuracy == null ? RecordBinder.unknownValueMessage(metric, NAMES)
                    : "unknown '" + metric + "' (accuracy is '" + accuracy + "'; one of " + String.join(", ", NAMES)
                    + ")");
        }
    }

    /**
     * Keras and Lightning call top-1 accuracy {@code val_acc} / {@code val_accuracy}; edit distance alone would
     * suggest {@code val_ece} for it, so such names point at {@code val_top1} / {@code train_top1}.
     */
    private static String accuracyName(String metric) {
        String m = metric.toLowerCase(java.util.Locale.ROOT);
        if (!(m.endsWith("_acc") || m.endsWith("_accuracy")) || m.contains("balanced")) {
            return null;
        }
        return m.startsWith("train") ? "train_top1" : "val_top1";
    }

    /** The names a {@code problem} head reports. */
    public static List<String> namesFor(HeadConfig.Problem problem) {
        return switch (problem) {
            case SINGLE_LABEL -> SINGLE_LABEL;
            case MULTI_LABEL -> MULTI_LABEL;
            case REGRESSION -> REGRESSION;
        };
    }

    /** What checkpoints monitor unless told: top-1, macro AUROC, mean absolute error. */
    public static String defaultFor(HeadConfig.Problem problem) {
        return switch (problem) {
            case SINGLE_LABEL -> "val_top1";
            case MULTI_LABEL -> "val_mauroc";
            case REGRESSION -> "val_mae";
        };
    }

    /** A known name that this problem's head does not report is an error too. */
    static void checkFor(HeadConfig.Problem problem, String metric, String path, ConfigErrors errors) {
        if (NAMES.contains(metric) && !namesFor(problem).contains(metric)) {
            errors.add(path, "'" + metric + "' is not a metric of a " + problem + " head; use one of "
                    + String.join(", ", namesFor(problem)));
        }
    }

    private static List<String> union() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(SINGLE_LABEL);
        all.addAll(MULTI_LABEL);
        all.addAll(REGRESSION);
        return List.copyOf(all);
    }
}
