"""The fine-grained ops of neuronet.ops.math: values against NumPy, gradients against
finite differences (float64) and PyTorch (float32), dtypes, and the Tensor operators."""
import numpy as np
import pytest

from neuronet.autograd import Tensor
from neuronet.ops import math as ops
from neuronet.testing import gradcheck

RNG = np.random.default_rng(1234)   # builds the tables below once, at import


def normal(*shape):
    return RNG.standard_normal(shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):
    """Values with |x| in [0.5, 2] and random signs (safe for 1/x, |x| and finite differences)."""
    return positive(*shape) * RNG.choice([-1.0, 1.0], shape)


def case(name, op_fn, np_fn, *inputs):
    return pytest.param(op_fn, np_fn, inputs, id=name)


# --- one table drives the forward (NumPy) and the gradient (finite differences) tests -------

BINARY = {
    "add": (ops.add, np.add, normal, normal),
    "subtract": (ops.subtract, np.subtract, normal, normal),
    "multiply": (ops.multiply, np.multiply, normal, normal),
    "divide": (ops.divide, np.divide, normal, away_from_zero),
    "power": (ops.power, np.power, positive, normal),
    "maximum": (ops.maximum, np.maximum, normal, normal),
    "minimum": (ops.minimum, np.minimum, normal, normal),
}
BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((), (3, 4)),
                    ((3, 4), ()), ((2, 3, 4), (3, 1)), ((3, 1), (2, 3, 4))]

BINARY_CASES = [
    case(f"{name}-{sa}-{sb}", op, ref, make_a(*sa), make_b(*sb))
    for name, (op, ref, make_a, make_b) in BINARY.items()
    for sa, sb in BROADCAST_SHAPES
]
SCALAR_OPERAND_CASES = [
    case(f"{name}-tensor-python-scalar", lambda a, op=op: op(a, 1.5),
         lambda a, ref=ref: ref(a, 1.5), make_a(3, 2))
    for name, (op, ref, make_a, _) in BINARY.items()
] + [
    case(f"{name}-python-scalar-tensor", lambda b, op=op: op(1.5, b),
         lambda b, ref=ref: ref(1.5, b), make_b(3, 2))
    for name, (op, ref, _, make_b) in BINARY.items()
]


def clip_input():
    x = RNG.uniform(-1.0, 1.0, (3, 4))
    x[np.abs(np.abs(x) - 0.5) < 0.05] += 0.1       # stay clear of the kinks at +-0.5
    return x


MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])

UNARY_CASES = [
    case("negative", ops.negative, np.negative, normal(3, 4)),
    case("square", ops.square, np.square, normal(3, 4)),
    case("exp", ops.exp, np.exp, normal(3, 4)),
    case("log", ops.log, np.log, positive(3, 4)),
    case("sqrt", ops.sqrt, np.sqrt, positive(3, 4)),
    case("abs", ops.abs, np.abs, away_from_zero(3, 4)),
    case("clip", lambda x: ops.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), clip_input()),
    case("cast", lambda x: ops.cast(x, "float64"), lambda x: x.astype("float64"), normal(3, 4)),
    case("where", lambda a, b: ops.where(MASK, a, b), lambda a, b: np.where(MASK, a, b),
         normal(3, 4), normal(3, 4)),
    case("where-broadcast", lambda a, b: ops.where(MASK, a, b),
         lambda a, b: np.where(MASK, a, b), normal(4), normal()),
    case("where-tensor-condition-scalar", lambda a: ops.where(Tensor(MASK), a, 0.0),
         lambda a: np.where(MASK, a, 0.0), normal(3, 4)),
]

