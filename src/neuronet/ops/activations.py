"""Activation functions as fused ops: one forward and its hand-written backward each.

Every op takes a Tensor (or an array-like) and returns a Tensor of the same shape and
float dtype (integer input becomes `backend.floatx()`). Elementwise ops have
`backward(g) = g * f'(x)`, with the local derivative f'(x) stated beside it. Formulas,
argument names and defaults follow `keras.activations` (Keras 3). All of them stay
finite for inputs as large as +-1e4 wherever the function and its derivative are.

`sigmoid` and `softmax` (over the last axis) record their input on the output as
`_keras_logits`, and their name as `_logits_activation`, so that a crossentropy loss of
the same link (binary for sigmoid, categorical for softmax) can work from the logits, as
Keras does.
"""
import math

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from .math import tensor
from .special import _erfc

__all__ = [
    "sigmoid", "hard_sigmoid", "tanh", "relu", "leaky_relu", "relu6", "elu", "selu",
    "softplus", "softsign", "silu", "gelu", "mish", "hard_silu", "exponential",
    "softmax", "log_softmax", "crelu", "celu", "glu", "log_sigmoid", "sparse_sigmoid",
    "sparse_plus", "squareplus", "tanh_shrink", "hard_tanh", "soft_shrink", "hard_shrink",
    "threshold", "sparsemax", "swish", "hard_swish",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def _float_tensor(x):
    """`x` as a float Tensor: float dtypes are kept, integers and booleans become floatx()."""
    x = tensor(x)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(backend.floatx()))
    return x


