"""Cross-entropy from logits as fused ops: the activation and the logarithm in one step.

Taking softmax (or sigmoid) and the logarithm of the cross-entropy together keeps the
loss finite for any logits (+-1e4 included) and gives the short gradients

    softmax cross-entropy          d loss / d logits = softmax(x) - y
    sigmoid binary cross-entropy   d loss / d logits = sigmoid(x) - z

Each op returns the loss of every sample (the class axis reduced), or of every element
for the binary one; the Keras-named losses in `neuronet.losses` are built on them.
"""
import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from .activations import _log1p, _sigmoid_array
from .math import cast, tensor

__all__ = ["softmax_cross_entropy", "sparse_softmax_cross_entropy",
           "sigmoid_binary_cross_entropy", "class_indices"]


def _float_tensor(x):
    """`x` as a Tensor of a float dtype (integers become floatx())."""
    x = tensor(x)
    return x if x.dtype.kind == "f" else cast(x, backend.floatx())


def _labels_like(labels, logits, op_name):
    """`labels` as a Tensor of the logits' dtype and shape (cast if needed, no upcast)."""
    labels = tensor(labels, like=logits)
    if labels.dtype != logits.dtype:
        labels = cast(labels, logits.dtype)
    if labels.shape != logits.shape:
        raise ValueError(f"{op_name}: expected labels of the shape of the logits "
                         f"{logits.shape}, received labels of shape {labels.shape}")
    return labels


