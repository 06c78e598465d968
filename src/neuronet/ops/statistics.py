"""Reductions and statistics of keras.ops: products and running products, averages,
quantiles (median, quantile, percentile), ptp, trace, corrcoef, and the nan-family that
skips NaN values (nansum, nanmean, nanmax, ..., nanquantile).

Everything is differentiable in its float inputs except the nanarg* indices. The product
gradients divide by no entry, so they stay exact where an entry is zero; quantiles send
their gradient through the sorted values they interpolate. Integer sums and products keep
their dtype (booleans, int8 and int16 widen to int32), as in Keras; means, variances and
quantiles of integers are floatx().
"""
import math
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from .array import (INDEX_DTYPE, argmax, argmin, check_dtype, diagonal, normalize_axis, sort,
                    take_along_axis)
from .elementwise import promote_float
from .math import (_expand_reduced, _floating, add, cast, clip, cumsum, divide, matmul, max,
                   mean, min, multiply, outer, reshape, sqrt, square, subtract, sum, tensor,
                   transpose, where)

__all__ = [
    "prod", "cumprod", "amax", "amin", "average", "median", "quantile", "percentile", "ptp",
    "trace", "corrcoef",
    "nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanvar", "nanstd", "nancumsum",
    "nancumprod", "nanargmax", "nanargmin", "nanmedian", "nanquantile", "nanpercentile",
]

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _reduction_axes(axis, ndim, caller):
    """`axis` (None, an int, or a tuple or list of ints) as a sorted tuple of axes in
    [0, ndim): every axis for None."""
    if axis is None:
        return tuple(range(ndim))
    axes = sorted(normalize_axis(a, ndim, caller)
                  for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) != len(axes):
        raise ValueError(f"{caller}: expected distinct axes, received axis={axis!r}")
    return tuple(axes)


def _accumulator_dtype(dtype):
    """The dtype Keras sums and multiplies `dtype` in: booleans and small integers widen to
    int32 (unsigned ones to uint32); other dtypes stay."""
    if dtype == bool or dtype in (np.int8, np.int16):
        return np.dtype(np.int32)
    if dtype in (np.uint8, np.uint16):
        return np.dtype(np.uint32)
    return dtype


def _in_dtype(x, dtype):
    return x if x.dtype == dtype else cast(x, dtype)


# --- products -----------------------------------------------------------------------------

