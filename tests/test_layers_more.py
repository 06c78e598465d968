"""LayerNormalization, GroupNormalization, UnitNormalization, Normalization, Identity, PReLU,
ActivityRegularization, SpatialDropout1D, UpSampling1D, ZeroPadding1D and Cropping1D."""
import json

import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.autograd import GradientTape, Tensor
from neuronet.ops import math as m
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0, scale=1.0, shift=0.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale + shift


def _away_from_zero(*shape, seed=0):
    """Random values with |x| >= 0.1 (the kink of PReLU and of the L1 penalty is at 0)."""
    x = _normal(*shape, seed=seed)
    return np.where(np.abs(x) < 0.1, x + np.sign(x + 1e-12) * 0.2, x)


def _call_with(layer, names):
    """fn(x, *weights): `layer` called on x with its attributes `names` replaced by the
    given Tensors, so that gradcheck differentiates with respect to them too."""
    def fn(x, *weights):
        saved = [getattr(layer, name) for name in names]
        for name, weight in zip(names, weights):
            setattr(layer, name, weight)
        try:
            return layer(x)
        finally:
            for name, weight in zip(names, saved):
                setattr(layer, name, weight)
    return fn


def _random_weights(layer, seed=1):
    """Give every weight of a built layer random values (1 + noise for gamma-like ones)."""
    layer.set_weights([_normal(*w.shape, seed=seed + i, scale=0.5, shift=1.0 if i == 0 else 0.0)
                       .astype(w.dtype) for i, w in enumerate(layer.weights)])


# --- gradients (float64 finite differences) ---------------------------------------------------

@pytest.mark.parametrize("make, shape", [
    (lambda: layers.LayerNormalization(dtype="float64"), (3, 5)),
    (lambda: layers.LayerNormalization(axis=[1, 2], dtype="float64"), (2, 3, 4)),
    (lambda: layers.LayerNormalization(axis=1, epsilon=0.1, dtype="float64"), (2, 3, 4)),
    (lambda: layers.GroupNormalization(3, dtype="float64"), (2, 3, 6)),
    (lambda: layers.GroupNormalization(2, axis=1, dtype="float64"), (2, 4, 3, 2)),
    (lambda: layers.GroupNormalization(-1, dtype="float64"), (2, 4, 3)),
], ids=["ln", "ln_two_axes", "ln_axis1", "gn", "gn_channels_first", "gn_instance"])
def test_affine_normalization_gradcheck_wrt_input_gamma_and_beta(make, shape):
    layer = make()
    x = _normal(*shape, scale=2.0, shift=1.0)
    layer(x)
    _random_weights(layer)
    gradcheck(_call_with(layer, ["gamma", "beta"]), [x, layer.gamma.data, layer.beta.data])


def test_normalization_without_scale_or_center_gradcheck():
    for kwargs in ({"scale": False}, {"center": False}, {"scale": False, "center": False}):
        layer = layers.LayerNormalization(dtype="float64", **kwargs)
        gradcheck(lambda x: layer(x), [_normal(3, 4, shift=2.0)])
        assert len(layer.weights) == 2 - len(kwargs)


def test_prelu_gradcheck_wrt_input_and_alpha():
    for shape, shared in [((3, 4), None), ((2, 3, 4), [1]), ((2, 3, 2, 2), (1, 2))]:
        layer = layers.PReLU(shared_axes=shared, dtype="float64")
        x = _away_from_zero(*shape)
        layer(x)
        alpha = _normal(*layer.alpha.shape, seed=3, scale=0.5)
        gradcheck(_call_with(layer, ["alpha"]), [x, alpha])


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.UnitNormalization(dtype="float64"), (3, 4)),
    (lambda: layers.UnitNormalization(axis=[1, 2], dtype="float64"), (2, 3, 4)),
    (lambda: layers.Normalization(mean=[1.0, -2.0, 0.5], variance=[4.0, 0.25, 1.0],
                                  dtype="float64"), (4, 3)),
    (lambda: layers.Normalization(mean=2.0, variance=9.0, invert=True, dtype="float64"),
     (4, 3)),
    (lambda: layers.UpSampling1D(3, dtype="float64"), (2, 3, 2)),
    (lambda: layers.ZeroPadding1D((1, 2), dtype="float64"), (2, 3, 2)),
    (lambda: layers.ZeroPadding1D(1, data_format="channels_first", dtype="float64"), (2, 3, 2)),
    (lambda: layers.Cropping1D((1, 2), dtype="float64"), (2, 5, 2)),
    (lambda: layers.Identity(dtype="float64"), (2, 3)),
], ids=["unit", "unit_two_axes", "normalization", "normalization_invert", "up_sampling1d",
        "zero_padding1d", "zero_padding1d_channels_first", "cropping1d", "identity"])
