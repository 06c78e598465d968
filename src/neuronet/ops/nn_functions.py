"""Functions of keras.ops.nn built on the fused ops: cross-entropies of each element or
sample (no reduction), the normalizations of a sample's features, scaled dot-product
attention, and gelu with the default of keras.ops (the tanh approximation).

The cross-entropies follow Keras' ops, not its losses: binary_crossentropy is not averaged
over the last axis, and probabilities (from_logits=False) are clipped to
[epsilon, 1 - epsilon] (`backend.epsilon()`) before the logarithm, no logits recorded by a
sigmoid or softmax being looked up. From logits they are the fused ops of
`ops.cross_entropy`.
"""
import math
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from . import activations, cross_entropy
from . import math as m
from .activations import softmax
from .array import normalize_axis, take_along_axis

__all__ = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "normalize", "layer_normalization", "rms_normalization", "dot_product_attention",
           "gelu"]


def gelu(x, approximate=True):
    """keras.ops.gelu: x Phi(x), by default with the tanh approximation of Phi, as Keras'
    ops have it (the activation, keras.activations.gelu, defaults to the exact Phi)."""
    return activations.gelu(x, approximate=approximate)


# --- cross-entropies ------------------------------------------------------------------------

def _target_and_output(target, output, caller):
    """`output` as a float Tensor and `target` as a Tensor of its dtype and shape."""
    output = m._floating(output)
    target = m.tensor(target, like=output)
    if target.dtype != output.dtype:
        target = m.cast(target, output.dtype)
    if target.shape != output.shape:
        raise ValueError(f"{caller}: expected target and output of the same shape, received "
                         f"target.shape={target.shape} and output.shape={output.shape}")
    return target, output


def _fits(shape, target):
    """Whether an array of `shape` broadcasts to `target` (without enlarging it)."""
    try:
        return np.broadcast_shapes(tuple(shape), tuple(target)) == tuple(target)
    except ValueError:
        return False


def _clipped(probabilities):
    eps = backend.epsilon()
    return m.clip(probabilities, eps, 1.0 - eps)


def clipped_probabilities(output, axis):
    """`output` rescaled to sum to 1 along `axis` and clipped to [epsilon, 1 - epsilon]: the
    probabilities of the categorical cross-entropies (also those of `neuronet.losses`)."""
    return _clipped(m.divide(output, m.sum(output, axis=axis, keepdims=True)))


def clipped_log_probabilities(output, axis):
    """log(clipped_probabilities(output, axis))."""
    return m.log(clipped_probabilities(output, axis))


def _class_axis(axis, output, caller):
    if output.ndim < 1:
        raise ValueError(f"{caller}: expected an output of rank >= 1 (classes along 'axis'), "
                         f"received a scalar")
    return normalize_axis(axis, output.ndim, caller)


def binary_crossentropy(target, output, from_logits=False):
    """-(t log p + (1 - t) log(1 - p)) for each element: t the target (0/1 or in between), p
    the output clipped to [epsilon, 1 - epsilon], or sigmoid(output) when `from_logits`.
    target and output have one shape, and so has the result."""
    target, output = _target_and_output(target, output, "binary_crossentropy")
    if from_logits:
        return cross_entropy.sigmoid_binary_cross_entropy(target, output)
    p = _clipped(output)
    return -(target * m.log(p) + (1.0 - target) * m.log(1.0 - p))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(t log p, axis) for each sample: t the target class probabilities (one-hot), p the
    output rescaled to sum to 1 and clipped, or softmax(output) when `from_logits`.
    target and output have one shape; the result has it without `axis`."""
    caller = "categorical_crossentropy"
    target, output = _target_and_output(target, output, caller)
    axis = _class_axis(axis, output, caller)
    if from_logits:
        return cross_entropy.softmax_cross_entropy(target, output, axis=axis)
    return -m.sum(target * clipped_log_probabilities(output, axis), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-log p[target] for each sample: target the integer class, of the output's shape
    without `axis` (a last axis of size 1 is squeezed), p as in categorical_crossentropy."""
    caller = "sparse_categorical_crossentropy"
    output = m._floating(output)
    axis = _class_axis(axis, output, caller)
    labels = as_array(target)
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    labels = cross_entropy.class_indices(labels, output.shape, axis, caller)
    if from_logits:
        return cross_entropy.sparse_softmax_cross_entropy_of_indices(labels, output, axis)
    log_probs = clipped_log_probabilities(output, axis)
    return -m.squeeze(take_along_axis(log_probs, np.expand_dims(labels, axis), axis), axis)


# --- normalizations ---------------------------------------------------------------------------

