package dev.graft.train;

import dev.graft.config.HeadConfig;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.ProbabilityMetrics;
import dev.graft.metrics.RegressionMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of {@code metrics.csv}: an epoch's learning rate, train and validation metrics and speed.
 * The column order is stable; new columns are only ever appended.
 *
 * @param valScores the validation split's threshold-free metrics by name ({@link ProbabilityMetrics#NAMES}:
 *                  auroc, pr_auc, log_loss, brier, ece; a multi-label or regression head's own set, see
 *                  {@link #scoreNames}); empty in checkpoints written before they existed. A multi-label or
 *                  regression head has no top-k, balanced accuracy or F1: those are NaN (empty cells).
 */
public record EpochRecord(int epoch, double lr, double trainLoss, double trainTop1, double trainTop5,
                          double valLoss, double valTop1, double valTop5, double valBalancedAccuracy,
                          double valMacroF1, long trainImages, double seconds, double imagesPerSecond,
                          String frozen, Map<String, Double> valScores) {

    /** The columns of the first version, in their order; the threshold-free ones follow. */
    private static final List<String> FIRST_COLUMNS = List.of("epoch", "lr", "train_loss", "train_top1",
            "train_top5", "val_loss", "val_top1", "val_top5", "val_balanced_accuracy", "val_macro_f1",
            "train_images", "seconds", "images_per_second", "frozen");
    public static final List<String> COLUMNS = columns();
    /** With train.ema, val_* measure the weight average; these two the raw weights (kept in valScores). */
    public static final String RAW_VAL_LOSS = "raw_val_loss";
    public static final String RAW_VAL_TOP1 = "raw_val_top1";
    /** The raw weights' columns, appended when the run keeps a weight average. */
    public static final List<String> RAW_COLUMNS = List.of(RAW_VAL_LOSS, RAW_VAL_TOP1);

    public EpochRecord {
        valScores = valScores == null ? Map.of() : new LinkedHashMap<>(valScores);
    }

    private static List<String> columns() {
        return columns(HeadConfig.Problem.SINGLE_LABEL);
    }

    /** The columns of {@code metrics.csv} for a {@code problem} head: the first ones, then its own metrics. */
    public static List<String> columns(HeadConfig.Problem problem) {
        List<String> all = new ArrayList<>(FIRST_COLUMNS);
        scoreNames(problem).forEach(n -> all.add("val_" + n));
        return List.copyOf(all);
    }

    /** {@link #columns(HeadConfig.Problem)}, plus {@link #RAW_COLUMNS} when {@code raw} (train.ema). */
    public static List<String> columns(HeadConfig.Problem problem, boolean raw) {
        List<String> all = new ArrayList<>(columns(problem));
        if (raw) {
            all.addAll(RAW_COLUMNS);
        }
        return List.copyOf(all);
    }

    /** The names of a {@code problem} head's validation metric set (the keys of {@link #valScores}). */
    public static List<String> scoreNames(HeadConfig.Problem problem) {
        return switch (problem) {
            case SINGLE_LABEL -> ProbabilityMetrics.NAMES;
            case MULTI_LABEL -> MultiLabelMetrics.NAMES;
            case REGRESSION -> RegressionMetrics.NAMES;
        };
    }

    /** The value of a monitored metric, by its config name ({@code val_top1}, {@code val_auroc}, ...). */
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
            default -> valScore(name);
        };
    }

    private double valScore(String name) {
        if (RAW_COLUMNS.contains(name)) {
            return valScores.getOrDefault(name, Double.NaN);
        }
        String key = name.startsWith("val_") ? name.substring(4) : name;
        if (name.startsWith("val_") && valScores.containsKey(key)) {
            return valScores.get(key);
        }
        if (!name.startsWith("val_") || !ProbabilityMetrics.NAMES.contains(key)) {
            throw new IllegalArgumentException("unknown metric " + name);
        }
        return valScores.getOrDefault(key, Double.NaN);
    }

    public String csvRow() {
        return csvRow(HeadConfig.Problem.SINGLE_LABEL);
    }

    /** This record as a row under {@link #columns(HeadConfig.Problem, boolean)}. */
    public String csvRow(HeadConfig.Problem problem, boolean raw) {
        StringBuilder row = new StringBuilder(csvRow(problem));
        if (raw) {
            RAW_COLUMNS.forEach(n -> row.append(',').append(num(valScores.getOrDefault(n, Double.NaN))));
        }
        return row.toString();
    }

    /** This record as a row under {@link #columns(HeadConfig.Problem)}. */
    public String csvRow(HeadConfig.Problem problem) {
        List<String> cells = new ArrayList<>(List.of(String.valueOf(epoch), num(lr), num(trainLoss),
                num(trainTop1), num(trainTop5), num(valLoss), num(valTop1), num(valTop5), num(valBalancedAccuracy),
                num(valMacroF1), String.valueOf(trainImages), String.format(Locale.ROOT, "%.2f", seconds),
                String.format(Locale.ROOT, "%.2f", imagesPerSecond), frozen.replace(',', ' ')));
        scoreNames(problem).forEach(n -> cells.add(num(valScores.getOrDefault(n, Double.NaN))));
        return String.join(",", cells);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
