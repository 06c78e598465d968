"""Losses by their Keras names: functions giving one loss per sample, and Loss objects.

    losses.mean_squared_error(y_true, y_pred)      # one loss per sample (mean over axis -1)
    loss = losses.CategoricalCrossentropy(from_logits=True)
    loss(y_true, y_pred, sample_weight=w)          # weighted and reduced to a scalar Tensor
    losses.get("mse")                              # what `model.compile(loss=...)` accepts

Formulas, argument names, defaults, aliases and reductions follow Keras 3. Predicted
probabilities are clipped to [epsilon, 1 - epsilon] (`backend.epsilon()`), so that
probabilities of exactly 0 or 1 give finite losses and gradients. The cross-entropies
work from logits with the fused ops of `neuronet.ops.cross_entropy`: with
`from_logits=True`, or when `y_pred` is the output of a sigmoid or softmax activation,
which records its input as `y_pred._keras_logits` (as Keras does). Their Loss objects
take the mean of an unweighted batch of logits in one fused op (`_FUSED_MEANS`), the
value and gradient of the general path, which weights and reduces in ops of its own.
"""
import math
import warnings

import numpy as np

from . import backend
from .autograd.tensor import Tensor, as_array
from .ops import activations, cross_entropy, nn_functions
from .ops import math as m
from .ops.ctc import ctc_loss
from .saving.object_registration import function_config, get_registered_object

__all__ = [
    "Loss", "LossFunctionWrapper",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "Huber", "LogCosh", "Hinge", "SquaredHinge",
    "CategoricalHinge", "KLDivergence", "Poisson", "CosineSimilarity",
    "BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "Dice", "Tversky", "CTC",
    "CategoricalGeneralizedCrossEntropy", "Circle", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "hinge", "squared_hinge",
    "categorical_hinge", "kl_divergence", "poisson", "cosine_similarity",
    "binary_focal_crossentropy", "categorical_focal_crossentropy", "dice", "tversky", "ctc",
    "categorical_generalized_cross_entropy", "circle", "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
    "kullback_leibler_divergence", "logcosh", "bce", "BCE",
    "squeeze_or_expand_to_same_rank", "standardize_reduction", "reduce_weighted_values",
    "reduce_values",
    "get", "serialize", "deserialize",
]


# --- preparing y_true and y_pred -----------------------------------------------------------

def _reshape(x, shape):
    """`x` reshaped; a sigmoid/softmax output keeps its recorded logits, reshaped alike."""
    out = m.reshape(x, shape)
    logits = getattr(x, "_keras_logits", None)
    if logits is not None:
        out._keras_logits = m.reshape(logits, shape)
        out._logits_activation = getattr(x, "_logits_activation", None)
    return out


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Equal ranks for two Tensors whose ranks differ by one trailing axis of size 1.

    Keras' rule: (n,) against (n, 1) expands the rank-1 Tensor to (n, 1); otherwise the
    size-1 last axis of the higher-rank one is squeezed. Other shapes are left as they are.
    """
    rank1, rank2 = x1.ndim, x2.ndim
    if rank1 == rank2:
        return x1, x2
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = _reshape(x2, x2.shape + (1,))
        else:
            x1 = _reshape(x1, x1.shape[:-1])
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = _reshape(x1, x1.shape + (1,))
        else:
            x2 = _reshape(x2, x2.shape[:-1])
    return x1, x2


def _prediction(y_pred):
    """`y_pred` as a float Tensor (integers become floatx())."""
    y_pred = m.tensor(y_pred)
    return y_pred if backend.is_float_dtype(y_pred.dtype) else m.cast(y_pred, backend.floatx())


def _inputs(name, y_true, y_pred, same_shape=False):
    """y_true and y_pred as Tensors of y_pred's float dtype and of equal rank.

    Raises ValueError naming both shapes unless they are equal (`same_shape`) or
    broadcast together.
    """
    given = y_true, y_pred                         # their shapes name them in the error
    y_pred = _prediction(y_pred)
    y_true = m.tensor(y_true, like=y_pred)
    if y_true.dtype != y_pred.dtype:
        y_true = m.cast(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if same_shape:
        compatible = y_true.shape == y_pred.shape
    else:
        try:
            np.broadcast_shapes(y_true.shape, y_pred.shape)
            compatible = True
        except ValueError:
            compatible = False
    if not compatible:
        expected = "the same shape" if same_shape else "shapes that broadcast together"
        raise ValueError(f"{name}: expected y_true and y_pred of {expected}, received "
                         f"y_true.shape={np.shape(given[0])} and "
                         f"y_pred.shape={np.shape(given[1])}")
    return y_true, y_pred


def _class_axis(name, axis, ndim):
    """`axis` as a non-negative axis of a y_pred of rank `ndim`."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{name}: expected an integer axis, received axis={axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis={axis} is out of range for y_pred of rank {ndim}")
    return int(axis) % ndim


