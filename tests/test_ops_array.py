"""keras.ops beyond elementwise math: creation, comparison, logic, sorting, shape/index ops and
the reductions and linear algebra of custom losses. Values against NumPy (and Keras 3 where
installed), gradients against finite differences (float64), dtypes, and errors."""
import re

import numpy as np
import pytest

import neuronet as keras
from neuronet import ops
from neuronet.autograd import Tensor
from neuronet.testing import gradcheck

from test_ops_math import RNG, away_from_zero, case, normal, positive


def weighted_pieces(pieces):
    """The pieces of a split, each scaled by its position, side by side (every piece matters)."""
    return [piece * (k + 1) for k, piece in enumerate(pieces)]


TAKE_ROWS = np.array([[2], [0], [1]])                     # one index per row: unique
TAKE_REPEATED = np.array([[0, 0, 3], [1, 1, 1], [3, 2, 0]])
TAKE_NEGATIVE = np.array([[-1, 0], [-4, -4], [2, -2]])

DIFFERENTIABLE_CASES = [
    case("tile", lambda x: ops.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), normal(2, 3)),
    case("tile-int", lambda x: ops.tile(x, 2), lambda x: np.tile(x, 2), normal(2, 3)),
    case("repeat-axis", lambda x: ops.repeat(x, 2, axis=1), lambda x: np.repeat(x, 2, axis=1),
         normal(2, 3)),
    case("repeat-counts-with-zero", lambda x: ops.repeat(x, [2, 0, 3], axis=0),
         lambda x: np.repeat(x, [2, 0, 3], axis=0), normal(3, 2)),
    case("repeat-flattened", lambda x: ops.repeat(x, 3), lambda x: np.repeat(x, 3), normal(2, 2)),
    case("split-sections", lambda x: ops.concatenate(weighted_pieces(ops.split(x, 3, axis=1)), 1),
         lambda x: np.concatenate(weighted_pieces(np.split(x, 3, axis=1)), 1), normal(2, 6)),
    case("split-indices", lambda x: ops.concatenate(weighted_pieces(ops.split(x, [1, 4], -1)), -1),
         lambda x: np.concatenate(weighted_pieces(np.split(x, [1, 4], -1)), -1), normal(2, 6)),
    case("flip-all", ops.flip, np.flip, normal(2, 3)),
    case("flip-axis", lambda x: ops.flip(x, 1), lambda x: np.flip(x, 1), normal(2, 3, 2)),
    case("flip-list-axes", lambda x: ops.flip(x, [0, 2]), lambda x: np.flip(x, (0, 2)),
         normal(2, 3, 2)),
    case("pad-pairs", lambda x: ops.pad(x, ((1, 2), (0, 1)), constant_values=1.5),
         lambda x: np.pad(x, ((1, 2), (0, 1)), constant_values=1.5), normal(2, 3)),
    case("pad-int", lambda x: ops.pad(x, 1), lambda x: np.pad(x, 1), normal(2, 3)),
    *[case(f"pad-{mode}", lambda x, mode=mode: ops.pad(x, ((2, 1), (0, 3)), mode=mode),
           lambda x, mode=mode: np.pad(x, ((2, 1), (0, 3)), mode=mode), normal(3, 4))
      for mode in ("edge", "reflect", "symmetric", "wrap")],
    case("pad-reflect-wider-than-the-input", lambda x: ops.pad(x, ((4, 5),), mode="reflect"),
         lambda x: np.pad(x, ((4, 5),), mode="reflect"), normal(3)),
    case("cumsum-flat", ops.cumsum, np.cumsum, normal(2, 3)),
    case("cumsum-axis0", lambda x: ops.cumsum(x, 0), lambda x: np.cumsum(x, 0), normal(3, 2)),
    case("cumsum-last", lambda x: ops.cumsum(x, -1), lambda x: np.cumsum(x, -1), normal(2, 4)),
    case("dot-matrices", ops.dot, np.dot, normal(3, 4), normal(4, 2)),
    case("dot-vectors", ops.dot, np.dot, normal(4), normal(4)),
    case("dot-scalar", ops.dot, np.dot, normal(), normal(2, 3)),
    case("dot-nd", ops.dot, np.dot, normal(2, 3), normal(2, 3, 2)),
    case("dot-3d-2d", ops.dot, np.dot, normal(2, 2, 3), normal(3, 2)),
    case("outer", ops.outer, np.outer, normal(3), normal(2, 2)),
    case("einsum-matmul", lambda a, b: ops.einsum("ij,jk->ik", a, b),
         lambda a, b: np.einsum("ij,jk->ik", a, b), normal(2, 3), normal(3, 4)),
    case("einsum-batch-broadcast", lambda a, b: ops.einsum("...ij,...jk", a, b),
         lambda a, b: np.einsum("...ij,...jk", a, b), normal(1, 2, 3), normal(2, 3, 2)),
    case("einsum-diagonal", lambda a: ops.einsum("ii->i", a), lambda a: np.einsum("ii->i", a),
         normal(3, 3)),
    case("einsum-trace", lambda a: ops.einsum("ii", a), lambda a: np.einsum("ii", a), normal(3, 3)),
    case("einsum-sum-a-letter-of-one-operand", lambda a, b: ops.einsum("ij,j->j", a, b),
         lambda a, b: np.einsum("ij,j->j", a, b), normal(2, 3), normal(3)),
    case("einsum-outer-implicit", lambda a, b: ops.einsum("i,j", a, b),
         lambda a, b: np.einsum("i,j", a, b), normal(2), normal(3)),
    case("einsum-three-operands", lambda a, b, c: ops.einsum("ij,jk,kl->il", a, b, c),
         lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c), normal(2, 3), normal(3, 2), normal(2, 2)),
    case("norm-flattened", ops.norm, np.linalg.norm, away_from_zero(2, 3)),
    case("norm-vector-axis", lambda x: ops.norm(x, axis=-1), lambda x: np.linalg.norm(x, axis=-1),
         away_from_zero(2, 3)),
    case("norm-vector-ord1", lambda x: ops.norm(x, ord=1, axis=0, keepdims=True),
         lambda x: np.linalg.norm(x, ord=1, axis=0, keepdims=True), away_from_zero(2, 3)),
    case("norm-vector-inf", lambda x: ops.norm(x, ord=np.inf, axis=1),
         lambda x: np.linalg.norm(x, ord=np.inf, axis=1), away_from_zero(2, 3)),
    case("norm-matrix-fro", lambda x: ops.norm(x, ord="fro", axis=(1, 2)),
         lambda x: np.linalg.norm(x, ord="fro", axis=(1, 2)), away_from_zero(2, 3, 2)),
    case("norm-matrix-ord1", lambda x: ops.norm(x, ord=1), lambda x: np.linalg.norm(x, ord=1),
         away_from_zero(3, 4)),
    case("norm-matrix-minus-inf-keepdims", lambda x: ops.norm(x, -np.inf, [0, 1], keepdims=True),
         lambda x: np.linalg.norm(x, -np.inf, (0, 1), keepdims=True), away_from_zero(3, 4)),
    case("var", ops.var, np.var, normal(3, 4)),
    case("var-list-axes-keepdims", lambda x: ops.var(x, axis=[0, 2], keepdims=True),
         lambda x: np.var(x, axis=(0, 2), keepdims=True), normal(2, 3, 2)),
    case("std-axis", lambda x: ops.std(x, axis=1), lambda x: np.std(x, axis=1), normal(3, 4)),
    case("moments", lambda x: ops.concatenate(ops.moments(x, axes=[0])),
         lambda x: np.concatenate([np.mean(x, 0), np.var(x, 0)]), normal(4, 3)),
    case("log1p", ops.log1p, np.log1p, positive(2, 3)),
    case("expm1", ops.expm1, np.expm1, normal(2, 3)),
    case("sin", ops.sin, np.sin, normal(2, 3)),
    case("cos", ops.cos, np.cos, normal(2, 3)),
    case("rsqrt", ops.rsqrt, lambda x: 1 / np.sqrt(x), positive(2, 3)),
    case("reciprocal", ops.reciprocal, np.reciprocal, away_from_zero(2, 3)),
    case("absolute", ops.absolute, np.absolute, away_from_zero(2, 3)),
    case("take_along_axis-one-per-row", lambda x: ops.take_along_axis(x, TAKE_ROWS, axis=1),
         lambda x: np.take_along_axis(x, TAKE_ROWS, axis=1), normal(3, 4)),
    case("take_along_axis-repeated", lambda x: ops.take_along_axis(x, TAKE_REPEATED, axis=1),
         lambda x: np.take_along_axis(x, TAKE_REPEATED, axis=1), normal(3, 4)),
    case("take_along_axis-negative", lambda x: ops.take_along_axis(x, TAKE_NEGATIVE, axis=-1),
         lambda x: np.take_along_axis(x, TAKE_NEGATIVE, axis=-1), normal(3, 4)),
    case("take_along_axis-broadcast-x", lambda x: ops.take_along_axis(x, TAKE_REPEATED, axis=1),
         lambda x: np.take_along_axis(x, TAKE_REPEATED, axis=1), normal(1, 4)),
    case("take_along_axis-flattened", lambda x: ops.take_along_axis(x, np.array([5, 0, 5])),
         lambda x: np.take_along_axis(x.ravel(), np.array([5, 0, 5]), 0), normal(2, 3)),
    case("sort-last", ops.sort, np.sort, normal(3, 4)),
    case("sort-axis0", lambda x: ops.sort(x, axis=0), lambda x: np.sort(x, axis=0), normal(3, 4)),
    case("top_k-values", lambda x: ops.top_k(x, 2)[0], lambda x: -np.sort(-x)[..., :2], normal(3, 4)),
    case("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3, 4)),
         lambda x: np.broadcast_to(x, (2, 3, 4)), normal(3, 1)),
    case("swapaxes", lambda x: ops.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
         normal(2, 3, 4)),
    case("moveaxis", lambda x: ops.moveaxis(x, [0, 1], [-1, 0]),
         lambda x: np.moveaxis(x, [0, 1], [-1, 0]), normal(2, 3, 4)),
]