def test_layer_gradcheck_wrt_input(make, shape):
    layer = make()
    gradcheck(lambda x: layer(x), [_normal(*shape, scale=2.0)])


def test_spatial_dropout1d_gradcheck_in_training():
    x = _normal(3, 4, 5)
    # a fresh seeded layer per evaluation draws the same mask every time
    gradcheck(lambda t: layers.SpatialDropout1D(0.4, seed=5, dtype="float64")(t, training=True),
              [x])


def test_activity_regularization_penalty_gradcheck():
    def penalty(x):
        layer = layers.ActivityRegularization(l1=0.3, l2=0.2, dtype="float64")
        layer(x)
        (loss,) = layer.losses
        return loss
    gradcheck(penalty, [_away_from_zero(4, 3)])


# --- values: PyTorch as the oracle --------------------------------------------------------------

def _compare_with_torch(layer, torch_fn, x, weights=()):
    """Forward and gradients (w.r.t. x and `weights`) of `layer` and `torch_fn` agree (float32)."""
    torch = pytest.importorskip("torch")
    upstream = _normal(*layer(x).shape, seed=9).astype(np.float32)
    x_ours = Tensor(x, requires_grad=True)
    with GradientTape() as tape:
        out = layer(x_ours)
        loss = m.sum(m.multiply(out, upstream))
    grads = tape.gradient(loss, [x_ours] + list(weights))

    x_t = torch.tensor(x, requires_grad=True)
    w_t = [torch.tensor(w.data, requires_grad=True) for w in weights]
    out_t = torch_fn(torch.nn.functional, x_t, *w_t)
    (out_t * torch.from_numpy(upstream)).sum().backward()

    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-5, atol=1e-5)
    for ours, theirs in zip(grads, [x_t] + w_t):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours.data, theirs.grad.numpy(), rtol=1e-5, atol=1e-5)


def _channels_first(t):
    return t.transpose(1, -1)                       # (n, ..., c) <-> (n, c, ..., ) for rank 3


@pytest.mark.parametrize("make, shape, torch_fn", [
    (lambda: layers.LayerNormalization(), (4, 6),
     lambda F, x, g, b: F.layer_norm(x, (6,), g, b, eps=1e-3)),
    (lambda: layers.LayerNormalization(axis=[1, 2], epsilon=1e-5), (2, 3, 4),
     lambda F, x, g, b: F.layer_norm(x, (3, 4), g, b, eps=1e-5)),
    (lambda: layers.GroupNormalization(2, axis=1), (3, 4, 5),
     lambda F, x, g, b: F.group_norm(x, 2, g, b, eps=1e-3)),
    (lambda: layers.GroupNormalization(3), (3, 5, 6),      # channels last
     lambda F, x, g, b: _channels_first(F.group_norm(_channels_first(x), 3, g, b, eps=1e-3))),
], ids=["layer_norm", "layer_norm_two_axes", "group_norm", "group_norm_channels_last"])
def test_normalization_layers_match_torch(make, shape, torch_fn):
    layer = make()
    x = _normal(*shape, scale=3.0, shift=2.0).astype(np.float32)
    layer(x)
    _random_weights(layer)
    _compare_with_torch(layer, torch_fn, x, [layer.gamma, layer.beta])


