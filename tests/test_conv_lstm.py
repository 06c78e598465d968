import numpy as np
import pytest

import neuronet as keras
from neuronet import backend, layers
from neuronet.testing import gradcheck, run_layer_test

B, T, S, C, FILTERS = 2, 3, 5, 2, 2          # batch, time, image side, channels, filters
MASK = np.array([[True, False, True], [True, True, False]])


def _sequences(rng, shape=(B, T, S, S, C)):
    return rng.standard_normal(shape).astype(np.float32)


def _perturbed(layer, rng, scale=0.2):
    """Move every weight away from its initial value (so that e.g. the bias is not zeros)."""
    layer.set_weights([w.data + scale * rng.standard_normal(w.shape).astype(w.dtype)
                       for w in layer.weights])


def _keras_twin(real_keras, name, options, shape, unroll=True):
    """The Keras layer of the same options, built for `shape`. Its weights are to be replaced:
    zeros initializers skip the costly compilation of JAX's random and QR draws, and its
    unrolled loop (the same values as its scanned one) compiles faster."""
    layer = getattr(real_keras.layers, name)(kernel_initializer="zeros",
                                             recurrent_initializer="zeros", unroll=unroll,
                                             **options)
    layer.build(shape)
    return layer


def _as_list(outputs):
    return [np.asarray(getattr(o, "data", o)) for o in
            (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


# --- against Keras 3 -----------------------------------------------------------------------------

KERAS_CASES = {
    "same_sequences": ("ConvLSTM2D", {"padding": "same", "return_sequences": True},
                       (B, T, S, S, C)),
    "valid_strides_state_backwards": ("ConvLSTM2D", {"kernel_size": (3, 2), "strides": 2,
                                                     "return_state": True,
                                                     "go_backwards": True}, (B, T, S, S, C)),
    "channels_first": ("ConvLSTM2D", {"data_format": "channels_first", "return_sequences": True,
                                      "return_state": True}, (B, T, C, S, S)),
    "conv1d_dilated_relu": ("ConvLSTM1D", {"kernel_size": 2, "dilation_rate": 2,
                                           "padding": "same", "activation": "relu",
                                           "return_sequences": True}, (B, T, 6, C)),
    "conv3d_no_bias": ("ConvLSTM3D", {"kernel_size": 2, "use_bias": False,
                                      "return_sequences": True}, (B, T, 3, 4, 3, 1)),
}


@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_outputs_match_keras(case, real_keras, rng):
    name, options, shape = KERAS_CASES[case]
    options = {"filters": FILTERS, "kernel_size": 3, **options}
    x = _sequences(rng, shape)
    ours = getattr(layers, name)(**options)
    theirs = _keras_twin(real_keras, name, options, x.shape, unroll=case != "same_sequences")
    ours(x)
    _perturbed(ours, rng)
    theirs.set_weights(ours.get_weights())
    got, expected = _as_list(ours(x)), _as_list(theirs(x))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_masks_and_initial_states_match_keras(real_keras, rng):
    # Keras' scanned loop cannot broadcast a (batch, time) mask over images; its unrolled
    # loop can, and computes the same thing except at a masked first step (where it outputs
    # zeros instead of the initial h), which this mask avoids.
    mask = np.array([[True, False, True], [False, True, True]])       # read backwards
    options = {"filters": FILTERS, "kernel_size": 3, "padding": "same",
               "return_sequences": True, "return_state": True, "go_backwards": True}
    x = _sequences(rng)
    states = [_sequences(rng, (B, S, S, FILTERS)) * 0.5 for _ in range(2)]
    ours = layers.ConvLSTM2D(**options)
    theirs = _keras_twin(real_keras, "ConvLSTM2D", options, x.shape)
    ours(x)
    _perturbed(ours, rng)
    theirs.set_weights(ours.get_weights())
    got = _as_list(ours(x, mask=mask, initial_state=states))
    expected = _as_list(theirs(x, mask=mask, initial_state=states))
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_config_weights_and_defaults_follow_keras(real_keras):
    ours, theirs = layers.ConvLSTM2D(4, 3, name="clip"), real_keras.layers.ConvLSTM2D(4, 3)
    ours.build((None, T, S, S, C))
    assert [(w.path, w.shape) for w in ours.weights] == \
        [("clip/conv_lstm_cell/kernel", (3, 3, C, 16)),
         ("clip/conv_lstm_cell/recurrent_kernel", (3, 3, 4, 16)),
         ("clip/conv_lstm_cell/bias", (16,))]
    np.testing.assert_array_equal(ours.cell.bias.data, np.repeat([0.0, 1.0, 0.0, 0.0], 4))
    config, keras_config = ours.get_config(), theirs.get_config()
    assert set(config) | {"activity_regularizer"} == set(keras_config)    # None: left out
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
                "dropout", "recurrent_dropout", "seed", "return_sequences", "return_state",
                "go_backwards", "stateful"):
        assert config[key] == keras_config[key], key
    assert (ours.filters, ours.kernel_size, ours.padding) == (4, (3, 3), "valid")


# --- gradients and training ---------------------------------------------------------------------

def test_gradients_through_inputs_states_and_weights(float64, rng):
    layer = layers.ConvLSTM2D(FILTERS, 3, padding="same", return_sequences=True,
                              go_backwards=True)
    x = rng.standard_normal((B, T, 3, 3, 1))
    layer(x)
    _perturbed(layer, rng, scale=0.3)
    cell = layer.cell
    states = [rng.standard_normal((B, 3, 3, FILTERS)) * 0.5 for _ in range(2)]

    def fn(x, h, c, kernel, recurrent_kernel, bias):
        cell.kernel, cell.recurrent_kernel, cell.bias = kernel, recurrent_kernel, bias
        return layer(x, initial_state=[h, c], mask=MASK)
    weights = [w.data.copy() for w in cell.weights]
    try:
        gradcheck(fn, [x] + states + weights, full_jacobian_limit=40000)    # every entry
    finally:
        cell.kernel, cell.recurrent_kernel, cell.bias = cell.weights


def test_gradients_with_strides_channels_first_and_dropout(float64, rng):
    layer = layers.ConvLSTM2D(FILTERS, 2, strides=2, data_format="channels_first",
                              dropout=0.4, recurrent_dropout=0.4, return_state=True, seed=3)
    x = rng.standard_normal((B, T, 1, 4, 5))
    layer(x)

    def fn(x):
        layer.cell._rng = np.random.default_rng(3)     # the same dropout masks every call
        output, h, c = layer(x, training=True)
        return output + h * c
    gradcheck(fn, [x])


def test_training_lowers_the_loss(rng):
    x = _sequences(rng, (16, T, 4, 4, 1))
    y = x[:, -1].mean(axis=(1, 2, 3))[:, None] * 3.0
    model = keras.Sequential([keras.Input((T, 4, 4, 1)),
                              layers.ConvLSTM2D(FILTERS, 3, padding="same"),
                              layers.GlobalAveragePooling2D(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


@pytest.mark.parametrize("name, options, shape, output_shape", [
    ("ConvLSTM1D", {"return_sequences": True}, (B, T, 6, C), (B, T, 4, FILTERS)),
    ("ConvLSTM3D", {"padding": "same"}, (B, T, 3, 3, 2, 1), (B, 3, 3, 2, FILTERS)),
])
def test_layer_contract(name, options, shape, output_shape):
    run_layer_test(getattr(layers, name), {"filters": FILTERS, "kernel_size": 3, **options},
                   input_shape=shape, expected_output_shape=output_shape,
                   expected_num_trainable_weights=3)


# --- behaviour ----------------------------------------------------------------------------------

def test_masked_steps_carry_the_states_and_can_output_zeros(rng):
    x = _sequences(rng)
    layer = layers.ConvLSTM2D(FILTERS, 3, padding="same", return_sequences=True,
                              return_state=True, zero_output_for_mask=True)
    outputs, h, c = layer(x, mask=MASK)
    assert np.all(outputs.data[0, 1] == 0) and np.all(outputs.data[1, 2] == 0)
    _, h_kept, c_kept = layer(x[1:, :2])                  # sample 1 ends before its masked step
    np.testing.assert_allclose(h.data[1:], h_kept.data, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(c.data[1:], c_kept.data, rtol=1e-6, atol=1e-7)


def test_a_cell_step_is_a_one_step_sequence(rng):
    layer = layers.ConvLSTM2D(FILTERS, 3, padding="same", return_state=True)
    x = _sequences(rng, (B, 1, S, S, C))
    states = [_sequences(rng, (B, S, S, FILTERS)) for _ in range(2)]
    _, h, c = layer(x, initial_state=states)
    output, (h_step, c_step) = layer.cell(x[:, 0], states)
    assert output is h_step
    np.testing.assert_allclose(h_step.data, h.data, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(c_step.data, c.data, rtol=1e-6, atol=1e-7)


def test_dropout_only_in_training_and_reproducible(rng):
    x = _sequences(rng)
    layer = layers.ConvLSTM2D(FILTERS, 3, dropout=1.0, return_sequences=True)
    silent = layer(np.zeros_like(x))                      # every input dropped = zero inputs
    np.testing.assert_allclose(layer(x, training=True).data, silent.data, atol=1e-7)
    assert not np.allclose(layer(x).data, silent.data)
    noisy = layers.ConvLSTM2D(FILTERS, 3, dropout=0.5, recurrent_dropout=0.5)
    noisy(x)
    backend.set_random_seed(7)
    first = noisy(x, training=True).data
    backend.set_random_seed(7)
    np.testing.assert_array_equal(noisy(x, training=True).data, first)
    assert not np.allclose(noisy(x).data, first)


def test_stateful_layer_continues_the_sequences(rng):
    x = _sequences(rng, (B, 4, S, S, C))
    whole = layers.ConvLSTM2D(FILTERS, 3, return_sequences=True)
    stateful = layers.ConvLSTM2D(FILTERS, 3, return_sequences=True, stateful=True)
    whole(x)
    stateful(x[:, :1])
    stateful.set_weights(whole.get_weights())
    stateful.reset_state()
    parts = [stateful(x[:, :2]).data, stateful(x[:, 2:]).data]
    np.testing.assert_allclose(np.concatenate(parts, axis=1), whole(x).data, rtol=1e-5,
                               atol=1e-6)
    assert [s.shape for s in stateful.states] == [(B, 3, 3, FILTERS)] * 2
    stateful.reset_state()
    assert all(np.all(s.data == 0) for s in stateful.states)
    states = [_sequences(rng, (B, 3, 3, FILTERS)) for _ in range(2)]
    stateful.reset_state(states)
    np.testing.assert_allclose(stateful(x).data, whole(x, initial_state=states).data,
                               rtol=1e-5, atol=1e-6)


def test_functional_shapes_and_config_round_trip():
    inputs = keras.Input((T, C, S, 6))
    layer = layers.ConvLSTM2D(FILTERS, (3, 2), strides=(1, 2), data_format="channels_first",
                              return_sequences=True, return_state=True)
    outputs = layer(inputs)
    assert [tuple(o.shape) for o in outputs] == [(None, T, FILTERS, 3, 3),
                                                 (None, FILTERS, 3, 3), (None, FILTERS, 3, 3)]
    clone = layers.ConvLSTM2D.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert clone.data_format == "channels_first" and clone.strides == (1, 2)


# --- errors -------------------------------------------------------------------------------------

def test_wrong_inputs_raise_clear_errors(rng):
    layer = layers.ConvLSTM2D(FILTERS, 3, name="video")
    with pytest.raises(ValueError, match=r"layer 'video'.*expected ndim=5, found ndim=4.*"
                                         r"\(2, 5, 5, 2\)"):
        layer(np.zeros((B, S, S, C), np.float32))
    layer(_sequences(rng))
    with pytest.raises(ValueError, match=r"layer 'video'.*expected axis 2 .* value 5.*"
                                         r"\(2, 3, 6, 5, 2\)"):
        layer(_sequences(rng, (B, T, 6, S, C)))
    with pytest.raises(ValueError, match=r"initial states .* shape \(2, 3, 3, 2\)"):
        layer(_sequences(rng), initial_state=[np.zeros((B, S, S, FILTERS))] * 2)
    with pytest.raises(ValueError, match="ConvLSTM2D.*does not fit"):
        layers.ConvLSTM2D(FILTERS, 7)(_sequences(rng))
    with pytest.raises(ValueError, match="ConvLSTM3D.*padding.*received padding='full'"):
        layers.ConvLSTM3D(FILTERS, 3, padding="full")
    with pytest.raises(ValueError, match="ConvLSTM1D.*dilation_rate > 1"):
        layers.ConvLSTM1D(FILTERS, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="ConvLSTM2D.*'filters'.*filters=0"):
        layers.ConvLSTM2D(0, 3)
