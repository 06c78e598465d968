"""Metrics built on confusion counts at thresholds: TruePositives ... Precision, Recall, AUC.

A prediction counts as positive at threshold t when y_pred > t; a label is positive when
it is non-zero. The weighted counts tp, fp, tn, fn are accumulated per threshold:

    thresholds   0.3   0.5   0.7
    tp            4     3     1      (positives predicted above each threshold)
"""
import numpy as np

from .. import backend
from ..autograd import as_array
from .base import (Metric, broadcast_sample_weight, check_integer, safe_divide,
                   squeeze_or_expand_to_same_rank)

NEG_INF = -1e10  # the threshold when only top_k decides: every kept score lies above it


def parse_thresholds(thresholds, default, caller):
    """The thresholds as a list of floats in [0, 1]; [default] when None."""
    if thresholds is None:
        return [float(default)]
    values = list(np.ravel(np.asarray(thresholds, dtype=object)))
    invalid = [t for t in values if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"{caller}: threshold values must be in [0, 1], received {invalid}")
    return [float(t) for t in values]


def evenly_spaced(thresholds):
    """Whether thresholds are i / (n - 1) for i = 0 .. n - 1 (n >= 3), up to epsilon."""
    n = len(thresholds)
    return n >= 3 and np.allclose(thresholds, np.arange(n) / (n - 1), atol=backend.epsilon())


def keep_top_k(y_pred, k):
    """y_pred with all but the k largest scores of the last axis set to NEG_INF.

    Among equal scores the lower index is kept first, as in Keras' `ops.top_k`.
    """
    best = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, best, True, axis=-1)
    return np.where(keep, y_pred, np.asarray(NEG_INF, y_pred.dtype))


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None,
                     multi_label=False, label_weights=None, clip=False, dtype=None,
                     caller="confusion_counts"):
    """Weighted true/false positives/negatives at each threshold.

    Returns a dict of 'tp', 'fp', 'tn', 'fn', each of shape (thresholds, labels): one
    label column when `multi_label` is False (all entries pooled), else one column per
    class of the last axis. `top_k` keeps only the k best scores of each row positive,
    `class_id` restricts the counts to one class, `label_weights` (one per class of the
    last axis) multiply the sample weights, `clip` clips y_pred to [0, 1] first.
    """
    dtype = dtype or backend.floatx()
    y_pred = as_array(y_pred).astype(dtype, copy=False)
    y_true = as_array(y_true)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{caller}: expected y_true and y_pred of the same shape, received "
                         f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}")
    weights = broadcast_sample_weight(sample_weight, y_pred.shape, caller)
    if top_k is not None:
        y_pred = keep_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2 or not 0 <= class_id < y_pred.shape[-1]:
            raise ValueError(f"{caller}: class_id={class_id} needs y_pred of shape (num_samples, "
                             f"num_classes) with class_id < num_classes, received y_pred.shape="
                             f"{y_pred.shape}")
        y_true, y_pred, weights = (a[..., class_id] for a in (y_true, y_pred, weights))
    if label_weights is not None:
        weights = weights * np.asarray(label_weights, np.float64)
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"{caller}: multi_label needs y_pred of rank 2 (num_samples, num_labels), "
                         f"received y_pred.shape={y_pred.shape}")
    num_labels = y_pred.shape[-1] if multi_label else 1
    y_pred = y_pred.reshape(-1, num_labels)
    if clip:
        y_pred = np.clip(y_pred, 0.0, 1.0)
    positive = y_true.reshape(-1, num_labels) != 0
    weights = weights.reshape(-1, num_labels)

    thresholds = np.asarray(thresholds, dtype)       # compared in the metric's dtype, as in Keras
    order = np.argsort(thresholds, kind="stable")
    num_thresholds = len(thresholds)
    # How many thresholds each prediction exceeds (NaN: none), then one histogram per label.
    exceeded = np.searchsorted(thresholds[order], y_pred, side="left")         # (N, L)
    exceeded[np.isnan(y_pred)] = 0
    bins = (exceeded + (num_thresholds + 1) * np.arange(num_labels)).ravel()

    def above(w):                                # (T, L): weight predicted above each threshold
        hist = np.bincount(bins, weights=w.ravel(), minlength=(num_thresholds + 1) * num_labels)
        hist = hist.reshape(num_labels, num_thresholds + 1)
        at_least = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]    # weight exceeding >= j thresholds
        counts = np.empty((num_thresholds, num_labels))
        counts[order] = at_least[:, 1:].T
        return counts

    pos_weights, neg_weights = weights * positive, weights * ~positive
    tp, fp = above(pos_weights), above(neg_weights)
    return {"tp": tp, "fp": fp,
            "fn": pos_weights.sum(axis=0) - tp, "tn": neg_weights.sum(axis=0) - fp}