def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(norm(x), epsilon) along `axis` (an int or a tuple): the `order`-norm (an int
    >= 1; the L2 norm by default), epsilon defaulting to backend.epsilon()."""
    if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 1:
        raise ValueError(f"normalize: expected an int >= 1 for argument 'order', received "
                         f"order={order!r}")
    x = m._floating(x)
    if x.ndim == 0:
        x = m.reshape(x, (1,))
    epsilon = backend.epsilon() if epsilon is None else epsilon
    axis = m._axes(axis)
    if order == 2:
        return _l2_normalize(x, axis, epsilon)
    if isinstance(axis, numbers.Integral) or len(axis) == 1:
        norm = m.power(m.sum(m.power(m.abs(x), order), axis=axis, keepdims=True), 1.0 / order)
    else:
        norm = m.norm(x, ord=order, axis=axis, keepdims=True)
    return m.divide(x, m.maximum(norm, epsilon))


def _l2_normalize(x, axis, epsilon):
    """x * min(1 / sqrt(sum(x^2)), 1 / epsilon) along `axis`, as Keras computes it."""
    squares = np.sum(x.data * x.data, axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):                 # a zero vector: 1 / epsilon wins
        inverse = np.minimum(1 / np.sqrt(squares), 1 / epsilon)
    by_norm = inverse < 1 / epsilon                    # where the norm (not epsilon) divides
    out = x.data * inverse

    def backward(g):        # d(x / |x|) = (g - out sum(g out)) / |x|; g / epsilon when clamped
        along = np.sum(g * out, axis=axis, keepdims=True)
        return ((g - out * (along * by_norm)) * inverse,)
    return Tensor.from_op(out, (x,), backward)


def _feature_axes(axis, ndim, caller):
    """`axis` (an int or a sequence of ints) as sorted non-negative axes."""
    axes = (axis,) if isinstance(axis, (numbers.Integral, np.integer)) else tuple(axis)
    if not axes:
        raise ValueError(f"{caller}: expected an int or a non-empty list of ints for argument "
                         f"'axis', received axis={axis!r}")
    return tuple(sorted({normalize_axis(a, ndim, caller) for a in axes}))


def _feature_parameter(value, x, axes, name, caller):
    """A scale or offset as a Tensor of x's dtype that broadcasts to x's shape, or None.
    One value per normalized feature is laid along `axes` (Keras' rule); other shapes
    broadcast as they are."""
    if value is None:
        return None
    parameter = m.tensor(value, like=x)
    if parameter.dtype != x.dtype:
        parameter = m.cast(parameter, x.dtype)
    features = tuple(x.shape[a] for a in axes)
    if parameter.ndim != x.ndim and parameter.size == math.prod(features):
        parameter = m.reshape(parameter, [x.shape[a] if a in axes else 1 for a in range(x.ndim)])
    if not _fits(parameter.shape, x.shape):
        raise ValueError(f"{caller}: expected '{name}' of shape {features} (the sizes of the "
                         f"normalized axes {axes} of x of shape {x.shape}) or broadcastable "
                         f"to x, received shape {np.shape(value)}")
    return parameter


def _normalize_features(x, axes, epsilon, center, scale, offset):
    """x_hat * scale + offset, x_hat the features along `axes` standardized to zero mean and
    unit variance (center=True, layer normalization) or divided by their root mean square
    (center=False, RMS normalization), epsilon added to the variance or mean square.
    scale and offset: Tensors that broadcast to x, or None."""
    a = x.data
    centered = a - a.mean(axis=axes, keepdims=True) if center else a
    inverse = 1 / np.sqrt(np.mean(centered * centered, axis=axes, keepdims=True) + epsilon)
    x_hat = centered * inverse
    out = x_hat if scale is None else x_hat * scale.data
    if offset is not None:
        out = out + offset.data
    parameters = [p for p in (scale, offset) if p is not None]

    def backward(g):
        g_hat = g if scale is None else g * scale.data           # d loss / d x_hat
        # dx = inverse (g_hat - x_hat mean(g_hat x_hat) - mean(g_hat)), the last term only
        # when the mean was subtracted
        gx = g_hat - x_hat * np.mean(g_hat * x_hat, axis=axes, keepdims=True)
        if center:
            gx -= np.mean(g_hat, axis=axes, keepdims=True)
        grads = [gx * inverse]
        if scale is not None:
            grads.append(m.unbroadcast(g * x_hat, scale.shape))  # d out / d scale = x_hat
        if offset is not None:
            grads.append(m.unbroadcast(g, offset.shape))         # d out / d offset = 1
        return tuple(grads)
    return Tensor.from_op(out, [x] + parameters, backward)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """gamma * (x - mean) / sqrt(variance + epsilon) + beta, mean and (biased) variance taken
    over `axis` (an int or a list) for each sample; gamma and beta (optional) hold one value
    per normalized feature. epsilon defaults to backend.epsilon(). Output: x's shape."""
    caller = "layer_normalization"
    if kwargs.pop("rms_scaling", False):
        raise ValueError(f"{caller}: rms_scaling=True (deprecated in Keras) is not supported; "
                         "use keras.ops.rms_normalization")
    if kwargs:
        raise TypeError(f"{caller}: unexpected keyword arguments {sorted(kwargs)}")
    x = m._floating(x)
    axes = _feature_axes(axis, x.ndim, caller)
    return _normalize_features(
        x, axes, backend.epsilon() if epsilon is None else epsilon, True,
        _feature_parameter(gamma, x, axes, "gamma", caller),
        _feature_parameter(beta, x, axes, "beta", caller))


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x^2) + epsilon) * scale, the mean of squares taken over `axis` for each
    sample (Zhang and Sennrich, 2019); scale (optional) holds one value per normalized
    feature or broadcasts to x. epsilon defaults to backend.epsilon(). Output: x's shape."""
    x = m._floating(x)
    if x.ndim == 0:
        x = m.reshape(x, (1,))
    axes = _feature_axes(axis, x.ndim, "rms_normalization")
    return _normalize_features(
        x, axes, backend.epsilon() if epsilon is None else epsilon, False,
        _feature_parameter(scale, x, axes, "scale", "rms_normalization"), None)


# --- attention -------------------------------------------------------------------------------

def _attention_inputs(query, key, value):
    """query, key and value as Tensors of one float dtype, their shapes checked."""
    tensors = [m._floating(t) for t in (query, key, value)]
    dtype = np.result_type(*[t.dtype for t in tensors])
    query, key, value = [t if t.dtype == dtype else m.cast(t, dtype) for t in tensors]
    shapes = f"query.shape={query.shape}, key.shape={key.shape}, value.shape={value.shape}"
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(f"dot_product_attention: expected inputs of rank 4 (batch, positions, "
                         f"heads, dim), received {shapes}")
    heads, key_heads = query.shape[2], key.shape[2]
    if (key.shape[:3] != value.shape[:3] or query.shape[0] != key.shape[0]
            or query.shape[3] != key.shape[3] or heads % key_heads):
        raise ValueError(f"dot_product_attention: expected key and value to share batch, "
                         f"positions and heads, query and key to share batch and dim, and the "
                         f"query heads to be a multiple of the key heads; received {shapes}")
    return query, key, value


def _check_logits_shape(name, shape, logits_shape):
    if not _fits(shape, logits_shape):
        raise ValueError(f"dot_product_attention: expected {name} broadcastable to (batch, "
                         f"heads, query positions, key positions) = {logits_shape}, received "
                         f"{name} of shape {shape}")


def _logits_mask(mask, is_causal, logits_shape):
    """The boolean array of the logits that count, or None when all do."""
    keep = None
    if mask is not None:
        keep = as_array(mask).astype(bool)
        _check_logits_shape("mask", keep.shape, logits_shape)
    if is_causal:
        causal = np.tri(logits_shape[-2], logits_shape[-1], dtype=bool)    # j <= i
        keep = causal if keep is None else keep & causal
    return keep


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """softmax(scale * q k^T + bias) v over the key positions, for every query position and
    head.

    query (batch, T, heads, dim), key (batch, S, key_heads, dim), value (batch, S, key_heads,
    value_dim); heads a multiple of key_heads (grouped-query attention: each key head serves
    heads / key_heads consecutive query heads). bias (added to the logits) and mask (boolean,
    True where a query may attend to a key) broadcast to (batch, heads, T, S); a masked
    logit is set to -0.7 times the dtype's largest value, as Keras does. scale defaults to
    1 / sqrt(dim); is_causal lets query position i attend to key positions j <= i only.
    flash_attention (a GPU kernel) and attn_logits_soft_cap (TPU only in Keras) are not
    supported. Output: (batch, T, heads, value_dim).
    """
    if flash_attention:
        raise ValueError("dot_product_attention: flash_attention=True is not supported; use "
                         "flash_attention=None or False")
    if attn_logits_soft_cap is not None:
        raise ValueError(f"dot_product_attention: attn_logits_soft_cap is not supported (Keras "
                         f"offers it on TPU only), received {attn_logits_soft_cap!r}")
    query, key, value = _attention_inputs(query, key, value)
    batch, t, heads, dim = query.shape
    s, key_heads, value_dim = key.shape[1], key.shape[2], value.shape[3]
    group = heads // key_heads
    scale = 1.0 / math.sqrt(dim) if scale is None else scale
    q = m.transpose(m.reshape(query, (batch, t, key_heads, group, dim)), (0, 2, 3, 1, 4))
    k = m.expand_dims(m.transpose(key, (0, 2, 3, 1)), 2)            # (batch, K, 1, dim, S)
    v = m.expand_dims(m.transpose(value, (0, 2, 1, 3)), 2)          # (batch, K, 1, S, value_dim)
    logits = m.reshape(m.multiply(m.matmul(q, k), scale), (batch, heads, t, s))
    if bias is not None:
        bias = m.tensor(bias, like=logits)
        _check_logits_shape("bias", bias.shape, logits.shape)
        logits = m.add(logits, bias if bias.dtype == logits.dtype else m.cast(bias, logits.dtype))
    keep = _logits_mask(mask, is_causal, logits.shape)
    if keep is not None:
        logits = m.where(keep, logits, -0.7 * np.finfo(logits.dtype).max)
    probabilities = m.reshape(softmax(logits, axis=-1), (batch, key_heads, group, t, s))
    out = m.matmul(probabilities, v)                                # (batch, K, G, T, value_dim)
    return m.reshape(m.transpose(out, (0, 3, 1, 2, 4)), (batch, t, heads, value_dim))