@pytest.mark.parametrize("op_fn, np_fn, inputs", DIFFERENTIABLE_CASES)
def test_forward_matches_numpy(op_fn, np_fn, inputs):
    out = op_fn(*[Tensor(a) for a in inputs])
    expected = np.asarray(np_fn(*inputs))
    assert isinstance(out, Tensor)
    assert out.shape == expected.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op_fn, np_fn, inputs", DIFFERENTIABLE_CASES)
def test_gradient_matches_finite_differences(op_fn, np_fn, inputs):
    gradcheck(op_fn, inputs)


@pytest.mark.parametrize("op_fn, np_fn, inputs", DIFFERENTIABLE_CASES)
def test_float32_stays_float32(op_fn, np_fn, inputs):
    arrays = [np.asarray(a, np.float32) for a in inputs]
    out = op_fn(*[Tensor(a, requires_grad=True) for a in arrays])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), np_fn(*arrays), rtol=1e-5, atol=1e-6)
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    ops.sum(op_fn(*leaves)).backward()
    assert all(leaf.grad.dtype == np.float32 for leaf in leaves)


def grad_of(fn, x):
    leaf = Tensor(np.asarray(x, np.float64), requires_grad=True)
    ops.sum(fn(leaf)).backward()
    return leaf.grad


def test_take_along_axis_repeated_indices_accumulate():
    grad = grad_of(lambda t: ops.take_along_axis(t, np.array([[0, 0, 2, 0]]), axis=1), np.ones((2, 3)))
    np.testing.assert_array_equal(grad, [[3.0, 0.0, 1.0], [3.0, 0.0, 1.0]])


