#!/usr/bin/python3
"""Writes src/test/resources/metrics/goldens.json: metric values computed by scikit-learn (and, where
scikit-learn has no function, by the numpy definition written out below) on fixed, seeded vectors.

Run on a machine with Debian's python3-sklearn:   /usr/bin/python3 tools/make_metric_goldens.py
The Java tests only read the JSON; neither Python nor scikit-learn is a dependency of the build or of CI.

Cases: ties (probabilities on a coarse grid), one class absent from the labels, 2 and 7 classes.
Conventions (the Java code follows the same):
- multi-class ROC AUC / average precision are one-vs-rest per class; the macro value averages the classes
  that have both positives and negatives among the labels (a class absent from the labels has no AUC: null).
- Brier score: binary = mean (p_positive - y)^2 (sklearn brier_score_loss); multi-class = mean over examples
  of sum_k (p_k - onehot_k)^2.
- ECE: top-label confidence, 15 equal-width bins, bin = min(14, floor(15 * confidence)),
  ECE = sum_b n_b / N * |accuracy_b - mean confidence_b|.
- Operating points (binary) on sklearn's roc_curve(drop_intermediate=False) thresholds; a prediction is
  positive when p_positive >= threshold. youden: max tpr - fpr (highest threshold among equal);
  sensitivity x: highest threshold with sensitivity >= x; specificity x: lowest threshold with
  specificity >= x (+infinity, written null, when none has); threshold t: t as given.
- Temperature: the T > 0 minimising mean NLL of softmax(logits / T), found as the root of dNLL/dT.
"""
import json
import math
import os

import numpy as np
import sklearn
from scipy.optimize import brentq
from scipy.special import logsumexp, softmax
from sklearn.metrics import (average_precision_score, brier_score_loss, confusion_matrix, log_loss,
                             roc_auc_score, roc_curve)

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "metrics", "goldens.json")
BINS = 15


def ece(probs, labels):
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(float)
    idx = np.minimum(BINS - 1, np.floor(conf * BINS).astype(int))
    total = 0.0
    for b in range(BINS):
        m = idx == b
        if m.any():
            total += m.sum() / len(labels) * abs(correct[m].mean() - conf[m].mean())
    return total


def brier(probs, labels, k):
    if k == 2:
        return brier_score_loss(labels == 1, probs[:, 1])
    onehot = np.eye(k)[labels]
    return float(np.mean(np.sum((probs - onehot) ** 2, axis=1)))


def per_class(fn, probs, labels, k):
    out = []
    for c in range(k):
        y = labels == c
        out.append(float(fn(y, probs[:, c])) if 0 < y.sum() < len(y) else None)
    return out


