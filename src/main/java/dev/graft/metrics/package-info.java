/**
 * Classification metrics computed from predicted probabilities and true labels: loss, top-1, top-k (k capped
 * at the class count), per-class precision / recall / F1, balanced accuracy, macro-F1 and the confusion
 * matrix ({@link dev.graft.metrics.ClassificationMetrics}); threshold-free metrics (ROC AUC, average
 * precision, log loss, Brier score, expected calibration error: {@link dev.graft.metrics.ProbabilityMetrics},
 * one {@link dev.graft.metrics.MetricSet} per task type), binary operating points and temperature scaling.
 * Pure Java; no other Graft package.
 *
 * <p>Why not ND4J's {@code ROC}/{@code ROCMultiClass}: with {@code thresholdSteps = 0} their ROC AUC equals
 * scikit-learn's only when no two scores tie (measured on the goldens: 1e-16 without ties, up to 1.1e-2 off
 * with ties), and {@code calculateAUCPR} interpolates the precision-recall curve (0.7679 against
 * scikit-learn's step-wise average precision 0.7695 without ties). {@link dev.graft.metrics.BinaryCurve}
 * groups tied scores into one point, which makes both areas exact.
 */
package dev.graft.metrics;