def test_repeat_gradient_counts_the_copies():
    grad = grad_of(lambda t: ops.repeat(t, [3, 0, 1]), np.ones(3))
    np.testing.assert_array_equal(grad, [3.0, 0.0, 1.0])


def test_ops_take_python_numbers_and_integer_arrays():
    assert ops.cumsum(np.array([1, 2, 3], np.int32)).dtype == np.int32
    assert ops.var(np.array([1, 2, 3, 4], np.int32)).dtype == np.float32
    np.testing.assert_allclose(ops.norm([3, 4]).numpy(), 5.0)
    assert ops.log1p(np.arange(3)).dtype == np.float32
    assert ops.dot(2.0, 3.0).item() == 6.0


# --- reductions accept a list of axes --------------------------------------------------------

LIST_AXIS_REDUCTIONS = [ops.sum, ops.mean, ops.max, ops.min, ops.logsumexp, ops.var, ops.std]


@pytest.mark.parametrize("reduce", LIST_AXIS_REDUCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_accept_a_list_axis(reduce, keepdims):
    x = normal(2, 3, 4)
    by_list = reduce(Tensor(x), axis=[0, -1], keepdims=keepdims)
    by_tuple = reduce(Tensor(x), axis=(0, -1), keepdims=keepdims)
    assert by_list.shape == ((1, 3, 1) if keepdims else (3,))
    np.testing.assert_allclose(by_list.numpy(), by_tuple.numpy(), rtol=1e-12)
    gradcheck(lambda t: reduce(t, axis=[0, -1], keepdims=keepdims), [x])


# --- creation ------------------------------------------------------------------------------

def test_creation_defaults_to_floatx_and_honours_dtype():
    assert ops.ones((2, 3)).dtype == np.float32 and ops.ones((2, 3)).numpy().sum() == 6
    assert ops.zeros(4).shape == (4,) and not ops.zeros(4).numpy().any()
    full = ops.full((2,), 3)
    assert full.dtype == np.float32 and full.numpy().tolist() == [3.0, 3.0]
    assert ops.full([2, 2], 7, dtype="int32").dtype == np.int32
    ints = np.array([[1, 2]], np.int32)
    assert ops.ones_like(ints).dtype == np.int32 and ops.ones_like(ints).numpy().tolist() == [[1, 1]]
    assert ops.zeros_like(Tensor(ints), dtype="float32").dtype == np.float32
    assert ops.full_like(ints, 5).numpy().tolist() == [[5, 5]]
    eye = ops.eye(2, 3, k=1)
    assert eye.dtype == np.float32
    np.testing.assert_array_equal(eye.numpy(), np.eye(2, 3, 1))


def test_arange_infers_int32_or_floatx():
    assert ops.arange(4).numpy().tolist() == [0, 1, 2, 3] and ops.arange(4).dtype == np.int32
    assert ops.arange(1, 7, 2).numpy().tolist() == [1, 3, 5]
    assert ops.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert ops.arange(3, dtype="float64").dtype == np.float64


def test_one_hot():
    hot = ops.one_hot(np.array([0, 2, -1, 5]), 3)
    assert hot.dtype == np.float32
    np.testing.assert_array_equal(hot.numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    by_column = ops.one_hot(Tensor(np.array([1, 0])), 3, axis=0, dtype="int32")
    assert by_column.dtype == np.int32
    np.testing.assert_array_equal(by_column.numpy(), [[0, 1], [1, 0], [0, 0]])


def test_shape_and_conversions():
    assert ops.shape(Tensor(np.zeros((2, 3)))) == (2, 3)
    assert ops.shape([[1, 2, 3]]) == (1, 3)
    x = Tensor(np.ones(3, np.float32))
    assert ops.convert_to_tensor(x) is x
    assert ops.convert_to_tensor(x, dtype="float64").dtype == np.float64
    assert ops.convert_to_tensor([1.5, 2.0]).dtype == np.float32
    assert ops.convert_to_tensor(np.array([1, 2], np.int32)).dtype == np.int32
    array = ops.convert_to_numpy(x)
    assert isinstance(array, np.ndarray)
    array[0] = 9.0
    assert x.numpy()[0] == 1.0                         # a copy: the tensor is unchanged


def test_stop_gradient_cuts_the_graph():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    held = ops.stop_gradient(x)
    assert not held.requires_grad
    np.testing.assert_array_equal(held.numpy(), x.numpy())
    ops.sum(ops.multiply(x, held)).backward()          # d(x * c)/dx = c, not 2x
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])