def test_prelu_matches_torch():
    per_feature = layers.PReLU()
    x = _normal(5, 4, seed=2).astype(np.float32)
    per_feature(x)
    per_feature.set_weights([_normal(4, seed=3).astype(np.float32)])
    _compare_with_torch(per_feature, lambda F, x, a: F.prelu(x, a), x, [per_feature.alpha])

    per_channel = layers.PReLU(shared_axes=1)                 # one slope per channel
    x = _normal(3, 5, 4, seed=4).astype(np.float32)
    per_channel(x)
    assert per_channel.alpha.shape == (1, 4)
    per_channel.set_weights([_normal(1, 4, seed=5).astype(np.float32)])
    _compare_with_torch(per_channel,
                        lambda F, x, a: _channels_first(F.prelu(_channels_first(x), a[0])),
                        x, [per_channel.alpha])


def test_unit_normalization_matches_torch():
    x = _normal(4, 3, 5, seed=6).astype(np.float32)
    _compare_with_torch(layers.UnitNormalization(), lambda F, x: F.normalize(x, dim=-1), x)
    _compare_with_torch(layers.UnitNormalization(axis=1), lambda F, x: F.normalize(x, dim=1), x)


def test_unit_normalization_gives_norm_one_and_keeps_zero_vectors_finite():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)
    out = layers.UnitNormalization()(x).data
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    assert out.dtype == np.float32


def test_group_normalization_with_one_group_per_sample_equals_layer_norm_over_all_axes():
    x = _normal(3, 4, 6, scale=2.0).astype(np.float32)
    grouped = layers.GroupNormalization(1)(x).data
    whole = layers.LayerNormalization(axis=[1, 2])(x).data
    np.testing.assert_allclose(grouped, whole, rtol=1e-5, atol=1e-6)


def test_layer_normalization_standardizes_each_sample():
    x = _normal(5, 8, scale=4.0, shift=-3.0).astype(np.float32)
    out = layers.LayerNormalization(epsilon=1e-6)(x).data
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-6)
    np.testing.assert_allclose(out.var(axis=1), 1, rtol=1e-4)


# --- Normalization: adapt, given statistics, invert ------------------------------------------

@pytest.mark.parametrize("axis, shape, kept", [(-1, (50, 3), (1,)), (None, (50, 3), ()),
                                               (1, (20, 3, 4), (1,)),
                                               ((1, 2), (20, 3, 4), (1, 2))])
def test_adapt_computes_numpy_mean_and_variance_per_kept_index(axis, shape, kept):
    data = _normal(*shape, scale=3.0, shift=5.0).astype(np.float32)
    layer = layers.Normalization(axis=axis)
    layer.adapt(data)                                       # builds the layer
    reduced = tuple(a for a in range(len(shape)) if a not in kept)
    mean, variance = data.mean(axis=reduced), data.var(axis=reduced)
    np.testing.assert_allclose(layer.adapt_mean.data, mean, rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.data, variance, rtol=1e-5)
    assert int(layer.count.data) == data.size // max(mean.size, 1)
    out = layer(data[:4]).data
    broadcast = [shape[a] if a in kept else 1 for a in range(len(shape))]
    expected = (data[:4] - mean.reshape(broadcast)) / np.sqrt(variance.reshape(broadcast))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert out.dtype == np.float32
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert not layer.trainable_weights
    np.testing.assert_allclose(layer.mean, mean.reshape(broadcast), rtol=1e-5)   # Keras' names
    np.testing.assert_allclose(layer.variance, variance.reshape(broadcast), rtol=1e-5)


def test_mean_and_variance_attributes_follow_keras():
    assert layers.Normalization().mean is None                  # not built yet
    given = layers.Normalization(mean=2.0, variance=4.0)
    given.build((None, 1))
    np.testing.assert_array_equal(given.mean, [[2.0]])
    np.testing.assert_array_equal(given.variance, [[4.0]])


def test_adapt_keras_docstring_examples():
    layer = layers.Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32))
    np.testing.assert_allclose(layer(np.array([1.0, 2.0, 3.0], np.float32)).data,
                               [-1.4142135, -0.70710677, 0.0], rtol=1e-6)
    data = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0]] * 2, np.float32)
    layer = layers.Normalization(axis=-1)
    layer.adapt(data)
    np.testing.assert_allclose(layer(data[:1]).data, [[-1.0, -1.0, -1.0]], rtol=1e-6)
    inverse = layers.Normalization(axis=-1, invert=True)
    inverse.adapt(data)
    np.testing.assert_allclose(inverse(np.array([[1.0, 2.0, 3.0]], np.float32)).data,
                               [[2.0, 10.0, 8.0]], rtol=1e-6)


