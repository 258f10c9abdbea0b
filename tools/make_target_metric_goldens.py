#!/usr/bin/env python3
"""Writes src/test/resources/metrics/target-goldens.json: multi-label and regression metric values computed by
scikit-learn, which TargetMetricsGoldenTest compares Graft's MultiLabelMetrics and RegressionMetrics with (issue 17).

Multi-label: per-label ROC AUC and average precision over the examples where the label is known (a NaN target is
unknown), NaN for a label without both outcomes there; macro AUROC and mAP are the means over the defined labels;
micro AUROC is roc_auc_score over every known (example, label) pair pooled. Decision thresholds: per label, the
distinct score whose F1 (counted exactly as 2tp / (2tp + fp + fn)) is highest, the highest such score on ties,
moved halfway down to the next lower distinct score (0 below the lowest), which decides validation the same way
and leaves room on both sides; 0.5 for a label without a known positive; precision_score, recall_score and f1_score at those thresholds (None where
scikit-learn would divide by zero), macro F1 the mean of the defined F1s. Regression: mean_absolute_error,
sqrt(mean_squared_error), r2_score.

Run with Debian's python3-sklearn: /usr/bin/python3 tools/make_target_metric_goldens.py
"""
import json
import math
import os

import numpy as np
import sklearn
from fractions import Fraction

from sklearn.metrics import average_precision_score, f1_score, mean_absolute_error, mean_squared_error, \
    precision_score, r2_score, recall_score, roc_auc_score

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "metrics", "target-goldens.json")


def nan_to_none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


FALLBACK = 0.5


def best_f1_threshold(y, p):
    """Halfway between the F1-maximising distinct score (highest on ties; exact rational F1 so ties are ties) and
    the next lower distinct score."""
    if y.sum() == 0:
        return FALLBACK
    best, best_f1 = FALLBACK, Fraction(-1)
    scores = sorted(set(p.tolist()), reverse=True)
    for i, t in enumerate(scores):
        called = p >= t
        tp = int(np.sum(called & (y == 1)))
        fp = int(np.sum(called & (y == 0)))
        fn = int(np.sum(~called & (y == 1)))
        f1 = Fraction(2 * tp, 2 * tp + fp + fn)
        if f1 > best_f1:
            below = scores[i + 1] if i + 1 < len(scores) else 0.0
            best, best_f1 = (t + below) / 2, f1
    return best


def decided(y, p, t):
    """Precision, recall and F1 of calling p >= t, None where scikit-learn divides by zero."""
    called = (p >= t).astype(float)
    precision = precision_score(y, called, zero_division=0) if called.sum() > 0 else None
    recall = recall_score(y, called, zero_division=0) if y.sum() > 0 else None
    f1 = f1_score(y, called, zero_division=0) if y.sum() + called.sum() > 0 else None
    return precision, recall, f1


def decision_case(name, probs, targets):
    """Thresholds tuned on the first half (validation), scored on the second (test)."""
    probs = np.asarray(probs, dtype=float)
    targets = np.asarray(targets, dtype=float)
    half = len(targets) // 2
    thresholds, rows = [], []
    for j in range(targets.shape[1]):
        known = ~np.isnan(targets[:half, j])
        thresholds.append(float(best_f1_threshold(targets[:half, j][known], probs[:half, j][known])))
        known = ~np.isnan(targets[half:, j])
        rows.append(decided(targets[half:, j][known], probs[half:, j][known], thresholds[j]))
    f1s = [r[2] for r in rows if r[2] is not None]
    return {"name": name, "probabilities": probs.tolist(),
            "targets": [[None if math.isnan(v) else v for v in row] for row in targets.tolist()],
            "validation_rows": half, "thresholds": thresholds,
            "precision": [r[0] for r in rows], "recall": [r[1] for r in rows], "f1": [r[2] for r in rows],
            "macro_f1": float(np.mean(f1s))}


def multi_label_case(name, probs, targets):
    probs = np.asarray(probs, dtype=float)
    targets = np.asarray(targets, dtype=float)
    per_auroc, per_ap = [], []
    for j in range(targets.shape[1]):
        known = ~np.isnan(targets[:, j])
        y, p = targets[known, j], probs[known, j]
        if len(set(y)) < 2:
            per_auroc.append(float("nan"))
            per_ap.append(float("nan"))
        else:
            per_auroc.append(float(roc_auc_score(y, p)))
            per_ap.append(float(average_precision_score(y, p)))
    known = ~np.isnan(targets)
    micro = float(roc_auc_score(targets[known], probs[known]))
    defined = [v for v in per_auroc if not math.isnan(v)]
    defined_ap = [v for v in per_ap if not math.isnan(v)]
    return {"name": name, "probabilities": probs.tolist(),
            "targets": [[None if math.isnan(v) else v for v in row] for row in targets.tolist()],
            "per_label_auroc": [nan_to_none(v) for v in per_auroc], "per_label_ap": [nan_to_none(v) for v in per_ap],
            "mauroc": float(np.mean(defined)), "micro_auroc": micro, "map": float(np.mean(defined_ap))}


def regression_case(name, predicted, actual):
    return {"name": name, "predicted": list(predicted), "actual": list(actual),
            "mae": float(mean_absolute_error(actual, predicted)),
            "rmse": float(math.sqrt(mean_squared_error(actual, predicted))),
            "r2": float(r2_score(actual, predicted))}


def main():
    rng = np.random.default_rng(17)
    n, k = 30, 4
    targets = (rng.random((n, k)) < 0.4).astype(float)
    probs = np.clip(0.35 * targets + 0.65 * rng.random((n, k)), 0, 1)
    ties = np.round(probs, 1)  # many tied scores
    unknown = targets.copy()
    unknown[rng.random((n, k)) < 0.2] = np.nan
    one_sided = targets.copy()
    one_sided[:, 2] = 0.0  # a label never present: undefined, left out of the means
    cases = [multi_label_case("4 labels", probs, targets),
             multi_label_case("4 labels, tied scores", ties, targets),
             multi_label_case("4 labels, 20% unknown", probs, unknown),
             multi_label_case("a label never present", probs, one_sided)]
    decisions = [decision_case("4 labels", probs, targets),
                 decision_case("4 labels, tied scores", ties, targets),
                 decision_case("4 labels, 20% unknown", probs, unknown),
                 decision_case("a label never present", probs, one_sided)]
    actual = rng.normal(120, 40, 25)
    regression = [regression_case("bone age months", actual + rng.normal(0, 8, 25), actual),
                  regression_case("worse than the mean", rng.normal(120, 80, 25), actual)]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/make_target_metric_goldens.py", "sklearn": sklearn.__version__,
                   "multi_label": cases, "decisions": decisions,
                   "regression": regression}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