# --- comparison, logic, rounding -------------------------------------------------------------

COMPARISONS = [(ops.equal, np.equal), (ops.not_equal, np.not_equal), (ops.greater, np.greater),
               (ops.greater_equal, np.greater_equal), (ops.less, np.less),
               (ops.less_equal, np.less_equal), (ops.logical_and, np.logical_and),
               (ops.logical_or, np.logical_or), (ops.logical_xor, np.logical_xor)]


@pytest.mark.parametrize("op, ref", COMPARISONS, ids=lambda f: getattr(f, "__name__", ""))
def test_comparisons_and_logic_give_bool_tensors_without_graph(op, ref):
    a = np.array([[0.0, 1.5, -2.0], [1.5, 0.0, 3.0]], np.float32)
    b = np.array([1.5, 0.0, 3.0], np.float32)
    out = op(Tensor(a, requires_grad=True), b)
    assert out.dtype == bool and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), ref(a, b))
    np.testing.assert_array_equal(op(a, 1.5).numpy(), ref(a, 1.5))


def test_logical_not_any_all_count_nonzero():
    x = np.array([[0, 1, 2], [0, 0, 3]])
    np.testing.assert_array_equal(ops.logical_not(x).numpy(), x == 0)
    assert ops.any(x).item() and not ops.all(x).item()
    np.testing.assert_array_equal(ops.all(x, axis=[1], keepdims=True).numpy(), [[False], [False]])
    np.testing.assert_array_equal(ops.any(x, axis=0).numpy(), [False, True, True])
    count = ops.count_nonzero(x, axis=1)
    assert count.dtype == np.int32 and count.numpy().tolist() == [2, 1]
    assert ops.count_nonzero(x).item() == 3


