"""Intersection-over-Union metrics, from a confusion matrix accumulated over every batch.

For a class c, with the confusion matrix cm (rows: true class, columns: predicted class),

    IoU_c = tp / (tp + fp + fn) = cm[c, c] / (cm[c, :].sum() + cm[:, c].sum() - cm[c, c])

and the metric is the mean of IoU_c over `target_class_ids`, counting only the classes
that occur in y_true or y_pred (as in Keras, epsilon is added to the denominators).

    IoU            integer labels and predictions (or one-hot, see sparse_y_true / _pred)
    MeanIoU        IoU over every class
    BinaryIoU      scores thresholded into classes 0 and 1
    OneHotIoU      one-hot y_true, class scores in y_pred (argmax)
    OneHotMeanIoU  OneHotIoU over every class
"""
import numpy as np

from .. import backend
from ..autograd import as_array
from .base import (Metric, broadcast_sample_weight, check_integer,
                   squeeze_or_expand_to_same_rank)


def confusion_matrix(labels, predictions, num_classes, weights=None):
    """(num_classes, num_classes) weighted counts: entry [t, p] sums the weights of the
    entries whose label is t and prediction p. Labels and predictions are integer arrays
    of one shape with values in [0, num_classes)."""
    index = labels.ravel() * num_classes + predictions.ravel()
    counts = np.bincount(index, weights=None if weights is None else weights.ravel(),
                         minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def _class_ids(values, name, num_classes, caller):
    """`values` as integer class ids in [0, num_classes); ValueError naming `name` otherwise."""
    ids = np.asarray(values)
    if ids.size and not np.all(ids == np.round(ids)):
        raise ValueError(f"{caller}: expected integer class ids in {name}, received values "
                         f"such as {ids[ids != np.round(ids)].ravel()[0]!r}")
    ids = ids.astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
        raise ValueError(f"{caller}: expected class ids in [0, {num_classes}) in {name}, "
                         f"received values from {ids.min()} to {ids.max()}")
    return ids


class IoU(Metric):
    """Mean Intersection-over-Union of the classes in `target_class_ids`.

    num_classes: the number of classes (the confusion matrix is num_classes x num_classes).
    target_class_ids: the classes to average over.
    ignore_class: a label whose entries count for nothing (e.g. a 'void' class such as 255).
    sparse_y_true / sparse_y_pred: whether y_true / y_pred hold class ids (True) or one
    score per class along `axis`, reduced with argmax (False).
    sample_weight: one weight per sample (n,) or per entry of the labels. The counts are
    floats: the default dtype is floatx() (Keras' default is 'int32'); with an integer
    dtype, as Keras, the weights are truncated to integers.
    """

    _direction = "up"

    _fixed = ()           # the arguments a subclass sets itself, left out of its config

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        self._whole_weights = dtype is not None and np.dtype(dtype).kind in "iu"
        super().__init__(name=name, dtype=None if self._whole_weights else dtype)
        if self._whole_weights:                        # a config Keras wrote: whole weights
            self._dtype = backend.standardize_dtype(dtype)
        caller = type(self).__name__
        self.num_classes = check_integer(num_classes, 1, caller, "num_classes")
        if np.ndim(target_class_ids) != 1 or len(target_class_ids) == 0:
            raise ValueError(f"{caller}: expected `target_class_ids` to be a non-empty list of "
                             f"class ids, received target_class_ids={target_class_ids!r}")
        self.target_class_ids = _class_ids(target_class_ids, "target_class_ids",
                                           self.num_classes, caller).tolist()
        self.ignore_class = (None if ignore_class is None
                             else check_integer(ignore_class, None, caller, "ignore_class"))
        self.sparse_y_true, self.sparse_y_pred = bool(sparse_y_true), bool(sparse_y_pred)
        self.axis = check_integer(axis, None, caller, "axis")
        self.total_cm = self.add_variable((self.num_classes, self.num_classes),
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        if not self.sparse_y_true:
            y_true = y_true.argmax(axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = y_pred.argmax(axis=self.axis)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_true.shape != y_pred.shape:
            raise ValueError(f"{self.name}: expected class ids y_true and y_pred of one shape, "
                             f"received y_true.shape={y_true.shape} and "
                             f"y_pred.shape={y_pred.shape}")
        if sample_weight is not None and np.size(sample_weight) == y_true.size:
            sample_weight = np.reshape(sample_weight, y_true.shape)    # e.g. (n, 1) for (n,)
        weights = broadcast_sample_weight(sample_weight, y_true.shape, self.name)
        if self._whole_weights:
            weights = np.trunc(weights)
        if self.ignore_class is not None:
            keep = y_true != self.ignore_class
            weights = weights * keep
            y_true, y_pred = np.where(keep, y_true, 0), np.where(keep, y_pred, 0)
        labels = _class_ids(y_true, "y_true", self.num_classes, self.name)
        predictions = _class_ids(y_pred, "y_pred", self.num_classes, self.name)
        self.total_cm.assign_add(confusion_matrix(labels, predictions, self.num_classes, weights))

    def result(self):
        cm = self.total_cm.data
        true_positives = np.diagonal(cm)
        union = cm.sum(axis=0) + cm.sum(axis=1) - true_positives
        true_positives, union = true_positives[self.target_class_ids], union[self.target_class_ids]
        eps = backend.epsilon()
        present = np.count_nonzero(union > 1e-9)
        return self._as_result((true_positives / (union + eps)).sum() / (present + eps))

    def get_config(self):
        config = {**super().get_config(), "num_classes": self.num_classes,
                  "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                  "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                  "axis": self.axis}
        return {key: value for key, value in config.items() if key not in self._fixed}


class MeanIoU(IoU):
    """IoU averaged over all `num_classes` classes (other arguments as IoU)."""

    _fixed = ("target_class_ids",)

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(check_integer(num_classes, 1, "MeanIoU",
                                                               "num_classes"))),
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)


class BinaryIoU(IoU):
    """IoU of 0/1 labels and scores: a score >= `threshold` predicts class 1, else 0.

    target_class_ids: (0,) or (1,) for the IoU of one class, (0, 1) for their mean.
    """

    _fixed = ("num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis")

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)):
            raise ValueError(f"BinaryIoU: expected `threshold` to be a number, received "
                             f"threshold={threshold!r}")
        self.threshold = float(threshold)

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = as_array(y_pred) >= self.threshold
        super().update_state(y_true, predicted.astype(np.int64), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class OneHotIoU(IoU):
    """IoU for one-hot y_true and per-class scores y_pred (argmax along `axis`)."""

    _fixed = ("sparse_y_true",)

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)


class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot y_true and per-class scores y_pred (argmax along `axis`)."""

    _fixed = ("target_class_ids", "sparse_y_true")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)
