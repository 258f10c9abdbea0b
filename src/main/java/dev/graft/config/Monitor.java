package dev.graft.config;

import java.util.List;

/** The metric names that checkpoints, early stopping and sweeps can monitor. */
public final class Monitor {
    public static final List<String> NAMES = List.of("val_loss", "val_top1", "val_top5", "val_balanced_accuracy",
            "val_macro_f1", "train_loss", "train_top1", "train_top5");

    private Monitor() {
    }

    /** Losses improve downwards, everything else upwards. */
    public static boolean lowerIsBetter(String metric) {
        return metric.endsWith("_loss");
    }

    static void check(String metric, String path, ConfigErrors errors) {
        if (!NAMES.contains(metric)) {
            errors.add(path, RecordBinder.unknownValueMessage(metric, NAMES));
        }
    }
}
