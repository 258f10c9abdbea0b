package dev.graft.train;

import java.util.List;
import java.util.Locale;

/**
 * One row of {@code metrics.csv}: an epoch's learning rate, train and validation metrics and speed.
 * The column order is stable; new columns are only ever appended.
 */
public record EpochRecord(int epoch, double lr, double trainLoss, double trainTop1, double trainTop5,
                          double valLoss, double valTop1, double valTop5, double valBalancedAccuracy,
                          double valMacroF1, long trainImages, double seconds, double imagesPerSecond,
                          String frozen) {

    public static final List<String> COLUMNS = List.of("epoch", "lr", "train_loss", "train_top1", "train_top5",
            "val_loss", "val_top1", "val_top5", "val_balanced_accuracy", "val_macro_f1", "train_images",
            "seconds", "images_per_second", "frozen");

    /** The value of a monitored metric, by its config name ({@code val_top1}, {@code train_loss}, ...). */
    public double metric(String name) {
        return switch (name) {
            case "train_loss" -> trainLoss;
            case "train_top1" -> trainTop1;
            case "train_top5" -> trainTop5;
            case "val_loss" -> valLoss;
            case "val_top1" -> valTop1;
            case "val_top5" -> valTop5;
            case "val_balanced_accuracy" -> valBalancedAccuracy;
            case "val_macro_f1" -> valMacroF1;
            default -> throw new IllegalArgumentException("unknown metric " + name);
        };
    }

    public String csvRow() {
        return String.join(",", String.valueOf(epoch), num(lr), num(trainLoss), num(trainTop1), num(trainTop5),
                num(valLoss), num(valTop1), num(valTop5), num(valBalancedAccuracy), num(valMacroF1),
                String.valueOf(trainImages), String.format(Locale.ROOT, "%.2f", seconds),
                String.format(Locale.ROOT, "%.2f", imagesPerSecond), frozen.replace(',', ' '));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
