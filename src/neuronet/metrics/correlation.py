"""Correlation metrics: how closely y_pred follows y_true along an axis, as running means.

With means m, population variances v and covariance c taken along `axis` (-1: one
value per sample):

    pearson_correlation       c / sqrt(v_true v_pred)                 (1: any increasing line)
    concordance_correlation   2 c / (v_true + v_pred + (m_true - m_pred)^2 + epsilon)
                                                                      (1: y_pred == y_true)

Both lie in [-1, 1]. As in Keras, Pearson's is NaN where y_true or y_pred is constant
along `axis`, which makes the running mean NaN. A pair of rank-1 arrays is one pair of
vectors.
"""
import numpy as np

from .. import backend
from .base import PresetMeanMetric, match_shapes


def _as_axes(axis, caller):
    """`axis` (an int, or a tuple or list of ints) as a tuple of ints."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not axes or any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in axes):
        raise TypeError(f"{caller}: expected `axis` to be an integer or a tuple of integers, "
                        f"received axis={axis!r}")
    return tuple(int(a) for a in axes)


def _moments(y_true, y_pred, axis, caller):
    """(mean_true - mean_pred, var_true, var_pred, covariance) along `axis`, in y_pred's
    float dtype."""
    y_true, y_pred = match_shapes(y_true, y_pred, caller, float_pred=True, rank_1_as_column=False)
    axes = _as_axes(axis, caller)
    if any(not -y_pred.ndim <= a < y_pred.ndim for a in axes):
        raise ValueError(f"{caller}: axis={axis!r} is out of range for inputs of shape "
                         f"{y_pred.shape}")
    mean_true = y_true.mean(axis=axes, keepdims=True)
    mean_pred = y_pred.mean(axis=axes, keepdims=True)
    dev_true, dev_pred = y_true - mean_true, y_pred - mean_pred
    return (np.squeeze(mean_true - mean_pred, axis=axes), np.square(dev_true).mean(axis=axes),
            np.square(dev_pred).mean(axis=axes), (dev_true * dev_pred).mean(axis=axes))


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of y_true and y_pred along `axis` (an int or a
    tuple of ints); NaN where either is constant."""
    _, var_true, var_pred, covariance = _moments(y_true, y_pred, axis, "pearson_correlation")
    with np.errstate(divide="ignore", invalid="ignore"):     # 0 / 0 -> NaN, as in Keras
        return covariance / np.sqrt(var_true * var_pred)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient of y_true and y_pred along `axis`: Pearson's
    coefficient scaled down by any shift or scale between them."""
    shift, var_true, var_pred, covariance = _moments(y_true, y_pred, axis,
                                                     "concordance_correlation")
    return 2 * covariance / (var_true + var_pred + np.square(shift) + backend.epsilon())


class PearsonCorrelation(PresetMeanMetric):
    """Mean Pearson correlation of y_true and y_pred along `axis`."""

    _direction = "up"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        _as_axes(axis, "PearsonCorrelation")
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(PresetMeanMetric):
    """Mean concordance correlation of y_true and y_pred along `axis`."""

    _direction = "up"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        _as_axes(axis, "ConcordanceCorrelation")
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
