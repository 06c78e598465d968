"""Batch normalization: one op with batch statistics (training), one with given ones (inference).

Both compute  scale * (x - mean) / sqrt(variance + epsilon) + offset  for each feature
along `axis`; the training op takes mean and variance over every other axis, and its
backward pass includes their dependence on x.
"""
import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from .math import tensor

__all__ = ["batch_normalization", "batch_norm_train"]


def _feature_axes(caller, ndim, axis):
    """(feature axes, reduced axes) for `axis`: an int or a sequence of ints."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if not axes or any(not -ndim <= a < ndim for a in axes):
        raise ValueError(f"{caller}: axis {axis!r} is out of range for an input of rank {ndim}")
    axes = tuple(sorted(int(a) % ndim for a in axes))
    reduced = tuple(a for a in range(ndim) if a not in axes)
    return axes, reduced


def _float_input(x):
    """x as a float Tensor: integers become floatx() (and get no gradient)."""
    x = tensor(x)
    return x if x.dtype.kind == "f" else Tensor(x.data.astype(backend.floatx()))


def _params(caller, x, axes, named):
    """The Tensors among `named` {name: value}, and their data reshaped to broadcast with x."""
    feature_shape = tuple(x.shape[a] for a in axes)
    broadcast = tuple(x.shape[a] if a in axes else 1 for a in range(x.ndim))
    tensors, arrays = {}, {}
    for name, value in named.items():
        if value is None:
            continue
        t = tensor(value, like=x)
        if t.size != int(np.prod(feature_shape)):
            raise ValueError(f"{caller}: expected '{name}' of shape {feature_shape} (the sizes of "
                             f"axis {axes} of the input {x.shape}), received shape {t.shape}")
        tensors[name], arrays[name] = t, t.data.reshape(broadcast)
    return tensors, arrays


def _grads_in_order(tensors, grads):
    """One gradient per parent Tensor, reshaped to its own shape (None where not needed)."""
    return tuple(None if grads.get(name) is None else grads[name].reshape(t.shape)
                 for name, t in tensors.items())


def batch_normalization(x, mean, variance, axis=-1, offset=None, scale=None, epsilon=1e-3):
    """Normalise x with the given statistics: scale * (x - mean) / sqrt(variance + eps) + offset.

    mean, variance, offset, scale: one value per feature along `axis` (offset, scale may be
    None). Output: x's shape. Used by BatchNormalization at inference.
    """
    x = _float_input(x)
    axes, reduced = _feature_axes("batch_normalization", x.ndim, axis)
    tensors, p = _params("batch_normalization", x, axes, {
        "mean": mean, "variance": variance, "offset": offset, "scale": scale})
    inv = 1 / np.sqrt(p["variance"] + epsilon)              # 1 / std, broadcastable
    factor = inv * p["scale"] if "scale" in p else inv
    out = (x.data - p["mean"]) * factor
    if "offset" in p:
        out += p["offset"]

    def backward(g):
        def total(a):
            return a.sum(axis=reduced, keepdims=True)
        needs = {name: t.requires_grad for name, t in tensors.items()}
        grads = {"offset": total(g) if needs.get("offset") else None,
                 "mean": -total(g) * factor if needs["mean"] else None}
        if needs.get("scale") or needs["variance"]:
            g_centered = total(g * (x.data - p["mean"]))    # sum g (x - mean)
            if needs.get("scale"):                           # d out/d scale = (x - mean) / std
                grads["scale"] = g_centered * inv
            if needs["variance"]:                            # d/d var = -scale (x-mean) / 2 std^3
                grads["variance"] = -0.5 * g_centered * factor * inv * inv
        gx = g * factor if x.requires_grad else None         # d out/d x = scale / std
        return (gx,) + _grads_in_order(tensors, grads)
    return Tensor.from_op(out, (x,) + tuple(tensors.values()), backward)


def batch_norm_train(x, axis=-1, offset=None, scale=None, epsilon=1e-3, weights=None):
    """Normalise x with its own statistics over every axis except `axis` (training mode).

    weights: None, or non-negative weights broadcastable to x (a mask: 1 where a value
    counts): the statistics are then the weighted mean and variance, each divided by the
    sum of the weights plus backend.epsilon() (Keras' masked moments). Every value is
    normalised, counted or not.
    Returns (output Tensor, mean, variance): the batch statistics as arrays of one value per
    feature, the variance biased (divided by the count), for the moving averages.
    """
    x = _float_input(x)
    axes, reduced = _feature_axes("batch_norm_train", x.ndim, axis)
    tensors, p = _params("batch_norm_train", x, axes, {"offset": offset, "scale": scale})
    if weights is None:                                     # every value counts once
        w, added = 1.0, 0.0
        total = x.size // int(np.prod([x.shape[a] for a in axes]))
        mean = x.data.mean(axis=reduced, keepdims=True)
    else:
        w, added = np.broadcast_to(np.asarray(weights, x.dtype), x.shape), backend.epsilon()
        total = w.sum(axis=reduced, keepdims=True) + added
        mean = (w * x.data).sum(axis=reduced, keepdims=True) / total
    x_hat = x.data - mean
    squares = x_hat * x_hat if weights is None else w * x_hat * x_hat
    variance = squares.sum(axis=reduced, keepdims=True) / total
    inv = 1 / np.sqrt(variance + epsilon)
    x_hat *= inv                                            # (x - mean) / std
    out = x_hat * p["scale"] if "scale" in p else x_hat.copy()
    if "offset" in p:
        out += p["offset"]

    def backward(g):
        g_sum = g.sum(axis=reduced, keepdims=True)
        g_dot = (g * x_hat).sum(axis=reduced, keepdims=True)
        grads = {"offset": g_sum, "scale": g_dot}           # d out/d offset = 1, d/d scale = x_hat
        gx = None
        if x.requires_grad:
            # dx = scale/std (g - w/total (sum g - c + x_hat sum g x_hat)): mean and variance
            # depend on x through the weights w (1 without a mask); c is what the epsilon
            # added to the weights' sum leaves of sum w (x - mean) (0 without a mask)
            factor = inv * p["scale"] if "scale" in p else inv
            leftover = g_dot * inv * mean * added / total if added else 0.0
            gx = (g - w / total * ((g_sum - leftover) + x_hat * g_dot)) * factor
        return (gx,) + _grads_in_order(tensors, grads)
    out_tensor = Tensor.from_op(out, (x,) + tuple(tensors.values()), backward)
    feature_shape = tuple(x.shape[a] for a in axes)
    return out_tensor, mean.reshape(feature_shape), variance.reshape(feature_shape)
