"""Probabilistic metrics: the cross-entropies, KL divergence and Poisson as running means.

Each function returns one value per sample, with the formula of the loss of the same
name in `neuronet.losses`, as NumPy values:

    binary_crossentropy              mean(-(y log p + (1 - y) log(1 - p)))  over the last axis
    categorical_crossentropy         -sum(y log p)                          (one-hot labels)
    sparse_categorical_crossentropy  -log p[label]                          (integer labels)
    kl_divergence                    sum(y log(y / p))
    poisson                          mean(p - y log p)

Their metrics report the (weighted) mean over every sample seen, as Keras does. The
elementwise ones (binary_crossentropy, poisson) count each entry of a pair of rank-1
arrays as a sample; for the others a rank-1 array is one distribution.
"""
from .. import losses
from ..autograd import as_array
from .base import PresetMeanMetric, check_integer, loss_values, masked_sample_weight


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy of each sample, averaged over `axis`; y_pred holds
    probabilities, or logits when `from_logits`."""
    return loss_values(losses.binary_crossentropy, y_true, y_pred, "binary_crossentropy",
                       from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy of each sample with one-hot labels along `axis`."""
    return loss_values(losses.categorical_crossentropy, y_true, y_pred,
                       "categorical_crossentropy",
                       from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary focal cross-entropy of each sample (`neuronet.losses.binary_focal_crossentropy`);
    a function only, as in Keras."""
    return loss_values(losses.binary_focal_crossentropy, y_true, y_pred,
                       "binary_focal_crossentropy", apply_class_balancing=apply_class_balancing,
                       alpha=alpha, gamma=gamma, from_logits=from_logits,
                       label_smoothing=label_smoothing, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical focal cross-entropy of each sample with one-hot labels along `axis`
    (`neuronet.losses.categorical_focal_crossentropy`); a function only, as in Keras."""
    return loss_values(losses.categorical_focal_crossentropy, y_true, y_pred,
                       "categorical_focal_crossentropy", alpha=alpha,
                       gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing,
                       axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Cross-entropy of each sample with integer labels (y_pred's shape without `axis`);
    0 where the label is `ignore_class`."""
    return losses.sparse_categorical_crossentropy(
        as_array(y_true), as_array(y_pred), from_logits=from_logits, ignore_class=ignore_class,
        axis=axis).data


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence of each sample's distribution y_pred from y_true."""
    return loss_values(losses.kl_divergence, y_true, y_pred, "kl_divergence")


def poisson(y_true, y_pred):
    """Poisson negative log-likelihood of each sample (without the log(y!) term)."""
    return loss_values(losses.poisson, y_true, y_pred, "poisson")


def _check_label_smoothing(value, caller):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{caller}: expected `label_smoothing` to be a number in [0, 1], "
                         f"received label_smoothing={value!r}")
    return value


class BinaryCrossentropy(PresetMeanMetric):
    """Mean binary cross-entropy between 0/1 labels and predicted probabilities (or logits)."""

    _direction = "down"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        label_smoothing = _check_label_smoothing(label_smoothing, "BinaryCrossentropy")
        super().__init__(binary_crossentropy, name=name, dtype=dtype,
                         from_logits=bool(from_logits), label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = bool(from_logits), label_smoothing


class CategoricalCrossentropy(PresetMeanMetric):
    """Mean cross-entropy between one-hot labels and predicted class probabilities (or logits)."""

    _direction = "down"

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        label_smoothing = _check_label_smoothing(label_smoothing, "CategoricalCrossentropy")
        super().__init__(categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=bool(from_logits), label_smoothing=label_smoothing,
                         axis=axis)
        self.from_logits, self.label_smoothing, self.axis = bool(from_logits), label_smoothing, axis


class SparseCategoricalCrossentropy(PresetMeanMetric):
    """Mean cross-entropy between integer labels and predicted class probabilities (or logits).

    Samples labelled `ignore_class` count for nothing: neither in the sum nor in the count
    (Keras 3 leaves them out only when sample weights are given, and otherwise counts them
    as 0).
    """

    _direction = "down"

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        if ignore_class is not None:
            ignore_class = check_integer(ignore_class, None, "SparseCategoricalCrossentropy",
                                         "ignore_class")
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=bool(from_logits), ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = bool(from_logits), ignore_class, axis

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.ignore_class is not None:
            labels = as_array(y_true)
            if labels.ndim == as_array(y_pred).ndim and labels.shape[self.axis] == 1:
                labels = labels.squeeze(self.axis)
            sample_weight = masked_sample_weight(labels != self.ignore_class, sample_weight)
        super().update_state(y_true, y_pred, sample_weight=sample_weight)


class KLDivergence(PresetMeanMetric):
    """Mean Kullback-Leibler divergence sum(y_true log(y_true / y_pred)) over the last axis."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(PresetMeanMetric):
    """Mean of y_pred - y_true log(y_pred) (the Poisson loss)."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name=name, dtype=dtype)