def _softmax_known(y_pred, logits):
    """(probabilities, log normalizer) of a softmax output scored from its recorded
    `logits`, for the fused ops to reuse; None for anything else."""
    normalizer = getattr(y_pred, "_log_normalizer", None)
    return None if normalizer is None or logits is y_pred else (y_pred.data, normalizer)


def _logits_of(y_pred, activation):
    """The logits recorded by `y_pred` when it is an output of `activation` (the loss's
    own link: 'sigmoid' for the binary losses, 'softmax' for the categorical ones), else
    None: the other activation's logits would give other probabilities, so a binary
    cross-entropy of a softmax output works from its probabilities."""
    if getattr(y_pred, "_logits_activation", None) != activation:
        return None
    return getattr(y_pred, "_keras_logits", None)


def _recorded_logits(name, y_pred, from_logits, activation, softmax_axis=None):
    """(values, from_logits): the logits `_logits_of` finds, else y_pred.

    A softmax records its logits only over the last axis, so a categorical loss over
    another `softmax_axis` works from the probabilities.
    """
    logits = _logits_of(y_pred, activation)
    if logits is None or softmax_axis not in (None, y_pred.ndim - 1):
        return y_pred, from_logits
    if from_logits:
        warnings.warn(f"{name} received from_logits=True, but y_pred was produced by a "
                      "sigmoid or softmax activation and so holds probabilities, not logits; "
                      "the loss is computed from the logits recorded by that activation.",
                      stacklevel=3)
    return logits, True


def _smoothed(name, y_true, label_smoothing, num_classes):
    """Labels pulled towards the uniform 1 / num_classes: y (1 - s) + s / num_classes."""
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], "
                         f"received {label_smoothing!r}")
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


# --- probabilistic losses ------------------------------------------------------------------

def _binary_inputs(name, y_true, y_pred, from_logits, label_smoothing, axis):
    """(y_true smoothed towards 1/2, y_pred, axis, logits, from_logits) of a binary loss."""
    y_true, y_pred = _inputs(name, y_true, y_pred, same_shape=True)
    axis = _class_axis(name, axis, y_pred.ndim)
    y_true = _smoothed(name, y_true, label_smoothing, 2)
    logits, from_logits = _recorded_logits(name, y_pred, from_logits, "sigmoid")
    return y_true, y_pred, axis, logits, from_logits


