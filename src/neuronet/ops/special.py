"""Special functions of keras.ops: the error function, its complement and its inverse.

erf and erfc use W. J. Cody's rational approximations (`gelu` uses erfc too), accurate to
about one unit in the last place of a float64; on float32 (and float16) erfc takes one
rational of float32 precision instead, branch-free and several times faster. erfinv starts
from M. Giles' polynomial approximation and polishes it with two Newton steps on erf.
Each op keeps the float dtype of its input (integers become floatx()).
"""
import math

import numpy as np

from ..autograd.tensor import Tensor
from .math import _floating

__all__ = ["erf", "erfc", "erfinv"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)


def _polynomial(t, coefficients):
    """c0 t^n + c1 t^(n-1) + ... + cn by Horner's rule (coefficients highest power first)."""
    result = np.full_like(t, coefficients[0])
    for c in coefficients[1:]:
        result *= t
        result += c
    return result


# The error function by W. J. Cody, "Rational Chebyshev approximations for the error
# function", Math. Comp. 23 (1969) 631-638: a near-minimax rational function of |x| on
# each of three intervals, accurate to about one unit in the last place of a float64.
_ERF_NEAR = ((0.185777706184603153, 3.16112374387056560, 113.864154151050156,
              377.485237685302021, 3209.37758913846947),
             (1.0, 23.6012909523441209, 244.024637934444173, 1282.61652607737228,
              2844.23683343917062))
_ERFC_MID = ((2.15311535474403846e-8, 0.564188496988670089, 8.88314979438837594,
              66.1191906371416295, 298.635138197400131, 881.952221241769090,
              1712.04761263407058, 2051.07837782607147, 1230.33935479799725),
             (1.0, 15.7449261107098347, 117.693950891312499, 537.181101862009858,
              1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
              3439.36767414372164, 1230.33935480374942))
_ERFC_FAR = ((0.0163153871373020978, 0.305326634961232344, 0.360344899949804439,
              0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4),
             (1.0, 2.56852019228982242, 1.87295284992346047, 0.527905102951428412,
              0.0605183413124413191, 2.33520497626869185e-3))


def _rational(t, coefficients):
    numerator, denominator = coefficients
    return _polynomial(t, numerator) / _polynomial(t, denominator)


def _exp_minus_square(y):
    """e^(-y^2) for y >= 0, with y^2 split into an exact part and a small rest."""
    head = np.floor(y * 16) / 16                       # y^2 = head^2 + (y - head)(y + head)
    return np.exp(-head * head) * np.exp(-(y - head) * (y + head))


# Numerical Recipes (Press et al., 2nd ed., section 6.2): erfc(z) = t exp(P(t) - z^2) for
# z >= 0, t = 1 / (1 + z / 2), P of degree 9, with a relative error below 1.2e-7 for every
# z: the precision of a float32. Coefficients highest power first.
_ERFC_SINGLE = (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807,
                -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223)


def _erfc(a):
    """Complementary error function 1 - erf(a), with full relative accuracy in the tails:
    Cody's rationals for float64 (and wider), one rational of float32 precision for float32
    and float16."""
    if a.dtype.itemsize > 4:
        return _erfc_cody(a)
    z = np.minimum(np.abs(a, dtype=np.float32), 16)   # past 10, erfc(z) < 1e-45 rounds to 0
    t = np.reciprocal(1 + 0.5 * z)
    out = t * np.exp(_polynomial(t, _ERFC_SINGLE)) * _exp_minus_square(z)
    out += (a < 0) * (2 - 2 * out)                     # erfc(-z) = 2 - erfc(z)
    return out.astype(a.dtype, copy=False)


