import re

import numpy as np
import pytest

from neuronet import Tensor, backend
from neuronet.autograd import GradientTape
from neuronet.layers import (ELU, Activation, Dense, Discretization, Dropout, Flatten,
                             GaussianNoise, Lambda, LeakyReLU, Permute, ReLU, RepeatVector,
                             Reshape, Softmax)
from neuronet.layers.spatial_dropout1d import SpatialDropout1D
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops import math as m
from neuronet.ops.dropout import dropout
from neuronet.testing import gradcheck, run_layer_test

# --- the layer contract ----------------------------------------------------------------------

CONTRACT_CASES = [
    # (id, class, init kwargs, input shape, expected output shape, trainable weights)
    ("dense", Dense, {"units": 4}, (6, 3), (6, 4), 2),
    ("dense_3d_tanh", Dense, {"units": 5, "activation": "tanh"}, (4, 3, 2), (4, 3, 5), 2),
    ("dense_no_bias", Dense, {"units": 2, "use_bias": False}, (4, 3), (4, 2), 1),
    ("activation", Activation, {"activation": "sigmoid"}, (4, 3), (4, 3), 0),
    ("relu", ReLU, {}, (4, 3), (4, 3), 0),
    ("relu_options", ReLU, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2},
     (4, 2, 3), (4, 2, 3), 0),
    ("leaky_relu", LeakyReLU, {"negative_slope": 0.1}, (4, 3), (4, 3), 0),
    ("elu", ELU, {"alpha": 0.5}, (4, 3), (4, 3), 0),
    ("softmax", Softmax, {"axis": 1}, (4, 3, 2), (4, 3, 2), 0),
    ("dropout", Dropout, {"rate": 0.5, "seed": 3}, (4, 3), (4, 3), 0),
    ("flatten", Flatten, {}, (4, 3, 2), (4, 6), 0),
    ("flatten_channels_first", Flatten, {"data_format": "channels_first"}, (4, 3, 2, 2),
     (4, 12), 0),
    ("reshape", Reshape, {"target_shape": (2, -1)}, (4, 3, 2), (4, 2, 3), 0),
    ("permute", Permute, {"dims": (2, 1)}, (4, 3, 2), (4, 2, 3), 0),
    ("repeat_vector", RepeatVector, {"n": 3}, (4, 2), (4, 3, 2), 0),
    ("lambda", Lambda, {"function": lambda x: x * x}, (4, 3), (4, 3), 0),
    ("gaussian_noise", GaussianNoise, {"stddev": 0.1, "seed": 2}, (4, 3), (4, 3), 0),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, n_trainable",
                         [c[1:] for c in CONTRACT_CASES], ids=[c[0] for c in CONTRACT_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape, n_trainable):
    layer = run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                           expected_num_trainable_weights=n_trainable,
                           expected_num_non_trainable_weights=0)
    assert layer.built


def test_run_layer_test_catches_a_wrong_shape_and_a_batch_mixing_layer():
    with pytest.raises(AssertionError, match=r"expected output shape \(4, 5\)"):
        run_layer_test(Dense, {"units": 4}, input_shape=(4, 3), expected_output_shape=(4, 5))
    with pytest.raises(AssertionError, match="halves"):
        run_layer_test(Lambda, {"function": lambda x: x - m.mean(x, axis=0)}, input_shape=(4, 3))


def test_run_layer_test_catches_a_weight_without_gradient():
    class Detached(Dense):
        def call(self, inputs):                    # the bias never enters the graph
            return m.matmul(inputs, self.kernel) + self.bias.data

    with pytest.raises(AssertionError, match="receives no gradient"):
        run_layer_test(Detached, {"units": 2}, input_shape=(4, 3))


# --- gradients (float64 finite differences) ---------------------------------------------------

def _away_from(kinks, shape, seed=0):
    """Random inputs at least 0.05 away from the points where a derivative jumps."""
    x = np.random.default_rng(seed).uniform(-3, 3, shape)
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.05, x + 0.1, x)
    return x