REDUCTIONS = {
    "sum": (ops.sum, np.sum),
    "mean": (ops.mean, np.mean),
    "max": (ops.max, np.max),
    "min": (ops.min, np.min),
    "logsumexp": (ops.logsumexp,
                  lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))),
}
REDUCTION_CASES = [
    case(f"{name}-axis={axis}-keepdims={keepdims}",
         lambda x, op=op, axis=axis, keepdims=keepdims: op(x, axis=axis, keepdims=keepdims),
         lambda x, ref=ref, axis=axis, keepdims=keepdims: ref(x, axis=axis, keepdims=keepdims),
         normal(2, 3, 4))
    for name, (op, ref) in REDUCTIONS.items()
    for axis in (None, 0, 1, -1, (0, 2), (-1, 0))
    for keepdims in (False, True)
] + [                                                   # over axes of length 1 only
    case(f"{name}-length-1-axis={axis}-keepdims={keepdims}",
         lambda x, op=op, axis=axis, keepdims=keepdims: op(x, axis=axis, keepdims=keepdims),
         lambda x, ref=ref, axis=axis, keepdims=keepdims: ref(x, axis=axis, keepdims=keepdims),
         normal(3, 1, 4, 1))
    for name, (op, ref) in REDUCTIONS.items()
    for axis in (1, -1, (1, 3))
    for keepdims in (False, True)
]


@pytest.mark.parametrize("axis", [True, 2, -3, (1, 1)])
def test_mean_rejects_the_axes_numpy_rejects(axis):
    x = np.ones((3, 1), np.float32)
    with pytest.raises(Exception) as expected:
        np.mean(x, axis=axis)
    with pytest.raises(type(expected.value)):
        ops.mean(Tensor(x), axis=axis)


MATMUL_SHAPES = [((3, 4), (4, 2)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (1, 4, 5)), ((1, 3, 4), (2, 4, 5)),
                 ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))]
MATMUL_CASES = [case(f"matmul-{sa}-{sb}", ops.matmul, np.matmul, normal(*sa), normal(*sb))
                for sa, sb in MATMUL_SHAPES]

SHAPE_CASES = [
    case("reshape", lambda x: ops.reshape(x, (4, -1)), lambda x: x.reshape(4, -1), normal(2, 3, 4)),
    case("transpose-default", ops.transpose, np.transpose, normal(2, 3, 4)),
    case("transpose-axes", lambda x: ops.transpose(x, (1, 2, 0)),
         lambda x: np.transpose(x, (1, 2, 0)), normal(2, 3, 4)),
    case("transpose-negative-axes", lambda x: ops.transpose(x, (-1, 0, 1)),
         lambda x: np.transpose(x, (-1, 0, 1)), normal(2, 3, 4)),
    case("expand_dims", lambda x: ops.expand_dims(x, 1), lambda x: np.expand_dims(x, 1), normal(3, 4)),
    case("expand_dims-negative", lambda x: ops.expand_dims(x, -1),
         lambda x: np.expand_dims(x, -1), normal(3, 4)),
    case("squeeze-all", ops.squeeze, np.squeeze, normal(3, 1, 4, 1)),
    case("squeeze-axis", lambda x: ops.squeeze(x, 1), lambda x: np.squeeze(x, 1), normal(3, 1, 4, 1)),
    case("concatenate-axis0", lambda a, b: ops.concatenate([a, b], axis=0),
         lambda a, b: np.concatenate([a, b], axis=0), normal(2, 3), normal(4, 3)),
    case("concatenate-default-axis", lambda a, b, c: ops.concatenate([a, b, c]),
         lambda a, b, c: np.concatenate([a, b, c], axis=-1), normal(2, 1), normal(2, 3), normal(2, 2)),
    case("stack-axis0", lambda a, b: ops.stack([a, b]), lambda a, b: np.stack([a, b]),
         normal(2, 3), normal(2, 3)),
    case("stack-negative-axis", lambda a, b, c: ops.stack([a, b, c], axis=-1),
         lambda a, b, c: np.stack([a, b, c], axis=-1), normal(2, 3), normal(2, 3), normal(2, 3)),
]