def test_given_mean_and_variance_need_no_adapt_and_invert_undoes_them():
    x = _normal(6, 2, 3, seed=3).astype(np.float32)
    forward = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])
    out = forward(x).data
    np.testing.assert_allclose(out, (x - [1.0, 2.0, 3.0]) / [2.0, 1.0, 0.5], rtol=1e-6)
    assert not forward.weights
    back = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=True)
    np.testing.assert_allclose(back(out).data, x, rtol=1e-5, atol=1e-6)
    scalar = layers.Normalization(mean=3.0, variance=2.0)
    np.testing.assert_allclose(scalar(np.array([[1.0], [2.0], [3.0]], np.float32)).data,
                               [[-1.4142135], [-0.70710677], [0.0]], rtol=1e-6)


def test_constant_feature_is_divided_by_epsilon_not_zero_and_ints_become_floats():
    layer = layers.Normalization()
    layer.adapt(np.array([[1, 5], [3, 5]]))
    out = layer(np.array([[2, 5]])).data
    np.testing.assert_array_equal(out, [[0.0, 0.0]])
    assert out.dtype == np.float32


def test_adapted_normalization_in_a_saved_model_keeps_its_statistics(tmp_path):
    data = _normal(40, 3, scale=2.0, shift=4.0).astype(np.float32)
    norm = layers.Normalization()
    norm.adapt(data)
    model = nn.Sequential([layers.Input((3,)), norm, layers.Dense(2)])
    model.save(tmp_path / "model.keras")
    loaded = nn.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded.layers[0].adapt_mean.data, data.mean(axis=0), rtol=1e-5)
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), model.predict(data, verbose=0))


def test_normalization_matches_keras(real_keras):
    keras = real_keras
    data = _normal(30, 3, 4, scale=2.0, shift=1.0).astype(np.float32)
    for kwargs in ({}, {"axis": None}, {"axis": (1, 2)}, {"axis": 1, "invert": True}):
        ours, theirs = layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
        ours.adapt(data)
        theirs.adapt(data)
        np.testing.assert_allclose(ours(data[:5]).data, np.asarray(theirs(data[:5])),
                                   rtol=1e-5, atol=1e-5, err_msg=str(kwargs))
    given = {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0], "axis": 1}
    np.testing.assert_allclose(layers.Normalization(**given)(data).data,
                               np.asarray(keras.layers.Normalization(**given)(data)), rtol=1e-6)


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # Keras' own
def test_keras_files_with_these_layers_load_both_ways(real_keras, tmp_path):
    keras = real_keras
    x = _normal(6, 6, 4, seed=8).astype(np.float32)
    norm = keras.layers.Normalization()
    norm.adapt(x)
    inputs = keras.Input((6, 4))
    h = keras.layers.LayerNormalization(gamma_initializer="random_normal",
                                        beta_initializer="random_normal")(norm(inputs))
    h = keras.layers.GroupNormalization(2, gamma_initializer="random_normal")(h)
    h = keras.layers.PReLU(alpha_initializer="random_normal", shared_axes=[1])(h)
    h = keras.layers.UnitNormalization()(keras.layers.ActivityRegularization(0.01, 0.01)(h))
    h = keras.layers.Cropping1D((1, 2))(keras.layers.ZeroPadding1D(2)(h))
    h = keras.layers.UpSampling1D(2)(keras.layers.SpatialDropout1D(0.2)(h))
    h = keras.layers.Identity()(h)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(h)))
    expected = np.asarray(model.predict(x, verbose=0))
    model.save(tmp_path / "keras.keras")

    ours = nn.models.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    ours.save(tmp_path / "ours.keras")
    theirs = keras.models.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)), expected, rtol=1e-5,
                               atol=1e-6)


# --- the other layers' values ------------------------------------------------------------------