def _with_weights(layer, names):
    """fn(x, *weights) calling `layer` with its attributes `names` set to the given tensors."""
    def fn(x, *weights):
        saved = [getattr(layer, n) for n in names]
        for n, w in zip(names, weights):
            setattr(layer, n, w)
        try:
            return layer(x)
        finally:
            for n, w in zip(names, saved):
                setattr(layer, n, w)
    return fn


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4)], ids=["2d", "3d"])
@pytest.mark.parametrize("activation", [None, "tanh", "softmax", "relu"])  # relu: in place
def test_dense_gradcheck_wrt_input_kernel_and_bias(shape, activation):
    layer = Dense(3, activation=activation, dtype="float64")
    x = np.random.default_rng(1).standard_normal(shape)
    layer(x)
    gradcheck(_with_weights(layer, ["kernel", "bias"]), [x, layer.kernel.data, layer.bias.data])


GRAD_CASES = [
    # (id, layer factory (float64), input shape, points where the derivative jumps)
    ("activation_elu", lambda: Activation("elu", dtype="float64"), (3, 4), (0.0,)),
    ("relu", lambda: ReLU(dtype="float64"), (3, 4), (0.0,)),
    ("relu_options", lambda: ReLU(max_value=1.5, negative_slope=0.2, threshold=0.5,
                                  dtype="float64"), (3, 4), (0.0, 0.5, 1.5)),
    ("leaky_relu", lambda: LeakyReLU(dtype="float64"), (3, 4), (0.0,)),
    ("elu", lambda: ELU(alpha=0.7, dtype="float64"), (3, 4), (0.0,)),
    ("softmax_axis1", lambda: Softmax(axis=1, dtype="float64"), (2, 3, 2), ()),
    ("flatten", lambda: Flatten(dtype="float64"), (2, 3, 2), ()),
    ("flatten_channels_first", lambda: Flatten("channels_first", dtype="float64"),
     (2, 3, 2, 2), ()),
    ("reshape", lambda: Reshape((-1, 3), dtype="float64"), (2, 3, 2), ()),
    ("permute", lambda: Permute((3, 1, 2), dtype="float64"), (2, 3, 2, 4), ()),
    ("repeat_vector", lambda: RepeatVector(3, dtype="float64"), (2, 4), ()),
    ("lambda", lambda: Lambda(lambda x: m.exp(x) * x, dtype="float64"), (3, 4), ()),
]


@pytest.mark.parametrize("make, shape, kinks", [c[1:] for c in GRAD_CASES],
                         ids=[c[0] for c in GRAD_CASES])
def test_layer_gradcheck_wrt_input(make, shape, kinks):
    layer = make()
    gradcheck(lambda x: layer(x), [_away_from(kinks, shape)])


def test_dropout_and_gaussian_noise_gradcheck_in_training():
    x = np.random.default_rng(2).standard_normal((4, 5))
    # a fresh seeded layer per evaluation draws the same mask / noise every time
    gradcheck(lambda t: Dropout(0.4, seed=5, dtype="float64")(t, training=True), [x])
    gradcheck(lambda t: GaussianNoise(0.3, seed=5, dtype="float64")(t, training=True), [x])


# --- PyTorch as the oracle -------------------------------------------------------------------

TORCH_ACTIVATIONS = {
    # Keras name -> torch function of the pre-activation
    "linear": lambda t, F: t,
    "relu": lambda t, F: F.relu(t),
    "sigmoid": lambda t, F: F.sigmoid(t),
    "tanh": lambda t, F: F.tanh(t),
    "softmax": lambda t, F: F.softmax(t, dim=-1),
    "log_softmax": lambda t, F: F.log_softmax(t, dim=-1),
    "elu": lambda t, F: F.elu(t),
    "selu": lambda t, F: F.selu(t),
    "softplus": lambda t, F: F.softplus(t),
    "softsign": lambda t, F: F.softsign(t),
    "silu": lambda t, F: F.silu(t),
    "gelu": lambda t, F: F.gelu(t),
    "leaky_relu": lambda t, F: F.leaky_relu(t, 0.2),        # keras.activations default 0.2
    "relu6": lambda t, F: F.relu6(t),
    "hard_sigmoid": lambda t, F: F.hardsigmoid(t),
    "hard_silu": lambda t, F: F.hardswish(t),
    "mish": lambda t, F: F.mish(t),
    "exponential": lambda t, F: t.exp(),
}


