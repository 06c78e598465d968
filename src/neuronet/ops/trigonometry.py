"""Trigonometric, hyperbolic and logarithm/exponential ops of keras.ops beyond sin, cos,
exp and log: inverse and hyperbolic functions, tan, cbrt, base-2 and base-10 logarithms
and powers, logaddexp, hypot, angle conversions, sinc and the Bessel function i0.

Each op keeps the float dtype of its input (integers and booleans become floatx()); the
two-operand ops first bring their operands to one float dtype. All are differentiable:
each backward pass multiplies the output gradient by the local derivative written beside it.
"""
import math

import numpy as np

from ..autograd.tensor import Tensor
from .elementwise import promote_float
from .math import _floating, unbroadcast

__all__ = [
    "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "arcsinh", "arccosh",
    "arctanh", "cbrt", "exp2", "log2", "log10", "logaddexp", "logaddexp2", "hypot",
    "deg2rad", "rad2deg", "sinc", "i0",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


# --- circular functions -------------------------------------------------------------------

def tan(x):
    x = _floating(x)
    out = np.tan(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g * (1 + out * out),))        # 1 + tan^2


def arcsin(x):
    x = _floating(x)
    return Tensor.from_op(np.arcsin(x.data), (x,),
                          lambda g: (g / np.sqrt(1 - x.data * x.data),))      # 1/sqrt(1-x^2)


def arccos(x):
    x = _floating(x)
    return Tensor.from_op(np.arccos(x.data), (x,),
                          lambda g: (-g / np.sqrt(1 - x.data * x.data),))     # -1/sqrt(1-x^2)


def arctan(x):
    x = _floating(x)
    return Tensor.from_op(np.arctan(x.data), (x,),
                          lambda g: (g / (1 + x.data * x.data),))             # 1/(1+x^2)


def arctan2(x1, x2):
    """The angle of the point (x2, x1) from the positive x axis, in (-pi, pi]."""
    y, x = promote_float(x1, x2)

    def backward(g):              # d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
        radius2 = x.data * x.data + y.data * y.data
        return (unbroadcast(g * x.data / radius2, y.shape),
                unbroadcast(-g * y.data / radius2, x.shape))
    return Tensor.from_op(np.arctan2(y.data, x.data), (y, x), backward)


# --- hyperbolic functions -----------------------------------------------------------------

def sinh(x):
    x = _floating(x)
    return Tensor.from_op(np.sinh(x.data), (x,), lambda g: (g * np.cosh(x.data),))  # cosh


def cosh(x):
    x = _floating(x)
    return Tensor.from_op(np.cosh(x.data), (x,), lambda g: (g * np.sinh(x.data),))  # sinh


def arcsinh(x):
    x = _floating(x)
    return Tensor.from_op(np.arcsinh(x.data), (x,),
                          lambda g: (g / np.sqrt(x.data * x.data + 1),))      # 1/sqrt(x^2+1)


def arccosh(x):
    x = _floating(x)
    return Tensor.from_op(np.arccosh(x.data), (x,),
                          lambda g: (g / np.sqrt(x.data * x.data - 1),))      # 1/sqrt(x^2-1)


def arctanh(x):
    x = _floating(x)
    return Tensor.from_op(np.arctanh(x.data), (x,),
                          lambda g: (g / (1 - x.data * x.data),))             # 1/(1-x^2)


# --- roots, powers and logarithms ---------------------------------------------------------

def cbrt(x):
    """The real cube root (negative for negative x)."""
    x = _floating(x)
    out = np.cbrt(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g / (3 * out * out),))        # 1/(3 x^(2/3))


def exp2(x):
    """2 ** x."""
    x = _floating(x)
    out = np.exp2(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g * out * _LN2,))             # 2^x ln 2


def log2(x):
    x = _floating(x)
    return Tensor.from_op(np.log2(x.data), (x,), lambda g: (g / (x.data * _LN2),))  # 1/(x ln 2)


def log10(x):
    x = _floating(x)
    return Tensor.from_op(np.log10(x.data), (x,), lambda g: (g / (x.data * _LN10),))


def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), without overflow."""
    a, b = promote_float(x1, x2)
    out = np.logaddexp(a.data, b.data)

    def backward(g):              # d/da = e^a / (e^a + e^b) = e^(a - out), likewise for b
        return (unbroadcast(g * np.exp(a.data - out), a.shape),
                unbroadcast(g * np.exp(b.data - out), b.shape))
    return Tensor.from_op(out, (a, b), backward)


def logaddexp2(x1, x2):
    """log2(2**x1 + 2**x2), without overflow."""
    a, b = promote_float(x1, x2)
    out = np.logaddexp2(a.data, b.data)

    def backward(g):              # d/da = 2^a / (2^a + 2^b) = 2^(a - out), likewise for b
        return (unbroadcast(g * np.exp2(a.data - out), a.shape),
                unbroadcast(g * np.exp2(b.data - out), b.shape))
    return Tensor.from_op(out, (a, b), backward)


def hypot(x1, x2):
    """sqrt(x1**2 + x2**2), without overflow."""
    a, b = promote_float(x1, x2)
    out = np.hypot(a.data, b.data)

    def backward(g):              # d/da = a / out, d/db = b / out
        return unbroadcast(g * a.data / out, a.shape), unbroadcast(g * b.data / out, b.shape)
    return Tensor.from_op(out, (a, b), backward)


# --- angles -------------------------------------------------------------------------------

def deg2rad(x):
    """Degrees to radians: x * pi / 180."""
    x = _floating(x)
    scale = math.pi / 180
    return Tensor.from_op(x.data * scale, (x,), lambda g: (g * scale,))


def rad2deg(x):
    """Radians to degrees: x * 180 / pi."""
    x = _floating(x)
    scale = 180 / math.pi
    return Tensor.from_op(x.data * scale, (x,), lambda g: (g * scale,))


# --- sinc and the modified Bessel function i0 -----------------------------------------------

def sinc(x):
    """The normalized sinc function sin(pi x) / (pi x), 1 at x = 0."""
    x = _floating(x)
    out = np.sinc(x.data).astype(x.dtype, copy=False)

    def backward(g):              # (cos(pi x) - sinc(x)) / x, 0 at x = 0
        zero = x.data == 0
        safe = np.where(zero, np.ones((), x.dtype), x.data)
        slope = (np.cos(math.pi * safe) - out) / safe
        return (g * np.where(zero, np.zeros((), x.dtype), slope),)
    return Tensor.from_op(out, (x,), backward)


def _bessel_i1(x):
    """I1(x), the derivative of I0, by its power series: the sum over k >= 0 of
    (x/2)^(2k+1) / (k! (k+1)!), summed in float64 until the terms no longer change it.
    The terms shrink once k > |x| / 2, so about |x| / 2 + 20 terms are summed."""
    half = np.asarray(x, np.float64) / 2
    term = half
    total = half.copy()
    k = 0
    while True:
        k += 1
        term = term * (half * half) / (k * (k + 1))    # ratio of consecutive terms
        total += term
        settled = (np.abs(term) <= 1e-17 * np.abs(total)) | ~np.isfinite(total)
        if np.all(settled):
            return total


def i0(x):
    """The modified Bessel function of the first kind and order 0 (1 at x = 0)."""
    x = _floating(x)
    out = np.i0(x.data).astype(x.dtype)
    return Tensor.from_op(out, (x,),
                          lambda g: (g * _bessel_i1(x.data).astype(x.dtype),))  # I0' = I1