def test_one_dimensional_reshaping_layers_match_keras_examples():
    x = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    padded = layers.ZeroPadding1D(padding=2)(x).data
    assert padded.shape == (2, 6, 3)
    np.testing.assert_array_equal(padded[:, 2:4], x)
    assert not padded[:, :2].any() and not padded[:, 4:].any()
    first = layers.ZeroPadding1D((0, 1), data_format="channels_first")(x).data
    np.testing.assert_array_equal(first, np.concatenate([x, np.zeros((2, 2, 1))], axis=2))

    steps = np.arange(10, dtype=np.float32).reshape(1, 5, 2)
    np.testing.assert_array_equal(layers.Cropping1D((1, 2))(steps).data, steps[:, 1:3])
    np.testing.assert_array_equal(layers.Cropping1D(0)(steps).data, steps)
    np.testing.assert_array_equal(layers.UpSampling1D(2)(steps[:, :2]).data,
                                  [[[0, 1], [0, 1], [2, 3], [2, 3]]])


def test_spatial_dropout1d_drops_whole_channels_in_training_only():
    x = np.ones((8, 20, 6), np.float32)
    out = layers.SpatialDropout1D(0.5, seed=1)(x, training=True).data
    per_channel = out[:, :1, :]                               # the same at every step
    np.testing.assert_array_equal(out, np.broadcast_to(per_channel, out.shape))
    assert set(np.unique(out)) == {0.0, 2.0}                  # dropped, or kept and scaled by 2
    np.testing.assert_array_equal(layers.SpatialDropout1D(0.5)(x).data, x)   # inference
    nn.backend.set_random_seed(3)
    first = layers.SpatialDropout1D(0.5)(x, training=True).data
    nn.backend.set_random_seed(3)
    np.testing.assert_array_equal(layers.SpatialDropout1D(0.5)(x, training=True).data, first)