def _compare_with_torch(layer, torch_fn, x, weights=()):
    """Forward and gradients (w.r.t. x and `weights`) of `layer` and `torch_fn` agree."""
    torch = pytest.importorskip("torch")
    upstream = np.random.default_rng(9).standard_normal(layer(x).shape).astype(np.float32)
    x_ours = Tensor(x, requires_grad=True)
    with GradientTape() as tape:
        out = layer(x_ours)
        loss = m.sum(out * upstream)
    grads = tape.gradient(loss, [x_ours] + list(weights))

    x_t = torch.tensor(x, requires_grad=True)
    w_t = [torch.tensor(w.data, requires_grad=True) for w in weights]
    out_t = torch_fn(x_t, *w_t)
    (out_t * torch.from_numpy(upstream)).sum().backward()

    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-5, atol=1e-6)
    for ours, theirs in zip(grads, [x_t] + w_t):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours.data, theirs.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", sorted(TORCH_ACTIVATIONS))
def test_dense_with_activation_matches_torch(activation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    layer = Dense(5, activation=activation)
    x = np.random.default_rng(3).standard_normal((6, 2, 4)).astype(np.float32)
    layer(x)
    with np.errstate(all="ignore"):
        _compare_with_torch(
            layer, lambda t, k, b: TORCH_ACTIVATIONS[activation](F.linear(t, k.T, b), F),
            x, [layer.kernel, layer.bias])


@pytest.mark.parametrize("layer, torch_fn", [
    (lambda: ReLU(), lambda t, F: F.relu(t)),
    (lambda: ReLU(max_value=6.0), lambda t, F: F.relu6(t)),
    (lambda: ReLU(max_value=1.0, negative_slope=0.1, threshold=0.5),
     lambda t, F: t.clamp(max=1.0) * (t > 0.5) + 0.1 * (t - 0.5) * (t <= 0.5)),
    (lambda: LeakyReLU(), lambda t, F: F.leaky_relu(t, 0.3)),  # the layer's default is 0.3
    (lambda: ELU(alpha=0.5), lambda t, F: F.elu(t, alpha=0.5)),
    (lambda: Softmax(axis=1), lambda t, F: F.softmax(t, dim=1)),
], ids=["relu", "relu6", "relu_options", "leaky_relu", "elu", "softmax_axis1"])
def test_activation_layers_match_torch(layer, torch_fn):
    torch = pytest.importorskip("torch")
    x = _away_from((0.0, 0.5, 1.0, 6.0), (4, 3, 5)).astype(np.float32) * 3
    _compare_with_torch(layer(), lambda t: torch_fn(t, torch.nn.functional), x)


# --- Dropout and GaussianNoise ---------------------------------------------------------------

def test_dropout_is_the_identity_outside_training():
    x = np.random.default_rng(0).standard_normal((8, 5)).astype(np.float32)
    layer = Dropout(0.5)
    for kwargs in ({}, {"training": False}, {"training": None}):
        np.testing.assert_array_equal(layer(x, **kwargs).data, x)


def test_dropout_zeroes_a_fraction_rate_and_rescales_the_rest():
    x = np.random.default_rng(0).uniform(1, 2, (400, 250)).astype(np.float32)
    out = Dropout(0.3)(x, training=True).data
    assert out.dtype == np.float32
    dropped = out == 0
    assert abs(dropped.mean() - 0.3) < 0.01             # 100,000 draws: 7 standard deviations
    np.testing.assert_allclose(out[~dropped], x[~dropped] / 0.7, rtol=1e-6)


def test_dropout_zeroes_dropped_nan_and_inf_as_keras():
    x = np.full((4, 500), np.nan, np.float32)
    x[:2] = np.inf
    out = Dropout(0.5)(x, training=True).data
    dropped = out == 0
    assert 0.4 < dropped.mean() < 0.6
    assert np.isnan(out[2:][~dropped[2:]]).all() and np.isinf(out[:2][~dropped[:2]]).all()
    spatial = SpatialDropout1D(0.5)(np.full((4, 3, 250), np.nan, np.float32),
                                    training=True).data
    whole_channels = (spatial == 0).all(axis=1)        # a dropped channel: 0 at every step
    assert whole_channels.any() and np.isnan(spatial.transpose(0, 2, 1)[~whole_channels]).all()


def test_dropout_gradient_is_the_mask_over_keep():
    x = Tensor(np.random.default_rng(0).uniform(1, 2, (50, 40)).astype(np.float32),
               requires_grad=True)
    g = np.random.default_rng(1).standard_normal(x.shape).astype(np.float32)
    out = Dropout(0.25)(x, training=True)
    out.backward(g)
    kept = out.data != 0
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, g * kept / 0.75, rtol=1e-6)