def _erfc_cody(a):
    """erfc(a) in float64 to about one unit in the last place, the three intervals of Cody."""
    y = np.abs(a)
    near = y <= 0.46875
    mid = (y > 0.46875) & (y <= 4.0)
    far = ~(near | mid)                                # |a| > 4, and NaN
    out = np.empty_like(y)
    z = y[near]
    out[near] = 1 - z * _rational(z * z, _ERF_NEAR)    # erf(z) = z R(z^2)
    z = y[mid]
    out[mid] = _rational(z, _ERFC_MID) * _exp_minus_square(z)
    z = y[far]
    t = 1 / (z * z)                                    # erfc(z) = e^-z^2 / z (1/sqrt(pi) - t R(t))
    out[far] = (_INV_SQRT_PI - t * _rational(t, _ERFC_FAR)) / z * _exp_minus_square(z)
    return np.where(a < 0, 2 - out, out)               # erfc(-z) = 2 - erfc(z)


def _erf_array(a):
    """erf(a) = 1 - erfc(a), with full relative accuracy near 0 too."""
    y = np.abs(a)
    out = 1 - _erfc(y)
    near = y <= 0.46875                                # there erf(y) = y R(y^2) directly
    out[near] = y[near] * _rational(y[near] * y[near], _ERF_NEAR)
    return np.copysign(out, a)


def _erf_slope(x):
    """erf'(x) = 2 / sqrt(pi) exp(-x^2)."""
    return _TWO_OVER_SQRT_PI * np.exp(-x * x)


def erf(x):
    """The error function 2 / sqrt(pi) * integral of exp(-t^2) from 0 to x."""
    x = _floating(x)
    return Tensor.from_op(_erf_array(x.data), (x,), lambda g: (g * _erf_slope(x.data),))


def erfc(x):
    """The complementary error function 1 - erf(x), accurate where erf(x) is close to 1."""
    x = _floating(x)
    return Tensor.from_op(_erfc(x.data), (x,), lambda g: (-g * _erf_slope(x.data),))


# M. Giles, "Approximating the erfinv function", GPU Computing Gems Jade (2011): erfinv(y)
# = y p(w), w = -log(1 - y^2), p a polynomial in w - 2.5 (w < 5) or in sqrt(w) - 3 (tails);
# relative error below 4e-7. Coefficients highest power first.
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                   2.1858087e-04, -1.25372503e-03, -4.17768164e-03, 0.246640727, 1.50140941)
_ERFINV_TAIL = (-2.00214257e-04, 1.00950558e-04, 1.34934322e-03, -3.67342844e-03,
                5.73950773e-03, -7.6224613e-03, 9.43887047e-03, 1.00167406, 2.83297682)


def _erfinv_array(y):
    """erfinv(y) in float64 for a = |y|: Giles' estimate x, then Newton steps on
    erf(x) - a up to a = 0.5, and beyond on log(erfc(x)) - log(1 - a), which is nearly
    linear in x (log erfc(x) ~ -x^2) and exact in the far tail."""
    a = np.abs(y.astype(np.float64))
    with np.errstate(all="ignore"):                    # |y| >= 1 gives inf and NaN: fixed below
        w = -np.log((1 - a) * (1 + a))
        x = a * np.where(w < 5, _polynomial(w - 2.5, _ERFINV_CENTRAL),
                         _polynomial(np.sqrt(w) - 3, _ERFINV_TAIL))
        tail = a > 0.5
        for _ in range(4):
            slope = _erf_slope(x)
            complement = _erfc(x)
            x = np.where(tail, x + np.log(complement / (1 - a)) * complement / slope,
                         x - (_erf_array(x) - a) / slope)
    x = np.where(a == 1, np.inf, np.where(a > 1, np.nan, x))
    return np.copysign(x, y)


def erfinv(x):
    """The inverse error function: erfinv(erf(y)) = y, for x in (-1, 1) (+-inf at +-1, NaN
    outside)."""
    x = _floating(x)
    out = _erfinv_array(x.data).astype(x.dtype)

    def backward(g):                                   # erfinv'(x) = 1 / erf'(erfinv(x))
        return (g / _erf_slope(out),)
    return Tensor.from_op(out, (x,), backward)
