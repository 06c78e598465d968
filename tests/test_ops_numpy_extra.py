"""The NumPy-style ops of keras.ops: trigonometry and log/exp variants, float elementwise
helpers, reductions, quantiles and the nan-family, stacking, splitting and products of
tensors, slicing and scattering, and the integer ops. Values and dtypes against Keras 3 on
JAX (where installed) and NumPy, gradients against finite differences (float64), float32
kept float32, symbolic use in functional models, and errors."""
import math

import numpy as np
import pytest

import neuronet as keras
from neuronet import ops
from neuronet.autograd import Tensor
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.testing import gradcheck

RNG = np.random.default_rng(11)
X = RNG.standard_normal((2, 3, 4)).astype(np.float32)
Y = RNG.standard_normal((2, 3, 4)).astype(np.float32)
W = RNG.uniform(0.5, 2.0, (2, 3, 4)).astype(np.float32)        # positive
U = RNG.uniform(-0.9, 0.9, (2, 3)).astype(np.float32)          # inside (-1, 1)
I = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
I8 = np.array([[3, -2, 7], [1, 0, 5]], np.int8)
B = np.array([[True, False, True], [False, False, True]])
XN = X.copy()
XN[0, 0, :2] = np.nan
XN[1, 1, 3] = np.nan
XN[1, 2, :] = np.nan                                             # a lane of NaNs only
INF = np.array([1.5, np.nan, np.inf, -np.inf, -2.0], np.float32)
SORTED = np.array([-1.0, 0.0, 0.5, 2.0], np.float32)
IDX = np.array([[0, 1], [1, 2], [0, 1]], np.int32)             # (3, 2): a repeated index
IDX_UNIQUE = np.array([[0, 1], [1, 2], [1, 0]], np.int32)


def normal(*shape):
    return RNG.standard_normal(shape)


# --- values and dtypes against Keras 3 ----------------------------------------------------------