class _ConfusionMetric(Metric):
    """Accumulates some of tp/fp/tn/fn at `thresholds`; one value per threshold."""

    _counts = {}             # state variable name -> 'tp' | 'fp' | 'tn' | 'fn'
    _clip = False            # whether y_pred is clipped to [0, 1] before thresholding

    def __init__(self, thresholds=None, name=None, dtype=None, top_k=None, class_id=None):
        super().__init__(name=name, dtype=dtype)
        caller = type(self).__name__
        self.init_thresholds = thresholds
        self.top_k = None if top_k is None else check_integer(top_k, 1, caller, "top_k")
        self.class_id = None if class_id is None else check_integer(class_id, 0, caller, "class_id")
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF, caller)
        # Keras counts evenly spaced thresholds with y_pred clipped to [0, 1] (as AUC does)
        self._clip = self._clip or evenly_spaced(self.thresholds)
        for attribute in self._counts:
            setattr(self, attribute, self.add_variable((len(self.thresholds),), name=attribute))

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, top_k=self.top_k,
                                  class_id=self.class_id, clip=self._clip, dtype=self.dtype,
                                  caller=self.name)
        for attribute, key in self._counts.items():
            getattr(self, attribute).assign_add(counts[key][:, 0])

    def _values(self):
        """One value per threshold, from the state variables."""
        return getattr(self, next(iter(self._counts))).data

    def result(self):
        values = self._values()
        return self._as_result(values[0] if len(self.thresholds) == 1 else values)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class _CountMetric(_ConfusionMetric):
    """One of the four confusion counts, per threshold."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name=name, dtype=dtype)


class TruePositives(_CountMetric):
    """The (weighted) number of positive labels predicted above the threshold(s)."""
    _counts = {"accumulator": "tp"}


class FalsePositives(_CountMetric):
    """The (weighted) number of negative labels predicted above the threshold(s)."""
    _counts = {"accumulator": "fp"}


class TrueNegatives(_CountMetric):
    """The (weighted) number of negative labels predicted at or below the threshold(s)."""
    _counts = {"accumulator": "tn"}


class FalseNegatives(_CountMetric):
    """The (weighted) number of positive labels predicted at or below the threshold(s)."""
    _counts = {"accumulator": "fn"}


class _RatioMetric(_ConfusionMetric):
    """Precision or recall: tp / (tp + other), with `top_k` and `class_id` options."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, name=name, dtype=dtype, top_k=top_k, class_id=class_id)

    def _values(self):
        tp, other = (getattr(self, attribute).data for attribute in self._counts)
        return safe_divide(tp, tp + other)

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class Precision(_RatioMetric):
    """tp / (tp + fp): how many predicted positives are positive.

    With `top_k`, only the k best scores of each row are predicted positive (above
    `thresholds`, if given); with `class_id`, only that class is counted.
    """

    _direction = "up"
    _counts = {"true_positives": "tp", "false_positives": "fp"}


class Recall(_RatioMetric):
    """tp / (tp + fn): how many positives are predicted positive (options as Precision)."""

    _direction = "up"
    _counts = {"true_positives": "tp", "false_negatives": "fn"}


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))   # 1 / (1 + exp(-x)), without overflow