def test_dropout_seeds_are_reproducible():
    x = np.ones((20, 30), np.float32)
    first, second = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    a = first(x, training=True).data
    np.testing.assert_array_equal(a, second(x, training=True).data)
    assert not np.array_equal(a, first(x, training=True).data)   # the stream moves on
    backend.set_random_seed(11)
    b = Dropout(0.5)(x, training=True).data
    backend.set_random_seed(11)
    np.testing.assert_array_equal(b, Dropout(0.5)(x, training=True).data)


def test_dropout_noise_shape_shares_the_mask_along_unit_axes():
    x = np.ones((3, 6, 40), np.float32)
    out = Dropout(0.5, noise_shape=(None, 1, None))(x, training=True).data
    assert out.shape == x.shape
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1], x.shape))
    assert 0 < (out == 0).mean() < 1
    with pytest.raises(ValueError, match=r"noise_shape \(3, 2, 40\).*\(3, 6, 40\)"):
        Dropout(0.5, noise_shape=(3, 2, 40))(x, training=True)


def test_dropout_rate_validation_and_extremes():
    for bad in (-0.1, 1.5, "0.5", None):
        with pytest.raises(ValueError, match="'rate'"):
            Dropout(bad)
    x = np.ones((4, 3), np.float32)
    np.testing.assert_array_equal(Dropout(1.0)(x, training=True).data, np.zeros_like(x))
    np.testing.assert_array_equal(Dropout(0.0)(x, training=True).data, x)
    with pytest.raises(ValueError, match="'rate'"):
        dropout(Tensor(x), 2.0)


def test_gaussian_noise_only_in_training_with_the_given_stddev():
    x = np.zeros((200, 100), np.float32)
    layer = GaussianNoise(0.5)
    np.testing.assert_array_equal(layer(x).data, x)
    noisy = layer(x, training=True).data
    assert noisy.dtype == np.float32
    assert abs(noisy.std() - 0.5) < 0.01 and abs(noisy.mean()) < 0.01
    np.testing.assert_array_equal(GaussianNoise(0.5, seed=4)(x, training=True).data,
                                  GaussianNoise(0.5, seed=4)(x, training=True).data)
    with pytest.raises(ValueError, match="'stddev'.*-1"):
        GaussianNoise(-1)


# --- shape layers ----------------------------------------------------------------------------

def test_reshape_values_inferred_axis_and_errors():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(Reshape((-1, 2))(x).data, x.reshape(2, 6, 2))
    np.testing.assert_array_equal(Reshape((4, 3))(x).data, x.reshape(2, 4, 3))
    assert Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert Reshape((-1,)).compute_output_shape((None, None, 3)) == (None, None)
    with pytest.raises(ValueError, match=re.escape("(2, 3, 4) (12 values per sample) into "
                                                   "target_shape (5,)")):
        Reshape((5,))(x)
    with pytest.raises(ValueError, match=r"target_shape \(5, -1\)"):
        Reshape((5, -1))(x)
    with pytest.raises(ValueError, match="target_shape \\(5,\\)"):
        Reshape((5,))(SymbolicTensor((None, 3, 4)))
    for bad in ((-1, -1), (0, 3), (2.5,)):
        with pytest.raises(ValueError, match="at most one -1"):
            Reshape(bad)
    with pytest.raises(TypeError, match="'target_shape'"):
        Reshape(5)


def test_permute_values_and_errors():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(Permute((3, 1, 2))(x).data, x.transpose(0, 3, 1, 2))
    assert Permute((2, 1)).compute_output_shape((None, 3, 4)) == (None, 4, 3)
    for bad in ((1, 3), (0, 1), (1, 1)):
        with pytest.raises(ValueError, match="permutation"):
            Permute(bad)
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=4"):
        Permute((2, 1))(x)