KERAS_CASES = [
    # trigonometry, hyperbolic functions, logarithms and powers
    ("tan", lambda o: o.tan(U)),
    ("tan-int", lambda o: o.tan(I)),
    ("arcsin", lambda o: o.arcsin(U)),
    ("arccos", lambda o: o.arccos(U)),
    ("arctan", lambda o: o.arctan(X)),
    ("arctan2", lambda o: o.arctan2(X, Y)),
    ("arctan2-int-float", lambda o: o.arctan2(I, np.float32(2.5))),
    ("sinh", lambda o: o.sinh(X)),
    ("cosh", lambda o: o.cosh(X)),
    ("arcsinh", lambda o: o.arcsinh(X)),
    ("arccosh", lambda o: o.arccosh(W + 1)),
    ("arctanh", lambda o: o.arctanh(U)),
    ("cbrt", lambda o: o.cbrt(X)),
    ("cbrt-int", lambda o: o.cbrt(I)),
    ("exp2", lambda o: o.exp2(X)),
    ("exp2-int", lambda o: o.exp2(I)),
    ("log2", lambda o: o.log2(W)),
    ("log2-int", lambda o: o.log2(I)),
    ("log10", lambda o: o.log10(W)),
    ("logaddexp", lambda o: o.logaddexp(X, Y)),
    ("logaddexp2", lambda o: o.logaddexp2(X, 1.0)),
    ("hypot", lambda o: o.hypot(X, Y)),
    ("hypot-int", lambda o: o.hypot(I, I[::-1])),
    ("deg2rad", lambda o: o.deg2rad(X * 90)),
    ("deg2rad-int", lambda o: o.deg2rad(I)),
    ("rad2deg", lambda o: o.rad2deg(X)),
    ("sinc", lambda o: o.sinc(np.array([0.0, 0.5, -1.5, 2.25], np.float32))),
    ("i0", lambda o: o.i0(X * 3)),
    ("i0-int", lambda o: o.i0(I)),
    # float elementwise helpers
    ("true_divide", lambda o: o.true_divide(X, 2)),
    ("true_divide-int", lambda o: o.true_divide(I, I[::-1])),
    ("divide_no_nan", lambda o: o.divide_no_nan(X, np.where(Y > 0, Y, 0))),
    ("divide_no_nan-int", lambda o: o.divide_no_nan(I, np.array([0, 1, 2], np.int32))),
    ("fmax", lambda o: o.fmax(XN, Y)),
    ("fmax-int-float", lambda o: o.fmax(I, 2.5)),
    ("fmax-int", lambda o: o.fmax(I, I[::-1])),
    ("fmin", lambda o: o.fmin(Y, XN)),
    ("fabs", lambda o: o.fabs(X)),
    ("fabs-int", lambda o: o.fabs(I)),
    ("fmod", lambda o: o.fmod(X * 5, np.float32(1.5))),
    ("fmod-int", lambda o: o.fmod(I8.astype(np.int32), 4)),
    ("ldexp", lambda o: o.ldexp(X[..., :3], I8.astype(np.int32)[0])),
    ("ldexp-int", lambda o: o.ldexp(I, np.array([1, 2, 3], np.int32))),
    ("trunc", lambda o: o.trunc(X * 3)),
    ("trunc-int", lambda o: o.trunc(I)),
    ("signbit", lambda o: o.signbit(np.array([-0.0, 0.0, -2.0, 3.0], np.float32))),
    ("heaviside", lambda o: o.heaviside(np.array([-1.5, 0.0, 2.0], np.float32), 0.5)),
    ("heaviside-int", lambda o: o.heaviside(I - 3, 0.5)),
    ("nextafter", lambda o: o.nextafter(X, np.float32(0))),
    ("nextafter-int", lambda o: o.nextafter(I, 2)),
    ("nan_to_num", lambda o: o.nan_to_num(INF)),
    ("nan_to_num-values", lambda o: o.nan_to_num(INF, nan=-1.0, posinf=9.0, neginf=-9.0)),
    ("nan_to_num-int", lambda o: o.nan_to_num(I)),
    ("isclose", lambda o: o.isclose(X, X + np.float32(1e-6) * (Y > 0))),
    ("isclose-nan", lambda o: o.isclose(INF, INF, equal_nan=True)),
    ("allclose", lambda o: o.allclose(X, X + np.float32(1e-7))),
    ("isneginf", lambda o: o.isneginf(INF)),
    ("isposinf", lambda o: o.isposinf(INF)),
    ("isreal", lambda o: o.isreal(X)),
    ("copy", lambda o: o.copy(X)),
    ("saturate_cast", lambda o: o.saturate_cast(np.array([-5.0, 300.5, 2.7], np.float32),
                                                "uint8")),
    ("saturate_cast-int", lambda o: o.saturate_cast(np.array([-500, 30, 200], np.int32),
                                                    "int8")),
    ("saturate_cast-int32", lambda o: o.saturate_cast(np.array([3e9, -3e9, 7.9], np.float32),
                                                      "int32")),
    # reductions and statistics
    ("prod", lambda o: o.prod(X, axis=1)),
    ("prod-all-keepdims", lambda o: o.prod(X[0], keepdims=True)),
    ("prod-int", lambda o: o.prod(I)),
    ("prod-int8", lambda o: o.prod(I8, axis=0)),
    ("prod-dtype", lambda o: o.prod(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), axis=1,
                                    dtype="int32")),
    ("cumprod", lambda o: o.cumprod(X, axis=1)),
    ("cumprod-flat", lambda o: o.cumprod(X[0])),
    ("cumprod-int8", lambda o: o.cumprod(I8, axis=1)),
    ("cumprod-bool", lambda o: o.cumprod(B, axis=1)),
    ("amax", lambda o: o.amax(X, axis=(0, 2))),
    ("amin", lambda o: o.amin(X, axis=1, keepdims=True)),
    ("average", lambda o: o.average(X)),
    ("average-axis-vector", lambda o: o.average(X, axis=1, weights=W[0, :, 0])),
    ("average-full-weights", lambda o: o.average(X, axis=2, weights=W)),
    ("average-int", lambda o: o.average(I, axis=1, weights=np.array([1, 2, 3], np.int32))),
    ("median", lambda o: o.median(X, axis=-1)),
    ("median-all-keepdims", lambda o: o.median(X, keepdims=True)),
    ("median-int", lambda o: o.median(I, axis=1)),
    ("median-nan", lambda o: o.median(XN, axis=2)),
    ("quantile", lambda o: o.quantile(X, np.array([0.1, 0.5, 0.95], np.float32), axis=1)),
    ("quantile-axes-keepdims", lambda o: o.quantile(X, np.array([0.2, 0.7], np.float32),
                                                    axis=(0, 2), keepdims=True)),
    ("quantile-nearest", lambda o: o.quantile(X, np.array([0.1, 0.4, 0.9], np.float32), axis=2,
                                              method="nearest")),
    ("quantile-int", lambda o: o.quantile(I, 0.25, axis=1)),
    ("percentile", lambda o: o.percentile(X, np.array([10.0, 50.0, 90.0], np.float32), axis=2)),
    ("ptp", lambda o: o.ptp(X, axis=1)),
    ("ptp-int", lambda o: o.ptp(I, axis=1)),
    ("trace", lambda o: o.trace(X[0])),
    ("trace-offset-axes", lambda o: o.trace(X, 1, 1, 2)),
    ("trace-int8", lambda o: o.trace(I8)),
    ("corrcoef", lambda o: o.corrcoef(X[0])),
    ("corrcoef-int", lambda o: o.corrcoef(np.array([[1, 2, 4], [3, 1, 2]], np.int32))),
    ("nansum", lambda o: o.nansum(XN, axis=2)),
    ("nansum-int8", lambda o: o.nansum(I8)),
    ("nanmean", lambda o: o.nanmean(XN, axis=2)),
    ("nanmax", lambda o: o.nanmax(XN, axis=2)),
    ("nanmax-int", lambda o: o.nanmax(I, axis=1)),
    ("nanmin", lambda o: o.nanmin(XN, axis=(0, 2), keepdims=True)),
    ("nanprod", lambda o: o.nanprod(XN, axis=2)),
    ("nanvar", lambda o: o.nanvar(XN, axis=2)),
    ("nanvar-int", lambda o: o.nanvar(I)),
    ("nanstd", lambda o: o.nanstd(XN, axis=1)),
    ("nancumsum", lambda o: o.nancumsum(XN, axis=2)),
    ("nancumsum-int", lambda o: o.nancumsum(I)),
    ("nancumprod", lambda o: o.nancumprod(XN, axis=1)),
    ("nanargmax", lambda o: o.nanargmax(XN, axis=2)),
    ("nanargmin", lambda o: o.nanargmin(XN, axis=1, keepdims=True)),
    ("nanargmax-int", lambda o: o.nanargmax(I, axis=1)),
    ("nanmedian", lambda o: o.nanmedian(XN, axis=2)),
    ("nanquantile", lambda o: o.nanquantile(XN, np.array([0.2, 0.7], np.float32), axis=2)),
    ("nanpercentile", lambda o: o.nanpercentile(XN, 40.0, axis=2, method="lower")),
    # creation
    ("size", lambda o: o.size(X)),
    ("ndim", lambda o: o.ndim(X)),
    ("tri", lambda o: o.tri(3, 4, 1)),
    ("identity", lambda o: o.identity(3)),
    ("empty", lambda o: o.empty((2, 3))),
    ("empty_like", lambda o: o.empty_like(I)),
    ("diagflat", lambda o: o.diagflat(X[0, :2])),
    ("geomspace", lambda o: o.geomspace(1.0, 1000.0, 4)),
    ("geomspace-negative", lambda o: o.geomspace(-2.0, -50.0, 5, endpoint=False)),
    ("geomspace-arrays", lambda o: o.geomspace(W[0, 0], W[1, 0] * 5, 3, axis=-1)),
    ("logspace", lambda o: o.logspace(0.0, 3.0, 4)),
    ("logspace-base", lambda o: o.logspace(-1.0, 2.0, 5, base=2, endpoint=False)),
    ("logspace-arrays", lambda o: o.logspace(U[0], U[1], 3, axis=1)),
    ("vander", lambda o: o.vander(X[0, 0])),
    ("vander-N-increasing", lambda o: o.vander(X[0, 0], N=3, increasing=True)),
    ("vander-int", lambda o: o.vander(np.array([1, 2, 3], np.int32))),
    # stacking, splitting and arranging
    ("ravel", lambda o: o.ravel(X)),
    ("unstack", lambda o: o.unstack(X, axis=1)),
    ("hstack", lambda o: o.hstack([X[0], Y[1]])),
    ("hstack-dtypes", lambda o: o.hstack([I, I.astype(np.float32)])),
    ("vstack", lambda o: o.vstack([X[0, 0], Y[0, 1]])),
    ("dstack", lambda o: o.dstack([X[0], Y[1]])),
    ("append", lambda o: o.append(X, Y, axis=1)),
    ("append-flat", lambda o: o.append(I, np.array([1.5], np.float32))),
    ("hsplit", lambda o: o.hsplit(X, 3)),
    ("hsplit-vector", lambda o: o.hsplit(X[0, 0], [1, 3])),
    ("vsplit", lambda o: o.vsplit(X, 2)),
    ("dsplit", lambda o: o.dsplit(X, [1, 3])),
    ("array_split", lambda o: o.array_split(X, 3, axis=2)),
    ("array_split-vector", lambda o: o.array_split(np.arange(7, dtype=np.int32), 3)),
    ("roll", lambda o: o.roll(X, 5)),
    ("roll-axis", lambda o: o.roll(X, -1, axis=1)),
    ("roll-axes", lambda o: o.roll(X, (1, -2), axis=(0, 2))),
    ("fliplr", lambda o: o.fliplr(X)),
    ("flipud", lambda o: o.flipud(X[0])),
    ("rot90", lambda o: o.rot90(X)),
    ("rot90-k-axes", lambda o: o.rot90(X, k=-1, axes=(1, 2))),
    ("diff-n-axis", lambda o: o.diff(X, n=2, axis=1)),
    ("diff-int", lambda o: o.diff(I, axis=0)),
    ("diff-bool", lambda o: o.diff(np.array([True, False, False, True]))),
    ("trapezoid", lambda o: o.trapezoid(X)),
    ("trapezoid-x", lambda o: o.trapezoid(X, x=SORTED, axis=2)),
    ("trapezoid-dx", lambda o: o.trapezoid(X, dx=0.5, axis=1)),
    ("trapezoid-int", lambda o: o.trapezoid(I)),
    # products of tensors
    ("tensordot", lambda o: o.tensordot(X, Y[0].T, axes=1)),
    ("tensordot-pairs", lambda o: o.tensordot(X, Y[0], axes=([1, 2], [0, 1]))),
    ("tensordot-int", lambda o: o.tensordot(I, I.T, axes=1)),
    ("inner", lambda o: o.inner(X, Y[0])),
    ("inner-scalar", lambda o: o.inner(np.float32(2.0), I)),
    ("vdot", lambda o: o.vdot(X, Y)),
    ("kron", lambda o: o.kron(X[0], I)),
    ("cross", lambda o: o.cross(X[0, :, :3], Y[1, :, :3])),
    ("cross-2-3", lambda o: o.cross(X[0, :, :2], Y[0, :, 1:])),
    ("cross-2-2", lambda o: o.cross(X[0, :, :2], Y[0, :, 2:])),
    ("cross-axes", lambda o: o.cross(X[0, :, :3].T, Y[0, :, :3], axisa=0, axisc=0)),
    ("cross-axis", lambda o: o.cross(X[:, :, :3], Y[:, :, 1:], axis=1)),
    # choosing
    ("select", lambda o: o.select([I > 4, I > 2], [I, -I], 7)),
    # regions
    ("slice", lambda o: o.slice(X, (0, 1, 1), (2, 2, -1))),
    ("slice_update", lambda o: o.slice_update(X, (1, 0, 2), Y[:1, :2, :2])),
    ("slice_update-int", lambda o: o.slice_update(I, (0, 1), np.array([[9, 8]], np.int32))),
    ("scatter", lambda o: o.scatter(IDX, X[0, :, 0], (2, 3))),
    ("scatter-slices", lambda o: o.scatter(IDX[:, :1], Y[0], (2, 4))),
    ("scatter_update", lambda o: o.scatter_update(X[0], IDX_UNIQUE, Y[0, 0, :3])),
    ("scatter_update-slices", lambda o: o.scatter_update(X, np.array([[1], [0]]), Y)),
    ("scatter_update-add", lambda o: o.scatter_update(X[0], IDX, Y[0, 0, :3], reduction="add")),
    ("scatter_update-max", lambda o: o.scatter_update(X[0], IDX, Y[0, 0, :3], reduction="max")),
    ("scatter_update-mul", lambda o: o.scatter_update(X[0], IDX, Y[0, 0, :3], reduction="mul")),
    ("get_item", lambda o: o.get_item(X, (0, slice(1, 3)))),
    # integer ops
    ("bitwise_and", lambda o: o.bitwise_and(I, 3)),
    ("bitwise_and-bool", lambda o: o.bitwise_and(B, B[::-1])),
    ("bitwise_or", lambda o: o.bitwise_or(I, I[::-1])),
    ("bitwise_xor", lambda o: o.bitwise_xor(I, I8.astype(np.int32))),
    ("bitwise_invert", lambda o: o.bitwise_invert(I)),
    ("bitwise_not", lambda o: o.bitwise_not(B)),
    ("bitwise_left_shift", lambda o: o.bitwise_left_shift(I, np.array([1, 2, 3], np.int32))),
    ("bitwise_right_shift", lambda o: o.bitwise_right_shift(I * 10, 2)),
    ("left_shift", lambda o: o.left_shift(I8, 1)),
    ("right_shift", lambda o: o.right_shift(I, 1)),
    ("gcd", lambda o: o.gcd(I * 6, 4)),
    ("lcm", lambda o: o.lcm(I, I8.astype(np.int32))),
    ("searchsorted", lambda o: o.searchsorted(SORTED, X[0])),
    ("digitize", lambda o: o.digitize(X, SORTED)),
    ("bincount", lambda o: o.bincount(np.array([0, 3, 3, 1], np.int32))),
    ("bincount-weights", lambda o: o.bincount(np.array([0, 3, 3, 1], np.int32),
                                              weights=W[0, 0], minlength=6)),
    ("bincount-rows", lambda o: o.bincount(np.array([[0, 2], [1, 1]], np.int32), minlength=3)),
    ("histogram", lambda o: o.histogram(X.ravel(), bins=5)),
    ("histogram-int", lambda o: o.histogram(np.array([1, 2, 2, 7], np.int32), bins=3)),
    ("unique-all", lambda o: o.unique(np.array([[3, 1], [3, 2]], np.int32), return_index=True,
                                      return_inverse=True, return_counts=True)),
    ("unique-size-pad", lambda o: o.unique(np.array([7, 3, 9, 3], np.int32), size=6,
                                           return_index=True, return_counts=True)),
    ("unique-size-cut", lambda o: o.unique(np.array([7, 3, 9, 3], np.int32), size=2,
                                           return_index=True, return_inverse=True,
                                           return_counts=True)),
    ("unique-axis", lambda o: o.unique(np.array([[1, 2], [1, 2], [0, 5]], np.int32), axis=0,
                                       return_index=True, return_inverse=True,
                                       return_counts=True)),
    ("nonzero", lambda o: o.nonzero(I > 2)),
    ("unravel_index", lambda o: o.unravel_index(np.array([5, 1, 3], np.int32), (2, 3))),
    ("isin", lambda o: o.isin(I, np.array([2, 5, 9], np.int32))),
    ("isin-invert", lambda o: o.isin(X[0, 0], X[0, 0, :2], invert=True)),
    ("in_top_k", lambda o: o.in_top_k(np.array([0, 1, 2], np.int32), X[0], 2)),
]