def test_activity_regularization_adds_its_penalty_to_the_loss():
    x = _normal(4, 3, seed=4).astype(np.float32)
    layer = layers.ActivityRegularization(l1=0.1, l2=0.2)
    out = layer(x)
    np.testing.assert_array_equal(out.data, x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()) / len(x)
    (penalty,) = layer.losses
    np.testing.assert_allclose(penalty.item(), expected, rtol=1e-5)

    model = nn.Sequential([layers.Input((3,)), layers.ActivityRegularization(l1=0.1, l2=0.2),
                           layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mse")
    y = _normal(4, 1, seed=5).astype(np.float32)
    loss = model.evaluate(x, y, batch_size=4, verbose=0)
    np.testing.assert_allclose(loss, np.mean(y ** 2) + expected, rtol=1e-5)


def test_identity_returns_its_inputs():
    x = _normal(2, 3).astype(np.float32)
    np.testing.assert_array_equal(layers.Identity()(x).data, x)
    inputs = nn.Input((3,))
    assert layers.Identity()(inputs).shape == (None, 3)


# --- the layer contract ------------------------------------------------------------------------

CONTRACTS = [
    # (layer class, init kwargs, input shape, output shape, trainable, non-trainable weights)
    (layers.LayerNormalization, {}, (4, 5), (4, 5), 2, 0),
    (layers.LayerNormalization, {"axis": [1, 2], "center": False}, (4, 2, 3), (4, 2, 3), 1, 0),
    (layers.GroupNormalization, {"groups": 2}, (4, 3, 4), (4, 3, 4), 2, 0),
    (layers.UnitNormalization, {"axis": [1, 2]}, (4, 2, 3), (4, 2, 3), 0, 0),
    (layers.Normalization, {}, (4, 3), (4, 3), 0, 3),
    (layers.Normalization, {"mean": [0.5, 1.0], "variance": [2.0, 3.0]}, (4, 3, 2), (4, 3, 2),
     0, 0),
    (layers.Identity, {}, (4, 3), (4, 3), 0, 0),
    (layers.PReLU, {"alpha_initializer": "ones", "shared_axes": [1]}, (4, 3, 2), (4, 3, 2),
     1, 0),
    (layers.ActivityRegularization, {"l1": 0.01}, (4, 3), (4, 3), 0, 0),
    (layers.SpatialDropout1D, {"rate": 0.5}, (4, 3, 2), (4, 3, 2), 0, 0),
    (layers.UpSampling1D, {"size": 3}, (4, 3, 2), (4, 9, 2), 0, 0),
    (layers.ZeroPadding1D, {"padding": (1, 2)}, (4, 3, 2), (4, 6, 2), 0, 0),
    (layers.Cropping1D, {"cropping": 1}, (4, 5, 2), (4, 3, 2), 0, 0),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, trainable, non_trainable", CONTRACTS,
                         ids=[c[0].__name__ for c in CONTRACTS])
def test_layer_contract(cls, kwargs, shape, out_shape, trainable, non_trainable):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=trainable,
                   expected_num_non_trainable_weights=non_trainable)


@pytest.mark.parametrize("cls, kwargs, shape", [c[:3] for c in CONTRACTS],
                         ids=[c[0].__name__ for c in CONTRACTS])
def test_json_config_round_trip_gives_equal_outputs(cls, kwargs, shape):
    x = _normal(*shape, seed=7).astype(np.float32)
    layer = cls(**kwargs)
    layer(x)
    if layer.trainable_weights:
        _random_weights(layer)
    config = json.loads(json.dumps(layer.get_config()))     # what a saved file holds
    clone = cls.from_config(config)
    clone(x)
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == layer.get_config()
    np.testing.assert_array_equal(clone(x).data, layer(x).data)


def test_weight_names_shapes_and_defaults_follow_keras():
    ln = layers.LayerNormalization()
    ln.build((None, 3, 4))
    assert [(w.name, w.shape) for w in ln.weights] == [("gamma", (4,)), ("beta", (4,))]
    np.testing.assert_array_equal(ln.gamma.data, np.ones(4))
    assert ln.epsilon == 1e-3
    gn = layers.GroupNormalization()
    assert (gn.groups, gn.axis, gn.epsilon) == (32, -1, 1e-3)
    prelu = layers.PReLU(shared_axes=[1, 2])
    prelu.build((None, 5, 5, 3))
    assert prelu.alpha.shape == (1, 1, 3) and not prelu.alpha.data.any()     # zeros
    assert layers.Cropping1D().cropping == (1, 1)
    assert layers.ZeroPadding1D().padding == (1, 1)
    assert layers.UpSampling1D().size == 2
    config = layers.Normalization().get_config()
    assert (config["axis"], config["mean"], config["variance"]) == ((-1,), None, None)
    assert layers.LayerNormalization(rms_scaling=False).get_config()["axis"] == -1


def test_layer_normalization_weights_obey_regularizers_and_constraints():
    layer = layers.LayerNormalization(gamma_regularizer=nn.regularizers.L2(0.5),
                                      beta_constraint="non_neg")
    layer(np.ones((2, 3), np.float32))
    (penalty,) = layer.losses
    np.testing.assert_allclose(penalty.item(), 0.5 * 3)        # gamma starts at ones
    assert layer.beta.constraint is not None
    assert layer.get_config()["beta_constraint"]["class_name"] == "NonNeg"


# --- masks ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, passes", [
    (lambda: layers.LayerNormalization(), True),
    (lambda: layers.GroupNormalization(2), True),
    (lambda: layers.UnitNormalization(), True),
    (lambda: layers.Normalization(), True),
    (lambda: layers.Identity(), True),
    (lambda: layers.PReLU(), True),
    (lambda: layers.ActivityRegularization(l2=0.1), True),
    (lambda: layers.SpatialDropout1D(0.5), True),
    (lambda: layers.UpSampling1D(), False),                  # Keras: no mask support
    (lambda: layers.ZeroPadding1D(), False),
    (lambda: layers.Cropping1D(), False),
], ids=["layer_norm", "group_norm", "unit_norm", "normalization", "identity", "prelu",
        "activity_regularization", "spatial_dropout1d", "up_sampling1d", "zero_padding1d",
        "cropping1d"])
def test_mask_passes_through_where_keras_supports_it(make, passes):
    x = _normal(2, 5, 4).astype(np.float32)
    x[0, 3:] = 0.0                                           # padding steps
    masked = layers.Masking()(x)
    out = make()(masked, training=True)
    mask = getattr(out, "_keras_mask", None)
    if passes:
        np.testing.assert_array_equal(mask, [[True] * 3 + [False] * 2, [True] * 5])
    else:
        assert mask is None