def _binary_crossentropies(y_true, y_pred, logits, from_logits):
    """-(y log p + (1 - y) log(1 - p)) for each element: from the logits with the fused
    op, else from y_pred clipped to [epsilon, 1 - epsilon]."""
    if from_logits:
        known = y_pred.data if logits is not y_pred else None      # a sigmoid's output
        return cross_entropy.sigmoid_binary_cross_entropy(y_true, logits, known)
    return nn_functions.binary_crossentropy(y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-(y log p + (1 - y) log(1 - p)), averaged over `axis`.

    y_true: 0/1 labels, the shape of y_pred; label_smoothing s moves them to
    y (1 - s) + s / 2. y_pred: probabilities p, or logits when `from_logits`.
    """
    y_true, y_pred, axis, logits, from_logits = _binary_inputs(
        "binary_crossentropy", y_true, y_pred, from_logits, label_smoothing, axis)
    return m.mean(_binary_crossentropies(y_true, y_pred, logits, from_logits), axis=axis)


def _focal_factor(p_true, gamma):
    """(1 - p_true)^gamma, which down-weights the well classified (Lin et al., 2017)."""
    return m.power(1.0 - p_true, float(gamma)) if gamma else 1.0


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy times the focal factor (1 - p_t)^gamma, averaged over `axis`.

    p_t = y p + (1 - y) (1 - p) is the probability given to the true label, so easy
    examples count less; gamma=0 gives binary_crossentropy. apply_class_balancing also
    weights class 1 by alpha and class 0 by 1 - alpha. y_true, y_pred, label_smoothing
    and from_logits as in `binary_crossentropy`.
    """
    y_true, y_pred, axis, logits, from_logits = _binary_inputs(
        "binary_focal_crossentropy", y_true, y_pred, from_logits, label_smoothing, axis)
    losses = _binary_crossentropies(y_true, y_pred, logits, from_logits)
    p = activations.sigmoid(logits) if from_logits and logits is y_pred else y_pred
    p_true = y_true * p + (1.0 - y_true) * (1.0 - p)
    losses = _focal_factor(p_true, gamma) * losses
    if apply_class_balancing:
        losses = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * losses
    return m.mean(losses, axis=axis)


def _reject_integer_labels(name, true_shape, pred_shape, axis):
    """Integer labels for one-hot ones: the commonest mistake with categorical losses."""
    classes = pred_shape[axis]
    without_classes = pred_shape[:axis] + pred_shape[axis + 1:]
    one_class = pred_shape[:axis] + (1,) + pred_shape[axis + 1:]
    if classes > 1 and true_shape in (without_classes, one_class):
        raise ValueError(
            f"{name}: y_true of shape {true_shape} looks like integer class labels, but "
            f"y_pred of shape {pred_shape} holds {classes} class scores per sample and "
            f"{name} expects one-hot y_true of that same shape. For integer labels use "
            f"sparse_categorical_crossentropy (loss='sparse_categorical_crossentropy'), or "
            f"one-hot encode them with keras.utils.to_categorical(y_true, {classes}).")


def _categorical_inputs(name, y_true, y_pred, from_logits, label_smoothing, axis):
    """(y_true smoothed towards 1/num_classes, y_pred, axis, logits, from_logits) of a
    loss with one-hot labels; integer labels raise a ValueError that says what to use."""
    true_shape, pred_shape = tuple(np.shape(y_true)), tuple(np.shape(y_pred))
    axis = _class_axis(name, axis, len(pred_shape))
    _reject_integer_labels(name, true_shape, pred_shape, axis)
    y_true, y_pred = _inputs(name, y_true, y_pred, same_shape=True)
    num_classes = y_pred.shape[axis]
    if num_classes == 1:
        warnings.warn(f"{name}: expected y_pred with more than one class along axis {axis}, "
                      f"received y_pred.shape={pred_shape}; with one output unit use "
                      "binary_crossentropy.", stacklevel=3)
    y_true = _smoothed(name, y_true, label_smoothing, num_classes)
    logits, from_logits = _recorded_logits(name, y_pred, from_logits, "softmax",
                                           softmax_axis=axis)
    return y_true, y_pred, axis, logits, from_logits


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y log p, axis): the cross-entropy of each sample with one-hot labels.

    y_true: one-hot (or probability) labels, the shape of y_pred; label_smoothing s moves
    them to y (1 - s) + s / num_classes. y_pred: probabilities (rescaled to sum to 1),
    or logits when `from_logits`.
    """
    y_true, y_pred, axis, logits, from_logits = _categorical_inputs(
        "categorical_crossentropy", y_true, y_pred, from_logits, label_smoothing, axis)
    if from_logits:
        return cross_entropy.softmax_cross_entropy(y_true, logits, axis=axis,
                                                   softmax=_softmax_known(y_pred, logits))
    return -m.sum(y_true * nn_functions.clipped_log_probabilities(y_pred, axis), axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """-sum(alpha (1 - p)^gamma y log p, axis): categorical cross-entropy in which each
    class term is down-weighted by the focal factor (1 - p)^gamma (Lin et al., 2017).

    alpha: a float, or one weight per class (a list). gamma=0 and alpha=1 give
    categorical_crossentropy. y_true, y_pred, label_smoothing and from_logits as in
    `categorical_crossentropy`.
    """
    y_true, y_pred, axis, logits, from_logits = _categorical_inputs(
        "categorical_focal_crossentropy", y_true, y_pred, from_logits, label_smoothing, axis)
    if from_logits:
        log_p = activations.log_softmax(logits, axis=axis)
        p = m.exp(log_p)
    else:
        p = nn_functions.clipped_probabilities(y_pred, axis)
        log_p = m.log(p)
    weight = _focal_factor(p, gamma) * m.tensor(np.asarray(alpha), like=p)
    return -m.sum(weight * y_true * log_p, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """-log p[label]: the cross-entropy of each sample with integer class labels.

    y_true: integer labels of y_pred's shape without `axis` (or with 1 there).
    ignore_class: a label whose samples get loss 0 and are masked out of the mean
    (the result carries the mask as `_keras_mask`).
    """
    name = "sparse_categorical_crossentropy"
    y_pred = _prediction(y_pred)
    axis = _class_axis(name, axis, y_pred.ndim)
    labels = as_array(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis)
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = np.where(valid, labels, 0)
    labels = cross_entropy.class_indices(labels, y_pred.shape, axis, name)
    logits, from_logits = _recorded_logits(name, y_pred, from_logits, "softmax",
                                           softmax_axis=axis)
    if from_logits:
        losses = cross_entropy.sparse_softmax_cross_entropy_of_indices(
            labels, logits, axis, softmax=_softmax_known(y_pred, logits))
    else:
        classes = np.arange(y_pred.shape[axis]).reshape(
            [-1 if i == axis else 1 for i in range(y_pred.ndim)])
        is_label = np.expand_dims(labels, axis) == classes         # (..., k, ...) booleans
        log_probs = nn_functions.clipped_log_probabilities(y_pred, axis)
        losses = -m.sum(m.where(is_label, log_probs, 0.0), axis=axis)
    if valid is not None:
        losses = m.where(valid, losses, 0.0)
        losses._keras_mask = valid
    return losses


# The mean of an unweighted batch in one fused op: what a Loss object of these functions
# computes for its default reduction, where the arguments allow (else None: the general path
# takes the batch, and checks, converts or warns about it).

def _fused_logits(y_true, y_pred, dtype, from_logits, activation):
    """(labels, logits) for a fused cross-entropy: `y_true` a non-empty array of numbers,
    `y_pred` an unmasked Tensor of `dtype` that holds logits (from_logits) or the logits
    recorded by an output of `activation`, the loss's link; else None."""
    if type(y_true) is not np.ndarray or y_true.dtype.kind not in "biuf" or not y_true.size \
            or not isinstance(y_pred, Tensor) or y_pred.dtype != dtype \
            or getattr(y_pred, "_keras_mask", None) is not None:
        return None
    recorded = _logits_of(y_pred, activation)
    if (recorded is None) != bool(from_logits):
        return None                     # probabilities, or logits said to be probabilities
    return y_true, (y_pred if recorded is None else recorded)