def _products_of_others(a, axes):
    """For each entry of `a`, the product of the other entries of its slice over `axes`:
    the product of the entries before it times the product of those after it (in the flat
    order of the slice), which needs no division and so is exact where entries are zero."""
    rest = [i for i in range(a.ndim) if i not in axes]
    moved = np.transpose(a, rest + list(axes))
    count = math.prod(a.shape[i] for i in axes)
    lanes = moved.reshape(moved.shape[:len(rest)] + (count,))      # (..., n)
    if lanes.shape[-1] == 0:
        return np.zeros_like(a)
    ones = np.ones(lanes.shape[:-1] + (1,), a.dtype)
    before = np.cumprod(np.concatenate([ones, lanes[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.flip(np.concatenate([lanes[..., 1:], ones], axis=-1), -1),
                               axis=-1), -1)
    others = (before * after).reshape(moved.shape)
    return np.transpose(others, np.argsort(rest + list(axes)))


def prod(x, axis=None, keepdims=False, dtype=None):
    """The product of the values over `axis` (all axes when None)."""
    x = tensor(x)
    target = _accumulator_dtype(x.dtype) if dtype is None else check_dtype(dtype, "prod", None)
    x = _in_dtype(x, target)
    axes = _reduction_axes(axis, x.ndim, "prod")

    def backward(g):              # d prod / d x_i = the product of the other entries
        return (_products_of_others(x.data, axes) * _expand_reduced(g, x.shape, axes, keepdims),)
    return Tensor.from_op(np.prod(x.data, axis=axes, keepdims=keepdims, dtype=x.dtype), (x,),
                          backward)


def _reverse_cumsum(a, axis):
    """out[j] = sum of a[i] for i >= j along `axis`."""
    return np.flip(np.cumsum(np.flip(a, axis), axis=axis), axis)


def _cumprod_gradient(x, out, g, axis):
    """x's gradient for out = cumprod(x) along `axis`: dx[j] = sum over i >= j of g[i] times
    the product of x[k] for k <= i, k != j. Before the first zero of a lane that is
    (sum over i >= j of g[i] out[i]) / x[j]; at the first zero, the same sum over the running
    products with that zero counted as one; after it every product holds the zero."""
    zeros_so_far = np.cumsum(x == 0, axis=axis)
    before = zeros_so_far == 0
    safe = np.where(before, x, np.ones((), x.dtype))
    grad = np.where(before, _reverse_cumsum(g * out, axis) / safe, np.zeros((), g.dtype))
    first_zero = (x == 0) & (zeros_so_far == 1)
    if first_zero.any():
        skipped = np.cumprod(np.where(first_zero, np.ones((), x.dtype), x), axis=axis)
        grad = np.where(first_zero, _reverse_cumsum(g * skipped, axis), grad)
    return grad


def cumprod(x, axis=None, dtype=None):
    """Running product along `axis` (over the flattened x when axis is None)."""
    x = tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim, "cumprod")
    if dtype is None:
        target = np.dtype(np.int32) if x.dtype == bool else x.dtype
    else:
        target = check_dtype(dtype, "cumprod", None)
    x = _in_dtype(x, target)
    out = np.cumprod(x.data, axis=axis, dtype=x.dtype)
    return Tensor.from_op(out, (x,), lambda g: (_cumprod_gradient(x.data, out, g, axis),))


# --- averages and spreads -----------------------------------------------------------------

def amax(x, axis=None, keepdims=False):
    """The largest value over `axis` (the same as max)."""
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    """The smallest value over `axis` (the same as min)."""
    return min(x, axis=axis, keepdims=keepdims)


def average(x, axis=None, weights=None):
    """The weighted mean sum(x w) / sum(w) over `axis` (all axes when None). weights has
    x's shape, or is a vector of length x.shape[axis] for an int axis; without weights,
    the mean."""
    if weights is None:
        x, = promote_float(x)
        return mean(x, axis=_reduction_axes(axis, x.ndim, "average"))
    x, w = promote_float(x, weights)
    if w.shape != x.shape:
        single = isinstance(axis, (numbers.Integral, np.integer)) and not isinstance(axis, bool)
        along = normalize_axis(axis, x.ndim, "average") if single else None
        if along is None or w.shape != (x.shape[along],):
            raise ValueError(f"average: expected weights of the shape of x {x.shape}, or a "
                             f"vector of length x.shape[axis] with an int axis, received "
                             f"weights of shape {w.shape} and axis={axis!r}")
        w = reshape(w, [-1 if a == along else 1 for a in range(x.ndim)])
    axes = _reduction_axes(axis, x.ndim, "average")
    return divide(sum(multiply(x, w), axis=axes), sum(w, axis=axes))


def ptp(x, axis=None, keepdims=False):
    """The range max - min of the values over `axis` (all axes when None)."""
    x = tensor(x)
    axes = _reduction_axes(axis, x.ndim, "ptp")
    return subtract(max(x, axis=axes, keepdims=keepdims), min(x, axis=axes, keepdims=keepdims))


def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of diagonal `offset` of the matrices spanned by axes `axis1` and `axis2`."""
    x = tensor(x)
    return _in_dtype(sum(diagonal(x, offset, axis1, axis2), axis=-1),
                     _accumulator_dtype(x.dtype))


def corrcoef(x):
    """Pearson correlation coefficients of the rows of x (each row a variable, each column
    an observation): a (rows, rows) matrix with values in [-1, 1]; 1.0 for a vector."""
    x = _floating(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"corrcoef: expected a vector or a matrix, received shape {x.shape}")
    rows = x if x.ndim == 2 else reshape(x, (1, -1))
    centered = subtract(rows, mean(rows, axis=1, keepdims=True))
    covariance = matmul(centered, transpose(centered))   # the 1 / (n - 1) factors cancel
    scale = sqrt(diagonal(covariance))
    out = clip(divide(covariance, outer(scale, scale)), -1.0, 1.0)
    return out if x.ndim == 2 else reshape(out, ())


# --- quantiles ----------------------------------------------------------------------------

def _quantile(x, q, axis, method, keepdims, skip_nan, caller, scale=1.0):
    """The q-th quantiles of x over `axis`, q in [0, scale]: order statistics read from the
    sorted values, at fractional position q (n - 1) interpolated by `method`. Shape
    q.shape + the shape of x without the reduced axes (kept as ones with `keepdims`).
    With `skip_nan` the NaNs are left out (n counts the others); without, a slice holding
    a NaN gives NaN."""
    backend.check_choice(caller, "method", method, QUANTILE_METHODS)
    x = _floating(x)
    fractions = np.asarray(q.data if isinstance(q, Tensor) else q, np.float64)  # exact q
    if np.isnan(fractions).any() or (fractions < 0).any() or (fractions > scale).any():
        raise ValueError(f"{caller}: expected q in [0, {scale:g}], received "
                         f"q={fractions.tolist()}")
    fractions = fractions / scale
    axes = _reduction_axes(axis, x.ndim, caller)
    rest = [a for a in range(x.ndim) if a not in axes]
    lane_shape = tuple(x.shape[a] for a in rest)
    lanes = reshape(transpose(x, rest + list(axes)),
                    lane_shape + (math.prod(x.shape[a] for a in axes),))      # (..., n)
    n = lanes.shape[-1]
    if n == 0:
        raise ValueError(f"{caller}: cannot take quantiles over an empty axis of the input of "
                         f"shape {x.shape}")
    ordered = sort(lanes, axis=-1)                     # NaNs sort last
    nan = np.isnan(lanes.data)
    if skip_nan:
        count = n - nan.sum(axis=-1, keepdims=True)                        # (..., 1)
    else:
        count = np.full((1,) * lanes.ndim, n)
    position = np.maximum(fractions.reshape(-1) * (count - 1), 0)           # (..., len(q))
    low = np.floor(position).astype(np.intp)
    high = np.ceil(position).astype(np.intp)

    def at(index):
        return take_along_axis(ordered, index, axis=-1)
    if method == "lower":
        values = at(low)
    elif method == "higher":
        values = at(high)
    elif method == "nearest":
        values = at(np.round(position).astype(np.intp))      # halves round to even
    elif method == "midpoint":
        values = multiply(add(at(low), at(high)), 0.5)
    else:
        fraction = (position - low).astype(x.dtype)
        below = at(low)
        values = add(below, multiply(subtract(at(high), below), fraction))
    invalid = (count == 0) if skip_nan else nan.any(axis=-1, keepdims=True)
    if invalid.any():
        values = where(invalid, np.nan, values)
    # (..., len(q)) -> q.shape + the kept axes (or x's rank with ones where reduced)
    values = transpose(values, [values.ndim - 1] + list(range(values.ndim - 1)))
    if keepdims:
        lane_shape = tuple(1 if a in axes else x.shape[a] for a in range(x.ndim))
    return reshape(values, fractions.shape + lane_shape)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles (q in [0, 1], a number or an array) of x over `axis` (all axes
    when None). method: 'linear' interpolates between the two nearest order statistics,
    'lower', 'higher' and 'nearest' pick one ('nearest' rounds halves to even, as NumPy),
    'midpoint' averages them."""
    return _quantile(x, q, axis, method, keepdims, False, "quantile")


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentiles (q in [0, 100]) of x over `axis`; see quantile."""
    return _quantile(x, q, axis, method, keepdims, False, "percentile", scale=100.0)


def median(x, axis=None, keepdims=False):
    """The median of x over `axis` (all axes when None): the quantile at q = 0.5."""
    return _quantile(x, 0.5, axis, "linear", keepdims, False, "median")


# --- the nan-family: NaN values are skipped -----------------------------------------------

def _without_nan(x, fill):
    """x with its NaNs replaced by `fill` (no gradient flows to them); integers as they are."""
    x = tensor(x)
    if x.dtype.kind != "f":
        return x
    nan = np.isnan(x.data)
    return where(nan, fill, x) if nan.any() else x


def nansum(x, axis=None, keepdims=False):
    """The sum of the values that are not NaN."""
    x = tensor(x)
    axes = _reduction_axes(axis, x.ndim, "nansum")
    return _in_dtype(sum(_without_nan(x, 0.0), axis=axes, keepdims=keepdims),
                     _accumulator_dtype(x.dtype))


def _divided_by_count(total, count):
    """total / count, NaN where the count is zero."""
    out = divide(total, np.maximum(count, 1).astype(total.dtype))
    empty = count == 0
    return where(empty, np.nan, out) if empty.any() else out


def nanmean(x, axis=None, keepdims=False):
    """The mean of the values that are not NaN (NaN where every value is)."""
    x = _floating(x)
    axes = _reduction_axes(axis, x.ndim, "nanmean")
    count = np.sum(~np.isnan(x.data), axis=axes, keepdims=keepdims)
    return _divided_by_count(sum(_without_nan(x, 0.0), axis=axes, keepdims=keepdims), count)


def nanvar(x, axis=None, keepdims=False):
    """The population variance of the values that are not NaN."""
    x = _floating(x)
    axes = _reduction_axes(axis, x.ndim, "nanvar")
    nan = np.isnan(x.data)
    centre = nanmean(x, axis=axes, keepdims=True)
    deviation = where(nan, 0.0, subtract(_without_nan(x, 0.0), centre))
    return _divided_by_count(sum(square(deviation), axis=axes, keepdims=keepdims),
                             np.sum(~nan, axis=axes, keepdims=keepdims))


def nanstd(x, axis=None, keepdims=False):
    """The population standard deviation of the values that are not NaN: sqrt(nanvar)."""
    return sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extremum(x, axis, keepdims, reduce, fill, caller):
    x = tensor(x)
    axes = _reduction_axes(axis, x.ndim, caller)
    if x.dtype.kind != "f":
        return reduce(x, axis=axes, keepdims=keepdims)
    out = reduce(_without_nan(x, fill), axis=axes, keepdims=keepdims)
    empty = np.all(np.isnan(x.data), axis=axes, keepdims=keepdims)
    return where(empty, np.nan, out) if empty.any() else out


def nanmax(x, axis=None, keepdims=False):
    """The largest value that is not NaN (NaN where every value is)."""
    return _nan_extremum(x, axis, keepdims, max, -np.inf, "nanmax")


def nanmin(x, axis=None, keepdims=False):
    """The smallest value that is not NaN (NaN where every value is)."""
    return _nan_extremum(x, axis, keepdims, min, np.inf, "nanmin")


def nanprod(x, axis=None, keepdims=False):
    """The product of the values that are not NaN."""
    return prod(_without_nan(x, 1.0), axis=axis, keepdims=keepdims)


def nancumsum(x, axis=None, dtype=None):
    """Running sum along `axis`, NaNs counted as zero."""
    return cumsum(_without_nan(x, 0.0), axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    """Running product along `axis`, NaNs counted as one."""
    return cumprod(_without_nan(x, 1.0), axis=axis, dtype=dtype)


def _nan_arg(x, axis, keepdims, fallback, np_fn, fill):
    values = as_array(x)
    if values.dtype.kind != "f":
        return fallback(values, axis=axis, keepdims=keepdims)
    nan = np.isnan(values)
    index = np_fn(np.where(nan, fill, values), axis=axis, keepdims=keepdims)
    empty = np.all(nan, axis=axis, keepdims=keepdims)
    return Tensor(np.where(empty, -1, index).astype(INDEX_DTYPE))


def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest value that is not NaN (-1 where every value is), as int32."""
    return _nan_arg(x, axis, keepdims, argmax, np.argmax, -np.inf)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest value that is not NaN (-1 where every value is), as int32."""
    return _nan_arg(x, axis, keepdims, argmin, np.argmin, np.inf)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """quantile over the values that are not NaN (NaN where every value is)."""
    return _quantile(x, q, axis, method, keepdims, True, "nanquantile")


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """percentile over the values that are not NaN (NaN where every value is)."""
    return _quantile(x, q, axis, method, keepdims, True, "nanpercentile", scale=100.0)


def nanmedian(x, axis=None, keepdims=False):
    """median over the values that are not NaN (NaN where every value is)."""
    return _quantile(x, 0.5, axis, "linear", keepdims, True, "nanmedian")