INDEXES = {
    "slices": (slice(1, None), slice(None, None, 2)),
    "integer": 1,
    "integer-and-slice": (0, slice(1, 3)),
    "ellipsis": (Ellipsis, 1),
    "newaxis": (None, slice(0, 2)),
    "repeated-integer-array": [0, 2, 0, 0],
    "integer-array-columns": (slice(None), [3, 1, 3]),
    "integer-array-pairs": ([0, 2, 2], [1, 1, 3]),
    "boolean-mask": MASK,
    "boolean-rows": np.array([True, False, True]),
}
GETITEM_CASES = [
    case(f"getitem-{name}", lambda x, index=index: ops.getitem(x, index),
         lambda x, index=index: x[index], normal(3, 4))
    for name, index in INDEXES.items()
]
TAKE_CASES = [
    case(f"take-axis={axis}", lambda x, axis=axis: ops.take(x, [2, 0, 2], axis=axis),
         lambda x, axis=axis: np.take(x, [2, 0, 2], axis=axis), normal(3, 4))
    for axis in (None, 0, 1, -1)
] + [case("take-2d-indices", lambda x: ops.take(x, [[1, 1], [0, 2]], axis=0),
          lambda x: np.take(x, [[1, 1], [0, 2]], axis=0), normal(3, 4))]

ALL_CASES = (BINARY_CASES + SCALAR_OPERAND_CASES + UNARY_CASES + REDUCTION_CASES + MATMUL_CASES
             + SHAPE_CASES + GETITEM_CASES + TAKE_CASES)


@pytest.mark.parametrize("op_fn, np_fn, inputs", ALL_CASES)
def test_forward_matches_numpy(op_fn, np_fn, inputs):
    out = op_fn(*[Tensor(a) for a in inputs])
    expected = np.asarray(np_fn(*inputs))
    assert isinstance(out, Tensor)
    assert out.shape == expected.shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op_fn, np_fn, inputs", ALL_CASES)
def test_gradient_matches_finite_differences(op_fn, np_fn, inputs):
    gradcheck(op_fn, inputs)


# --- gradients with known closed forms ---------------------------------------------------

def grad_of(fn, *arrays):
    """Gradients of fn(*Tensors).sum() w.r.t. each input."""
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    ops.sum(fn(*leaves)).backward()
    return [leaf.grad for leaf in leaves]


def test_repeated_integer_indices_accumulate():
    (grad,) = grad_of(lambda x: ops.getitem(x, [0, 2, 0, 0]), np.arange(4.0))
    np.testing.assert_array_equal(grad, [3.0, 0.0, 1.0, 0.0])


def test_take_repeated_indices_accumulate_along_axis():
    (grad,) = grad_of(lambda x: ops.take(x, [1, 1, 0], axis=1), np.ones((2, 3)))
    np.testing.assert_array_equal(grad, [[1.0, 2.0, 0.0], [1.0, 2.0, 0.0]])


def test_boolean_mask_gradient_lands_on_selected_elements():
    x = np.array([-1.0, 2.0, -3.0, 4.0])
    (grad,) = grad_of(lambda t: ops.getitem(t, x > 0), x)
    np.testing.assert_array_equal(grad, [0.0, 1.0, 0.0, 1.0])


def test_tensor_index_works_like_array_index():
    (grad,) = grad_of(lambda t: ops.getitem(t, Tensor(np.array([1, 1]))), np.zeros(3))
    np.testing.assert_array_equal(grad, [0.0, 2.0, 0.0])


@pytest.mark.parametrize("reduce", [ops.max, ops.min])
def test_extremum_ties_share_the_gradient(reduce):
    x = np.array([[2.0, 2.0, 0.0, 1.0], [0.0, 5.0, 5.0, 5.0]])
    if reduce is ops.min:
        x = -x
    (grad,) = grad_of(lambda t: reduce(t, axis=1), x)
    np.testing.assert_allclose(grad, [[0.5, 0.5, 0.0, 0.0], [0.0, 1 / 3, 1 / 3, 1 / 3]])


@pytest.mark.parametrize("reduce, ref", [(ops.max, np.max), (ops.min, np.min)])
def test_extremum_initial_bounds_the_result_as_numpy_does(reduce, ref):
    x = np.array([[1.0, -2.0, 0.0], [3.0, 0.5, -1.0]])
    for initial in (0.7, -1.5):
        np.testing.assert_array_equal(reduce(x, axis=0, initial=initial).numpy(),
                                      ref(x, axis=0, initial=initial))
    (grad,) = grad_of(lambda t: reduce(t, axis=0, initial=0.7), x)
    wins = ref(x, axis=0) == ref(x, axis=0, initial=0.7)      # columns where x beats 0.7
    np.testing.assert_array_equal(grad, (x == ref(x, axis=0)) * wins)
    empty = reduce(np.zeros((0, 2), "float32"), axis=0, initial=-0.5)
    assert empty.dtype == np.float32 and empty.numpy().tolist() == [-0.5, -0.5]


def test_clip_passes_gradient_on_the_bounds_and_inside_only():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    (grad,) = grad_of(lambda t: ops.clip(t, -0.5, 0.5), x)
    np.testing.assert_array_equal(grad, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_where_condition_splits_the_gradient():
    cond = np.array([True, False, True])
    ga, gb = grad_of(lambda a, b: ops.where(cond, a, b), np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(ga, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gb, [0.0, 1.0, 0.0])


def test_logsumexp_is_stable_for_large_values():
    x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]], dtype=np.float32)
    out = ops.logsumexp(Tensor(x), axis=1)
    np.testing.assert_allclose(out.numpy(), [1000.0 + np.log(2.0), -1000.0 + np.log(2.0)], rtol=1e-6)
    (grad,) = grad_of(lambda t: ops.logsumexp(t, axis=1), x)
    np.testing.assert_allclose(grad, np.full((2, 2), 0.5))


def test_unbroadcast_sums_added_and_stretched_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.unbroadcast(g, (3, 1)), g.sum(axis=(0, 2)).reshape(3, 1))
    np.testing.assert_array_equal(ops.unbroadcast(g, ()), g.sum())
    assert ops.unbroadcast(g, (2, 3, 4)) is g


def test_ops_accept_plain_numbers_and_arrays():
    out = ops.add(1.5, 2.0)
    assert out.dtype == np.float32 and out.item() == 3.5
    out = ops.where(np.array([True, False]), 1.0, 0.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0])


# --- dtypes: float32 stays float32 -----------------------------------------------------------

F64 = np.linspace(0.5, 2.0, 4)           # a float64 ndarray operand

FLOAT32_EXPRESSIONS = {
    "add-python-scalar": lambda x: x + 2.0,
    "radd-python-int": lambda x: 3 + x,
    "sub-float64-array": lambda x: x - F64,
    "rsub-float64-array": lambda x: F64 - x,
    "mul-float64-array": lambda x: x * F64,
    "rmul-numpy-float64-scalar": lambda x: np.float64(2.5) * x,
    "div-python-scalar": lambda x: x / 3.0,
    "rdiv-float64-array": lambda x: F64 / x,
    "pow-python-int": lambda x: x ** 2,
    "pow-python-float": lambda x: x ** 1.5,
    "rpow-python-scalar": lambda x: 2.0 ** x,
    "maximum-float64-array": lambda x: ops.maximum(x, F64),
    "minimum-python-scalar": lambda x: ops.minimum(x, 1.0),
    "where-python-scalar": lambda x: ops.where(F64 > 1.0, x, 0.5),
    "negative": lambda x: -x,
    "square": ops.square,
    "exp": ops.exp,
    "log": ops.log,
    "sqrt": ops.sqrt,
    "abs": abs,
    "clip": lambda x: ops.clip(x, 0.8, np.float64(1.5)),
    "sum": lambda x: x.sum(),
    "mean-axis": lambda x: ops.mean(ops.reshape(x, (2, 2)), axis=0),
    "max": lambda x: ops.max(x),
    "min-keepdims": lambda x: ops.min(ops.reshape(x, (2, 2)), axis=-1, keepdims=True),
    "logsumexp": ops.logsumexp,
    "matmul-float64-matrix": lambda x: x @ np.ones((4, 3)),
    "rmatmul-float64-matrix": lambda x: np.ones((3, 4)) @ x,
    "reshape-transpose": lambda x: x.reshape(2, 2).T,
    "expand_squeeze": lambda x: ops.squeeze(ops.expand_dims(x, 0)),
    "concatenate": lambda x: ops.concatenate([x, x]),
    "stack": lambda x: ops.stack([x, x], axis=1),
    "getitem-array": lambda x: x[[0, 0, 3]],
    "getitem-mask": lambda x: x[F64 > 1.0],
    "take": lambda x: ops.take(x, [1, 2]),
}


@pytest.mark.parametrize("fn", FLOAT32_EXPRESSIONS.values(), ids=FLOAT32_EXPRESSIONS.keys())
def test_float32_in_gives_float32_out_and_float32_grad(fn):
    x = Tensor(np.array([0.9, 1.2, 1.7, 0.6], dtype=np.float32), requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32
    ops.sum(out).backward()
    assert x.grad.dtype == np.float32
    assert x.grad.shape == x.shape


def test_cast_converts_the_gradient_back():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = ops.cast(x, "float64")
    assert y.dtype == np.float64
    (y * np.float64(3.0)).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [3.0, 3.0, 3.0])


# --- Tensor operators dispatch to the ops ----------------------------------------------------

OPERATORS = [
    ("add", lambda x, y, w: x + y), ("add", lambda x, y, w: 2.0 + x),
    ("subtract", lambda x, y, w: x - y), ("subtract", lambda x, y, w: 1.0 - x),
    ("multiply", lambda x, y, w: x * y), ("multiply", lambda x, y, w: 3.0 * x),
    ("divide", lambda x, y, w: x / y), ("divide", lambda x, y, w: 2.0 / x),
    ("power", lambda x, y, w: x ** y), ("power", lambda x, y, w: 2.0 ** x),
    ("matmul", lambda x, y, w: x @ w), ("negative", lambda x, y, w: -x),
    ("abs", lambda x, y, w: abs(x)), ("getitem", lambda x, y, w: x[1:, [0, 0]]),
    ("sum", lambda x, y, w: x.sum(axis=0)), ("mean", lambda x, y, w: x.mean(axis=-1, keepdims=True)),
    ("max", lambda x, y, w: x.max(axis=1)), ("min", lambda x, y, w: x.min()),
    ("transpose", lambda x, y, w: x.T), ("transpose", lambda x, y, w: x.transpose(1, 0)),
    ("transpose", lambda x, y, w: x.transpose((1, 0))),
    ("reshape", lambda x, y, w: x.reshape(4, 3)), ("reshape", lambda x, y, w: x.reshape((2, 6))),
    ("cast", lambda x, y, w: x.astype("float64")),
]
NUMPY_TWIN = {"exp": np.exp, "log": np.log}   # Tensor methods that ndarrays lack


@pytest.mark.parametrize("op_name, expr", OPERATORS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPERATORS)])
def test_tensor_operators_dispatch_to_ops(monkeypatch, op_name, expr):
    _check_dispatch(monkeypatch, op_name, expr, expr)


@pytest.mark.parametrize("op_name", NUMPY_TWIN)
def test_tensor_methods_dispatch_to_ops(monkeypatch, op_name):
    _check_dispatch(monkeypatch, op_name, lambda x, y, w: getattr(x, op_name)(),
                    lambda x, y, w: NUMPY_TWIN[op_name](x))


def _check_dispatch(monkeypatch, op_name, expr, reference):
    calls = []
    original = getattr(ops, op_name)

    def spy(*args, **kwargs):
        calls.append(op_name)
        return original(*args, **kwargs)
    monkeypatch.setattr(ops, op_name, spy)

    x, y, w = positive(3, 4), positive(3, 4), normal(4, 2)
    out = expr(Tensor(x, requires_grad=True), Tensor(y), Tensor(w))
    assert calls and calls[0] == op_name
    assert out.requires_grad
    np.testing.assert_allclose(out.numpy(), reference(x, y, w), rtol=1e-12)


def test_ndarray_on_the_left_defers_to_the_tensor():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    out = np.arange(3.0) * x
    assert isinstance(out, Tensor) and out.requires_grad
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 2.0])


def test_comparisons_give_boolean_tensors():
    x = Tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal((x > 1.5).numpy(), [False, True, True])
    np.testing.assert_array_equal((x <= 2.0).numpy(), [True, True, False])
    assert (x < 2).dtype == bool and (x >= 2).dtype == bool