class AUC(Metric):
    """Area under the ROC or precision-recall curve, approximated at `num_thresholds` points.

    Thresholds are evenly spaced in (0, 1) plus -epsilon and 1 + epsilon, so that
    predictions of exactly 0 or 1 are counted (or the given `thresholds` plus those two
    ends). 'interpolation' sums trapezoids for ROC and interpolates the counts, not the
    precision, for PR (Davis & Goadrich 2006); 'minoring' / 'majoring' give lower / upper
    Riemann sums. With `multi_label`, one AUC per class of the last axis is computed and
    averaged (weighted by `label_weights`); otherwise all entries are pooled.
    """

    _direction = "up"

    _COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        if str(curve).upper() not in ("ROC", "PR"):
            raise ValueError(f"AUC: invalid `curve` value {curve!r}, expected one of ['ROC', 'PR']")
        if str(summation_method).lower() not in ("interpolation", "majoring", "minoring"):
            raise ValueError(f"AUC: invalid `summation_method` value {summation_method!r}, "
                             f"expected one of ['interpolation', 'majoring', 'minoring']")
        self.curve = str(curve).upper()
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, None, "AUC"))
            self._evenly_spaced = evenly_spaced([0.0] + inner + [1.0])
        else:
            num_thresholds = check_integer(num_thresholds, 2, "AUC", "num_thresholds")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly_spaced = True
        self.num_thresholds = len(inner) + 2
        self._thresholds = np.array([-backend.epsilon()] + inner + [1.0 + backend.epsilon()])
        if num_labels and not multi_label:
            raise ValueError("AUC: `num_labels` is needed only when `multi_label` is True, "
                             f"received num_labels={num_labels!r}")
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = (None if label_weights is None
                              else np.asarray(label_weights, self.dtype))
        self.from_logits = bool(from_logits)
        self._built = False
        if not self.multi_label or num_labels:
            self._build(num_labels if self.multi_label else None)

    @property
    def thresholds(self):
        """The thresholds, with the -epsilon and 1 + epsilon ends."""
        return self._thresholds.tolist()

    def _build(self, num_labels):
        shape = (self.num_thresholds, num_labels) if self.multi_label else (self.num_thresholds,)
        for attribute in self._COUNTS:
            setattr(self, attribute, self.add_variable(shape, name=attribute))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(f"{self.name}: multi_label needs y_pred of rank 2 (num_samples, "
                                 f"num_labels), received y_pred.shape={y_pred.shape}")
            self._build(y_pred.shape[-1])
        if self.multi_label and y_pred.shape[-1:] != self.true_positives.shape[1:]:
            raise ValueError(f"{self.name}: expected y_pred with {self.true_positives.shape[1]} "
                             f"labels on its last axis, received y_pred.shape={y_pred.shape}")
        if self.from_logits:
            y_pred = _sigmoid(y_pred)
        counts = confusion_counts(
            y_true, y_pred, self._thresholds, sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            clip=self._evenly_spaced, dtype=self.dtype, caller=self.name)
        for attribute, key in zip(self._COUNTS, ("tp", "fp", "tn", "fn")):
            counts_here = counts[key] if self.multi_label else counts[key][:, 0]
            getattr(self, attribute).assign_add(counts_here)

    def _interpolated_pr_areas(self, tp, fp, fn):
        """PR area per threshold interval, with tp and predicted positives p = tp + fp varying
        linearly inside it: slope * (dtp + intercept * log(p_a / p_b)) / positives."""
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        slope = safe_divide(dtp, np.maximum(p[:-1] - p[1:], 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both_positive, safe_divide(p[:-1], np.maximum(p[1:], 0)), 1.0)
        positives = np.maximum(tp[1:] + fn[1:], 0)
        return safe_divide(slope * (dtp + intercept * np.log(ratio)), positives)

    def _riemann_areas(self, tp, fp, tn, fn):
        """Area per threshold interval: width along x times a height chosen by summation_method."""
        recall = safe_divide(tp, tp + fn)
        if self.curve == "ROC":
            x, y = safe_divide(fp, fp + tn), recall
        else:
            x, y = recall, safe_divide(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return (x[:-1] - x[1:]) * heights

    def result(self):
        if not self._built:
            return self._as_result(0.0)
        tp, fp, tn, fn = (getattr(self, attribute).data for attribute in self._COUNTS)
        if self.curve == "PR" and self.summation_method == "interpolation":
            areas = self._interpolated_pr_areas(tp, fp, fn)
        else:
            areas = self._riemann_areas(tp, fp, tn, fn)
        if not self.multi_label:
            return self._as_result(areas.sum())
        by_label = areas.sum(axis=0)
        if self.label_weights is None:
            return self._as_result(by_label.mean())
        return self._as_result(safe_divide((by_label * self.label_weights).sum(),
                                           self.label_weights.sum()))

    def get_config(self):
        label_weights = None if self.label_weights is None else self.label_weights.tolist()
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": label_weights, "from_logits": self.from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