def _check_axis(name, axis, ndim):
    """`axis` as a non-negative int; raises unless it is an int in [-ndim, ndim)."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{name}: expected an integer axis, received {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for an input of rank {ndim}; "
                         f"expected an axis in [{-ndim}, {ndim - 1}]")
    return int(axis) % ndim


def _check_axes(name, axis, ndim):
    """`axis` (an int or a tuple/list of ints) as a tuple of non-negative ints."""
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(_check_axis(name, a, ndim) for a in axes)


# --- array helpers (no graph) --------------------------------------------------------------

def plain_relu(x, out=None):
    """max(x, 0) of a float Tensor as an op, its values written into `out` when given.

    The zeros come as an array: NumPy's vectorised maximum runs only between two arrays of
    one layout, several times faster on large inputs than np.maximum(a, 0)."""
    a = x.data
    positive = a > 0                                   # d relu/dx: 1 where x > 0, else 0
    return Tensor.from_op(np.maximum(a, np.zeros(a.shape, a.dtype), out=out), (x,),
                          lambda g: (g * positive,))


def relu_in_place(x):
    """max(x, 0) written over x's own buffer, for the output of a linear or convolution op
    just made: that buffer is fresh and their backward passes never read it, so a layer
    with activation='relu' saves an output-sized array."""
    return plain_relu(x, out=x.data)


# The helpers below avoid np.where, np.log1p and np.expm1 on whole arrays: on random signs
# a select costs about as much as an exp, and NumPy's log1p and expm1 are scalar loops, ten
# times slower than its vectorised exp and log.

def _sigmoid_of_negated(n):
    """n <- 1 / (1 + e^n) = sigmoid(-n), in place, accurate in both tails; where e^n
    overflows to inf it gives 0 (the caller silences that overflow)."""
    np.exp(n, out=n)
    n += 1
    np.reciprocal(n, out=n)


def _sigmoid_array(a):
    """1 / (1 + e^-a), a new array."""
    out = np.negative(a)
    with np.errstate(over="ignore"):
        _sigmoid_of_negated(out)
    return out


_SCALAR_LOOP_SIZE = 512     # up to this many elements, one scalar loop beats six calls


def _log1p(e):
    """log(1 + e) for e >= 0 to a few ulps: log(u) for u = 1 + e rounded, corrected to first
    order by the rounding error (u - 1) - e (np.log1p itself on small arrays)."""
    if e.size <= _SCALAR_LOOP_SIZE:
        return np.log1p(e)
    u = 1 + e
    return np.log(u) - ((u - 1) - e) / u


def _expm1(x):
    """e^x - 1 for x <= 0 to a few ulps, also near 0: (u - 1) for u = e^x rounded, corrected
    by u (log u - x), its rounding error. Below log(tiny), e^x - 1 rounds to -1."""
    x = np.maximum(x, math.log(np.finfo(x.dtype).tiny))
    u = np.exp(x)
    return (u - 1) - u * (np.log(u) - x)


def _softplus_array(a):
    """log(1 + e^a) = max(a, 0) + log(1 + e^-|a|), exact for large |a|."""
    return np.maximum(a, 0) + _log1p(np.exp(-np.abs(a)))


# --- sigmoid family ------------------------------------------------------------------------

def sigmoid(x):
    """1 / (1 + exp(-x)); the output records `x` as `_keras_logits`."""
    x = _float_tensor(x)
    out = _sigmoid_array(x.data)
    result = Tensor.from_op(out, (x,), lambda g: (g * out * (1 - out),))  # s' = s (1 - s)
    result._keras_logits, result._logits_activation = x, "sigmoid"
    return result


def hard_sigmoid(x):
    """relu6(x + 3) / 6: 0 for x <= -3, 1 for x >= 3, x / 6 + 0.5 between."""
    x = _float_tensor(x)
    a = x.data
    inside = (a > -3) & (a < 3)
    return Tensor.from_op(np.clip(a + 3, 0, 6) / 6, (x,),
                          lambda g: (g * inside / 6,))                   # 1/6 inside, else 0


def tanh(x):
    """Hyperbolic tangent."""
    x = _float_tensor(x)
    out = np.tanh(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g * (1 - out * out),))  # tanh' = 1 - tanh^2


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = _float_tensor(x)
    a = x.data
    s = _sigmoid_array(a)

    def backward(g):                                   # (x s)' = s + x s (1 - s)
        return (g * s * (1 + a * (1 - s)),)
    return Tensor.from_op(a * s, (x,), backward)


def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard swish)."""
    x = _float_tensor(x)
    a = x.data
    gate = np.clip(a + 3, 0, 6) / 6
    inside = (a > -3) & (a < 3)

    def backward(g):                                   # (x h)' = h + x h', h' = 1/6 inside
        return (g * (gate + a * inside / 6),)
    return Tensor.from_op(a * gate, (x,), backward)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), computed without overflow."""
    x = _float_tensor(x)
    a = x.data
    return Tensor.from_op(-_softplus_array(-a), (x,),
                          lambda g: (g * _sigmoid_array(-a),))           # 1 - sigmoid(x)


def glu(x, axis=-1):
    """Gated linear unit: x split in halves a, b along `axis` (which halves in size),
    a * sigmoid(b) (Dauphin et al., 2017)."""
    x = _float_tensor(x)
    axis = _check_axis("glu", axis, x.ndim)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: expected an even size along axis {axis} to split in two "
                         f"halves, received an input of shape {x.shape}")
    value, gate = np.split(x.data, 2, axis=axis)
    s = _sigmoid_array(gate)

    def backward(g):                                   # d/da = s(b), d/db = a s(b) (1 - s(b))
        return (np.concatenate([g * s, g * value * s * (1 - s)], axis=axis),)
    return Tensor.from_op(value * s, (x,), backward)


# --- piecewise linear ----------------------------------------------------------------------

def _clipped_line(x, slope, shift, low, high):
    """clip(slope * (x + shift), low, high): a line between two flat parts."""
    x = _float_tensor(x)
    line = slope * (x.data + shift)
    inside = (line > low) & (line < high)
    return Tensor.from_op(np.clip(line, low, high), (x,),
                          lambda g: (g * inside * slope,))               # slope inside, else 0


def hard_tanh(x):
    """clip(x, -1, 1)."""
    return _clipped_line(x, 1.0, 0.0, -1.0, 1.0)


def sparse_sigmoid(x):
    """0 for x <= -1, (x + 1) / 2 between, 1 for x >= 1 (Blondel et al., 2019)."""
    return _clipped_line(x, 0.5, 1.0, 0.0, 1.0)


def sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 between, x for x >= 1: a smooth ReLU."""
    x = _float_tensor(x)
    a = x.data
    slope = np.clip(0.5 * (a + 1), 0, 1)               # sparse_sigmoid(x): 0, (x + 1) / 2, 1
    out = np.where(a >= 1, a, slope * slope)           # slope^2 = (x + 1)^2 / 4 below 1
    return Tensor.from_op(out, (x,), lambda g: (g * slope,))             # derivative: slope


def _keep_where(x, keep, fill):
    """x where `keep`, the constant `fill` elsewhere; derivative 1 where kept, else 0."""
    a = x.data
    return Tensor.from_op(np.where(keep, a, np.asarray(fill, a.dtype)), (x,),
                          lambda g: (g * keep,))


def threshold(x, threshold, default_value):
    """x where x > threshold, default_value elsewhere."""
    x = _float_tensor(x)
    return _keep_where(x, x.data > threshold, default_value)


def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, 0 elsewhere."""
    x = _float_tensor(x)
    return _keep_where(x, np.abs(x.data) > threshold, 0)


def soft_shrink(x, threshold=0.5):
    """x - threshold above threshold, x + threshold below -threshold, 0 between."""
    x = _float_tensor(x)
    a = x.data
    t = np.asarray(threshold, a.dtype)
    above, below = a > t, a < -t
    out = np.where(above, a - t, np.where(below, a + t, np.zeros((), a.dtype)))
    return Tensor.from_op(out, (x,), lambda g: (g * (above | below),))  # 1 outside, 0 between


# --- rectifiers ----------------------------------------------------------------------------

def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with the options of keras.activations.relu.

    x where x > threshold (then clipped to [0, max_value] when max_value is set),
    negative_slope * (x - threshold) where x < threshold, 0 at x == threshold.
    With the defaults this is max(x, 0).
    """
    x = _float_tensor(x)
    negative_slope, threshold = float(negative_slope), float(threshold)
    if max_value is not None:
        max_value = float(max_value)
        if max_value < 0:
            raise ValueError(f"relu: expected max_value >= 0 or None, received {max_value}")
    if not negative_slope and max_value is None and not threshold:
        return plain_relu(x)
    a = x.data
    above = a > threshold
    # x above the threshold, else 0: with threshold 0 a maximum, which (as Keras) keeps NaN
    out = np.where(above, a, 0) if threshold else np.maximum(a, 0)
    passes = above                                     # where the output follows x
    if max_value is not None:
        np.clip(out, 0, max_value, out=out)
        passes = above & (a > 0) & (a < max_value)
    if negative_slope:
        out += negative_slope * np.minimum(a - threshold, 0)

    def backward(g):                                   # 1 where x passes, 0 where clipped,
        local = passes.astype(g.dtype)                 # negative_slope at and below threshold
        if negative_slope:
            local += np.multiply(~above, negative_slope, dtype=g.dtype)
        return (g * local,)
    return Tensor.from_op(out, (x,), backward)


def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise."""
    return relu(x, negative_slope=negative_slope)


def relu6(x):
    """min(max(x, 0), 6)."""
    return relu(x, max_value=6.0)


def _scaled_elu(x, alpha, scale, width=1.0):
    """scale * (x if x > 0 else alpha * (exp(x / width) - 1)): ELU, SELU and CELU."""
    x = _float_tensor(x)
    a = x.data
    z = np.minimum(a, 0) / width                      # <= 0, but for a negative CELU alpha
    expm1_z = _expm1(z) if width > 0 else np.expm1(z)     # e^z - 1: 0 where x > 0
    out = np.maximum(a, 0)                             # one of the two terms is 0
    out += alpha * expm1_z
    out *= scale

    def backward(g):          # scale for x > 0, else scale alpha e^(x/width) / width
        slope = (expm1_z + 1) * (scale * alpha / width)
        slope *= a <= 0
        slope += np.multiply(a > 0, scale, dtype=a.dtype)
        return (g * slope,)
    return Tensor.from_op(out, (x,), backward)


def elu(x, alpha=1.0):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return _scaled_elu(x, float(alpha), 1.0)


def selu(x):
    """Scaled ELU: SELU_SCALE * elu(x, SELU_ALPHA) (Klambauer et al., 2017)."""
    return _scaled_elu(x, SELU_ALPHA, SELU_SCALE)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: x for x > 0, alpha * (exp(x / alpha) - 1) otherwise
    (Barron, 2017)."""
    alpha = float(alpha)
    if alpha == 0:
        raise ValueError("celu: expected a nonzero alpha (it divides x), received alpha=0")
    return _scaled_elu(x, alpha, 1.0, width=alpha)


