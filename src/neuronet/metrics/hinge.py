"""Hinge metrics: the hinge losses of `neuronet.losses` as running means over samples.

    hinge              mean(max(1 - y_true y_pred, 0))       over the last axis
    squared_hinge      mean(max(1 - y_true y_pred, 0)^2)     over the last axis
    categorical_hinge  max(neg - pos + 1, 0), pos = sum(y_true y_pred),
                       neg = max((1 - y_true) y_pred)       (one-hot labels)

Labels are -1/1; labels that are all 0 or 1 are mapped to -1/1 first. A pair of rank-1
arrays counts one sample per entry for hinge and squared_hinge, and is one sample for
categorical_hinge.
"""
from .. import losses
from .base import PresetMeanMetric, loss_values


def hinge(y_true, y_pred):
    """Hinge loss of each sample, averaged over the last axis."""
    return loss_values(losses.hinge, y_true, y_pred, "hinge")


def squared_hinge(y_true, y_pred):
    """Squared hinge loss of each sample, averaged over the last axis."""
    return loss_values(losses.squared_hinge, y_true, y_pred, "squared_hinge")


def categorical_hinge(y_true, y_pred):
    """Categorical hinge loss of each sample with one-hot labels."""
    return loss_values(losses.categorical_hinge, y_true, y_pred, "categorical_hinge")


class Hinge(PresetMeanMetric):
    """Mean hinge loss: max(1 - y_true * y_pred, 0)."""

    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(PresetMeanMetric):
    """Mean squared hinge loss: max(1 - y_true * y_pred, 0)^2."""

    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(PresetMeanMetric):
    """Mean categorical hinge loss of one-hot labels and class scores."""

    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