# Keras' ops run as one compiled XLA program per case (jax.jit gives the values of eager
# execution, compiled once rather than op by op); those whose output shapes depend on the
# values, or that return Python numbers, run eagerly.
EAGER = {"size", "ndim", "bincount", "bincount-weights", "bincount-rows", "unique-all",
         "unique-axis", "nonzero"}


def _keras_result(keras, name, call):
    if name in EAGER:
        return call(keras.ops)
    import jax
    return jax.jit(lambda: call(keras.ops))()


def _flat(result):
    """The arrays of a result: a Tensor alone, or nested lists and tuples of them."""
    if isinstance(result, (list, tuple)):
        return [leaf for item in result for leaf in _flat(item)]
    return [np.asarray(result)]


@pytest.mark.parametrize("name, call", KERAS_CASES, ids=[name for name, _ in KERAS_CASES])
def test_values_and_dtypes_match_keras_3(real_keras, name, call):
    ours, theirs = _flat(call(ops)), _flat(_keras_result(real_keras, name, call))
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        assert mine.shape == reference.shape
        assert mine.dtype == reference.dtype
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)


def test_facts_about_a_tensor_match_keras_3(real_keras):
    for value in (X, I, B, np.float32(2.0)):
        assert ops.dtype(Tensor(value)) == real_keras.ops.dtype(value)
        assert ops.ndim(value) == real_keras.ops.ndim(value)
    assert ops.size(X) == 24 and ops.ndim(3.0) == 0
    assert ops.is_tensor(ops.convert_to_tensor(X)) and not ops.is_tensor(X)


# --- values against NumPy -------------------------------------------------------------------

@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantiles_match_numpy(method):
    x = normal(3, 4, 5)
    q = np.array([0.0, 0.125, 0.5, 0.625, 1.0])          # positions on and between values
    for axis in (None, 1, (0, 2)):
        for keepdims in (False, True):
            got = ops.quantile(x, q, axis=axis, method=method, keepdims=keepdims).data
            want = np.quantile(x, q, axis=axis, method=method, keepdims=keepdims)
            np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(ops.percentile(x, 30.0, axis=2, method=method).data,
                               np.percentile(x, 30.0, axis=2, method=method), rtol=1e-12)
    x[0, 0, 1] = x[1, 2, 0] = np.nan
    np.testing.assert_allclose(ops.nanquantile(x, q, axis=2, method=method).data,
                               np.nanquantile(x, q, axis=2, method=method), rtol=1e-12)


