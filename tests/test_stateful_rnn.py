"""Stateful recurrent layers: the final states of a batch start the next batch."""
import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.autograd import GradientTape
from neuronet.ops import math as m

B, T, F, U = 2, 6, 3, 4


def _stateful_layers():
    """(name, make): every kind of recurrent layer, made stateful, returning sequences."""
    options = {"stateful": True, "return_sequences": True}

    class Stepping(layers.GRUCell):               # a cell RNN calls once per step
        def call(self, inputs, states, training=False):
            return super().call(inputs, states, training=training)
    return [
        ("simple_rnn", lambda: layers.SimpleRNN(U, **options)),
        ("lstm", lambda: layers.LSTM(U, **options)),
        ("gru", lambda: layers.GRU(U, **options)),
        ("rnn_lstm_cell", lambda: layers.RNN(layers.LSTMCell(U), **options)),
        ("rnn_stacked", lambda: layers.RNN([layers.GRUCell(U), layers.LSTMCell(2)], **options)),
        ("rnn_stepping_cell", lambda: layers.RNN(Stepping(U), **options)),
    ]


CASES = _stateful_layers()


def _perturbed(layer, rng):
    layer.set_weights([w + 0.3 * rng.standard_normal(w.shape).astype(w.dtype)
                       for w in layer.get_weights()])


def _twin(layer, x):
    """The same layer without state, with the same weights (an RNN shares its cell)."""
    if type(layer) is layers.RNN:
        return layers.RNN(layer.cell, return_sequences=True)
    twin = type(layer).from_config({**layer.get_config(), "stateful": False, "name": None})
    twin(x)
    twin.set_weights(layer.get_weights())
    return twin


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_two_batches_in_a_row_are_one_long_sequence(make, rng):
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    layer = make()
    layer(x[:, :2])
    _perturbed(layer, rng)
    layer.reset_states()
    first = layer(x[:, :2])
    second = layer(x[:, 2:])
    whole = _twin(layer, x)
    np.testing.assert_allclose(np.concatenate([first.data, second.data], axis=1),
                               whole(x).data, rtol=1e-5, atol=1e-6)
    layer.reset_states()                      # zeros again: the first batch repeats
    np.testing.assert_allclose(layer(x[:, :2]).data, first.data, rtol=1e-6, atol=1e-7)


def test_states_are_non_trainable_variables_outside_the_weights(rng):
    layer = layers.LSTM(U, stateful=True, return_state=True)
    assert layer.states is None
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    _, h, c = layer(x)
    assert [v.shape for v in layer.states] == [(B, U), (B, U)]
    assert not any(v.trainable for v in layer.states)
    assert [v.name for v in layer.states] == ["rnn_state", "rnn_state"]
    np.testing.assert_array_equal(layer.states[0].data, h.data)
    np.testing.assert_array_equal(layer.states[1].data, c.data)
    assert len(layer.weights) == 3 and layer.non_trainable_weights == []
    # the states can be set, and reset_state is Keras 3's name for reset_states
    h0, c0 = (np.full((B, U), v, np.float32) for v in (0.5, -0.5))
    layer.reset_state(states=[h0, c0])
    expected = layers.LSTM(U, return_state=True)
    expected(x)
    expected.set_weights(layer.get_weights())
    np.testing.assert_allclose(layer(x)[0].data, expected(x, initial_state=[h0, c0])[0].data,
                               rtol=1e-6)
    layer.reset_state()
    assert all(not v.data.any() for v in layer.states)


def test_given_initial_states_win_and_still_update_the_layer(rng):
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    layer = layers.GRU(U, stateful=True)
    h0 = rng.standard_normal((B, U)).astype(np.float32)
    out = layer(x, initial_state=[h0])
    plain = layers.GRU(U)
    plain(x)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(out.data, plain(x, initial_state=[h0]).data, rtol=1e-6)
    np.testing.assert_array_equal(layer.states[0].data, out.data)


def test_no_gradient_flows_into_the_previous_batch(rng):
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    layer = layers.LSTM(U, stateful=True)
    layer(x)
    h, c = (np.array(v.data) for v in layer.states)
    with GradientTape() as tape:
        loss = m.sum(layer(x))
    grads = tape.gradient(loss, layer.trainable_weights)
    fresh = layers.LSTM(U)
    fresh(x)
    fresh.set_weights(layer.get_weights())
    with GradientTape() as tape:
        loss = m.sum(fresh(x, initial_state=[h, c]))          # the states as constants
    for got, expected in zip(grads, tape.gradient(loss, fresh.trainable_weights)):
        np.testing.assert_allclose(got.data, expected.data, rtol=1e-5, atol=1e-6)


