"""One rate at its best where another reaches a target: SensitivityAtSpecificity,
SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision.

The confusion counts are accumulated at `num_thresholds` evenly spaced thresholds
i / (num_thresholds - 1) in [0, 1] (only 0.5 when num_thresholds is 1), with y_pred
clipped to [0, 1]. The result is the largest value of the reported rate over the
thresholds where the constrained rate is >= the target, and 0 where there is none:

    thresholds     0.0   0.5   1.0
    specificity    0.0   0.8   1.0
    sensitivity    1.0   0.6   0.0      SensitivityAtSpecificity(0.7) -> 0.6

    sensitivity = recall = tp / (tp + fn)      specificity = tn / (tn + fp)
    precision = tp / (tp + fp)                 (each 0 where its denominator is 0)
"""
import numpy as np

from .base import Metric, check_integer, safe_divide
from .confusion import _ConfusionMetric

_RATES = {  # rate -> (the count it is a share of, the other count of the denominator)
    "sensitivity": ("tp", "fn"), "recall": ("tp", "fn"),
    "specificity": ("tn", "fp"), "precision": ("tp", "fp"),
}


def check_fraction(value, caller, argument):
    """`value` as a float; ValueError naming `argument` unless it is a number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not 0 <= value <= 1:
        raise ValueError(f"{caller}: expected `{argument}` to be a number in [0, 1], "
                         f"received {argument}={value!r}")
    return float(value)


class _RateAtTarget(_ConfusionMetric):
    """The best `_reported` rate over the thresholds where the `_constrained` rate is at
    least `value`; subclasses name the two rates."""

    _direction = "up"

    _counts = {"true_positives": "tp", "false_positives": "fp",
               "true_negatives": "tn", "false_negatives": "fn"}
    _clip = True
    _reported = _constrained = None          # keys of _RATES

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        caller = type(self).__name__
        self.value = check_fraction(value, caller, self._constrained)
        self.num_thresholds = check_integer(num_thresholds, 1, caller, "num_thresholds")
        if self.num_thresholds == 1:
            thresholds = [0.5]
        else:
            thresholds = [i / (self.num_thresholds - 1) for i in range(self.num_thresholds)]
        super().__init__(thresholds, name=name, dtype=dtype, class_id=class_id)

    def _rate(self, which):
        """One rate per threshold, in the metric's dtype."""
        counts = {key: getattr(self, attribute).data for attribute, key in self._counts.items()}
        share, other = (counts[key] for key in _RATES[which])
        return safe_divide(share, share + other).astype(self.dtype)

    def result(self):
        feasible = self._rate(self._constrained) >= np.asarray(self.value, self.dtype)
        return self._as_result(np.max(self._rate(self._reported), where=feasible, initial=0.0))

    def get_config(self):
        return {**Metric.get_config(self), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._constrained: self.value}


class SensitivityAtSpecificity(_RateAtTarget):
    """The best sensitivity (recall) at a threshold where specificity >= `specificity`.

    `class_id` counts only that class of the last axis; `sample_weight` weighs the entries.
    """
    _reported, _constrained = "sensitivity", "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id=class_id, name=name, dtype=dtype)
        self.specificity = self.value


class SpecificityAtSensitivity(_RateAtTarget):
    """The best specificity at a threshold where sensitivity >= `sensitivity` (options as
    SensitivityAtSpecificity)."""
    _reported, _constrained = "specificity", "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id=class_id, name=name, dtype=dtype)
        self.sensitivity = self.value


class PrecisionAtRecall(_RateAtTarget):
    """The best precision at a threshold where recall >= `recall` (options as
    SensitivityAtSpecificity)."""
    _reported, _constrained = "precision", "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id=class_id, name=name, dtype=dtype)
        self.recall = self.value


class RecallAtPrecision(_RateAtTarget):
    """The best recall at a threshold where precision >= `precision`; 0 when no threshold
    reaches it (options as SensitivityAtSpecificity)."""
    _reported, _constrained = "recall", "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id=class_id, name=name, dtype=dtype)
        self.precision = self.value
