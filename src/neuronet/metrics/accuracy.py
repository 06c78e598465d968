"""Accuracy metrics: per-sample functions and the running-mean metrics built on them.

Each function returns 1.0 for a hit and 0.0 for a miss: accuracy and binary_accuracy one
per entry (as Keras 3; the metric classes average a sample's entries), the others one
per sample:

    accuracy                           y_pred == y_true
    binary_accuracy                    (y_pred > threshold) == y_true
    categorical_accuracy               argmax(y_pred) == argmax(y_true)       (one-hot labels)
    sparse_categorical_accuracy        argmax(y_pred) == y_true               (integer labels)
    top_k_categorical_accuracy         argmax(y_true) among the k best scores
    sparse_top_k_categorical_accuracy  y_true among the k best scores

`resolve_accuracy` picks the class Keras uses for the string 'accuracy' in `compile`.
"""
import numbers

import numpy as np

from .. import backend
from ..autograd import as_array
from .base import PresetMeanMetric, check_integer, match_shapes, snake_case


def _hits(matches):
    return matches.astype(backend.floatx())


def accuracy(y_true, y_pred):
    """Whether y_pred equals y_true exactly, entry by entry."""
    y_true, y_pred = match_shapes(y_true, y_pred, "accuracy", rank_1_as_column=False)
    return _hits(y_true == y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Whether (y_pred > threshold) equals y_true, entry by entry."""
    y_true, y_pred = match_shapes(y_true, y_pred, "binary_accuracy", rank_1_as_column=False)
    return _hits(y_true == (y_pred > threshold))


def _class_labels(y_true, y_pred, caller):
    """Integer labels (n, ...) for y_pred (n, ..., classes); a trailing axis of 1 is dropped."""
    y_true = as_array(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(f"{caller}: expected integer labels y_true of shape {y_pred.shape[:-1]} "
                         f"or {y_pred.shape[:-1] + (1,)} for y_pred of shape {y_pred.shape}, "
                         f"received y_true.shape={y_true.shape}")
    return y_true


def _one_hot_labels(y_true, y_pred, caller):
    """The class index of each one-hot (or probability) row of y_true."""
    y_true = as_array(y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{caller}: expected one-hot y_true of the shape of y_pred "
                         f"{y_pred.shape}, received y_true.shape={y_true.shape} (integer labels "
                         f"need the sparse_ variant)")
    return y_true.argmax(axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the highest score is the one-hot label's class."""
    y_pred = as_array(y_pred)
    labels = _one_hot_labels(y_true, y_pred, "categorical_accuracy")
    return _hits(labels == y_pred.argmax(axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the highest score is the integer label's class."""
    y_pred = as_array(y_pred)
    labels = _class_labels(y_true, y_pred, "sparse_categorical_accuracy")
    return _hits(labels == y_pred.argmax(axis=-1))


def _in_top_k(labels, y_pred, k, caller):
    """Whether each label's score is at least the k-th largest score of its row.

    Ties at the k-th place count as hits, as in Keras (`ops.in_top_k`).
    """
    num_classes = y_pred.shape[-1]
    labels = labels.astype(np.int64, copy=False)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{caller}: labels must lie in [0, {num_classes}), received values "
                         f"from {labels.min()} to {labels.max()}")
    k = min(k, num_classes)
    kth_best = np.partition(y_pred, num_classes - k, axis=-1)[..., num_classes - k]
    label_score = np.take_along_axis(y_pred, labels[..., None], axis=-1)[..., 0]
    return _hits(label_score >= kth_best)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k highest scores."""
    caller = "top_k_categorical_accuracy"
    y_pred = as_array(y_pred)
    k = check_integer(k, 1, caller, "k")
    return _in_top_k(_one_hot_labels(y_true, y_pred, caller), y_pred, k, caller)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the k highest scores.

    With `from_sorted_ids`, y_pred holds class ids sorted by score, best first
    (n, >= k), instead of the scores themselves. The hits come in y_true's shape, as Keras
    gives them ((n, 1) labels: (n, 1) hits).
    """
    caller = "sparse_top_k_categorical_accuracy"
    k = check_integer(k, 1, caller, "k")
    y_pred = as_array(y_pred)
    labels = _class_labels(y_true, y_pred, caller)
    if from_sorted_ids:
        hits = _hits((y_pred[..., :k] == labels[..., None]).any(axis=-1))
    else:
        hits = _in_top_k(labels, y_pred, k, caller)
    return hits.reshape(np.shape(y_true))


class Accuracy(PresetMeanMetric):
    """How often y_pred equals y_true exactly."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(PresetMeanMetric):
    """How often (y_pred > threshold) matches the 0/1 labels.

    threshold: any real number, as in Keras 3: 0.5 for probabilities, 0.0 for logits."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
                or threshold != threshold:
            raise ValueError("BinaryAccuracy: invalid value for argument `threshold`, expected a "
                             f"real number, received threshold={threshold!r}")
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(PresetMeanMetric):
    """How often the highest score is the one-hot label's class."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(PresetMeanMetric):
    """How often the highest score is the integer label's class; y_true (n,) or (n, 1)."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(PresetMeanMetric):
    """How often the one-hot label's class is among the k highest scores."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        k = check_integer(k, 1, "TopKCategoricalAccuracy", "k")
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(PresetMeanMetric):
    """How often the integer label is among the k highest scores."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        k = check_integer(k, 1, "SparseTopKCategoricalAccuracy", "k")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=bool(from_sorted_ids))
        self.k = k
        self.from_sorted_ids = bool(from_sorted_ids)


_BINARY_LOSSES = {"binary_crossentropy", "bce"}
_SPARSE_LOSSES = {"sparse_categorical_crossentropy"}


def _loss_name(loss):
    """'binary_crossentropy' for the string, the function, or a Loss object of that name."""
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss.lower()
    fn = getattr(loss, "fn", loss)  # a wrapper of a loss function exposes it as `fn`
    return snake_case(getattr(fn, "__name__", type(fn).__name__))


def resolve_accuracy(loss, output_shape, target_shape=None):
    """The accuracy class Keras uses for the metric string 'accuracy' (or 'acc').

    BinaryAccuracy when the output has one unit (or is one value per sample) or the loss
    is binary crossentropy;
    SparseCategoricalAccuracy when the loss is sparse categorical crossentropy or the
    targets are integer labels (`target_shape` of lower rank than the output, or a last
    axis of 1 against several outputs); CategoricalAccuracy otherwise.
    """
    output_shape = tuple(output_shape)
    name = _loss_name(loss)
    if len(output_shape) == 1 or output_shape[-1] == 1 or name in _BINARY_LOSSES:
        return BinaryAccuracy
    sparse_targets = target_shape is not None and (
        len(target_shape) < len(output_shape) or tuple(target_shape)[-1] == 1)
    if name in _SPARSE_LOSSES or sparse_targets:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy
