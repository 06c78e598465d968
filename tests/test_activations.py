import inspect
import math

import numpy as np
import pytest

from neuronet import Tensor, activations as A
from neuronet.testing import gradcheck

# (id, function of one Tensor, points where the function or its derivative jumps)
SMOOTH_AND_KINKED = [
    ("sigmoid", A.sigmoid, ()),
    ("hard_sigmoid", A.hard_sigmoid, (-3.0, 3.0)),
    ("tanh", A.tanh, ()),
    ("relu", A.relu, (0.0,)),
    ("relu_all_options", lambda x: A.relu(x, negative_slope=0.1, max_value=2.5, threshold=0.5),
     (0.0, 0.5, 2.5)),
    ("relu_negative_threshold", lambda x: A.relu(x, negative_slope=0.3, threshold=-1.0), (-1.0,)),
    ("leaky_relu", A.leaky_relu, (0.0,)),
    ("relu6", A.relu6, (0.0, 6.0)),
    ("elu", A.elu, (0.0,)),
    ("elu_alpha", lambda x: A.elu(x, alpha=0.5), (0.0,)),
    ("selu", A.selu, (0.0,)),
    ("softplus", A.softplus, ()),
    ("softsign", A.softsign, (0.0,)),
    ("silu", A.silu, ()),
    ("gelu", A.gelu, ()),
    ("gelu_tanh", lambda x: A.gelu(x, approximate=True), ()),
    ("mish", A.mish, ()),
    ("hard_silu", A.hard_silu, (-3.0, 3.0)),
    ("exponential", A.exponential, ()),
    ("linear", A.linear, ()),
    ("softmax", A.softmax, ()),
    ("log_softmax", A.log_softmax, ()),
    ("crelu", A.crelu, (0.0,)),
]
SHAPES = [(6,), (3, 4), (2, 3, 4), (2, 1, 3, 2)]


def _inputs(shape, kinks, seed=0, low=-7.0, high=7.0):
    """Random float64 values, each at least 0.05 away from every kink."""
    x = np.random.default_rng(seed).uniform(low, high, shape)
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.05, x + 0.1 * np.where(x >= k, 1, -1), x)
    return x


@pytest.mark.parametrize("fn, kinks", [c[1:] for c in SMOOTH_AND_KINKED],
                         ids=[c[0] for c in SMOOTH_AND_KINKED])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_gradcheck(fn, kinks, shape):
    gradcheck(fn, [_inputs(shape, kinks)])


@pytest.mark.parametrize("fn, kinks", [c[1:] for c in SMOOTH_AND_KINKED],
                         ids=[c[0] for c in SMOOTH_AND_KINKED])
def test_gradcheck_large_input_projected(fn, kinks):
    gradcheck(fn, [_inputs((16, 40, 8), kinks, seed=1)])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gradcheck_softmax_axes(axis):
    x = _inputs((3, 4, 5), ())
    gradcheck(lambda t: A.softmax(t, axis=axis), [x])
    gradcheck(lambda t: A.log_softmax(t, axis=axis), [x])
    gradcheck(lambda t: A.crelu(t, axis=axis), [x + 0.5 * np.sign(x)])


# --- PyTorch oracle ------------------------------------------------------------------------