def test_rounding_and_float_checks():
    x = np.array([-1.5, -0.25, 0.0, 0.5, 2.5], np.float32)
    for op, ref in [(ops.sign, np.sign), (ops.round, np.round), (ops.floor, np.floor),
                    (ops.ceil, np.ceil)]:
        out = op(Tensor(x, requires_grad=True))
        assert out.dtype == np.float32 and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), ref(x))
    np.testing.assert_allclose(ops.round(np.array([1.234, 5.678]), decimals=1).numpy(), [1.2, 5.7])
    assert ops.floor(np.array([1, -2], np.int32)).dtype == np.float32
    assert ops.sign(np.array([3, -2], np.int32)).numpy().tolist() == [1, -1]
    special = np.array([np.nan, np.inf, -np.inf, 1.0], np.float32)
    assert ops.isnan(special).numpy().tolist() == [True, False, False, False]
    assert ops.isinf(special).numpy().tolist() == [False, True, True, False]
    assert ops.isfinite(special).numpy().tolist() == [False, False, False, True]


def test_mod_and_floor_divide_keep_keras_dtypes():
    floats = np.array([5.5, -3.0], np.float32)
    ints = np.array([7, -7], np.int32)
    assert ops.mod(floats, 2).dtype == np.float32
    np.testing.assert_array_equal(ops.mod(floats, 2).numpy(), [1.5, 1.0])
    assert ops.mod(ints, np.int32(3)).dtype == np.int32
    assert ops.mod(ints, 3).numpy().tolist() == [1, 2]
    quotient = ops.floor_divide(ints, 2.0)
    assert quotient.dtype == np.float32 and quotient.numpy().tolist() == [3.0, -4.0]
    assert ops.floor_divide(Tensor(ints), 2).dtype == np.int32


def test_argmax_argmin_argsort_are_int32():
    x = np.array([[3.0, 1.0, 3.0], [0.0, 2.0, -1.0]], np.float32)
    assert ops.argmax(x).dtype == np.int32 and ops.argmax(x).item() == 0
    assert ops.argmax(x, axis=1).numpy().tolist() == [0, 1]
    assert ops.argmin(x, axis=0, keepdims=True).numpy().tolist() == [[1, 0, 1]]
    order = ops.argsort(x)
    assert order.dtype == np.int32 and order.numpy().tolist() == [[1, 0, 2], [2, 0, 1]]


def test_top_k_breaks_ties_by_lower_index():
    values, indices = ops.top_k(np.array([[1.0, 3.0, 3.0, 2.0]], np.float32), 3)
    assert values.numpy().tolist() == [[3.0, 3.0, 2.0]]
    assert indices.dtype == np.int32 and indices.numpy().tolist() == [[1, 2, 3]]


# --- errors name the op, the expected and the received value ----------------------------------