# --- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("make, match", [
    (lambda: layers.LayerNormalization(axis="last"), r"LayerNormalization.*'axis'.*axis='last'"),
    (lambda: layers.LayerNormalization(epsilon=0), r"LayerNormalization.*'epsilon'.*epsilon=0"),
    (lambda: layers.LayerNormalization(rms_scaling=True), r"LayerNormalization.*rms_scaling"),
    (lambda: layers.GroupNormalization(groups=0), r"GroupNormalization.*'groups'.*groups=0"),
    (lambda: layers.GroupNormalization(axis=[1, 2]), r"GroupNormalization.*an int.*axis=\[1, 2\]"),
    (lambda: layers.UnitNormalization(axis=1.5), r"UnitNormalization.*'axis'.*axis=1.5"),
    (lambda: layers.Normalization(axis="x"), r"Normalization.*'axis'.*axis='x'"),
    (lambda: layers.Normalization(mean=1.0), r"Normalization.*'mean' and 'variance'"),
    (lambda: layers.Normalization(mean=[1, 2], variance=[1]), r"same shape.*\(2,\) and \(1,\)"),
    (lambda: layers.Normalization(mean=[[1.0]], variance=[[1.0]]), r"rank at most 1.*\(1, 1\)"),
    (lambda: layers.Normalization(mean=0.0, variance=-1.0), r"'variance' >= 0.*-1.0"),
    (lambda: layers.PReLU(shared_axes="1"), r"PReLU.*'shared_axes'.*shared_axes='1'"),
    (lambda: layers.ActivityRegularization(l1=-1.0), r"ActivityRegularization.*l1.*-1.0"),
    (lambda: layers.SpatialDropout1D(1.5), r"SpatialDropout1D.*'rate'.*rate=1.5"),
    (lambda: layers.UpSampling1D(0), r"UpSampling1D.*'size'.*size=0"),
    (lambda: layers.ZeroPadding1D(-1), r"ZeroPadding1D.*'padding'.*padding=-1"),
    (lambda: layers.ZeroPadding1D(data_format="nwc"), r"ZeroPadding1D.*'data_format'"),
    (lambda: layers.Cropping1D((1, 2, 3)), r"Cropping1D.*'cropping'.*\(1, 2, 3\)"),
])
def test_bad_arguments_name_the_layer_argument_and_value(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("make, shape, match", [
    (lambda: layers.GroupNormalization(4), (2, 3, 6),
     r"layer 'group_norm.*'groups' to divide the number of channels \(6.*groups=4"),
    (lambda: layers.GroupNormalization(axis=0), (2, 3), r"GroupNormalization.*batch axis"),
    (lambda: layers.LayerNormalization(axis=2), (2, 3), r"LayerNormalization.*axis 2.*rank 2"),
    (lambda: layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0]), (2, 3),
     r"Normalization layer.*'mean' of shape \(2,\).*sizes \(3,\)"),
    (lambda: layers.PReLU(shared_axes=[0]), (2, 3), r"PReLU layer.*shared axis 0"),
    (lambda: layers.Cropping1D((2, 2)), (2, 4, 3), r"Cropping1D layer.*\(2, 2\).*4 steps"),
    (lambda: layers.SpatialDropout1D(0.5), (2, 3, 4, 5), r"expected ndim=3, found ndim=4"),
])
def test_bad_inputs_name_the_layer_and_both_values(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(np.zeros(shape, np.float32))


def test_adapt_errors():
    layer = layers.Normalization()
    layer.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(4, 3\).*\(4, 2\)"):
        layer.adapt(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"expected axis 1 of input shape to have value 3"):
        layer(np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match=r"given 'mean' and 'variance'"):
        layers.Normalization(mean=0.0, variance=1.0).adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"Normalization.adapt: .*NaN"):
        layers.Normalization().adapt(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"Normalization.adapt: expected a non-empty numeric"):
        layers.Normalization().adapt(np.array(["a", "b"]))