def at_threshold(scores, y, t):
    pred = scores >= t
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[False, True]).ravel()
    ratio = lambda a, b: float(a) / (a + b) if a + b > 0 else None
    return {"threshold": float(t), "sensitivity": ratio(tp, fn), "specificity": ratio(tn, fp),
            "ppv": ratio(tp, fp), "npv": ratio(tn, fn), "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)}


def operating_points(scores, y):
    fpr, tpr, thr = roc_curve(y, scores, drop_intermediate=False)
    fpr, tpr, thr = fpr[1:], tpr[1:], thr[1:]  # the first point is "nothing positive" (threshold inf)
    youden = int(np.argmax(tpr - fpr))
    out = [dict(rule={"youden": True}, **at_threshold(scores, y, thr[youden]))]
    for x in (0.9, 0.95, 0.5):
        i = int(np.nonzero(tpr >= x)[0][0])
        out.append(dict(rule={"sensitivity": x}, **at_threshold(scores, y, thr[i])))
        reach = np.nonzero(1 - fpr >= x)[0]
        if len(reach):
            out.append(dict(rule={"specificity": x}, **at_threshold(scores, y, thr[reach[-1]])))
        else:  # no score reaches it: nothing is called positive (threshold +infinity, written as null)
            out.append(dict(rule={"specificity": x}, **at_threshold(scores, y, np.inf), unreachable=True))
            out[-1]["threshold"] = None
    out.append(dict(rule={"threshold": 0.5}, **at_threshold(scores, y, 0.5)))
    return out


def temperature(logits, labels):
    def slope(t):  # dNLL/dT * T^2 = mean(z_y - E_p[z])
        p = softmax(logits / t, axis=1)
        return float(np.mean(logits[np.arange(len(labels)), labels] - np.sum(p * logits, axis=1)))
    t = brentq(slope, 1e-3, 1e3, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    nll = float(np.mean(logsumexp(logits / t, axis=1) - logits[np.arange(len(labels)), labels] / t))
    return t, nll


def case(name, logits, labels, k):
    probs = softmax(logits, axis=1)
    expected = {
        "log_loss": float(log_loss(labels, probs, labels=list(range(k)))),
        "brier": float(brier(probs, labels, k)),
        "ece": float(ece(probs, labels)),
        "per_class_auroc": per_class(roc_auc_score, probs, labels, k),
        "per_class_pr_auc": per_class(average_precision_score, probs, labels, k),
    }
    present = [v for v in expected["per_class_auroc"] if v is not None]
    expected["auroc"] = float(np.mean(present))
    expected["pr_auc"] = float(np.mean([v for v in expected["per_class_pr_auc"] if v is not None]))
    if k == 2:
        y = labels == 1
        expected["auroc"] = float(roc_auc_score(y, probs[:, 1]))
        expected["pr_auc"] = float(average_precision_score(y, probs[:, 1]))
        expected["operating_points"] = operating_points(probs[:, 1], y)
    elif len(present) == k:  # sklearn's own multi-class macro agrees with the per-class mean
        assert abs(roc_auc_score(labels, probs, multi_class="ovr", average="macro") - expected["auroc"]) < 1e-12
    expected["temperature"], expected["nll_at_temperature"] = temperature(logits, labels)
    return {"name": name, "classes": k, "labels": labels.tolist(), "logits": logits.tolist(),
            "probabilities": probs.tolist(), "expected": expected}


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    # binary, continuous scores, over-confident (logits scaled by 4)
    labels = rng.integers(0, 2, 200)
    z = (labels * 1.2 - 0.6 + rng.normal(0, 1, 200)) * 4
    cases.append(case("binary_overconfident", np.stack([np.zeros(200), z], axis=1), labels, 2))
    # binary with ties: logits on a coarse grid so many examples share a probability
    labels = rng.integers(0, 2, 60)
    z = np.round(labels * 1.0 - 0.5 + rng.normal(0, 1, 60))
    cases.append(case("binary_ties", np.stack([np.zeros(60), z], axis=1), labels, 2))
    # 7 classes, skewed like HAM10000, continuous
    prior = np.array([0.03, 0.05, 0.11, 0.01, 0.11, 0.67, 0.02])
    labels = rng.choice(7, 400, p=prior)
    logits = rng.normal(0, 1, (400, 7)) + 2.0 * np.eye(7)[labels]
    cases.append(case("seven_classes", logits, labels, 7))
    # 7 classes with ties: rows drawn from 12 templates of integer logits
    templates = rng.integers(-2, 3, (12, 7)).astype(float)
    rows = rng.integers(0, 12, 150)
    labels = np.where(rng.random(150) < 0.6, templates[rows].argmax(axis=1), rng.integers(0, 7, 150))
    cases.append(case("seven_classes_ties", templates[rows], labels, 7))
    # 7 classes, class 3 never a true label (its column still scored)
    labels = rng.choice([0, 1, 2, 4, 5, 6], 120)
    logits = rng.normal(0, 1, (120, 7)) + 1.5 * np.eye(7)[labels]
    cases.append(case("seven_classes_one_absent", logits, labels, 7))
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/make_metric_goldens.py", "sklearn": sklearn.__version__,
                   "numpy": np.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), "with", len(cases), "cases (sklearn", sklearn.__version__ + ")")


if __name__ == "__main__":
    main()