def test_nearest_quantile_rounds_halves_to_even_as_numpy():
    x = np.arange(6.0)                                    # positions 0.5, 1.5, 2.5, 3.5, 4.5
    q = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    np.testing.assert_array_equal(ops.quantile(x, q, method="nearest").data, [0, 2, 2, 4, 4])


def test_nan_family_matches_numpy():
    x = normal(3, 4, 5)
    x[0, 1, :] = np.nan
    x[2, 0, 3] = x[1, 1, 1] = np.nan
    pairs = [(ops.nansum, np.nansum), (ops.nanmean, np.nanmean), (ops.nanmax, np.nanmax),
             (ops.nanmin, np.nanmin), (ops.nanprod, np.nanprod), (ops.nanvar, np.nanvar),
             (ops.nanstd, np.nanstd), (ops.nanmedian, np.nanmedian)]
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        for ours, theirs in pairs:
            np.testing.assert_allclose(ours(x, axis=2).data, theirs(x, axis=2), rtol=1e-12)
            np.testing.assert_allclose(ours(x, axis=(0, 1), keepdims=True).data,
                                       theirs(x, axis=(0, 1), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(ops.nancumsum(x, axis=1).data, np.nancumsum(x, axis=1))
    np.testing.assert_allclose(ops.nancumprod(x).data, np.nancumprod(x))
    np.testing.assert_array_equal(ops.nanargmax(x[:, 2], axis=1).data,
                                  np.nanargmax(x[:, 2], axis=1))
    assert ops.nanargmin(x, axis=2).data[0, 1] == -1          # every value NaN


def test_products_and_averages_match_numpy():
    x = normal(3, 4)
    np.testing.assert_allclose(ops.prod(x, axis=(0, 1)).data, np.prod(x))
    np.testing.assert_allclose(ops.cumprod(x, axis=0).data, np.cumprod(x, axis=0))
    w = RNG.uniform(0.1, 1, (3, 4))
    np.testing.assert_allclose(ops.average(x, axis=0, weights=w).data,
                               np.average(x, axis=0, weights=w))
    np.testing.assert_allclose(ops.average(x, axis=1, weights=w[0]).data,
                               np.average(x, axis=1, weights=w[0]))
    np.testing.assert_allclose(ops.corrcoef(x).data, np.corrcoef(x))
    assert ops.corrcoef(x[0]).shape == ()
    np.testing.assert_allclose(ops.corrcoef(x[0]).data, 1.0)
    a = normal(3, 2, 4)
    np.testing.assert_allclose(ops.trace(a, -1, 2, 0).data, np.trace(a, -1, 2, 0))


def test_products_divide_by_no_entry_so_zeros_get_exact_gradients():
    x = Tensor(np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 4.0, 0.5]]), requires_grad=True)
    ops.prod(x, axis=1).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [[0, 6, 0], [0, 0, 0], [2, 0.5, 4]])
    x.grad = None
    ops.cumprod(x, axis=1).backward(np.ones((3, 3)))
    # row 0: d/dx0 = 1 + x1 + x1 x2 = 1, d/dx1 = x0 + x0 x2 = 8, d/dx2 = x0 x1 = 0
    np.testing.assert_array_equal(x.grad, [[1, 8, 0], [1, 0, 0], [1 + 4 + 2, 1 + 0.5, 4]])


def test_stacking_splitting_and_products_match_numpy():
    a, b = normal(3, 4), normal(3, 4)
    np.testing.assert_array_equal(ops.hstack([a, b]).data, np.hstack([a, b]))
    np.testing.assert_array_equal(ops.vstack([a[0], b]).data, np.vstack([a[0], b]))
    np.testing.assert_array_equal(ops.dstack([a, b]).data, np.dstack([a, b]))
    for ours, theirs in zip(ops.array_split(a, 3, axis=1), np.array_split(a, 3, axis=1)):
        np.testing.assert_array_equal(ours.data, theirs)
    np.testing.assert_array_equal(ops.roll(a, (2, -1), axis=(1, 0)).data,
                                  np.roll(a, (2, -1), axis=(1, 0)))
    np.testing.assert_array_equal(ops.rot90(normal(2, 3, 4), 3, (2, 0)).shape, (4, 3, 2))
    np.testing.assert_allclose(ops.diff(a, n=3, axis=1).data, np.diff(a, n=3, axis=1))
    np.testing.assert_allclose(ops.tensordot(normal(2, 3, 4), a, axes=([1, 2], [0, 1])).shape,
                               (2,))
    np.testing.assert_allclose(ops.kron(a, b[:2, :2]).data, np.kron(a, b[:2, :2]))
    np.testing.assert_allclose(ops.kron(a[0], b).data, np.kron(a[0], b))
    c, d = normal(5, 3), normal(3, 5)
    np.testing.assert_allclose(ops.cross(c, d, axisb=0, axisc=0).data,
                               np.cross(c, d, axisb=0, axisc=0))
    np.testing.assert_allclose(ops.trapezoid(a, x=a[0], axis=1).data,
                               np.trapezoid(a, x=a[0], axis=1))
    np.testing.assert_allclose(ops.trapezoid(a, x=b, axis=0).data, np.trapezoid(a, x=b, axis=0))
    np.testing.assert_allclose(ops.vander(a[0], 5).data, np.vander(a[0], 5))


def test_argpartition_partitions_around_kth():
    x = RNG.permutation(20).reshape(4, 5).astype(np.float32)
    for axis, kth in ((1, 2), (0, 0), (None, 7)):
        order = ops.argpartition(x, kth, axis=axis).data
        values = x.reshape(-1) if axis is None else x
        axis = 0 if axis is None else axis
        part = np.take_along_axis(values, order, axis=axis)
        pivot = np.take(part, [kth], axis=axis)
        assert order.dtype == np.int32
        np.testing.assert_array_equal(pivot, np.take(np.sort(values, axis=axis), [kth], axis))
        assert (np.take(part, range(kth), axis=axis) <= pivot).all()
        assert (np.take(part, range(kth + 1, values.shape[axis]), axis=axis) >= pivot).all()


def test_scatters_combine_repeated_indices():
    idx = np.array([[0, 1], [2, 0], [0, 1], [0, 1]])
    values = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(ops.scatter(idx, values, (3, 2)).data,
                                  [[0, 8], [0, 0], [2, 0]])
    base = np.full((3, 2), 10.0)
    expected = {None: [[10, 4], [10, 10], [2, 10]], "add": [[10, 18], [10, 10], [12, 10]],
                "max": [[10, 10], [10, 10], [10, 10]], "min": [[10, 1], [10, 10], [2, 10]],
                "mul": [[10, 120], [10, 10], [20, 10]]}
    for reduction, want in expected.items():
        out = ops.scatter_update(base, idx, values, reduction=reduction)
        np.testing.assert_array_equal(out.data, want)