# (id, ours, reference taking (torch tensor, torch.nn.functional, torch))
ORACLES = [
    ("sigmoid", A.sigmoid, lambda t, F, torch: torch.sigmoid(t)),
    ("hard_sigmoid", A.hard_sigmoid, lambda t, F, torch: F.hardsigmoid(t)),
    ("tanh", A.tanh, lambda t, F, torch: torch.tanh(t)),
    ("relu", A.relu, lambda t, F, torch: F.relu(t)),
    ("leaky_relu", A.leaky_relu, lambda t, F, torch: F.leaky_relu(t, 0.2)),
    ("leaky_relu_0.01", lambda x: A.leaky_relu(x, negative_slope=0.01),
     lambda t, F, torch: F.leaky_relu(t, 0.01)),
    ("relu6", A.relu6, lambda t, F, torch: F.relu6(t)),
    ("relu_max_value_6", lambda x: A.relu(x, max_value=6), lambda t, F, torch: F.relu6(t)),
    ("elu", A.elu, lambda t, F, torch: F.elu(t)),
    ("elu_alpha", lambda x: A.elu(x, alpha=0.5), lambda t, F, torch: F.elu(t, alpha=0.5)),
    ("selu", A.selu, lambda t, F, torch: F.selu(t)),
    ("softplus", A.softplus, lambda t, F, torch: F.softplus(t)),
    ("softsign", A.softsign, lambda t, F, torch: F.softsign(t)),
    ("silu", A.silu, lambda t, F, torch: F.silu(t)),
    ("swish", A.swish, lambda t, F, torch: F.silu(t)),
    ("gelu", A.gelu, lambda t, F, torch: F.gelu(t)),
    ("gelu_tanh", lambda x: A.gelu(x, approximate=True),
     lambda t, F, torch: F.gelu(t, approximate="tanh")),
    ("mish", A.mish, lambda t, F, torch: F.mish(t)),
    ("hard_silu", A.hard_silu, lambda t, F, torch: F.hardswish(t)),
    ("exponential", A.exponential, lambda t, F, torch: torch.exp(t)),
    ("softmax", A.softmax, lambda t, F, torch: F.softmax(t, dim=-1)),
    ("softmax_axis0", lambda x: A.softmax(x, axis=0), lambda t, F, torch: F.softmax(t, dim=0)),
    ("softmax_axis1", lambda x: A.softmax(x, axis=1), lambda t, F, torch: F.softmax(t, dim=1)),
    ("log_softmax", A.log_softmax, lambda t, F, torch: F.log_softmax(t, dim=-1)),
    ("log_softmax_axis1", lambda x: A.log_softmax(x, axis=1),
     lambda t, F, torch: F.log_softmax(t, dim=1)),
    ("crelu", A.crelu, lambda t, F, torch: torch.cat([F.relu(t), F.relu(-t)], dim=-1)),
]


@pytest.mark.parametrize("ours, reference", [o[1:] for o in ORACLES], ids=[o[0] for o in ORACLES])
def test_matches_torch_float32(ours, reference):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = (3 * rng.standard_normal((4, 5, 6))).astype(np.float32)
    x_ours = Tensor(x, requires_grad=True)
    out = ours(x_ours)
    upstream = rng.standard_normal(out.shape).astype(np.float32)
    out.backward(upstream)

    x_torch = torch.tensor(x, requires_grad=True)
    expected = reference(x_torch, torch.nn.functional, torch)
    expected.backward(torch.from_numpy(upstream))

    assert out.dtype == np.float32 and x_ours.grad.dtype == np.float32
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x_ours.grad, x_torch.grad.numpy(), rtol=1e-5, atol=1e-6)


# --- dtypes and extreme inputs ------------------------------------------------------------

ALL_NAMES = sorted(set(A._BY_NAME) - {"glu", "threshold"})  # glu needs an even axis and
# threshold two arguments: tests/test_activations_losses_extra.py covers them


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_for_output_and_gradient(name, dtype):
    x = Tensor(np.array([[-2.5, -0.5], [0.7, 1.9]], dtype=dtype), requires_grad=True)
    out = A.get(name)(x)
    out.backward(np.ones(out.shape, dtype=dtype))
    assert out.dtype == dtype
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("name", ALL_NAMES)
def test_accepts_arrays_and_lists_and_returns_tensors(name):
    fn = A.get(name)
    from_list = fn([[-1.0, 0.5, 2.0]])
    from_ints = fn(np.array([[-1, 0, 2]]))
    assert isinstance(from_list, Tensor) and from_list.dtype == np.float32
    assert isinstance(from_ints, Tensor)
    np.testing.assert_allclose(from_list.data, fn(Tensor(np.array([[-1.0, 0.5, 2.0]], np.float32))).data)