def _binary_crossentropy_mean(y_true, y_pred, dtype, from_logits=False, label_smoothing=0.0,
                              axis=-1):
    found = _fused_logits(y_true, y_pred, dtype, from_logits, "sigmoid")
    if found is None or label_smoothing or axis != -1:
        return None
    labels, logits = found
    if labels.shape + (1,) == logits.shape:                 # (n,) labels of (n, 1) outputs
        labels = labels.reshape(logits.shape)
    if labels.shape != logits.shape:
        return None
    probabilities = None if logits is y_pred else y_pred.data
    return cross_entropy.sigmoid_binary_cross_entropy(labels.astype(dtype, copy=False), logits,
                                                      probabilities, mean=True)


def _categorical_crossentropy_mean(y_true, y_pred, dtype, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    found = _fused_logits(y_true, y_pred, dtype, from_logits, "softmax")
    if found is None or label_smoothing or axis != -1:
        return None
    labels, logits = found
    if labels.shape != logits.shape or logits.shape[-1] < 2:
        return None
    return cross_entropy.softmax_cross_entropy(labels.astype(dtype, copy=False), logits,
                                               mean=True, softmax=_softmax_known(y_pred, logits))


def _sparse_categorical_crossentropy_mean(y_true, y_pred, dtype, from_logits=False,
                                          ignore_class=None, axis=-1):
    found = _fused_logits(y_true, y_pred, dtype, from_logits, "softmax")
    if found is None or ignore_class is not None or axis != -1:
        return None
    labels, logits = found
    if labels.dtype.kind == "f":            # float labels are read in the loss's dtype
        labels = labels.astype(dtype, copy=False)
    if labels.ndim == logits.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]                             # (n, 1) labels: one per sample
    axis = logits.ndim - 1
    labels = cross_entropy.class_indices(labels, logits.shape, axis,
                                         "sparse_categorical_crossentropy")
    return cross_entropy.sparse_softmax_cross_entropy_of_indices(
        labels, logits, axis, mean=True, softmax=_softmax_known(y_pred, logits))


_FUSED_MEANS = {binary_crossentropy: _binary_crossentropy_mean,
                categorical_crossentropy: _categorical_crossentropy_mean,
                sparse_categorical_crossentropy: _sparse_categorical_crossentropy_mean}