def test_searching_and_counting_match_numpy():
    values, edges = normal(20), np.sort(normal(5))
    for side in ("left", "right"):
        np.testing.assert_array_equal(ops.searchsorted(edges, values, side=side).data,
                                      np.searchsorted(edges, values, side=side))
    np.testing.assert_array_equal(ops.digitize(values, edges[::-1]).data,
                                  np.digitize(values, edges[::-1]))
    counts, bounds = ops.histogram(values, bins=4, range=(-1.0, 1.5))
    want_counts, want_bounds = np.histogram(values, bins=4, range=(-1.0, 1.5))
    np.testing.assert_array_equal(counts.data, want_counts)
    np.testing.assert_allclose(bounds.data, want_bounds)
    found, counts = ops.unique(np.array([2.5, 1.5, 2.5]), size=4, fill_value=-1.0,
                               return_counts=True)
    np.testing.assert_array_equal(found.data, [1.5, 2.5, -1.0, -1.0])
    np.testing.assert_array_equal(counts.data, [1, 2, 0, 0])
    assert counts.dtype == np.int32
    scores = np.array([[0.1, np.nan, 0.3], [0.5, 0.5, 0.2]])
    np.testing.assert_array_equal(ops.in_top_k(np.array([1, 1]), scores, 1).data, [False, True])


def test_switch_clips_the_index_like_keras():
    branches = [lambda v: v + 1, lambda v: v * 10]
    assert ops.switch(-3, branches, 2.0) == 3.0
    assert ops.switch(np.int32(7), branches, 2.0) == 20.0


def test_nan_to_num_and_divide_no_nan_stop_the_gradient_where_they_replace():
    x = Tensor(np.array([1.0, np.nan, np.inf, -2.0]), requires_grad=True)
    (ops.nan_to_num(x) * 0.5).backward(np.ones(4))
    np.testing.assert_array_equal(x.grad, [0.5, 0, 0, 0.5])
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([2.0, 0.0, -1.0]), requires_grad=True)
    out = ops.divide_no_nan(a, b)
    np.testing.assert_array_equal(out.data, [0.5, 0.0, -3.0])
    out.backward(np.ones(3))
    np.testing.assert_array_equal(a.grad, [0.5, 0, -1])
    np.testing.assert_array_equal(b.grad, [-0.25, 0, -3])


def _bessel_series(v, order):
    """I_order(v) = the sum over k of (v/2)^(2k + order) / (k! (k + order)!), in Python floats."""
    term = (v / 2) ** order / math.factorial(order)
    total = term
    for k in range(1, 200):
        term *= (v / 2) ** 2 / (k * (k + order))
        total += term
    return total


def test_i0_and_its_derivative_match_the_series():
    x = np.array([0.0, 0.5, -3.0, 12.0, 40.0])
    t = Tensor(x, requires_grad=True)
    ops.i0(t).backward(np.ones(5))
    np.testing.assert_allclose(ops.i0(x).data, [_bessel_series(v, 0) for v in x], rtol=1e-13)
    np.testing.assert_allclose(t.grad, [_bessel_series(v, 1) for v in x], rtol=1e-13)


# --- gradients ------------------------------------------------------------------------------

def _apart(*shape):
    """Values at least 0.3 apart (no ties) in a random order."""
    values = np.arange(int(np.prod(shape))) * 0.3 + RNG.uniform(0, 0.1)
    return RNG.permutation(values).reshape(shape) - values.mean()


def _with_nan(a):
    a = a.copy()
    a.flat[[1, 6]] = np.nan
    return a


WITH_ZEROS = np.array([[2.0, 0.0, 3.0, 1.5], [0.0, 0.0, 5.0, -1.0], [1.0, 4.0, 0.5, -2.0]])