# --- PyTorch as the oracle (float32) -----------------------------------------------------

def _compare_with_torch(fn, torch_fn, arrays):
    torch = pytest.importorskip("torch")
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    out.backward()
    t_leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    t_out = torch_fn(torch, *t_leaves)
    t_out.backward()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    for leaf, t_leaf in zip(leaves, t_leaves):
        assert leaf.grad.dtype == np.float32
        np.testing.assert_allclose(leaf.grad, t_leaf.grad.numpy(), rtol=1e-5, atol=1e-6)


def f32(*shape):
    return normal(*shape).astype(np.float32)


def test_torch_softmax_cross_entropy_by_hand():
    labels = np.array([2, 0, 1, 2])

    def ours(z):
        picked = z[np.arange(4), labels]
        return (ops.logsumexp(z, axis=-1) - picked).mean()

    def theirs(torch, z):
        return torch.nn.functional.cross_entropy(z, torch.tensor(labels))
    _compare_with_torch(ours, theirs, [f32(4, 3)])


def test_torch_two_layer_network_with_relu_and_squared_error():
    x, w1, b1, w2, y = f32(5, 4), f32(4, 6), f32(6), f32(6, 2), f32(5, 2)

    def ours(w1, b1, w2):
        h = ops.maximum(x @ w1 + b1, 0.0)
        return ops.square(h @ w2 - y).sum(axis=1).mean()

    def theirs(torch, w1, b1, w2):
        h = torch.clamp(torch.tensor(x) @ w1 + b1, min=0.0)
        return ((h @ w2 - torch.tensor(y)) ** 2).sum(dim=1).mean()
    _compare_with_torch(ours, theirs, [w1, b1, w2])


def test_torch_elementwise_mix_with_broadcasting():
    a, b = np.abs(f32(3, 4)) + 0.5, f32(4)

    def ours(a, b):
        z = ops.sqrt(a) * ops.exp(b) / (1.0 + ops.abs(b)) - ops.log(a) ** 2
        z = ops.clip(z, -2.0, 2.0) + a ** b
        return ops.max(z, axis=0).sum() + ops.min(z) + ops.where(z > 0, z, 0.1 * z).mean()

    def theirs(torch, a, b):
        z = torch.sqrt(a) * torch.exp(b) / (1.0 + torch.abs(b)) - torch.log(a) ** 2
        z = torch.clamp(z, -2.0, 2.0) + a ** b
        return z.amax(dim=0).sum() + z.min() + torch.where(z > 0, z, 0.1 * z).mean()
    _compare_with_torch(ours, theirs, [a, b])


def test_torch_shapes_and_indexing():
    x, w = f32(2, 3, 4), f32(4, 3)

    def ours(x, w):
        y = ops.transpose(x @ w, (0, 2, 1)).reshape(2, 9)
        z = ops.concatenate([y, ops.stack([y[:, 0], y[:, 1]], axis=1)], axis=1)
        picked = ops.take(z, [0, 3, 3, 10], axis=1)
        return (ops.expand_dims(picked, 1) * ops.squeeze(x[:, :1, :], 1)[:, :, None]).sum()

    def theirs(torch, x, w):
        y = (x @ w).permute(0, 2, 1).reshape(2, 9)
        z = torch.cat([y, torch.stack([y[:, 0], y[:, 1]], dim=1)], dim=1)
        picked = z[:, [0, 3, 3, 10]]
        return (picked.unsqueeze(1) * x[:, :1, :].squeeze(1)[:, :, None]).sum()
    _compare_with_torch(ours, theirs, [x, w])


def test_torch_matmul_vector_cases():
    v, m3 = f32(4), f32(2, 4, 3)

    def ours(v, m3):
        return ((v @ m3).sum() + (m3.transpose(0, 2, 1) @ v).mean() + v @ v) / 3.0

    def theirs(torch, v, m3):
        return ((v @ m3).sum() + (m3.transpose(1, 2) @ v).mean() + v @ v) / 3.0
    _compare_with_torch(ours, theirs, [v, m3])