def test_flatten_values_and_data_format():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(Flatten()(x).data, x.reshape(2, 60))
    np.testing.assert_array_equal(Flatten("channels_first")(x).data,
                                  x.transpose(0, 2, 3, 1).reshape(2, 60))
    assert Flatten()(np.ones(5, np.float32)).shape == (5, 1)
    assert Flatten().compute_output_shape((None, None, 3)) == (None, None)
    with pytest.raises(ValueError, match="channels_last.*channels_first.*'NHWC'"):
        Flatten("NHWC")


def test_repeat_vector_values_and_errors():
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    out = RepeatVector(3)(x).data
    assert out.shape == (2, 3, 4) and out.dtype == np.float32
    for t in range(3):
        np.testing.assert_array_equal(out[:, t], x)
    for bad in (0, 2.0, "3"):
        with pytest.raises(ValueError, match="'n'"):
            RepeatVector(bad)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        RepeatVector(3)(out)


# --- Lambda ----------------------------------------------------------------------------------

def test_lambda_arguments_training_and_output_shape():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    scaled = Lambda(lambda t, factor: t * factor, arguments={"factor": 3.0})
    np.testing.assert_allclose(scaled(x).data, 3 * x, rtol=1e-6)

    def flag(t, training=None):
        return t * (2.0 if training else 1.0)
    np.testing.assert_allclose(Lambda(flag)(x, training=True).data, 2 * x, rtol=1e-6)
    np.testing.assert_allclose(Lambda(flag)(x).data, x, rtol=1e-6)

    concat = Lambda(lambda t: m.concatenate([t, t], axis=-1))
    assert concat(SymbolicTensor((None, 4))).shape == (None, 8)          # inferred
    assert Lambda(lambda t: t, output_shape=(7,)).compute_output_shape((None, 4)) == (None, 7)
    assert Lambda(lambda t: t, output_shape=lambda s: s[:1] + (9,)).compute_output_shape(
        (None, 4)) == (None, 9)
    with pytest.raises(TypeError, match="'function'"):
        Lambda("x ** 2")


def test_lambda_masks_follow_keras(real_keras):
    """mask=None drops the incoming mask; a function computes the output's from the inputs
    and the incoming one; a `mask` parameter of the function receives the incoming one."""
    import neuronet
    ids = np.array([[4, 2, 7, 0, 0], [3, 9, 1, 5, 0]])

    def build(library):
        embedding = library.layers.Embedding(10, 3, mask_zero=True)
        zeroed = library.layers.Lambda(lambda x, mask: x * mask[..., None].astype("float32"),
                                       mask=lambda inputs, mask: mask[:, ::-1])
        return embedding, zeroed
    theirs, ours = build(real_keras), build(neuronet)
    theirs[0].build((None, 5))
    ours[0].build((None, 5))
    ours[0].set_weights(theirs[0].get_weights())
    expected = theirs[1](theirs[0](ids))
    got = ours[1](ours[0](ids))
    np.testing.assert_allclose(got.data, np.asarray(expected), rtol=1e-6)
    assert not got.data[0, 3:].any()                                   # the masked steps
    np.testing.assert_array_equal(np.asarray(got._keras_mask), (ids != 0)[:, ::-1])
    np.testing.assert_array_equal(np.asarray(got._keras_mask), np.asarray(expected._keras_mask))

    assert getattr(Lambda(lambda x: x * 2.0)(ours[0](ids)), "_keras_mask", None) is None
    fixed = np.array([[True, False, True, False, True]] * 2)
    np.testing.assert_array_equal(Lambda(lambda x: x, mask=fixed)(ours[0](ids))._keras_mask,
                                  fixed)


# --- errors, dtypes, Dense arguments ---------------------------------------------------------

def test_dense_input_spec_error_names_the_layer_and_both_shapes():
    layer = Dense(10)
    layer(np.zeros((2, 784), np.float32))
    expected = ("Input 0 of layer '{}' is incompatible with the layer: expected axis -1 of "
                "input shape to have value 784, but received input with shape {}")
    with pytest.raises(ValueError, match=re.escape(expected.format(layer.name, "(2, 28, 28)"))):
        layer(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match=re.escape(expected.format(layer.name, "(None, 28, 28)"))):
        layer(SymbolicTensor((None, 28, 28)))
    assert re.fullmatch(r"dense(_\d+)?", layer.name)