def crelu(x, axis=-1):
    """Concatenated ReLU: [relu(x), relu(-x)] joined along `axis` (which doubles in size)."""
    x = _float_tensor(x)
    axis = _check_axis("crelu", axis, x.ndim)
    a = x.data
    out = np.concatenate([np.maximum(a, 0), np.maximum(-a, 0)], axis=axis)

    def backward(g):                                   # first half: 1 for x > 0; second: -1 for x < 0
        g_pos, g_neg = np.split(g, 2, axis=axis)
        return (g_pos * (a > 0) - g_neg * (a < 0),)
    return Tensor.from_op(out, (x,), backward)


# --- smooth functions ----------------------------------------------------------------------

def softplus(x):
    """log(1 + exp(x)), computed without overflow."""
    x = _float_tensor(x)
    a = x.data
    return Tensor.from_op(_softplus_array(a), (x,),
                          lambda g: (g * _sigmoid_array(a),))            # softplus' = sigmoid


def softsign(x):
    """x / (1 + |x|)."""
    x = _float_tensor(x)
    a = x.data
    denominator = 1 + np.abs(a)
    return Tensor.from_op(a / denominator, (x,),
                          lambda g: (g / (denominator * denominator),))  # 1 / (1 + |x|)^2


def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2, a smooth ReLU whose curvature at 0 grows as b shrinks
    (Barron, 2021); b = 0 gives max(x, 0)."""
    if not b >= 0:
        raise ValueError(f"squareplus: expected b >= 0, received b={b!r}")
    x = _float_tensor(x)
    a = x.data
    root = np.sqrt(a * a + np.asarray(b, a.dtype))

    def backward(g):                                   # (1 + x / root) / 2, x / root = 0 at root 0
        ratio = np.divide(a, root, out=np.zeros_like(a), where=root > 0)
        return (g * (0.5 + 0.5 * ratio),)
    return Tensor.from_op((a + root) / 2, (x,), backward)


def tanh_shrink(x):
    """x - tanh(x)."""
    x = _float_tensor(x)
    t = np.tanh(x.data)
    return Tensor.from_op(x.data - t, (x,), lambda g: (g * (t * t),))   # 1 - tanh' = tanh^2


def gelu(x, approximate=False):
    """Gaussian error linear unit x * Phi(x), Phi the standard normal CDF.

    approximate=False uses the exact Phi(x) = erfc(-x / sqrt(2)) / 2; approximate=True
    the tanh form (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.
    """
    x = _float_tensor(x)
    a = x.data
    if approximate:
        # u = sqrt(2/pi) (x + 0.044715 x^3), and (1 + tanh u) / 2 = sigmoid(2u)
        cdf = _sigmoid_array(2 * _SQRT_2_OVER_PI * (a + _GELU_CUBIC * a * a * a))

        def density():                                 # d sigmoid(2u)/dx = 2 u' s (1 - s)
            du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * a * a)
            return 2 * du * cdf * (1 - cdf)
    else:
        cdf = 0.5 * _erfc(a * -math.sqrt(0.5))

        def density():                                 # Phi'(x) = exp(-x^2 / 2) / sqrt(2 pi)
            return _INV_SQRT_2PI * np.exp(-0.5 * a * a)

    def backward(g):                                   # (x Phi)' = Phi + x Phi'
        return (g * (cdf + a * density()),)
    return Tensor.from_op(a * cdf, (x,), backward)


def mish(x):
    """x * tanh(softplus(x)) (Misra, 2019)."""
    x = _float_tensor(x)
    a = x.data
    t = np.tanh(_softplus_array(a))

    def backward(g):                                   # t + x (1 - t^2) sigmoid(x)
        return (g * (t + a * (1 - t * t) * _sigmoid_array(a)),)
    return Tensor.from_op(a * t, (x,), backward)


def exponential(x):
    """exp(x)."""
    x = _float_tensor(x)
    out = np.exp(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g * out,))            # (e^x)' = e^x


# --- normalizing activations ---------------------------------------------------------------

def _shift_by_max(a, axis):
    """a - max(a) along axis: the largest exponent taken becomes e^0."""
    return a - np.max(a, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of ints).

    Over the last axis alone, the output records `x` as `_keras_logits`, and log(sum(exp(x)))
    as `_log_normalizer`, the pair (max(x), log(sum(exp(x - max(x))))) that gives
    log softmax(x) = (x - max) - log(sum), which a cross-entropy reuses.
    """
    x = _float_tensor(x)
    axis = _check_axes("softmax", axis, x.ndim)
    peak = np.max(x.data, axis=axis, keepdims=True)
    e = np.exp(x.data - peak)                          # the largest exponent taken is e^0
    total = np.sum(e, axis=axis, keepdims=True)
    out = e / total

    def backward(g):                                   # ds_i/dx_j = s_i (delta_ij - s_j)
        return (out * (g - np.sum(g * out, axis=axis, keepdims=True)),)
    result = Tensor.from_op(out, (x,), backward)
    if axis == (x.ndim - 1,):
        result._keras_logits, result._logits_activation = x, "softmax"
        result._log_normalizer = peak, np.log(total)               # (..., 1) each
    return result


def log_softmax(x, axis=-1):
    """x - log(sum(exp(x))) along `axis` (an int or a tuple of ints), without overflow."""
    x = _float_tensor(x)
    axis = _check_axes("log_softmax", axis, x.ndim)
    shifted = _shift_by_max(x.data, axis)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))

    def backward(g):                                   # d out_i/dx_j = delta_ij - s_j
        return (g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),)
    return Tensor.from_op(out, (x,), backward)