def test_integer_input_becomes_float32():
    out = A.sigmoid(np.array([0, 1, 2]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, 1 / (1 + np.exp(-np.array([0.0, 1.0, 2.0]))), rtol=1e-6)


FINITE_AT_EXTREMES = [n for n in ALL_NAMES if n != "exponential"]


@pytest.mark.parametrize("name", FINITE_AT_EXTREMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_finite_values_and_gradients(name, dtype):
    x = Tensor(np.array([[-1e4, -30.0, 0.3, 30.0, 1e4]], dtype=dtype), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = A.get(name)(x)
        out.backward(np.ones(out.shape, dtype=dtype))
    assert np.all(np.isfinite(out.data))
    assert np.all(np.isfinite(x.grad))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_input_values(dtype):
    x = np.array([-1e4, 1e4], dtype=dtype)
    np.testing.assert_array_equal(A.sigmoid(x).data, [0.0, 1.0])
    np.testing.assert_array_equal(A.softplus(x).data, [0.0, 1e4])
    np.testing.assert_array_equal(A.tanh(x).data, [-1.0, 1.0])
    np.testing.assert_array_equal(A.softmax(x).data, [0.0, 1.0])
    np.testing.assert_array_equal(A.log_softmax(x).data, [-2e4, 0.0])
    np.testing.assert_array_equal(A.elu(x).data, [-1.0, 1e4])
    for approximate in (False, True):
        np.testing.assert_array_equal(A.gelu(x, approximate=approximate).data, [0.0, 1e4])
    np.testing.assert_array_equal(A.silu(x).data, [0.0, 1e4])


# --- values against formulas written here -------------------------------------------------

def test_exact_gelu_matches_erfc_to_float64_precision():
    x = np.linspace(-20.0, 20.0, 4001)
    expected = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    moderate = x > -6
    np.testing.assert_allclose(A.gelu(x[moderate]).data, expected[moderate], rtol=1e-14, atol=0)
    # far in the left tail a 1-ulp change of x / sqrt(2) moves erfc by about x^2 ulps
    np.testing.assert_allclose(A.gelu(x).data, expected, rtol=1e-12, atol=0)


def test_tanh_gelu_matches_its_formula():
    x = np.linspace(-6.0, 6.0, 121)
    expected = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    np.testing.assert_allclose(A.gelu(x, approximate=True).data, expected, rtol=1e-12, atol=1e-15)


def test_elementwise_values_against_numpy_formulas():
    x = np.linspace(-5.0, 5.0, 41)
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    expected = {
        "sigmoid": 1 / (1 + np.exp(-x)),
        "tanh": np.tanh(x),
        "softplus": np.log(1 + np.exp(x)),
        "softsign": x / (1 + np.abs(x)),
        "silu": x / (1 + np.exp(-x)),
        "elu": np.where(x > 0, x, np.exp(x) - 1),
        "selu": scale * np.where(x > 0, x, alpha * (np.exp(x) - 1)),
        "exponential": np.exp(x),
        "mish": x * np.tanh(np.log(1 + np.exp(x))),
        "hard_sigmoid": np.minimum(np.maximum(x + 3, 0), 6) / 6,
        "hard_silu": x * np.minimum(np.maximum(x + 3, 0), 6) / 6,
        "relu6": np.minimum(np.maximum(x, 0), 6),
        "leaky_relu": np.where(x > 0, x, 0.2 * x),
        "linear": x,
    }
    for name, values in expected.items():
        np.testing.assert_allclose(A.get(name)(x).data, values, rtol=1e-12, atol=1e-15, err_msg=name)


def test_float32_values_hold_their_precision_near_zero_and_in_the_tails():
    """Within 8 ulps of float64 references, where the naive exp(x) - 1, log(1 + e) or
    1 - sigmoid would lose every digit (tiny |x|, far tails)."""
    x64 = np.concatenate([-np.logspace(-12, 1.5, 300), np.logspace(-12, 1.5, 300),
                          np.linspace(-60.0, 60.0, 241)])
    x = x64.astype(np.float32)
    x64 = x.astype(np.float64)                          # the float32 inputs, exactly
    sigmoid = np.exp(-np.logaddexp(0, -x64))
    expected = {
        "sigmoid": sigmoid,
        "softplus": np.logaddexp(0, x64),
        "log_sigmoid": -np.logaddexp(0, -x64),
        "silu": x64 * sigmoid,
        "elu": np.where(x64 > 0, x64, np.expm1(np.minimum(x64, 0))),
        "gelu": np.array([v * 0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x64]),
    }
    tiny = np.finfo(np.float32).tiny
    for name, values in expected.items():
        got = A.get(name)(x).data.astype(np.float64)
        normal = np.abs(values) > 1e3 * tiny             # away from float32 subnormals
        if name == "gelu":       # left of -1 the rounding of x / sqrt(2) alone moves erfc by
            normal &= x64 > -1   # about x^2 ulps, in any float32 gelu
        ulps = np.abs(got - values)[normal] / np.spacing(np.abs(values[normal]).astype(np.float32))
        assert ulps.max() <= 8, (name, ulps.max())


def test_nan_passes_through_the_rectifiers_as_in_keras():
    nan = np.array([np.nan, -1.0, 2.0], np.float32)
    for fn in (A.relu, A.leaky_relu, A.relu6, A.elu, A.selu):
        assert np.isnan(fn(nan).data[0]), fn.__name__


def test_hard_sigmoid_is_keras3_relu6_form():
    x = np.array([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0])
    np.testing.assert_allclose(A.hard_sigmoid(x).data, [0.0, 0.0, 0.5, 0.75, 1.0, 1.0])


def _keras_relu_reference(x, negative_slope, max_value, threshold):
    """keras.activations.relu step by step: keep x above threshold, clip, add the slope."""
    y = x * (x > threshold)
    if max_value is not None:
        y = np.clip(y, 0, max_value)
    return y - negative_slope * np.maximum(threshold - x, 0)


@pytest.mark.parametrize("negative_slope", [0.0, 0.1, 0.5])
@pytest.mark.parametrize("max_value", [None, 1.0, 6.0])
@pytest.mark.parametrize("threshold", [0.0, 0.5, -0.5, 2.0])
def test_relu_keras_semantics(negative_slope, max_value, threshold):
    x = np.concatenate([np.linspace(-8.0, 8.0, 33), [threshold, max_value or 3.0, 0.0]])
    out = A.relu(x, negative_slope=negative_slope, max_value=max_value, threshold=threshold)
    np.testing.assert_allclose(out.data, _keras_relu_reference(x, negative_slope, max_value, threshold))


def test_relu_gradient_is_piecewise_constant():
    x = Tensor(np.array([-3.0, 0.2, 0.7, 1.5, 2.0, 4.0]), requires_grad=True)
    A.relu(x, negative_slope=0.1, max_value=1.5, threshold=0.5).backward(np.ones(6))
    # below threshold: slope; between threshold and max_value: 1; at or above max_value: 0
    np.testing.assert_allclose(x.grad, [0.1, 0.1, 1.0, 0.0, 0.0, 0.0])


def test_relu_documented_examples():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    np.testing.assert_allclose(A.relu(x).data, [0, 0, 0, 5, 10])
    np.testing.assert_allclose(A.relu(x, negative_slope=0.5).data, [-5, -2.5, 0, 5, 10])
    np.testing.assert_allclose(A.relu(x, max_value=5.0).data, [0, 0, 0, 5, 5])
    np.testing.assert_allclose(A.relu(x, threshold=5.0).data, [0, 0, 0, 0, 10])
    np.testing.assert_allclose(A.relu(x, negative_slope=0.5, max_value=10).data, [-5, -2.5, 0, 5, 10])


def test_relu_rejects_negative_max_value():
    with pytest.raises(ValueError, match="max_value"):
        A.relu([1.0], max_value=-1.0)


def test_keras_signatures_and_defaults():
    def defaults(fn):
        return {k: p.default for k, p in inspect.signature(fn).parameters.items() if k != "x"}
    assert defaults(A.relu) == {"negative_slope": 0.0, "max_value": None, "threshold": 0.0}
    assert defaults(A.leaky_relu) == {"negative_slope": 0.2}
    assert defaults(A.elu) == {"alpha": 1.0}
    assert defaults(A.gelu) == {"approximate": False}
    assert defaults(A.softmax) == {"axis": -1}
    assert defaults(A.log_softmax) == {"axis": -1}
    x = np.array([-1.0, 2.0])
    np.testing.assert_allclose(A.leaky_relu(x).data, [-0.2, 2.0])


# --- softmax ------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax_along_axis(axis):
    x = np.random.default_rng(3).normal(size=(3, 4, 5)) * 4
    e = np.exp(x)
    expected = e / e.sum(axis=axis, keepdims=True)
    out = A.softmax(x, axis=axis).data
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(out.sum(axis=axis), 1.0, rtol=1e-12)
    np.testing.assert_allclose(A.log_softmax(x, axis=axis).data, np.log(expected), rtol=1e-12, atol=1e-14)


def test_softmax_over_several_axes():
    x = np.random.default_rng(4).normal(size=(2, 3, 4))
    e = np.exp(x)
    np.testing.assert_allclose(A.softmax(x, axis=(1, 2)).data,
                               e / e.sum(axis=(1, 2), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(A.log_softmax(x, axis=[0, -1]).data,
                               np.log(e / e.sum(axis=(0, 2), keepdims=True)), rtol=1e-12, atol=1e-14)
    gradcheck(lambda t: A.softmax(t, axis=(0, 2)), [x])
    gradcheck(lambda t: A.log_softmax(t, axis=(1, 2)), [x])


@pytest.mark.parametrize("fn", [A.softmax, A.log_softmax, A.crelu])
def test_axis_out_of_range_is_reported(fn):
    with pytest.raises(ValueError, match=r"axis 2 is out of range for an input of rank 2"):
        fn(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="integer axis"):
        fn(np.zeros((2, 3)), axis=1.5)


def test_crelu_concatenates_positive_and_negative_parts():
    x = np.array([[-2.0, 3.0], [1.0, -4.0]])
    np.testing.assert_allclose(A.crelu(x).data, [[0, 3, 2, 0], [1, 0, 0, 4]])
    assert A.crelu(x, axis=0).shape == (4, 2)


def test_sigmoid_and_softmax_record_their_logits():
    x = Tensor(np.array([[0.5, -1.0, 2.0]], dtype=np.float32))
    assert A.sigmoid(x)._keras_logits is x
    assert A.softmax(x)._keras_logits is x
    assert A.softmax(x, axis=1)._keras_logits is x
    assert not hasattr(A.softmax(x, axis=0), "_keras_logits")   # not the class axis
    assert not hasattr(A.softmax(x, axis=(0, 1)), "_keras_logits")
    assert not hasattr(A.tanh(x), "_keras_logits")


# --- get / serialize / deserialize --------------------------------------------------------

def test_get_by_name_none_and_callable():
    assert A.get(None) is A.linear
    assert A.get("relu") is A.relu
    assert A.get("swish") is A.silu and A.get("hard_swish") is A.hard_silu
    custom = lambda x: x  # noqa: E731
    assert A.get(custom) is custom
    assert A.get({"class_name": "function", "config": "gelu"}) is A.gelu


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown activation 'rleu'") as info:
        A.get("rleu")
    for name in ("relu", "softmax", "gelu", "swish", "linear"):
        assert name in str(info.value)


def test_get_rejects_uninterpretable_identifiers():
    with pytest.raises(ValueError, match="could not interpret.*3"):
        A.get(3)
    with pytest.raises(ValueError, match="class_name"):
        A.get({"class_name": "Dense", "config": {}})


@pytest.mark.parametrize("name", ALL_NAMES)
def test_serialize_round_trip(name):
    fn = A.get(name)
    assert A.deserialize(A.serialize(fn)) is fn


def test_serialize_uses_keras_names():
    assert A.serialize(A.swish) == "silu"
    assert A.serialize(A.hard_swish) == "hard_silu"
    assert A.serialize(A.relu) == "relu"


def test_serialize_custom_function_and_deserialize_with_custom_objects():
    def scaled_tanh(x):
        return A.tanh(x) * 2

    assert A.serialize(scaled_tanh) == {"module": "builtins", "class_name": "function",
                                        "config": "scaled_tanh", "registered_name": "function"}
    assert A.deserialize("scaled_tanh", custom_objects={"scaled_tanh": scaled_tanh}) is scaled_tanh
    with pytest.raises(ValueError, match="Unknown activation 'scaled_tanh'"):
        A.deserialize("scaled_tanh")
    with pytest.raises(ValueError, match="named activation function"):
        A.serialize(lambda x: x)