ERRORS = [
    (lambda: ops.pad(np.ones(3), 1, mode="median"), ValueError, "pad: invalid mode='median'"),
    (lambda: ops.pad(np.ones(3), 1, mode="edge", constant_values=2), ValueError,
     "constant_values can only be given with mode='constant'"),
    (lambda: ops.pad(np.ones((0, 2)), 1, mode="wrap"), ValueError, "cannot pad an empty axis"),
    (lambda: ops.pad(np.ones((2, 2)), ((1, 1), (1, 1), (1, 1))), ValueError, "pad_width"),
    (lambda: ops.pad(np.ones(2), -1), ValueError, "non-negative"),
    (lambda: ops.split(np.ones((2, 5)), 2, axis=1), ValueError, "length 5 into 2 equal sections"),
    (lambda: ops.repeat(np.ones(3), [1, 2]), ValueError, "repeat: expected repeats"),
    (lambda: ops.repeat(np.ones(3), -1), ValueError, "received repeats=-1"),
    (lambda: ops.tile(np.ones(3), 1.5), TypeError, "tile: expected shape"),
    (lambda: ops.one_hot([0, 1], 0), ValueError, "num_classes=0"),
    (lambda: ops.one_hot([0.5], 3), TypeError, "one_hot: expected integer indices"),
    (lambda: ops.top_k(np.ones((2, 3)), 4), ValueError, "top_k: expected k to be an int in [0, 3]"),
    (lambda: ops.take_along_axis(np.ones((2, 3)), np.array([[3]]), 1), IndexError, "[-3, 3)"),
    (lambda: ops.take_along_axis(np.ones((2, 3)), np.array([1]), 1), ValueError, "rank 2"),
    (lambda: ops.sort(np.ones((2, 3)), axis=2), ValueError, "sort: expected axis"),
    (lambda: ops.norm(np.ones(3), ord="fro"), ValueError, "norm (a vector norm over axis 0): invalid ord='fro'"),
    (lambda: ops.norm(np.ones((2, 2)), ord=3, axis=(0, 1)), ValueError,
     "norm (a matrix norm over axes (0, 1)): invalid ord=3"),
    (lambda: ops.norm(np.ones((2, 2, 2)), ord=1), ValueError, "rank 1 or 2"),
    (lambda: ops.einsum("ij,jk->ik", np.ones((2, 3))), ValueError, "name 2 operand(s), received 1"),
    (lambda: ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((2, 3))), ValueError,
     "do not fit the operand shapes [(2, 3), (2, 3)]"),
    (lambda: ops.ones((2, -1)), TypeError, "ones: expected shape"),
    (lambda: ops.zeros(3, dtype="bogus"), ValueError, "received dtype='bogus'"),
    (lambda: ops.arange(0, 3, 0), ValueError, "non-zero step"),
    (lambda: ops.moveaxis(np.ones((2, 3)), [0], [0, 1]), ValueError, "same number of axes"),
    (lambda: ops.convert_to_tensor([1], sparse=True), ValueError, "sparse"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


# --- Keras-style user code ------------------------------------------------------------------

def test_custom_metric_written_with_keras_ops():
    class CorrectCount(keras.metrics.Metric):
        def __init__(self, name="correct_count", **kwargs):
            super().__init__(name=name, **kwargs)
            self.correct = self.add_variable(shape=(), initializer="zeros", name="correct")
            self.seen = self.add_variable(shape=(), initializer="zeros", name="seen")

        def update_state(self, y_true, y_pred, sample_weight=None):
            predicted = keras.ops.argmax(y_pred, axis=-1)
            hits = keras.ops.equal(keras.ops.cast(y_true, "int32"), predicted)
            self.correct.assign_add(keras.ops.sum(keras.ops.cast(hits, "float32")))
            self.seen.assign_add(keras.ops.cast(keras.ops.shape(y_true)[0], "float32"))

        def result(self):
            return self.correct / self.seen

    metric = CorrectCount()
    y_pred = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], np.float32)
    metric.update_state(np.array([1, 1, 1, 0]), y_pred)          # 3 of 4 right
    metric.update_state(np.array([0, 0]), y_pred[:2])             # 1 of 2 right
    assert float(metric.result()) == pytest.approx(4 / 6)


