"""Regression metrics: per-sample error functions and the running means built on them.

Each function returns one value per sample, with the formula of the loss of the same
name in `neuronet.losses` (averaged over the last axis), as NumPy values; a rank-1 pair
is one sample, as in Keras, whose metric functions are its loss functions:

    mean_squared_error               mean((y_pred - y_true)^2)
    mean_absolute_error              mean(|y_pred - y_true|)
    mean_absolute_percentage_error   100 * mean(|y_true - y_pred| / max(|y_true|, eps))
    mean_squared_logarithmic_error   mean((log(1 + y_pred) - log(1 + y_true))^2)
    log_cosh                         mean(log(cosh(y_pred - y_true)))
    cosine_similarity                sum(y_true / ||y_true|| * y_pred / ||y_pred||)  (1: same way)
"""
import numpy as np

from .. import losses
from .base import Mean, PresetMeanMetric, loss_values, match_shapes


def mean_squared_error(y_true, y_pred):
    """Mean of the squared errors of each sample."""
    return loss_values(losses.mean_squared_error, y_true, y_pred, "mean_squared_error")


def mean_absolute_error(y_true, y_pred):
    """Mean of the absolute errors of each sample."""
    return loss_values(losses.mean_absolute_error, y_true, y_pred, "mean_absolute_error")


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute error of each sample relative to |y_true|, in percent."""
    return loss_values(losses.mean_absolute_percentage_error, y_true, y_pred,
                       "mean_absolute_percentage_error")


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared error of log(1 + y) for each sample (values below epsilon count as epsilon)."""
    return loss_values(losses.mean_squared_logarithmic_error, y_true, y_pred,
                       "mean_squared_logarithmic_error")


def log_cosh(y_true, y_pred):
    """Mean of log(cosh(y_pred - y_true)) of each sample: about e^2 / 2 for small errors e,
    |e| - log 2 for large ones."""
    return loss_values(losses.log_cosh, y_true, y_pred, "log_cosh")


def huber(y_true, y_pred, delta=1.0):
    """Huber loss of each sample (`neuronet.losses.huber`): quadratic for errors up to
    `delta`, linear beyond. A function only: Keras has no metric class or name for it."""
    return loss_values(losses.huber, y_true, y_pred, "huber", delta=delta)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine of the angle between y_true and y_pred along `axis` (1: same direction).

    A pair of rank-1 arrays is one pair of vectors. The loss of the same name is its negative.
    """
    return -loss_values(losses.cosine_similarity, y_true, y_pred, "cosine_similarity", axis=axis)


class MeanSquaredError(PresetMeanMetric):
    """Mean of (y_pred - y_true)^2."""

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(PresetMeanMetric):
    """Mean of |y_pred - y_true|."""

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(PresetMeanMetric):
    """Mean of 100 * |y_true - y_pred| / |y_true|."""

    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(PresetMeanMetric):
    """Mean of (log(1 + y_pred) - log(1 + y_true))^2."""

    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(PresetMeanMetric):
    """Mean of log(cosh(y_pred - y_true)); Keras names it 'logcosh'."""

    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


class CosineSimilarity(PresetMeanMetric):
    """Mean cosine similarity between y_true and y_pred along `axis`."""

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class RootMeanSquaredError(Mean):
    """sqrt(mean((y_pred - y_true)^2)) over every sample seen."""

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = match_shapes(y_true, y_pred, self.name, float_pred=True)
        squared = np.square(y_pred - y_true)
        super().update_state(squared, sample_weight=sample_weight)

    def result(self):
        return self._as_result(np.sqrt(super().result()))
