"""Elementwise ops of keras.ops on numbers: float maximum and minimum that skip NaN,
remainders and scaling by powers of two, NaN and infinity handling, closeness tests,
copies and saturating casts.

The operands of a two-operand op share one dtype, as in Keras: the widest float among
them when one is a float (float32 with an integer array stays float32; an array takes
the float dtype of a float Tensor), else their integer dtype; a Python number adapts to
the others (`promote`, also used by the other keras.ops modules). fmax, fmin, fabs,
fmod, ldexp (in x1), nan_to_num, divide_no_nan, true_divide, copy and saturate_cast are
differentiable; trunc, signbit, heaviside, nextafter and the tests (isclose, allclose,
isneginf, isposinf, isreal) return plain Tensors without gradient.
"""
import builtins

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from .math import _floating, cast, clip, divide, tensor, unbroadcast, where

__all__ = [
    "true_divide", "divide_no_nan", "fmax", "fmin", "fabs", "fmod", "ldexp", "trunc",
    "signbit", "heaviside", "nextafter", "nan_to_num", "isclose", "allclose", "isneginf",
    "isposinf", "isreal", "copy", "saturate_cast",
]


# --- one dtype for several operands, and int arguments (shared with other modules) ---------

def _is_python_number(value):
    return isinstance(value, (bool, int, float))


def result_dtype(*values):
    """The dtype Keras gives an op on `values`: the widest float dtype among them when one
    is a float, else their common integer (or bool) dtype. A float Tensor sets the float
    dtype, which other arrays take (no upcast, as `math.tensor` does); Python numbers are
    weak: a float among integers gives floatx(), an int takes the others' dtype."""
    arrays = [v for v in values if not _is_python_number(v)]
    for group in ([v for v in arrays if isinstance(v, Tensor)], arrays):
        floats = [as_array(v).dtype for v in group if as_array(v).dtype.kind == "f"]
        if floats:
            return np.result_type(*floats)
    if builtins.any(isinstance(v, float) for v in values):
        return np.dtype(backend.floatx())
    if arrays:
        return np.result_type(*[as_array(v).dtype for v in arrays])
    if builtins.all(isinstance(v, bool) for v in values):
        return np.dtype(bool)
    return np.dtype(np.int32)                           # Python ints alone: Keras' int32


def _as_dtype(value, dtype):
    """`value` as a Tensor of `dtype`; a Tensor of another dtype is cast (keeping its graph)."""
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else cast(value, dtype)
    return Tensor(as_array(tensor(value).data, dtype))


def promote(*values):
    """`values` as Tensors of their `result_dtype`."""
    dtype = result_dtype(*values)
    return [_as_dtype(v, dtype) for v in values]


def promote_float(*values):
    """`values` as Tensors of their `result_dtype`, or of floatx() when that is not a float."""
    dtype = result_dtype(*values)
    dtype = dtype if dtype.kind == "f" else np.dtype(backend.floatx())
    return [_as_dtype(v, dtype) for v in values]


def check_whole(value, name, caller, minimum=None):
    """`value` as an int (an integer scalar Tensor or array too), at least `minimum`."""
    array = as_array(value)
    if isinstance(value, bool) or array.ndim != 0 or array.dtype.kind not in "iu":
        raise TypeError(f"{caller}: expected an int for argument '{name}', "
                        f"received {name}={value!r}")
    if minimum is not None and int(array) < minimum:
        raise ValueError(f"{caller}: expected an int >= {minimum} for argument '{name}', "
                         f"received {name}={value!r}")
    return int(array)


# --- arithmetic ---------------------------------------------------------------------------

def true_divide(x1, x2):
    """x1 / x2 as floats (integers divide to floatx()); the same as divide for floats."""
    return divide(*promote_float(x1, x2))


def divide_no_nan(x1, x2):
    """x1 / x2, and 0 where x2 is 0 (no gradient flows there)."""
    a, b = promote_float(x1, x2)
    zero = b.data == 0
    return where(zero, 0.0, divide(a, where(zero, 1.0, b)))


def _float_extremum(x1, x2, np_fn, first_wins):
    a, b = promote(x1, x2)
    a_wins = first_wins(a.data, b.data) | np.isnan(b.data)   # NaN loses to a number

    def backward(g):                                   # the gradient goes to the chosen one
        zero = np.zeros((), g.dtype)
        return (unbroadcast(np.where(a_wins, g, zero), a.shape),
                unbroadcast(np.where(a_wins, zero, g), b.shape))
    return Tensor.from_op(np_fn(a.data, b.data), (a, b), backward)


def fmax(x1, x2):
    """The larger of x1 and x2 elementwise; where one is NaN, the other."""
    return _float_extremum(x1, x2, np.fmax, np.greater_equal)


def fmin(x1, x2):
    """The smaller of x1 and x2 elementwise; where one is NaN, the other."""
    return _float_extremum(x1, x2, np.fmin, np.less_equal)


def fabs(x):
    """|x| as a float (integers become floatx())."""
    x = _floating(x)
    return Tensor.from_op(np.fabs(x.data), (x,), lambda g: (g * np.sign(x.data),))  # sign x