def _class_axis(op_name, axis, ndim):
    """`axis` as a non-negative index into a shape of rank `ndim`."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op_name}: expected an integer axis, received {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op_name}: axis {axis} is out of range for logits of rank {ndim}")
    return int(axis) % ndim


def _log_softmax(x, axis, softmax=None):
    """log(softmax(x)) and softmax(x) along `axis`; exp only ever sees values <= 0.

    softmax: (softmax(x), (max(x), log(sum(exp(x - max(x)))))) from a softmax output (its
    probabilities and `_log_normalizer`), which are then reused: two subtractions instead
    of five passes. (x - max) - log(sum) keeps the precision that x - (max + log(sum))
    loses for a large max, where the largest class's loss is tiny.
    """
    if softmax is not None:
        probabilities, (peak, log_total) = softmax
        return (x - peak) - log_total, probabilities
    shifted = x - np.maximum.reduce(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    total = np.add.reduce(e, axis=axis, keepdims=True)
    return shifted - np.log(total), e / total


def class_indices(labels, logits_shape, axis, caller):
    """Integer class labels as an index array of `logits_shape` without `axis`.

    Raises ValueError naming `caller` for a wrong shape, non-integer values or a label
    outside [0, number of classes).
    """
    labels = as_array(labels)
    expected = logits_shape[:axis] + logits_shape[axis + 1:]
    if labels.shape != expected:
        raise ValueError(f"{caller}: expected integer labels of shape {expected} for "
                         f"predictions of shape {logits_shape}, received labels of shape "
                         f"{labels.shape}")
    whole = labels.dtype.kind in "iub" or (labels.dtype.kind == "f"
                                           and np.all(labels == np.round(labels)))
    if not whole:
        raise ValueError(f"{caller}: expected integer class labels, received values "
                         f"of dtype {labels.dtype} such as {labels.ravel()[:5]}")
    labels = labels.astype(np.intp, copy=False)
    num_classes = logits_shape[axis]
    # one reduction checks both ends: seen as unsigned, a negative label is a huge one
    if labels.size and labels.view(np.uintp).max() >= num_classes:
        bad = labels[(labels < 0) | (labels >= num_classes)].ravel()[0]
        raise ValueError(f"{caller}: class labels must be in the range [0, {num_classes}) "
                         f"(the {num_classes} classes of axis {axis} of the predictions), "
                         f"received label {bad}")
    return labels


def _mean_of_losses(losses):
    """(the mean of `losses`, a function that spreads its gradient back over them): what a
    loss op with `mean=True` returns, one op where a reduction would add a second."""
    count, ones = losses.size, (1,) * losses.ndim
    return losses.sum() / count, lambda g: (g / count).reshape(ones)     # broadcasts


def softmax_cross_entropy(labels, logits, axis=-1, mean=False, softmax=None):
    """-sum(labels * log(softmax(logits)), axis): the loss of each sample.

    labels: class probabilities (one-hot or smoothed), the shape of `logits`.
    Returns the shape of `logits` without `axis`, or with `mean` the mean over the samples.
    softmax: what a softmax output of these logits knows (see `_log_softmax`), reused.
    """
    logits = _float_tensor(logits)
    axis = _class_axis("softmax_cross_entropy", axis, logits.ndim)
    labels = _labels_like(labels, logits, "softmax_cross_entropy")
    y = labels.data
    log_probs, probs = _log_softmax(logits.data, axis, softmax)
    out = -np.sum(y * log_probs, axis=axis)                        # (..., k, ...) -> (..., ...)
    if mean:
        out, spread = _mean_of_losses(out)                         # () <- (..., ...)

    def backward(g):
        if mean:
            g = spread(g)
        g = np.expand_dims(g, axis)                                # (..., 1, ...) over classes
        d_labels = -g * log_probs if labels.requires_grad else None   # d/dy = -log softmax(x)
        if not logits.requires_grad:
            return d_labels, None
        mass = np.sum(y, axis=axis, keepdims=True)                 # 1 when labels sum to 1
        return d_labels, g * (probs * mass - y)                    # d/dx = softmax(x) sum(y) - y
    return Tensor.from_op(out, (labels, logits), backward)


def _true_class_index(labels, axis):
    """The fancy index that picks, from an array with a class axis `axis`, each sample's
    class `labels` (an array of the shape without that axis): labels on the class axis,
    the position of the sample on every other axis."""
    positions = [np.arange(n).reshape([-1 if i == d else 1 for i in range(labels.ndim)])
                 for d, n in enumerate(labels.shape)]
    return tuple(positions[:axis]) + (labels,) + tuple(positions[axis:])


def sparse_softmax_cross_entropy(labels, logits, axis=-1):
    """log(sum(exp(logits))) - logits[label] along `axis`: the loss of each sample.

    labels: integer class indices, the shape of `logits` without `axis`; no one-hot
    array is built. Returns the shape of `labels`.
    """
    logits = _float_tensor(logits)
    axis = _class_axis("sparse_softmax_cross_entropy", axis, logits.ndim)
    labels = class_indices(labels, logits.shape, axis, "sparse_softmax_cross_entropy")
    return sparse_softmax_cross_entropy_of_indices(labels, logits, axis)


def sparse_softmax_cross_entropy_of_indices(labels, logits, axis, mean=False, softmax=None):
    """sparse_softmax_cross_entropy for arguments already checked: `labels` as
    class_indices gives them, `logits` a float Tensor, `axis` non-negative; with `mean`,
    the mean over the samples; `softmax` as in `softmax_cross_entropy`."""
    true_class = _true_class_index(labels, axis)
    log_probs, probs = _log_softmax(logits.data, axis, softmax)
    out = -log_probs[true_class]                                   # the shape of labels
    if mean:
        out, spread = _mean_of_losses(out)                         # () <- labels' shape

    def backward(g):                                   # d/dx = softmax(x) - one_hot(label)
        if mean:
            g = spread(g)
        grad = probs * np.expand_dims(g, axis)
        grad[true_class] -= g                                      # one label per sample
        return (grad,)
    return Tensor.from_op(out, (logits,), backward)


def sigmoid_binary_cross_entropy(labels, logits, probabilities=None, mean=False):
    """-(z log(sigmoid(x)) + (1 - z) log(1 - sigmoid(x))) for each element.

    Computed as max(x, 0) - x z + log(1 + exp(-|x|)), finite for any x; `labels` z has
    the shape of `logits` x, and so has the result (with `mean`, its mean, a scalar).
    probabilities: sigmoid(x) when the caller has it already (a sigmoid layer's output),
    which the backward pass then reuses.
    """
    logits = _float_tensor(logits)
    labels = _labels_like(labels, logits, "sigmoid_binary_cross_entropy")
    x, z = logits.data, labels.data
    out = np.maximum(x, 0) - x * z + _log1p(np.exp(-np.abs(x)))   # exp of <= 0: no overflow
    if mean:
        out, spread = _mean_of_losses(out)

    def backward(g):
        if mean:
            g = spread(g)
        d_labels = -g * x if labels.requires_grad else None        # d/dz = -x
        if not logits.requires_grad:
            return d_labels, None
        sig = _sigmoid_array(x) if probabilities is None else probabilities
        return d_labels, g * (sig - z)                             # d/dx = sigmoid(x) - z
    return Tensor.from_op(out, (labels, logits), backward)