GRADIENT_CASES = [
    ("tan", ops.tan, RNG.uniform(-1.2, 1.2, (3, 4))),
    ("arcsin", ops.arcsin, RNG.uniform(-0.9, 0.9, (3, 4))),
    ("arccos", ops.arccos, RNG.uniform(-0.9, 0.9, (3, 4))),
    ("arctan", ops.arctan, normal(3, 4)),
    ("arctan2", ops.arctan2, normal(3, 4), RNG.uniform(0.5, 2, (4,))),
    ("sinh", ops.sinh, normal(3, 4)),
    ("cosh", ops.cosh, normal(3, 4)),
    ("arcsinh", ops.arcsinh, normal(3, 4)),
    ("arccosh", ops.arccosh, RNG.uniform(1.2, 3, (3, 4))),
    ("arctanh", ops.arctanh, RNG.uniform(-0.9, 0.9, (3, 4))),
    ("cbrt", ops.cbrt, RNG.uniform(0.3, 2, (3, 4)) * RNG.choice([-1, 1], (3, 4))),
    ("exp2", ops.exp2, normal(3, 4)),
    ("log2", ops.log2, RNG.uniform(0.5, 3, (3, 4))),
    ("log10", ops.log10, RNG.uniform(0.5, 3, (3, 4))),
    ("logaddexp", ops.logaddexp, normal(3, 4), normal(3, 1)),
    ("logaddexp2", ops.logaddexp2, normal(3, 4), normal(4)),
    ("hypot", ops.hypot, normal(3, 4), normal(1, 4)),
    ("deg2rad", ops.deg2rad, normal(3, 4)),
    ("rad2deg", ops.rad2deg, normal(3, 4)),
    ("sinc", ops.sinc, np.append(normal(7), 0.0)),
    ("i0", ops.i0, normal(3, 4) * 3),
    ("true_divide", ops.true_divide, normal(3, 4), RNG.uniform(0.5, 2, (3, 4))),
    ("divide_no_nan", lambda a: ops.divide_no_nan(a, np.array([2.0, 0.0, -1.5])), normal(2, 3)),
    ("fmax", ops.fmax, _apart(3, 4), _apart(3, 4)),
    ("fmin", ops.fmin, _apart(3, 4), _apart(4)),
    ("fabs", ops.fabs, _apart(3, 4)),
    ("fmod", lambda a, b: ops.fmod(a, b), np.array([5.2, -3.7, 2.2, -0.4]),
     np.array([1.5, 1.5, -0.7, 0.3])),
    ("ldexp", lambda a: ops.ldexp(a, np.array([1, -2, 3])), normal(2, 3)),
    ("nan_to_num", ops.nan_to_num, normal(3, 4)),
    ("copy", ops.copy, normal(3, 4)),
    ("saturate_cast", lambda x: ops.saturate_cast(x, "float64"), normal(3, 4)),
    ("prod", lambda x: ops.prod(x, axis=1), normal(3, 4)),
    ("prod-all", ops.prod, normal(2, 3)),
    ("prod-zeros", lambda x: ops.prod(x, axis=1, keepdims=True), WITH_ZEROS),
    ("prod-axes", lambda x: ops.prod(x, axis=(0, 2)), normal(2, 3, 2)),
    ("cumprod", lambda x: ops.cumprod(x, axis=1), normal(3, 4)),
    ("cumprod-zeros", lambda x: ops.cumprod(x, axis=1), WITH_ZEROS),
    ("cumprod-flat", ops.cumprod, WITH_ZEROS.T),
    ("amax", lambda x: ops.amax(x, axis=0), _apart(3, 4)),
    ("amin", lambda x: ops.amin(x, axis=(0, 1)), _apart(3, 4)),
    ("average", lambda x, w: ops.average(x, axis=1, weights=w), normal(3, 4),
     RNG.uniform(0.5, 1, 4)),
    ("average-full", lambda x, w: ops.average(x, weights=w), normal(3, 4),
     RNG.uniform(0.5, 1, (3, 4))),
    ("median", lambda x: ops.median(x, axis=1), _apart(3, 4)),
    ("median-odd", ops.median, _apart(3, 5)),
    ("quantile-linear", lambda x: ops.quantile(x, np.array([0.2, 0.65]), axis=0), _apart(5, 3)),
    ("quantile-lower", lambda x: ops.quantile(x, 0.3, method="lower"), _apart(5, 3)),
    ("quantile-higher", lambda x: ops.quantile(x, 0.3, axis=1, method="higher"), _apart(5, 3)),
    ("quantile-midpoint", lambda x: ops.quantile(x, 0.3, method="midpoint", keepdims=True),
     _apart(5, 3)),
    ("quantile-nearest", lambda x: ops.quantile(x, [0.3, 0.9], axis=0, method="nearest"),
     _apart(5, 3)),
    ("percentile", lambda x: ops.percentile(x, 35.0, axis=(0, 1)), _apart(2, 3, 2)),
    ("ptp", lambda x: ops.ptp(x, axis=1), _apart(3, 4)),
    ("trace", lambda x: ops.trace(x, 1, 1, 2), normal(2, 3, 4)),
    ("corrcoef", ops.corrcoef, normal(3, 5)),
    ("nansum", lambda x: ops.nansum(x, axis=1), _with_nan(normal(3, 4))),
    ("nanmean", lambda x: ops.nanmean(x, axis=1), _with_nan(normal(3, 4))),
    ("nanmax", lambda x: ops.nanmax(x, axis=0), _with_nan(_apart(3, 4))),
    ("nanmin", ops.nanmin, _with_nan(_apart(3, 4))),
    ("nanprod", lambda x: ops.nanprod(x, axis=1), _with_nan(normal(3, 4))),
    ("nanvar", lambda x: ops.nanvar(x, axis=1), _with_nan(normal(3, 4))),
    ("nanstd", lambda x: ops.nanstd(x, axis=0), _with_nan(normal(3, 4))),
    ("nancumsum", lambda x: ops.nancumsum(x, axis=1), _with_nan(normal(3, 4))),
    ("nancumprod", lambda x: ops.nancumprod(x, axis=1), _with_nan(normal(3, 4))),
    ("nanmedian", lambda x: ops.nanmedian(x, axis=1), _with_nan(_apart(3, 4))),
    ("nanquantile", lambda x: ops.nanquantile(x, [0.3, 0.8], axis=1), _with_nan(_apart(3, 4))),
    ("nanpercentile", lambda x: ops.nanpercentile(x, 70.0, axis=1, method="midpoint"),
     _with_nan(_apart(3, 4))),
    ("diagflat", lambda x: ops.diagflat(x, 1), normal(2, 2)),
    ("geomspace", lambda a, b: ops.geomspace(a, b, 4, axis=1), RNG.uniform(0.5, 2, (2,)),
     RNG.uniform(2, 5, (2,))),
    ("geomspace-negative", lambda a, b: ops.geomspace(a, b, 3, endpoint=False),
     -RNG.uniform(0.5, 2, (2,)), -RNG.uniform(2, 5, (2,))),
    ("logspace", lambda a, b: ops.logspace(a, b, 4, base=3), normal(2), normal(2)),
    ("vander", lambda x: ops.vander(x, 4), normal(3)),
    ("vander-zero", lambda x: ops.vander(x, increasing=True), np.array([0.0, 1.5, -0.5])),
    ("ravel", lambda x: ops.ravel(x) * np.arange(6.0), normal(2, 3)),
    ("unstack", lambda x: ops.unstack(x, axis=1)[2], normal(2, 3)),
    ("hstack", lambda a, b: ops.hstack([a, b]), normal(2, 3), normal(2, 2)),
    ("vstack", lambda a, b: ops.vstack([a, b]), normal(3), normal(2, 3)),
    ("dstack", lambda a, b: ops.dstack([a, b]), normal(2, 3), normal(2, 3, 2)),
    ("append", lambda a, b: ops.append(a, b), normal(2, 3), normal(3)),
    ("hsplit", lambda x: ops.hsplit(x, [1])[1], normal(2, 3)),
    ("vsplit", lambda x: ops.vsplit(x, 2)[0], normal(4, 3)),
    ("dsplit", lambda x: ops.dsplit(x, [1, 2])[2], normal(2, 2, 4)),
    ("array_split", lambda x: ops.array_split(x, 3, axis=1)[1], normal(2, 5)),
    ("roll", lambda x: ops.roll(x, 2), normal(2, 3)),
    ("roll-axes", lambda x: ops.roll(x, (1, -1), axis=(0, 1)), normal(2, 3)),
    ("fliplr", ops.fliplr, normal(2, 3)),
    ("flipud", ops.flipud, normal(2, 3)),
    ("rot90", lambda x: ops.rot90(x, 3, (2, 0)), normal(2, 3, 2)),
    ("diff", lambda x: ops.diff(x, n=2, axis=0), normal(4, 3)),
    ("trapezoid", lambda y, x: ops.trapezoid(y, x=x, axis=0), normal(4, 2), normal(4)),
    ("trapezoid-dx", lambda y: ops.trapezoid(y, dx=0.3), normal(2, 4)),
    ("tensordot", lambda a, b: ops.tensordot(a, b, axes=([0, 2], [1, 0])), normal(2, 3, 4),
     normal(4, 2, 2)),
    ("inner", ops.inner, normal(2, 3), normal(4, 3)),
    ("vdot", ops.vdot, normal(2, 3), normal(6)),
    ("kron", ops.kron, normal(2, 3), normal(2, 2)),
    ("cross", ops.cross, normal(2, 3), normal(1, 3)),
    ("cross-2-3", lambda a, b: ops.cross(a, b, axisa=0, axisc=0), normal(2, 2), normal(2, 3)),
    ("select", lambda a, b: ops.select([a > 0, b > 0], [a, b], a * b), normal(3, 4),
     normal(3, 4)),
    ("switch", lambda x: ops.switch(1, [ops.sin, ops.cos], x), normal(3)),
    ("slice", lambda x: ops.slice(x, (1, 0), (2, -1)), normal(3, 4)),
    ("slice_update", lambda x, u: ops.slice_update(x, (0, 1), u), normal(3, 4), normal(2, 2)),
    ("scatter", lambda v: ops.scatter(np.array([[0, 1], [2, 0], [0, 1]]), v, (3, 2)),
     normal(3)),
    ("scatter-slices", lambda v: ops.scatter(np.array([[1], [1]]), v, (2, 3)), normal(2, 3)),
    ("scatter_update", lambda x, u: ops.scatter_update(x, np.array([[0, 1], [2, 0], [0, 1]]), u),
     normal(3, 2), normal(3)),
    ("scatter_update-add", lambda x, u: ops.scatter_update(x, np.array([[1], [1]]), u, "add"),
     normal(2, 3), normal(2, 3)),
    ("scatter_update-max", lambda x, u: ops.scatter_update(x, np.array([[0], [2], [0]]), u,
                                                           "max"), _apart(3), _apart(3)),
    ("scatter_update-mul", lambda x, u: ops.scatter_update(x, np.array([[0], [2], [0]]), u,
                                                           "mul"), normal(3),
     np.array([0.0, 1.5, -2.0])),
    ("get_item", lambda x: ops.get_item(x, (slice(None), np.array([2, 0, 2]))), normal(2, 3)),
    ("bincount", lambda w: ops.bincount(np.array([[0, 2, 2], [1, 0, 1]]), weights=w),
     normal(2, 3)),
]


@pytest.mark.parametrize("fn, inputs", [pytest.param(fn, inputs, id=name)
                                        for name, fn, *inputs in GRADIENT_CASES])
def test_gradients_match_finite_differences(fn, inputs):
    gradcheck(fn, inputs)


# --- dtypes ------------------------------------------------------------------------------------