def test_custom_loss_trains_through_keras_ops():
    """A Huber-like loss from where/abs/square/mean, differentiated with GradientTape."""
    def loss(y_true, y_pred):
        error = keras.ops.subtract(y_true, y_pred)
        small = keras.ops.less_equal(keras.ops.absolute(error), 1.0)
        return keras.ops.mean(keras.ops.where(small, 0.5 * keras.ops.square(error),
                                              keras.ops.absolute(error) - 0.5), axis=[0, 1])

    w = keras.Variable(np.zeros((1, 1), np.float32))
    y_true = np.array([[3.0], [0.2]], np.float32)
    with keras.GradientTape() as tape:
        value = loss(y_true, keras.ops.tile(w, (2, 1)))
    grad = tape.gradient(value, w)
    assert value.dtype == np.float32
    np.testing.assert_allclose(value.item(), ((3.0 - 0.5) + 0.5 * 0.2 ** 2) / 2, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(grad), [[(-1.0 - 0.2) / 2]], rtol=1e-6)


# --- Keras 3 itself as the oracle ------------------------------------------------------------

X = RNG.standard_normal((3, 4)).astype(np.float32)
INDICES = np.array([[1, 0, 1], [3, 3, 2], [0, 1, 2]])
KERAS_CASES = [
    ("var", lambda o: o.var(X, axis=1)),
    ("std", lambda o: o.std(X)),
    ("moments", lambda o: o.moments(X, axes=[0], keepdims=True)),
    ("norm", lambda o: o.norm(X, axis=-1)),
    ("norm-matrix-ord1", lambda o: o.norm(X, ord=1)),
    ("cumsum", lambda o: o.cumsum(X, axis=0)),
    ("one_hot", lambda o: o.one_hot(np.array([0, 3, -1]), 3)),
    ("top_k", lambda o: o.top_k(X, 2)),
    ("take_along_axis", lambda o: o.take_along_axis(X, INDICES, axis=1)),
    ("repeat", lambda o: o.repeat(X, np.array([1, 0, 2]), axis=0)),
    ("tile", lambda o: o.tile(X, (1, 2))),
    ("pad", lambda o: o.pad(X, ((0, 1), (2, 0)), constant_values=0.5)),
    ("einsum", lambda o: o.einsum("ij,kj->ik", X, X)),
    ("dot", lambda o: o.dot(X, np.ones((2, 4, 3), np.float32))),
    ("argsort", lambda o: o.argsort(X, axis=0)),
    ("argmax", lambda o: o.argmax(X, axis=1)),
    ("arange", lambda o: o.arange(1, 9, 3)),
    ("full", lambda o: o.full((2,), 3)),
    ("floor_divide", lambda o: o.floor_divide(np.array([7, -7], np.int32), 2.0)),
    ("split", lambda o: o.split(X, [1, 3], axis=1)),
    ("log1p-int", lambda o: o.log1p(np.array([1, 2], np.int32))),
    ("sum-list-axis", lambda o: o.sum(X, axis=[0, 1])),
]


def _flat(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def test_results_match_keras_3(real_keras):
    for name, call in KERAS_CASES:
        ours, theirs = _flat(call(ops)), _flat(call(real_keras.ops))
        assert len(ours) == len(theirs), name
        for mine, reference in zip(ours, theirs):
            reference = np.asarray(reference)
            assert np.asarray(mine).dtype == reference.dtype, name
            np.testing.assert_allclose(np.asarray(mine), reference, rtol=1e-5, atol=1e-6,
                                       err_msg=name)


def test_sort_with_axis_none_sorts_the_flattened_input():
    x = np.array([[3, 1], [2, 1]], np.int32)
    assert ops.sort(x, axis=None).numpy().tolist() == [1, 1, 2, 3]
    assert ops.sort(np.float32(2.5), axis=None).numpy().tolist() == [2.5]


def test_top_k_counts_nan_as_the_largest_value(real_keras):
    x = np.array([[1.0, np.nan, 2.0, np.inf, np.nan], [0.0, -1.0, 5.0, 5.0, 1.0]], np.float32)
    values, indices = ops.top_k(x, 4)
    theirs = real_keras.ops.top_k(x, 4)
    np.testing.assert_array_equal(values.numpy(), np.asarray(theirs[0]))
    np.testing.assert_array_equal(indices.numpy(), np.asarray(theirs[1]))
    assert indices.numpy().tolist() == [[1, 4, 3, 2], [2, 3, 4, 0]]