def test_dense_checks_its_rank_before_building():
    with pytest.raises(ValueError, match=r"expected min_ndim=2, found ndim=1"):
        Dense(3)(np.ones(4, np.float32))


def test_nan_and_inf_inputs_pass_through_as_in_keras():
    x = np.ones((2, 4), np.float32)
    x[1, 2], x[0, 0] = np.nan, np.inf
    assert np.isinf(Dense(1, kernel_initializer="ones")(x).numpy()[0, 0])
    assert np.isnan(Dense(1, kernel_initializer="ones")(x).numpy()[1, 0])
    np.testing.assert_array_equal(Flatten()(x).numpy(), x)
    assert Discretization(bin_boundaries=[0.0, 1.0])(
        np.array([np.nan, np.inf, -np.inf], np.float32)).numpy().tolist() == [2, 2, 0]


def test_float32_stays_float32_end_to_end():
    x64 = np.random.default_rng(0).standard_normal((5, 4))            # float64 data
    layers = [Dense(6, activation="relu"), Dropout(0.2), Reshape((2, 3)), Permute((2, 1)),
              Flatten(), LeakyReLU(), Dense(3), Softmax()]
    with GradientTape() as tape:
        out = x64
        for layer in layers:
            out = layer(out, training=True)
            assert out.dtype == np.float32, type(layer).__name__
        loss = m.mean(m.square(out))
    assert loss.dtype == np.float32
    weights = [w for layer in layers for w in layer.trainable_weights]
    assert len(weights) == 4
    for w, g in zip(weights, tape.gradient(loss, weights)):
        assert w.dtype == np.float32 and g.dtype == np.float32


def test_layers_keep_float64_when_asked():
    out = Dense(2, dtype="float64")(np.ones((3, 4)))
    assert out.dtype == np.float64


@pytest.mark.parametrize("units", [0, -3, 2.5, "4", True, None])
def test_dense_rejects_bad_units(units):
    with pytest.raises(ValueError, match=re.escape(f"'units', received units={units!r}")):
        Dense(units)


def test_dense_argument_validation():
    assert Dense(np.int64(3)).units == 3
    with pytest.raises(ValueError, match="relu"):               # lists the valid names
        Dense(3, activation="rleu")
    with pytest.raises(ValueError, match="glorot_uniform"):
        Dense(3, kernel_initializer="glorot")
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Dense: "
                                         r"\{'unit': 4\}"):           # Keras' error and type
        Dense(3, unit=4)


def test_activation_layer_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown activation 'rleu'.*relu"):
        Activation("rleu")


def test_relu_and_leaky_relu_argument_validation_and_defaults():
    assert LeakyReLU().negative_slope == 0.3
    with pytest.warns(DeprecationWarning, match="alpha"):
        assert LeakyReLU(alpha=0.1).negative_slope == 0.1
    with pytest.raises(ValueError, match="'negative_slope'"):
        LeakyReLU(-0.1)
    with pytest.raises(ValueError, match="'max_value'"):
        ReLU(max_value=-1)
    with pytest.raises(ValueError, match="'negative_slope'"):
        ReLU(negative_slope=-0.5)
    np.testing.assert_allclose(LeakyReLU()(np.array([[-2.0, 3.0]])).data, [[-0.6, 3.0]],
                               rtol=1e-6)


def test_softmax_mask_gives_zero_probability_to_masked_positions():
    x = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], np.float32)
    mask = np.array([[True, False, True], [False, False, False]])
    out = Softmax()(x, mask=mask).data
    e = np.exp([1.0, 3.0])
    np.testing.assert_allclose(out[0], [e[0] / e.sum(), 0.0, e[1] / e.sum()], rtol=1e-6)
    np.testing.assert_array_equal(out[1], [0.0, 0.0, 0.0])


def test_symbolic_calls_infer_shapes():
    x = SymbolicTensor((None, 8, 3))
    assert Flatten()(x).shape == (None, 24)
    assert Reshape((4, -1))(x).shape == (None, 4, 6)
    assert Permute((2, 1))(x).shape == (None, 3, 8)
    assert Dense(5)(x).shape == (None, 8, 5)
    assert RepeatVector(2)(SymbolicTensor((None, 3))).shape == (None, 2, 3)
