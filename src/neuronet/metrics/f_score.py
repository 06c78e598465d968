"""F-scores: FBetaScore and F1Score, from true/false positives and false negatives per class.

    precision = tp / (tp + fp),  recall = tp / (tp + fn)
    F_beta = (1 + beta^2) precision recall / (beta^2 precision + recall)

beta > 1 weighs recall more, beta < 1 precision. Inputs are (batch_size, classes):
y_true holds 0/1 labels (one-hot or multi-label), y_pred scores. As in Keras, every
division adds epsilon to its denominator, so that a class without predictions scores 0.
"""
import numpy as np

from .. import backend
from ..autograd import as_array
from .base import Metric, broadcast_sample_weight

_AVERAGES = (None, "micro", "macro", "weighted")


def _check_number(value, caller, argument, low, high, condition):
    """`value` as a float; ValueError naming `argument` unless low < value <= high."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not low < value <= high:
        raise ValueError(f"{caller}: expected `{argument}` to be a number {condition}, "
                         f"received {argument}={value!r}")
    return float(value)


class FBetaScore(Metric):
    """The F-beta score of each class, or their average.

    average: None (one score per class), 'micro' (one score from the counts pooled over
    classes), 'macro' (the mean of the class scores) or 'weighted' (their mean weighted
    by the number of true instances of each class).
    threshold: y_pred > threshold is a positive prediction; None marks the highest score
    of each row (all of them when tied, none when it is 0).
    """

    _direction = "up"

    _counts = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        caller = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{caller}: invalid value for argument `average`, expected one of "
                             f"{_AVERAGES}, received average={average!r}")
        self.average = average
        self.beta = _check_number(beta, caller, "beta", 0.0, np.inf, "> 0")
        self.threshold = (None if threshold is None
                          else _check_number(threshold, caller, "threshold", 0.0, 1.0,
                                             "in (0, 1]"))
        self._built = False

    def _build(self, num_classes):
        shape = () if self.average == "micro" else (num_classes,)
        for attribute in self._counts:
            setattr(self, attribute, self.add_variable(shape, name=attribute))
        self._num_classes = num_classes
        self._built = True

    def _predicted_positive(self, y_pred):
        if self.threshold is not None:
            return y_pred > self.threshold
        return (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_array(y_true, np.float64)
        y_pred = as_array(y_pred, self.dtype)
        if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(f"{self.name}: expected y_true and y_pred of one shape (batch_size, "
                             f"classes), received y_true.shape={y_true.shape} and "
                             f"y_pred.shape={y_pred.shape}")
        if not self._built:
            self._build(y_pred.shape[1])
        elif y_pred.shape[1] != self._num_classes:
            raise ValueError(f"{self.name}: expected {self._num_classes} classes as in the "
                             f"earlier batches, received y_pred.shape={y_pred.shape}")
        weights = broadcast_sample_weight(sample_weight, y_true.shape, self.name)
        positive = self._predicted_positive(y_pred)
        axis = None if self.average == "micro" else 0
        self.true_positives.assign_add((weights * y_true * positive).sum(axis=axis))
        self.false_positives.assign_add((weights * (1 - y_true) * positive).sum(axis=axis))
        self.false_negatives.assign_add((weights * y_true * ~positive).sum(axis=axis))
        self.intermediate_weights.assign_add((weights * y_true).sum(axis=axis))

    def result(self):
        if not self._built:
            return self._as_result(0.0)
        eps = backend.epsilon()
        tp, fp, fn = self.true_positives.data, self.false_positives.data, self.false_negatives.data
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        beta2 = self.beta ** 2
        scores = (1 + beta2) * precision * recall / (beta2 * precision + recall + eps)
        if self.average == "weighted":
            support = self.intermediate_weights.data
            scores = (scores * support / (support.sum() + eps)).sum()
        elif self.average is not None:
            scores = scores.mean()
        return self._as_result(scores)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score (harmonic mean of precision and recall) of each class, or their average;
    `average` and `threshold` as for FBetaScore."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
