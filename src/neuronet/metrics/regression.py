"""Regression metrics: per-sample error functions and the running means built on them.

Each function averages over the last axis and returns one value per sample:

    mean_squared_error               mean((y_pred - y_true)^2)
    mean_absolute_error              mean(|y_pred - y_true|)
    mean_absolute_percentage_error   100 * mean(|y_true - y_pred| / max(|y_true|, eps))
    mean_squared_logarithmic_error   mean((log(1 + max(y_pred, eps)) - log(1 + max(y_true, eps)))^2)
    cosine_similarity                sum(y_true / ||y_true|| * y_pred / ||y_pred||)
"""
import numpy as np

from .. import backend
from .base import Mean, PresetMeanMetric, match_shapes


def _errors(y_true, y_pred, caller):
    y_true, y_pred = match_shapes(y_true, y_pred, caller, float_pred=True)
    return y_pred - y_true


def mean_squared_error(y_true, y_pred):
    """Mean of the squared errors of each sample."""
    return np.square(_errors(y_true, y_pred, "mean_squared_error")).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of the absolute errors of each sample."""
    return np.abs(_errors(y_true, y_pred, "mean_absolute_error")).mean(axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute error of each sample relative to |y_true|, in percent."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_absolute_percentage_error", float_pred=True)
    relative = np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), backend.epsilon())
    return 100 * relative.mean(axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared error of log(1 + y) for each sample (values below 0 count as 0)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_squared_logarithmic_error", float_pred=True)
    eps = backend.epsilon()
    log_error = np.log1p(np.maximum(y_pred, eps)) - np.log1p(np.maximum(y_true, eps))
    return np.square(log_error).mean(axis=-1)


def _l2_normalize(x, axis):
    return x / np.sqrt(np.maximum(np.square(x).sum(axis=axis, keepdims=True), 1e-12))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine of the angle between y_true and y_pred along `axis` (1: same direction)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "cosine_similarity", float_pred=True,
                                  rank_1_as_column=False)
    return (_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis)).sum(axis=axis)


class MeanSquaredError(PresetMeanMetric):
    """Mean of (y_pred - y_true)^2."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(PresetMeanMetric):
    """Mean of |y_pred - y_true|."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(PresetMeanMetric):
    """Mean of 100 * |y_true - y_pred| / |y_true|."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(PresetMeanMetric):
    """Mean of (log(1 + y_pred) - log(1 + y_true))^2."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(PresetMeanMetric):
    """Mean cosine similarity between y_true and y_pred along `axis`."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class RootMeanSquaredError(Mean):
    """sqrt(mean((y_pred - y_true)^2)) over every sample seen."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        squared = np.square(_errors(y_true, y_pred, self.name))
        super().update_state(squared, sample_weight=sample_weight)

    def result(self):
        return self._as_result(np.sqrt(super().result()))