FLOAT32_CASES = [
    ops.tan, ops.arctan, lambda x: ops.arcsin(x / 3), lambda x: ops.arccos(x / 3), ops.sinh,
    ops.cosh, ops.arcsinh, lambda x: ops.arccosh(ops.abs(x) + 1), lambda x: ops.arctanh(x / 3),
    ops.cbrt, ops.exp2, lambda x: ops.log2(ops.abs(x)), lambda x: ops.log10(ops.abs(x)),
    lambda x: ops.arctan2(x, 2), lambda x: ops.logaddexp(x, 1), lambda x: ops.logaddexp2(1.5, x),
    lambda x: ops.hypot(x, 3), ops.deg2rad, ops.rad2deg, ops.sinc, ops.i0,
    lambda x: ops.true_divide(x, 3), lambda x: ops.divide_no_nan(x, x), lambda x: ops.fmax(x, 1),
    lambda x: ops.fmin(x, 0.5), ops.fabs, lambda x: ops.fmod(x, 0.7),
    lambda x: ops.ldexp(x, np.int32(2)), ops.trunc, lambda x: ops.heaviside(x, 0.5),
    lambda x: ops.nextafter(x, 0.0), ops.nan_to_num, ops.copy,
    lambda x: ops.saturate_cast(x, "float32"),
    ops.prod, lambda x: ops.cumprod(x, axis=0), ops.amax, ops.average,
    lambda x: ops.average(x, axis=0, weights=[1.0, 2.0, 3.0]), ops.median,
    lambda x: ops.quantile(x, [0.25, 0.5]), lambda x: ops.percentile(x, 40.0, method="midpoint"),
    ops.ptp, ops.trace, ops.corrcoef, ops.nansum, ops.nanmean, ops.nanmax, ops.nanprod,
    ops.nanvar, ops.nanstd, ops.nancumsum, ops.nancumprod, ops.nanmedian,
    lambda x: ops.nanquantile(x, 0.3),
    lambda x: ops.geomspace(ops.abs(x[0]), ops.abs(x[1]) + 1, 3),
    lambda x: ops.logspace(x[0], x[1], 3), lambda x: ops.vander(x[0]), ops.diagflat, ops.ravel,
    lambda x: ops.unstack(x)[0], lambda x: ops.hstack([x, 1.0 - x]), lambda x: ops.append(x, 2),
    lambda x: ops.array_split(x, 2)[0], lambda x: ops.roll(x, 1), ops.fliplr, ops.rot90,
    ops.diff, ops.trapezoid, lambda x: ops.trapezoid(x, x=np.arange(3.0)),
    lambda x: ops.tensordot(x, x, 1), lambda x: ops.inner(x, 2.0), lambda x: ops.vdot(x, x),
    lambda x: ops.kron(x, np.eye(2)), lambda x: ops.cross(x, x[::-1]),
    lambda x: ops.select([x > 0], [x], 1.0), lambda x: ops.slice(x, (0, 1), (2, 2)),
    lambda x: ops.slice_update(x, (1, 1), np.ones((1, 2))),
    lambda x: ops.scatter([[0], [2]], x[:2], (3, 3)),
    lambda x: ops.scatter_update(x, [[0, 0], [2, 1]], [5.0, 6.0], "mul"),
    lambda x: ops.bincount([0, 1, 1], weights=x[0]),
    lambda x: ops.histogram(ops.ravel(x), 3)[0], lambda x: ops.histogram(ops.ravel(x), 3)[1],
]


