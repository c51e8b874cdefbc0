"""scikit-learn side of NetGen's metric tests: sklearn's values for the cases NetGen made.

  sklearn_metrics.py CASES RESULTS

CASES is a JSON list written by SklearnMetricsTests; every number in it is a float32 or int value written exactly as a
double, so numpy sees the very values NetGen scored. Each case has a "kind":

  binary      scores, labels (0/1), weights (or null), thresholds (decision thresholds), precision_targets,
              recall_targets
  multiclass  scores (flattened [n, classes]), labels, classes, weights (or null), ks
  regression  predictions, targets (flattened [n, outputs]), outputs

RESULTS receives one JSON object per case with sklearn's numbers (NaN written as null). The threshold picks
("for_precision", "for_recall") apply NetGen's documented rule to sklearn's precision_recall_curve: the lowest
threshold whose precision is >= the target, the highest threshold whose recall is >= the target.
"""
import json
import math
import sys
import warnings

import numpy as np
from sklearn import metrics

warnings.simplefilter("ignore")


def rmse(y_true, y_pred):
    if hasattr(metrics, "root_mean_squared_error"):
        return metrics.root_mean_squared_error(y_true, y_pred)
    return metrics.mean_squared_error(y_true, y_pred, squared=False)


def finite(x):
    x = float(x)
    return None if math.isnan(x) else x


def binary(case):
    s = np.asarray(case["scores"], dtype=np.float64)
    y = np.asarray(case["labels"], dtype=np.int64)
    w = None if case["weights"] is None else np.asarray(case["weights"], dtype=np.float64)
    precision, recall, thresholds = metrics.precision_recall_curve(y, s, sample_weight=w)
    at = []
    for t in case["thresholds"]:
        pred = (s >= t).astype(np.int64)
        at.append([
            metrics.precision_score(y, pred, sample_weight=w, zero_division=0),
            metrics.recall_score(y, pred, sample_weight=w, zero_division=0),
            metrics.f1_score(y, pred, sample_weight=w, zero_division=0),
        ])
    n = len(thresholds)
    for_precision = []
    for target in case["precision_targets"]:
        hits = [i for i in range(n) if precision[i] >= target]
        for_precision.append(None if not hits else [float(thresholds[hits[0]]), precision[hits[0]], recall[hits[0]]])
    for_recall = []
    for target in case["recall_targets"]:
        hits = [i for i in range(n) if recall[i] >= target]
        i = hits[-1]
        for_recall.append([float(thresholds[i]), precision[i], recall[i]])
    return {
        "roc_auc": metrics.roc_auc_score(y, s, sample_weight=w),
        "average_precision": metrics.average_precision_score(y, s, sample_weight=w),
        "curve_thresholds": thresholds.tolist(),
        "curve_precision": precision.tolist(),
        "curve_recall": recall.tolist(),
        "at_threshold": at,
        "for_precision": for_precision,
        "for_recall": for_recall,
    }


def multiclass(case):
    c = case["classes"]
    s = np.asarray(case["scores"], dtype=np.float64).reshape(-1, c)
    y = np.asarray(case["labels"], dtype=np.int64)
    w = None if case["weights"] is None else np.asarray(case["weights"], dtype=np.float64)
    labels = list(range(c))
    ap = np.mean([metrics.average_precision_score((y == k).astype(np.int64), s[:, k], sample_weight=w) for k in labels])
    return {
        "roc_auc": metrics.roc_auc_score(y, s, multi_class="ovr", average="macro", sample_weight=w, labels=labels),
        "average_precision": float(ap),
        "top_k": [metrics.top_k_accuracy_score(y, s, k=k, labels=labels, sample_weight=w) for k in case["ks"]],
    }


def regression(case):
    m = case["outputs"]
    p = np.asarray(case["predictions"], dtype=np.float64).reshape(-1, m)
    t = np.asarray(case["targets"], dtype=np.float64).reshape(-1, m)
    return {
        "mae": metrics.mean_absolute_error(t, p),
        "rmse": rmse(t, p),
        "r2": finite(metrics.r2_score(t, p)),
        "r2_raw": [finite(v) for v in np.atleast_1d(metrics.r2_score(t, p, multioutput="raw_values"))],
    }


def main():
    cases_path, results_path = sys.argv[1:3]
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    kinds = {"binary": binary, "multiclass": multiclass, "regression": regression}
    results = [kinds[case["kind"]](case) for case in cases]
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump(results, f)
    import sklearn
    print(f"sklearn {sklearn.__version__}, {len(results)} cases")


if __name__ == "__main__":
    main()