def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along `axis`:
    max(x - tau, 0), tau chosen so that the outputs sum to 1 (Martins & Astudillo, 2016).

    Unlike softmax it gives exact zeros. With z sorted in decreasing order, the support
    holds the k largest values with z_k > (z_1 + ... + z_k - 1) / k, and
    tau = (z_1 + ... + z_K - 1) / K for K the size of the support.
    """
    x = _float_tensor(x)
    axis = _check_axis("sparsemax", axis, x.ndim)
    a = x.data
    z = -np.sort(-a, axis=axis)                        # decreasing along axis
    cumulative = np.cumsum(z, axis=axis)
    k = np.arange(1, a.shape[axis] + 1, dtype=a.dtype).reshape(
        [-1 if i == axis else 1 for i in range(a.ndim)])
    support_size = np.sum(z - (cumulative - 1) / k > 0, axis=axis, keepdims=True)
    top_sum = np.take_along_axis(cumulative, support_size - 1, axis=axis)
    tau = (top_sum - 1) / support_size.astype(a.dtype)
    out = np.maximum(a - tau, 0)

    def backward(g):         # Jacobian diag(s) - s s^T / |S|, s = 1 on the support S
        s = out > 0
        g_support = g * s
        count = np.sum(s, axis=axis, keepdims=True, dtype=g.dtype)
        return (g_support - s * (np.sum(g_support, axis=axis, keepdims=True) / count),)
    return Tensor.from_op(out, (x,), backward)


swish, hard_swish = silu, hard_silu                    # Keras' other names for them