def fmod(x1, x2):
    """The remainder of x1 / x2 with the sign of x1 (C's fmod), in the operands' dtype."""
    a, b = promote(x1, x2)
    if a.dtype == bool:
        a, b = cast(a, np.int32), cast(b, np.int32)

    def backward(g):              # x1 - trunc(x1 / x2) x2: d/dx1 = 1, d/dx2 = -trunc(x1 / x2)
        return (unbroadcast(g, a.shape),
                unbroadcast(-g * np.trunc(a.data / b.data), b.shape))
    return Tensor.from_op(np.fmod(a.data, b.data), (a, b), backward)


def ldexp(x1, x2):
    """x1 * 2**x2 for integer exponents x2, as a float; differentiable in x1."""
    exponent = np.asarray(x2, np.int32) if isinstance(x2, int) else as_array(x2)
    if isinstance(x2, bool) or exponent.dtype.kind not in "iu":
        raise TypeError(f"ldexp: expected an integer exponent x2, received dtype "
                        f"{exponent.dtype}")
    x = _floating(x1)
    scale = np.ldexp(np.ones((), x.dtype), exponent)            # 2**x2 in x1's dtype

    def backward(g):                                   # d(x1 2^x2)/dx1 = 2^x2
        return (unbroadcast(g * scale, x.shape),)
    return Tensor.from_op(np.ldexp(x.data, exponent), (x,), backward)


# --- rounding and floating-point facts (no gradient) --------------------------------------

def trunc(x):
    """x rounded toward zero; integers and booleans are returned as they are (no gradient)."""
    x = as_array(x)
    return Tensor(x if x.dtype.kind in "biu" else np.trunc(x))


def signbit(x):
    """Whether the sign bit is set (True for negative numbers and -0.0)."""
    return Tensor(np.signbit(as_array(x)))


def heaviside(x1, x2):
    """The step function: 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0 (no gradient)."""
    a, b = promote_float(x1, x2)
    return Tensor(np.heaviside(a.data, b.data))


def nextafter(x1, x2):
    """The next representable float after x1 in the direction of x2 (no gradient)."""
    a, b = promote_float(x1, x2)
    return Tensor(np.nextafter(a.data, b.data))


# --- NaN and infinity ---------------------------------------------------------------------

def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """x with NaN replaced by `nan`, +inf by `posinf` and -inf by `neginf` (the largest and
    smallest finite values of x's dtype when None); the gradient flows where x is finite."""
    x = tensor(x)
    if x.dtype.kind != "f":
        return x
    finite = np.isfinite(x.data)
    out = np.nan_to_num(x.data, nan=nan, posinf=posinf, neginf=neginf)
    return Tensor.from_op(out, (x,), lambda g: (np.where(finite, g, np.zeros((), g.dtype)),))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether |x1 - x2| <= atol + rtol |x2| elementwise (NaNs equal when `equal_nan`)."""
    a, b = promote(x1, x2)
    return Tensor(np.isclose(a.data, b.data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether isclose holds for every element, as a boolean scalar Tensor."""
    return Tensor(np.all(isclose(x1, x2, rtol, atol, equal_nan).data))


def isneginf(x):
    """Whether each value is -inf."""
    return Tensor(np.isneginf(as_array(x)))


def isposinf(x):
    """Whether each value is +inf."""
    return Tensor(np.isposinf(as_array(x)))


def isreal(x):
    """Whether each value has no imaginary part (always True for real dtypes)."""
    return Tensor(np.isreal(as_array(x)))


# --- copies and casts ---------------------------------------------------------------------

def copy(x):
    """A new Tensor with the values of x; the gradient passes through."""
    x = tensor(x)
    return Tensor.from_op(x.data.copy(), (x,), lambda g: (g,))


def _limits(dtype):
    """(lowest, highest) value of `dtype`, as Python numbers."""
    if dtype == bool:
        return 0, 1
    if dtype.kind in "iu":
        return int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    return float(np.finfo(dtype).min), float(np.finfo(dtype).max)


def _bound(value, dtype, inside):
    """`value` in `dtype`, stepped toward zero where rounding took it past the limit
    (`inside` tells whether a Python number is within it)."""
    bound = np.asarray(value).astype(dtype)
    return bound if inside(bound.item()) else np.nextafter(bound, np.zeros((), dtype))


def saturate_cast(x, dtype):
    """x cast to `dtype`, its values first clipped to the range `dtype` can hold (so 300.0
    becomes 255 in uint8 rather than wrapping around). Floats clip in float64 on their way
    to integers, where every int32 limit is exact."""
    x = tensor(x)
    try:
        target = np.dtype(backend.standardize_dtype(dtype))
    except (TypeError, ValueError):
        target = None
    if target is None or target.kind not in "biuf":
        raise ValueError(f"saturate_cast: expected a numeric dtype, received dtype={dtype!r}")
    work = np.dtype(np.float64) if x.dtype.kind == "f" and target.kind in "biu" else x.dtype
    in_low, in_high = _limits(x.dtype)
    out_low, out_high = _limits(target)
    low = _bound(builtins.max(in_low, out_low), work, lambda v: v >= out_low)
    high = _bound(builtins.min(in_high, out_high), work, lambda v: v <= out_high)
    return cast(clip(x if work == x.dtype else cast(x, work), low, high), target)