@pytest.mark.parametrize("fn", FLOAT32_CASES)
def test_float32_stays_float32(fn):
    x = Tensor(np.array([[1.5, -0.5, 0.2], [0.3, 2.0, -1.0], [0.7, 0.1, 1.2]], np.float32),
               requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32
    if out.requires_grad:
        out.backward(np.ones(out.shape, np.float32))
        assert x.grad.dtype == np.float32


# --- symbolic tensors ------------------------------------------------------------------------

def test_new_ops_build_functional_models():
    inputs = keras.Input((4, 3))
    spread = ops.ptp(inputs, axis=1)                                     # (None, 3)
    middle = ops.quantile(inputs, 0.5, axis=1)                           # (None, 3)
    rolled = ops.roll(ops.cumprod(inputs, axis=2), 1, axis=1)            # (None, 4, 3)
    out = ops.hstack([ops.ravel(ops.sum(rolled, axis=1)), ops.ravel(spread + middle)])
    assert isinstance(out, SymbolicTensor)
    assert ops.ndim(inputs) == 3 and ops.dtype(inputs) == "float32"
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    got = keras.Model(inputs, out).predict(x, verbose=0)
    want = ops.hstack([ops.ravel(ops.sum(ops.roll(np.cumprod(x, axis=2), 1, axis=1), axis=1)),
                       ops.ravel(np.ptp(x, axis=1) + np.median(x, axis=1))]).data
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.quantile(X, 0.5, method="cubic"), ValueError,
     r"quantile: invalid method='cubic'; expected one of 'linear', 'lower'"),
    (lambda: ops.quantile(X, 1.5), ValueError, r"quantile: expected q in \[0, 1\]"),
    (lambda: ops.percentile(X, [50, 101]), ValueError, r"percentile: expected q in \[0, 100\]"),
    (lambda: ops.nanmedian(X, axis=3), ValueError,
     r"nanmedian: expected axis to be an int in \[-3, 3\)"),
    (lambda: ops.median(X, axis=(1, -2)), ValueError, r"median: expected distinct axes"),
    (lambda: ops.prod(X, axis=-4), ValueError, r"prod: expected axis to be an int in \[-3, 3\)"),
    (lambda: ops.cumprod(X, axis=3), ValueError, r"cumprod: expected axis"),
    (lambda: ops.average(X, axis=1, weights=np.ones(4)), ValueError,
     r"average: expected weights of the shape of x \(2, 3, 4\)"),
    (lambda: ops.corrcoef(X), ValueError, r"corrcoef: expected a vector or a matrix"),
    (lambda: ops.ldexp(X, 2.0), TypeError, r"ldexp: expected an integer exponent"),
    (lambda: ops.saturate_cast(X, "complex64"), ValueError, r"saturate_cast: expected a numeric"),
    (lambda: ops.geomspace(0.0, 1.0, 3), ValueError, r"geomspace: expected non-zero start"),
    (lambda: ops.geomspace(-1.0, 1.0, 3), ValueError, r"of the same sign"),
    (lambda: ops.geomspace(1.0, 2.0, -1), ValueError, r"geomspace: expected an int >= 0 for "
                                                      r"argument 'num'"),
    (lambda: ops.logspace(0.0, 1.0, 3, base=[2, 3]), ValueError,
     r"logspace: expected a single number for argument 'base'"),
    (lambda: ops.vander(I), ValueError, r"vander: expected a vector"),
    (lambda: ops.vander(I[0], N=-1), ValueError, r"vander: expected an int >= 0"),
    (lambda: ops.vander(I[0], increasing=1), TypeError, r"vander: expected a bool"),
    (lambda: ops.tri(2.5), TypeError, r"tri: expected an int for argument 'N'"),
    (lambda: ops.identity(-1), ValueError, r"identity: expected an int >= 0"),
    (lambda: ops.size(keras.Input((3,))), ValueError, r"size: the shape \(None, 3\)"),
    (lambda: ops.unstack(X, num=4), ValueError, r"unstack: expected num=4 to equal"),
    (lambda: ops.hstack([]), ValueError, r"hstack: expected a non-empty list"),
    (lambda: ops.hsplit(np.float32(1), 1), ValueError, r"hsplit: expected an input of rank >= 1"),
    (lambda: ops.vsplit(X[0, 0], 2), ValueError, r"vsplit: expected an input of rank >= 2"),
    (lambda: ops.dsplit(X[0], 2), ValueError, r"dsplit: expected an input of rank >= 3"),
    (lambda: ops.array_split(X, 0), ValueError, r"array_split: expected an int >= 1"),
    (lambda: ops.array_split(X, [1, 2]), TypeError, r"array_split: expected an int"),
    (lambda: ops.roll(X, 1, axis=3), ValueError, r"roll: expected axis"),
    (lambda: ops.fliplr(X[0, 0]), ValueError, r"fliplr: expected an input of rank >= 2"),
    (lambda: ops.rot90(X, axes=(1, -2)), ValueError, r"rot90: expected two different axes"),
    (lambda: ops.rot90(X[0, 0]), ValueError, r"rot90: expected an input of rank >= 2"),
    (lambda: ops.diff(X, n=-1), ValueError, r"diff: expected an int >= 0 for argument 'n'"),
    (lambda: ops.trapezoid(X, x=np.arange(3.0)), ValueError,
     r"trapezoid: expected x of length 4"),
    (lambda: ops.tensordot(X, Y, axes=([1], [2])), ValueError,
     r"tensordot: the summed axes differ in length"),
    (lambda: ops.tensordot(X, Y, axes=4), ValueError, r"tensordot: expected axes in \[0, 3\]"),
    (lambda: ops.vdot(X, I), ValueError, r"vdot: expected inputs with as many elements"),
    (lambda: ops.cross(X, Y), ValueError, r"cross: expected vectors of length 2 or 3"),
    (lambda: ops.select(I > 1, [I], 0), ValueError, r"select: expected condlist and choicelist"),
    (lambda: ops.select([I > 1], [I, I], 0), ValueError, r"select: .*2 choices"),
    (lambda: ops.switch(0, [], 1.0), TypeError, r"switch: expected a non-empty list of callables"),
    (lambda: ops.switch(0.5, [ops.sin], 1.0), TypeError, r"switch: expected an int"),
    (lambda: ops.slice(X, (0, 2, 0), (1, 2, 4)), ValueError,
     r"slice: the region \[2:4\] of axis 1 lies outside its length 3"),
    (lambda: ops.slice(X, (0, 0), (1, 1)), ValueError, r"slice: expected start indices and a"),
    (lambda: ops.slice_update(X, (0, 0, 0), Y[0]), ValueError,
     r"slice_update: expected updates of rank 3"),
    (lambda: ops.scatter([[2, 0]], [1.0], (2, 2)), IndexError,
     r"scatter: indices out of range for the shape \(2, 2\)"),
    (lambda: ops.scatter([[0, 0]], [1.0, 2.0], (2, 2)), ValueError,
     r"scatter: expected values of shape \(1,\)"),
    (lambda: ops.scatter([[0, 0, 0]], [1.0], (2, 2)), ValueError,
     r"scatter: expected indices of shape \(\.\.\., r\) with 1 <= r <= 2"),
    (lambda: ops.scatter_update(X, [[0]], Y[:1], reduction="mean"), ValueError,
     r"scatter_update: invalid reduction='mean'; expected one of None, 'add'"),
    (lambda: ops.scatter_update(X, [0, 1], Y[:1]), ValueError,
     r"scatter_update: expected indices of shape \(N, r\)"),
    (lambda: ops.scatter_update(X, [[0]], Y), ValueError,
     r"scatter_update: expected updates of shape \(1, 3, 4\)"),
    (lambda: ops.bitwise_and(X, 1), TypeError,
     r"bitwise_and: expected integer or boolean values, received float32"),
    (lambda: ops.left_shift(B, 1), TypeError, r"left_shift: expected integer values"),
    (lambda: ops.gcd(I, 2.5), TypeError, r"gcd: expected integer values"),
    (lambda: ops.searchsorted(X, 0.5), ValueError,
     r"searchsorted: expected sorted_sequence to be a vector"),
    (lambda: ops.searchsorted(SORTED, 0.5, side="middle"), ValueError,
     r"searchsorted: invalid side='middle'; expected one of 'left', 'right'"),
    (lambda: ops.digitize(X, [1.0, 0.0, 2.0]), ValueError, r"digitize: expected monotonic bins"),
    (lambda: ops.bincount([1, -1]), ValueError, r"bincount: expected non-negative values"),
    (lambda: ops.bincount([1, 2], sparse=True), ValueError, r"bincount: sparse outputs"),
    (lambda: ops.bincount([1, 2], weights=[1.0]), ValueError,
     r"bincount: expected weights of the shape of x \(2,\)"),
    (lambda: ops.bincount([0.5]), TypeError, r"bincount: expected integer indices"),
    (lambda: ops.histogram(X[0, 0], bins=0), ValueError,
     r"histogram: expected an int >= 1 for argument 'bins'"),
    (lambda: ops.histogram(X[0, 0], bins=2.0), TypeError, r"histogram: expected an int"),
    (lambda: ops.histogram(X[0, 0], range=(1, 0)), ValueError,
     r"histogram: expected range to be a pair"),
    (lambda: ops.histogram(X, bins=3), ValueError, r"histogram: expected a vector"),
    (lambda: ops.unique(I, size=-1), ValueError, r"unique: expected an int >= 0"),
    (lambda: ops.unique(I, axis=2), ValueError, r"unique: expected axis"),
    (lambda: ops.nonzero(np.float32(1)), ValueError, r"nonzero: expected an input of rank >= 1"),
    (lambda: ops.unravel_index([6], (2, 3)), ValueError,
     r"unravel_index: expected indices in \[0, 6\)"),
    (lambda: ops.argpartition(X, 4), ValueError,
     r"argpartition: expected kth to be an int \(or ints\) in \[-4, 4\)"),
    (lambda: ops.in_top_k([0, 1], X[0], 1), ValueError,
     r"in_top_k: expected targets \(batch,\) and predictions"),
    (lambda: ops.in_top_k([0, 4, 1], X[0], 1), ValueError,
     r"in_top_k: expected targets in \[0, 4\)"),
])
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_quantiles_read_q_exactly_and_handle_empty_kept_axes():
    np.testing.assert_array_equal(ops.quantile(np.arange(6.0), 0.1, method="nearest").numpy(),
                                  0.0)
    assert ops.quantile(np.arange(6.0), 0.7).numpy() == np.quantile(np.arange(6.0), 0.7)
    assert ops.median(np.zeros((0, 3)), axis=1).shape == (0,)
    empty = Tensor(np.zeros((0, 3)), requires_grad=True)
    ops.sum(ops.prod(empty, axis=1)).backward()
    assert empty.grad.shape == (0, 3)


def test_a_float32_tensor_sets_the_dtype_of_psnr_and_conv():
    x = Tensor(np.random.default_rng(0).random((1, 5, 5, 2)).astype(np.float32))
    assert ops.psnr(x, np.zeros((1, 5, 5, 2)), 1.0).dtype == np.float32
    assert ops.psnr(np.zeros((1, 5, 5, 2)), x, 1.0).dtype == np.float32
    assert ops.conv(x, np.ones((3, 3, 2, 4))).dtype == np.float32
    assert ops.separable_conv(x, np.ones((3, 3, 2, 1)), np.ones((1, 1, 2, 3))).dtype == np.float32