def test_batch_size_errors():
    with pytest.raises(ValueError, match="stateful=True needs a fixed batch size"):
        layers.LSTM(2, stateful=True)(keras.Input((T, F)))
    layer = layers.GRU(2, stateful=True)
    layer(np.zeros((B, T, F), np.float32))
    with pytest.raises(ValueError, match=r"expected batch size 2, received batch size 3"):
        layer(np.zeros((3, T, F), np.float32))
    with pytest.raises(ValueError, match=r"expected 1 state\(s\) of shapes \[\(2, 2\)\]"):
        layer.reset_state(states=[np.zeros((3, 2), np.float32)])
    with pytest.raises(ValueError, match="needs a stateful layer"):
        layers.GRU(2).reset_state(states=[np.zeros((B, 2), np.float32)])
    layers.GRU(2).reset_states()                      # no states: nothing to do


def test_a_functional_model_carries_states_through_fit_and_predict(rng):
    inputs = keras.Input(batch_shape=(B, 3, F))
    recurrent = layers.LSTM(U, stateful=True, return_sequences=True)
    model = keras.Model(inputs, layers.Dense(F)(recurrent(inputs)))
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    first, second = model.predict(x[:, :3], verbose=0), model.predict(x[:, 3:], verbose=0)
    whole = layers.LSTM(U, return_sequences=True)
    whole(x)
    whole.set_weights(recurrent.get_weights())
    expected = model.layers[-1](whole(x)).data
    np.testing.assert_allclose(np.concatenate([first, second], 1), expected, rtol=1e-5,
                               atol=1e-6)
    recurrent.reset_states()
    model.compile(optimizer="adam", loss="mse")
    sequences = rng.standard_normal((4 * B, 3, F)).astype(np.float32)
    history = model.fit(sequences, np.roll(sequences, -1, axis=1), batch_size=B,
                        epochs=2, shuffle=False, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert np.abs(recurrent.states[0].data).sum() > 0        # the last batch's states
    with pytest.raises(ValueError, match="expected batch size 2"):
        recurrent(np.zeros((3, 3, F), np.float32))


def test_stateful_layers_match_keras(real_keras, rng):
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    ours = layers.GRU(U, stateful=True, return_sequences=True)
    theirs = real_keras.layers.GRU(U, stateful=True, return_sequences=True)
    ours(x[:, :3])
    theirs(x[:, :3])
    _perturbed(ours, rng)
    theirs.set_weights(ours.get_weights())
    ours.reset_states()
    theirs.reset_states()
    for part in (x[:, :3], x[:, 3:]):
        np.testing.assert_allclose(ours(part).data, np.asarray(theirs(part)), rtol=1e-5,
                                   atol=1e-6)
    theirs.reset_state()
    ours.reset_state()
    np.testing.assert_allclose(ours(x).data, np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)


def test_stateful_config_and_files_keep_keras_layout(tmp_path, real_keras, rng):
    inputs = keras.Input(batch_shape=(B, T, F))
    hidden = layers.RNN(layers.LSTMCell(U), stateful=True, return_sequences=True)(inputs)
    model = keras.Model(inputs, layers.GRU(2, stateful=True)(hidden))
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    model.predict(x, verbose=0)                            # the states are not zeros now
    model.save(tmp_path / "model.keras")
    model.save_weights(tmp_path / "model.weights.h5")
    with h5py.File(tmp_path / "model.weights.h5") as f:    # only the cells' weights
        assert sorted(f["layers/rnn/cell/vars"]) == ["0", "1", "2"]
        assert sorted(f["layers/gru/cell/vars"]) == ["0", "1", "2"]
        assert len(f["layers/rnn/vars"]) == len(f["layers/gru/vars"]) == 0
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert [layer.stateful for layer in loaded.layers[1:]] == [True, True]
    for layer in model.layers[1:]:
        layer.reset_states()
    expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6)
    theirs = real_keras.saving.load_model(tmp_path / "model.keras")
    assert [layer.stateful for layer in theirs.layers[1:]] == [True, True]
    np.testing.assert_allclose(np.asarray(theirs(x)), expected, rtol=1e-5, atol=1e-6)
