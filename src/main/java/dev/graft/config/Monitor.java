package dev.graft.config;

import java.util.List;
import java.util.Set;

/**
 * The metric names that checkpoints, early stopping and sweeps can monitor. The {@code val_auroc} ...
 * {@code val_ece} names are the validation columns of {@code metrics.ProbabilityMetrics} (config may not use
 * that package; a test keeps the two lists equal).
 */
public final class Monitor {
    /** Validation's threshold-free metrics (see {@code metrics.ProbabilityMetrics}). */
    public static final List<String> THRESHOLD_FREE = List.of("val_auroc", "val_pr_auc", "val_log_loss",
            "val_brier", "val_ece");
    public static final List<String> NAMES = List.of("val_loss", "val_top1", "val_top5", "val_balanced_accuracy",
            "val_macro_f1", "train_loss", "train_top1", "train_top5", "val_auroc", "val_pr_auc", "val_log_loss",
            "val_brier", "val_ece");
    /** Errors and losses: lower is better. */
    private static final Set<String> LOWER_IS_BETTER_SUFFIXES = Set.of("_loss", "_brier", "_ece");

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
}