def kl_divergence(y_true, y_pred):
    """sum(y_true log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1]."""
    y_true, y_pred = _inputs("kl_divergence", y_true, y_pred)
    eps = backend.epsilon()
    y_true, y_pred = m.clip(y_true, eps, 1.0), m.clip(y_pred, eps, 1.0)
    return m.sum(y_true * m.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true log(y_pred + epsilon), axis=-1)."""
    y_true, y_pred = _inputs("poisson", y_true, y_pred)
    return m.mean(y_pred - y_true * m.log(y_pred + backend.epsilon()), axis=-1)


# --- regression losses ---------------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    """mean(square(y_true - y_pred), axis=-1)."""
    y_true, y_pred = _inputs("mean_squared_error", y_true, y_pred)
    return m.mean(m.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(abs(y_true - y_pred), axis=-1)."""
    y_true, y_pred = _inputs("mean_absolute_error", y_true, y_pred)
    return m.mean(m.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)."""
    y_true, y_pred = _inputs("mean_absolute_percentage_error", y_true, y_pred)
    scale = m.maximum(m.abs(y_true), backend.epsilon())
    return 100.0 * m.mean(m.abs((y_true - y_pred) / scale), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1), values below epsilon
    raised to epsilon."""
    y_true, y_pred = _inputs("mean_squared_logarithmic_error", y_true, y_pred)
    eps = backend.epsilon()
    difference = m.log(m.maximum(y_pred, eps) + 1.0) - m.log(m.maximum(y_true, eps) + 1.0)
    return m.mean(m.square(difference), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """mean over axis -1 of 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2,
    with e = y_pred - y_true."""
    y_true, y_pred = _inputs("huber", y_true, y_pred)
    if not delta > 0:
        raise ValueError(f"huber: delta must be positive, received delta={delta!r}")
    error = y_pred - y_true
    abs_error = m.abs(error)
    quadratic = 0.5 * m.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return m.mean(m.where(abs_error.data <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1).

    Computed as |e| + log(1 + exp(-2 |e|)) - log 2, which never overflows.
    """
    y_true, y_pred = _inputs("log_cosh", y_true, y_pred)
    a = m.abs(y_pred - y_true)
    return m.mean(a + m.log(1.0 + m.exp(-2.0 * a)) - math.log(2.0), axis=-1)


def _l2_normalize(x, axis):
    """x / max(||x||, epsilon) along `axis`; a zero vector stays zero, gradients finite."""
    eps = backend.epsilon()
    squared_norm = m.sum(m.square(x), axis=axis, keepdims=True)
    return x / m.sqrt(m.maximum(squared_norm, eps * eps))


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 for equal directions."""
    y_true, y_pred = _inputs("cosine_similarity", y_true, y_pred)
    return -m.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


# --- overlap losses (segmentation) --------------------------------------------------------

def _overlap_inputs(name, y_true, y_pred, axis):
    """y_true, y_pred and `axis` (None: all axes; an int or a tuple of ints) checked."""
    y_true, y_pred = _inputs(name, y_true, y_pred)
    if axis is not None:
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        axis = tuple(_class_axis(name, a, y_pred.ndim) for a in axes)
    return y_true, y_pred, axis


def dice(y_true, y_pred, axis=None):
    """1 - 2 sum(y_true y_pred) / (sum(y_true) + sum(y_pred) + epsilon), the sums over
    `axis` (None: over all axes, one loss for the batch; (1, 2, 3): one per image)."""
    y_true, y_pred, axis = _overlap_inputs("dice", y_true, y_pred, axis)
    overlap = m.sum(y_true * y_pred, axis=axis)
    total = m.sum(y_true, axis=axis) + m.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * overlap / (total + backend.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha * sum(y_true (1 - y_pred)) + beta * sum((1 - y_true) y_pred)
    + epsilon), with TP = sum(y_true y_pred), the sums over `axis` as in `dice`
    (Salehi et al., 2017); alpha = beta = 0.5 gives the Dice loss.

    The weights are those of Keras: alpha scales the missed part of the true region,
    beta the predicted part outside it.
    """
    y_true, y_pred, axis = _overlap_inputs("tversky", y_true, y_pred, axis)
    overlap = m.sum(y_true * y_pred, axis=axis)
    missed = m.sum(y_true * (1.0 - y_pred), axis=axis)
    spilled = m.sum((1.0 - y_true) * y_pred, axis=axis)
    return 1.0 - overlap / (overlap + alpha * missed + beta * spilled + backend.epsilon())


def ctc(y_true, y_pred):
    """The CTC loss per sample (see `ops.ctc_loss`): y_true, int labels (batch, max_length)
    padded with 0, which is also the blank class; y_pred, logits (batch, time, classes)
    (not softmax-normalised), every time step used."""
    labels = np.asarray(as_array(y_true))
    if labels.ndim != 2:
        raise ValueError(f"ctc: expected y_true of shape (batch_size, max_length) in integer "
                         f"format, received shape {labels.shape}")
    if y_pred.ndim != 3:
        raise ValueError(f"ctc: expected logits y_pred of shape (batch_size, max_length, "
                         f"num_classes), received shape {y_pred.shape}")
    batch, steps = y_pred.shape[:2]
    return ctc_loss(labels.astype(np.int64), y_pred, (labels != 0).sum(axis=-1),
                    np.full(batch, steps), mask_index=0)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p^q) / q, p the predicted probability of the true class (Zhang & Sabuncu, 2018):
    a loss robust to noisy labels, near categorical cross-entropy as q -> 0 and near mean
    absolute error at q = 1. y_true: integer labels; y_pred: probabilities (batch, classes)."""
    y_pred = _prediction(y_pred)
    labels = np.asarray(as_array(y_true)).astype(np.int64).reshape(y_pred.shape[:-1])
    true_class = Tensor(np.eye(y_pred.shape[-1], dtype=y_pred.dtype)[labels])
    p = m.sum(y_pred * true_class, axis=-1)
    return (1.0 - m.power(p, q)) / q


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """The Circle loss of L2-normalised embeddings y_pred (batch, dim) with integer labels
    y_true (Sun et al., 2020): for each embedding, the pairs of its class (positives) are
    pulled together and the others (negatives) pushed apart, each pair weighted by how far
    it is from its optimum; a softplus of the two log-sum-exps. The pairs are taken against
    `ref_embeddings` / `ref_labels` (default: the batch itself, without self-pairs when
    `remove_diagonal`)."""
    y_pred = _prediction(y_pred)
    labels = np.asarray(as_array(y_true)).astype(np.int64).reshape(-1)
    refs = y_pred if ref_embeddings is None else m.tensor(ref_embeddings, like=y_pred)
    ref = labels if ref_labels is None else np.asarray(as_array(ref_labels)).astype(
        np.int64).reshape(-1)
    positive = labels[:, None] == ref[None, :]              # (batch, refs): same class
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(len(labels), len(ref), dtype=bool)
    distance = m.maximum(1.0 - m.matmul(y_pred, m.transpose(refs)), 0.0)   # cosine distance
    pos_weight = m.maximum((margin + distance) * positive.astype(y_pred.dtype), 0.0)
    neg_weight = m.maximum((1.0 + margin - distance) * negative.astype(y_pred.dtype), 0.0)
    pos_logits = -gamma * pos_weight * (margin - distance)
    neg_logits = gamma * neg_weight * ((1.0 - margin) - distance)
    pos_term = m.logsumexp(m.where(positive, pos_logits, -np.inf), axis=1)
    neg_term = m.logsumexp(m.where(negative, neg_logits, -np.inf), axis=1)
    losses = activations.softplus(pos_term + neg_term)
    losses._keras_mask = losses.data > 0
    return losses


# --- hinge losses --------------------------------------------------------------------------

def _hinge_labels(y_true):
    """Labels as -1/1: when all of them are 0 or 1 they become 2 y - 1 (Keras' rule)."""
    values = y_true.data
    if np.all((values == 0) | (values == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true, y_pred):
    """mean(maximum(1 - y_true * y_pred, 0), axis=-1); y_true in {-1, 1} (or {0, 1})."""
    y_true, y_pred = _inputs("hinge", y_true, y_pred)
    return m.mean(m.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1); y_true in {-1, 1} (or {0, 1})."""
    y_true, y_pred = _inputs("squared_hinge", y_true, y_pred)
    return m.mean(m.square(m.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """maximum(neg - pos + 1, 0) with pos = sum(y_true y_pred), neg = max((1 - y_true) y_pred)
    over axis -1; y_true one-hot."""
    y_true, y_pred = _inputs("categorical_hinge", y_true, y_pred)
    pos = m.sum(y_true * y_pred, axis=-1)
    neg = m.max((1.0 - y_true) * y_pred, axis=-1)
    return m.maximum(neg - pos + 1.0, 0.0)


# Aliases under which Keras (2 and 3) accepts the functions.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy


# --- weighting and reduction ---------------------------------------------------------------

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """`reduction` if Keras knows it, else ValueError listing the valid ones."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`: expected one of "
                         f"{_REDUCTIONS}, received reduction={reduction!r}")
    return reduction


def _spread_weight(weight, values_shape):
    """A weight per sample, shape (n,), spread over the trailing axes of losses (n, t, ...)."""
    if weight.ndim < len(values_shape) and weight.shape == values_shape[:weight.ndim]:
        weight = m.reshape(weight, weight.shape + (1,) * (len(values_shape) - weight.ndim))
    try:
        np.broadcast_shapes(weight.shape, values_shape)
    except ValueError:
        raise ValueError(f"sample_weight: expected a shape that broadcasts to the losses of "
                         f"shape {values_shape}, received sample_weight of shape "
                         f"{weight.shape}") from None
    return weight


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce (already weighted) losses: 'sum'; 'sum_over_batch_size' and 'mean' divide
    the sum by the number of elements; 'mean_with_sample_weight' by the sum of the
    weights; None/'none' (and 0-D or empty losses) are returned as they are."""
    if reduction in (None, "none") or values.ndim == 0 or values.shape == (0,):
        return values
    if reduction == "sum":
        return m.sum(values)
    if reduction != "mean_with_sample_weight" or sample_weight is None:
        return m.mean(values) if values.size else m.sum(values) * 0.0    # 0 / 0 gives 0
    divisor = float(np.sum(as_array(sample_weight)))
    total = m.sum(values)
    return total / divisor if divisor else total * 0.0        # 0 / 0 gives 0, as Keras


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size"):
    """Weight per-sample losses by `sample_weight` and `mask`, then reduce them.

    mask: booleans, False where a loss does not count; for 'sum_over_batch_size' and
    'mean' the counted losses are rescaled so the result is their mean.
    """
    reduction = standardize_reduction(reduction)
    values = m.tensor(values)
    weight = None if sample_weight is None else Tensor(as_array(sample_weight, values.dtype))
    if mask is not None:
        mask = as_array(mask).astype(values.dtype)
        if reduction in ("sum_over_batch_size", "mean"):
            counted = float(mask.sum())
            mask = mask * (mask.size / counted if counted else 0.0)
        mask = Tensor(mask)
        if weight is None:
            weight = mask
        else:
            mask, weight = squeeze_or_expand_to_same_rank(mask, weight)
            weight = weight * mask
    if weight is not None:
        values, weight = squeeze_or_expand_to_same_rank(values, weight)
        values = values * _spread_weight(weight, values.shape)
    return reduce_values(values, weight, reduction)


# --- Loss objects --------------------------------------------------------------------------

def _as_dtype(x, dtype):
    """`x` as a Tensor of `dtype` (a Tensor of that dtype is returned as it is)."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else m.cast(x, dtype)
    return Tensor(x, dtype)


class Loss:
    """Base of the loss objects: `call` gives the per-sample losses; calling the object
    weights them by `sample_weight` and reduces them as `reduction` says.

    reduction: 'sum_over_batch_size' (default: the sum divided by the number of
    losses), 'sum', 'mean' (the same as 'sum_over_batch_size'),
    'mean_with_sample_weight' (the sum divided by the sum of the weights), or
    None / 'none' (the losses unreduced). dtype: the float dtype of the computation,
    floatx() when None. Subclass it and override `call(y_true, y_pred)` for a custom loss.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or backend.snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        if dtype is not None and not backend.is_float_dtype(dtype):
            raise ValueError(f"{type(self).__name__}: dtype must be a float dtype, "
                             f"received dtype={dtype!r}")
        self._dtype = None if dtype is None else np.dtype(dtype).name

    @property
    def dtype(self):
        """The float dtype of the computation (floatx() unless given)."""
        return self._dtype or backend.floatx()

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The loss of the batch: a scalar Tensor (per-sample losses for reduction None)."""
        if sample_weight is None and self.reduction in _MEANS:
            mean = self._fused_mean(y_true, y_pred)
            if mean is not None:
                return mean
        in_mask = getattr(y_pred, "_keras_mask", None)
        dtype = self.dtype
        y_pred = _as_dtype(y_pred, dtype)
        y_true = _as_dtype(y_true, dtype)
        losses = self.call(y_true, y_pred)
        out_mask = getattr(losses, "_keras_mask", None)
        if in_mask is None or out_mask is None:
            mask = out_mask if in_mask is None else in_mask
        else:
            mask = np.logical_and(as_array(in_mask), as_array(out_mask))
        return reduce_weighted_values(_as_dtype(losses, dtype), sample_weight, mask,
                                      self.reduction)

    def _fused_mean(self, y_true, y_pred):
        """The mean loss of an unweighted batch computed by one fused op, where this loss
        has one for these arguments, else None (then `call` and the reduction compute it:
        the same value, up to float rounding)."""
        return None

    def call(self, y_true, y_pred):
        """The per-sample losses (a Tensor); subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def get_config(self):
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype is not None:
            config["dtype"] = self._dtype
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A Loss whose `call` is the loss function `fn` with fixed keyword arguments."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def _fused_mean(self, y_true, y_pred):
        fused = _FUSED_MEANS.get(self.fn)
        if fused is None or type(self).call is not LossFunctionWrapper.call:
            return None
        return fused(y_true, y_pred, self.dtype, **self._fn_kwargs)

    def get_config(self):
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is LossFunctionWrapper:          # the subclasses fix their function
            config["fn"] = serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        if isinstance(config.get("fn"), (str, dict)):     # the function as `serialize` wrote it
            config = {**config, "fn": deserialize(config["fn"])}
        return cls(**config)


_DEFAULT = "sum_over_batch_size"
_MEANS = ("sum_over_batch_size", "mean")       # the reductions that average the losses


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy of 0/1 labels and predicted probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_DEFAULT,
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot labels and predicted class probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_DEFAULT,
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy scaled by the focal factor (1 - p_t)^gamma, which focuses the
    training on hard examples; see `binary_focal_crossentropy`."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction=_DEFAULT,
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy scaled by alpha (1 - p)^gamma, for imbalanced classes;
    see `categorical_focal_crossentropy`."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=_DEFAULT, name="categorical_focal_crossentropy", dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.alpha, self.gamma = alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels and predicted class probabilities (or logits)."""

    def __init__(self, from_logits=False, ignore_class=None, reduction=_DEFAULT,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits, self.ignore_class = from_logits, ignore_class


class MeanSquaredError(LossFunctionWrapper):
    """mean(square(y_true - y_pred)) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(abs(y_true - y_pred)) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 * mean(abs((y_true - y_pred) / y_true)) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean(square(log(y_true + 1) - log(y_pred + 1))) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to `delta`, linear beyond, averaged over the last axis."""

    def __init__(self, delta=1.0, reduction=_DEFAULT, name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """mean(log(cosh(y_pred - y_true))) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class Hinge(LossFunctionWrapper):
    """mean(maximum(1 - y_true * y_pred, 0)) over the last axis; labels -1/1 or 0/1."""

    def __init__(self, reduction=_DEFAULT, name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """mean(square(maximum(1 - y_true * y_pred, 0))) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """maximum(neg - pos + 1, 0) for one-hot labels (see `categorical_hinge`)."""

    def __init__(self, reduction=_DEFAULT, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence sum(y_true log(y_true / y_pred)) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """mean(y_pred - y_true log(y_pred)) over the last axis."""

    def __init__(self, reduction=_DEFAULT, name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis`: -1 when y_pred points like y_true."""

    def __init__(self, axis=-1, reduction=_DEFAULT, name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype,
                         axis=axis)


class Dice(LossFunctionWrapper):
    """1 - the Dice coefficient of y_true and y_pred over `axis` (see `dice`)."""

    def __init__(self, reduction=_DEFAULT, name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """1 - the Tversky index of y_true and y_pred over `axis` (see `tversky`)."""

    def __init__(self, alpha=0.5, beta=0.5, reduction=_DEFAULT, name="tversky", axis=None,
                 dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha, self.beta, self.axis = alpha, beta, axis



class CTC(LossFunctionWrapper):
    """Connectionist Temporal Classification loss of label sequences and per-step logits
    (see `ctc`)."""

    def __init__(self, reduction=_DEFAULT, name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """The generalized cross-entropy (1 - p^q) / q of integer labels and probabilities,
    robust to noisy labels (see `categorical_generalized_cross_entropy`); q in (0, 1)."""

    def __init__(self, q=0.5, reduction=_DEFAULT, name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not (isinstance(q, (int, float)) and 0 < q < 1):
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: expected q in the interval "
                             f"(0, 1), received q={q!r}")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name,
                         dtype=dtype, q=q)
        self.q = q


class Circle(LossFunctionWrapper):
    """The Circle loss of L2-normalised embeddings and integer labels (see `circle`)."""

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction=_DEFAULT,
                 name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

# --- lookup by name and (de)serialization --------------------------------------------------

_FUNCTIONS = (binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
              mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, huber, log_cosh, hinge, squared_hinge,
              categorical_hinge, kl_divergence, poisson, cosine_similarity,
              binary_focal_crossentropy, categorical_focal_crossentropy, dice, tversky, ctc,
              categorical_generalized_cross_entropy, circle)
_CLASSES = (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
            MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
            MeanSquaredLogarithmicError, Huber, LogCosh, Hinge, SquaredHinge,
            CategoricalHinge, KLDivergence, Poisson, CosineSimilarity, BinaryFocalCrossentropy,
            CategoricalFocalCrossentropy, Dice, Tversky, CTC, CategoricalGeneralizedCrossEntropy,
            Circle, LossFunctionWrapper)
_BY_NAME = {obj.__name__: obj for obj in _FUNCTIONS + _CLASSES}
_BY_NAME.update(mse=mse, MSE=MSE, mae=mae, MAE=MAE, mape=mape, MAPE=MAPE, msle=msle,
                MSLE=MSLE, kld=kld, KLD=KLD, kullback_leibler_divergence=kl_divergence,
                logcosh=log_cosh, bce=bce, BCE=BCE)


def _lookup(name, custom_objects):
    """The loss `name` gives: a custom object (scope, registry, `custom_objects`) or a
    built-in."""
    found = get_registered_object(name, custom_objects, _BY_NAME)
    if found is None:
        raise ValueError(f"Unknown loss {name!r}. Valid names: {', '.join(sorted(_BY_NAME))}")
    return found


def serialize(loss):
    """A loss as a JSON-ready dict: the class and config of a Loss, or a function's name."""
    if isinstance(loss, Loss):
        cls = type(loss)
        module = "keras.losses" if _BY_NAME.get(cls.__name__) is cls else cls.__module__
        return {"module": module, "class_name": cls.__name__, "config": loss.get_config(),
                "registered_name": None}
    name = getattr(loss, "__name__", None)
    if not callable(loss) or name in (None, "<lambda>"):
        raise ValueError(f"losses.serialize: expected a Loss or a named loss function, "
                         f"received {loss!r}")
    return function_config(loss)


def deserialize(config, custom_objects=None):
    """The loss described by `config`: a name, or a dict as `serialize` writes it (a
    dict of a class gives an instance). `custom_objects` maps names to user objects."""
    if isinstance(config, str):
        return _lookup(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"losses.deserialize: expected a loss name or a dict with "
                         f"'class_name' and 'config', received {config!r}")
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects)
    cls = _lookup(config["class_name"], custom_objects)
    if not (isinstance(cls, type) and issubclass(cls, Loss)):
        raise ValueError(f"losses.deserialize: {config['class_name']!r} is not a Loss class")
    arguments = dict(config.get("config") or {})
    if "fn" in arguments:                              # a wrapped function may be a custom one
        arguments["fn"] = deserialize(arguments["fn"], custom_objects)
    return cls.from_config(arguments)


def get(identifier):
    """The loss for `identifier`, as `model.compile(loss=...)` takes it.

    None gives None; a function or class name gives the function, or an instance of the
    class with default arguments; a dict is deserialized; a Loss or callable is returned
    as it is. Anything else raises ValueError listing the valid names.
    """
    if identifier is None:
        return None
    loss = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if isinstance(loss, type) and issubclass(loss, Loss):
        loss = loss()
    if not callable(loss):
        raise ValueError(f"losses.get: could not interpret loss identifier {identifier!r}; "
                         f"expected None, a callable, a Loss, a config dict or one of the "
                         f"names: {', '.join(sorted(_BY_NAME))}")
    return loss
