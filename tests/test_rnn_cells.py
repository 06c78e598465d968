"""Recurrent cells and keras.layers.RNN: SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells,
user-defined cells, masks, go_backwards, return_state, configs and files."""
import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.autograd import GradientTape, Tensor
from neuronet.ops import math as m
from neuronet.testing import gradcheck

B, T, F, U = 3, 5, 4, 3
CELLS = {
    "simple_rnn": (lambda: layers.SimpleRNNCell(U), lambda: layers.SimpleRNN(U)),
    "lstm": (lambda: layers.LSTMCell(U), lambda: layers.LSTM(U)),
    "gru": (lambda: layers.GRUCell(U), lambda: layers.GRU(U)),
    "gru_reset_before": (lambda: layers.GRUCell(U, reset_after=False),
                         lambda: layers.GRU(U, reset_after=False)),
}


def _data(rng, batch=B, time=T, features=F):
    return rng.standard_normal((batch, time, features)).astype(np.float32)


def _mask():
    mask = np.ones((B, T), bool)
    mask[0, 3:] = False                      # padding at the end
    mask[1, :2] = False                      # padding at the start
    mask[2, 2] = False                       # a gap
    return mask


def _stepping(cell):
    """A built-in cell made to go through RNN's step-by-step loop: a subclass with its own
    call (RNN then cannot run it as one op)."""
    class Stepping(type(cell)):
        def call(self, inputs, states, training=False):
            return super().call(inputs, states, training=training)
    return Stepping.from_config(cell.get_config())


def _perturbed(layer, rng):
    """Give the layer's weights random values (so that biases are not zero)."""
    layer.set_weights([w + 0.3 * rng.standard_normal(w.shape).astype(w.dtype)
                       for w in layer.get_weights()])


def _flat(outputs):
    """The arrays of an output structure (a Tensor, or nested lists of them)."""
    if isinstance(outputs, (list, tuple)):
        return [a for item in outputs for a in _flat(item)]
    return [np.asarray(outputs.data if isinstance(outputs, Tensor) else outputs)]


def _minimal_cell(lib):
    """Keras' documented example of a user-defined cell, written for `lib` (neuronet or Keras)."""
    class MinimalRNNCell(lib.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                          initializer="uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                    initializer="uniform",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            output = lib.ops.tanh(lib.ops.matmul(inputs, self.kernel)
                                  + lib.ops.matmul(states[0], self.recurrent_kernel))
            return output, [output]
    return MinimalRNNCell


# --- built-in cells: RNN(cell) is the fused layer, the step-by-step loop agrees ------------------

@pytest.mark.parametrize("name", list(CELLS))
def test_rnn_of_a_builtin_cell_is_the_fused_layer(name, rng):
    make_cell, make_layer = CELLS[name]
    x = _data(rng)
    rnn = layers.RNN(make_cell(), return_sequences=True, return_state=True)
    fused = make_layer()
    fused.return_sequences = fused.return_state = True
    rnn(x), fused(x)
    _perturbed(rnn, rng)
    fused.set_weights(rnn.get_weights())
    assert [w.shape for w in rnn.weights] == [w.shape for w in fused.weights]
    for expected, got in zip(_flat(fused(x, mask=_mask())), _flat(rnn(x, mask=_mask()))):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", list(CELLS))
@pytest.mark.parametrize("options", [{}, {"go_backwards": True},
                                     {"zero_output_for_mask": True, "go_backwards": True}])
def test_stepping_through_a_cell_gives_the_fused_values_and_gradients(name, options, rng):
    x = _data(rng)
    fused = layers.RNN(CELLS[name][0](), return_sequences=True, return_state=True, **options)
    fused(x)
    _perturbed(fused, rng)
    stepped = layers.RNN(_stepping(fused.cell), return_sequences=True, return_state=True,
                         **options)
    stepped(x)
    stepped.set_weights(fused.get_weights())
    states = [rng.standard_normal((B, U)).astype(np.float32) for _ in fused.state_size]
    results = []
    for layer in (fused, stepped):
        inputs = Tensor(x)
        with GradientTape() as tape:
            tape.watch(inputs)
            outputs = layer(inputs, initial_state=states, mask=_mask())
            loss = sum(m.sum(o * (k + 1.0)) for k, o in enumerate(outputs))
        grads = tape.gradient(loss, [inputs] + layer.trainable_weights)
        results.append(_flat(outputs) + [g.data for g in grads])
    for expected, got in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["lstm", "gru_reset_before"])
def test_stepping_path_gradcheck(name, float64, rng):
    cell = _stepping(CELLS[name][0]())
    layer = layers.RNN(cell, return_sequences=True, go_backwards=True)
    x = rng.standard_normal((2, 3, 2))
    layer(x)
    _perturbed(layer, rng)
    mask = np.array([[True, True, False], [False, True, True]])
    states = [rng.standard_normal((2, U)) for _ in layer.state_size]
    gradcheck(lambda x, *s: layer(x, initial_state=list(s), mask=mask), [x] + states)


def test_a_direct_cell_call_is_one_step(rng):
    x = rng.standard_normal((2, F)).astype(np.float32)
    h, c = (rng.standard_normal((2, U)).astype(np.float32) for _ in range(2))
    cell = layers.LSTMCell(U)
    output, (h1, c1) = cell(x, [h, c])
    sequence_layer = layers.RNN(cell, return_state=True)
    _, h_seq, c_seq = sequence_layer(x[:, None], initial_state=[h, c])
    np.testing.assert_allclose(h1.data, h_seq.data, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(c1.data, c_seq.data, rtol=1e-6, atol=1e-6)
    assert output is h1
    single, state = layers.GRUCell(U)(x, h)                 # one state alone in, alone out
    assert state is single and single.shape == (2, U) and single.dtype == np.float32
    assert layers.SimpleRNNCell(U).get_initial_state(4)[0].shape == (4, U)
    assert layers.LSTMCell(U).state_size == [U, U] and layers.GRUCell(U).state_size == U
    assert layers.LSTMCell(U).output_size == U


# --- user-defined cells ---------------------------------------------------------------------------

def test_custom_cell_trains_and_its_gradients_check(float64, rng):
    cell = _minimal_cell(keras)(2)
    layer = layers.RNN(cell, return_sequences=True)
    x = rng.standard_normal((2, 3, 2))
    layer(x)
    mask = np.array([[True, True, False], [True, True, True]])

    def fn(x, kernel, recurrent_kernel):
        cell.kernel, cell.recurrent_kernel = kernel, recurrent_kernel   # differentiate w.r.t. them
        return layer(x, mask=mask)
    weights = [w.data.copy() for w in cell.weights]
    gradcheck(fn, [x] + weights)
    cell.kernel, cell.recurrent_kernel = cell.weights

    model = keras.Sequential([keras.Input((3, 2)), layers.RNN(_minimal_cell(keras)(4)),
                              layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    y = x.sum(axis=(1, 2))[:, None]
    history = model.fit(np.repeat(x, 8, 0), np.repeat(y, 8, 0), epochs=5, batch_size=4,
                        verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_custom_cell_matches_keras_with_masks_and_states(real_keras, rng):
    x = _data(rng)
    options = {"return_sequences": True, "return_state": True, "go_backwards": True}
    ours = layers.RNN(_minimal_cell(keras)(U), **options)
    theirs = real_keras.layers.RNN(_minimal_cell(real_keras)(U), **options)
    ours(x), theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    h0 = rng.standard_normal((B, U)).astype(np.float32)
    for expected, got in zip(_flat(theirs(x, initial_state=[h0], mask=_mask())),
                             _flat(ours(x, initial_state=[h0], mask=_mask()))):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_cells_without_a_layer_class_and_their_errors(rng):
    class Accumulator:                          # any object with call and state_size will do
        state_size = [F, 1]
        output_size = F

        def call(self, inputs, states):
            total = states[0] + inputs
            return total, [total, states[1] + 1.0]
    x = _data(rng)
    output, total, count = layers.RNN(Accumulator(), return_state=True)(x)
    np.testing.assert_allclose(output.data, x.sum(axis=1), rtol=1e-5)
    np.testing.assert_array_equal(count.data, np.full((B, 1), T))
    with pytest.raises(ValueError, match="needs a `call"):
        layers.RNN(object())
    with pytest.raises(ValueError, match="needs a `state_size`"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ValueError, match="non-empty list of cells"):
        layers.StackedRNNCells([])
    with pytest.raises(ValueError, match=r"expected 2 initial state\(s\)"):
        layers.RNN(layers.LSTMCell(U))(x, initial_state=[np.zeros((B, U), np.float32)])

    class Forgetful(Accumulator):
        def call(self, inputs, states):
            return inputs, [inputs]
    with pytest.raises(ValueError, match=r"the cell returned 1 state\(s\)"):
        layers.RNN(Forgetful())(x)


# --- stacks, states, shapes -------------------------------------------------------------------

def test_stacked_cells_equal_stacked_layers(rng):
    x = _data(rng)
    stacked = layers.RNN([layers.LSTMCell(U), layers.GRUCell(2)], return_sequences=True,
                         return_state=True)
    outputs, (h1, c1), h2 = stacked(x)
    first = layers.LSTM(U, return_sequences=True, return_state=True)
    second = layers.GRU(2, return_sequences=True, return_state=True)
    first(x)
    second(first(x)[0])
    first.set_weights(stacked.get_weights()[:3])
    second.set_weights(stacked.get_weights()[3:])
    hidden, h1_layer, c1_layer = first(x)
    expected, h2_layer = second(hidden)
    for got, want in ((outputs, expected), (h1, h1_layer), (c1, c1_layer), (h2, h2_layer)):
        np.testing.assert_allclose(got.data, want.data, rtol=1e-6, atol=1e-7)
    masked = layers.RNN(stacked.cell, return_sequences=True, go_backwards=True)  # same cells
    backwards = [layers.LSTM(U, return_sequences=True, go_backwards=True),
                 layers.GRU(2, return_sequences=True)]
    backwards[0](x)
    backwards[1](backwards[0](x))
    backwards[0].set_weights(first.get_weights())
    backwards[1].set_weights(second.get_weights())
    expected = backwards[1](backwards[0](x, mask=_mask()), mask=_mask()[:, ::-1])
    np.testing.assert_allclose(masked(x, mask=_mask()).data, expected.data, rtol=1e-6, atol=1e-7)
    # initial states nested per cell, or flat
    states = [[np.ones((B, U), np.float32), np.zeros((B, U), np.float32)],
              np.full((B, 2), 0.5, np.float32)]
    nested = stacked(x, initial_state=states)
    flat = stacked(x, initial_state=[states[0][0], states[0][1], states[1]])
    np.testing.assert_array_equal(nested[0].data, flat[0].data)
    cells = stacked.cell
    assert isinstance(cells, layers.StackedRNNCells)
    assert cells.state_size == [[U, U], 2] and cells.output_size == 2


def test_output_shapes_and_symbolic_calls():
    stacked = layers.RNN([layers.SimpleRNNCell(4), layers.LSTMCell(U)], return_state=True)
    assert stacked.compute_output_shape((None, 7, F)) == [(None, U), (None, 4), [(None, U),
                                                                                (None, U)]]
    inputs = keras.Input((7, F))
    output, h1, (h2, c2) = stacked(inputs)
    assert (output.shape, h1.shape, h2.shape, c2.shape) == ((None, U), (None, 4), (None, U),
                                                            (None, U))
    sequences = layers.RNN(layers.GRUCell(2), return_sequences=True)(inputs)
    assert sequences.shape == (None, 7, 2)
    model = keras.Model(inputs, [sequences, output])
    out_seq, out_last = model.predict(np.zeros((2, 7, F), np.float32), verbose=0)
    assert out_seq.shape == (2, 7, 2) and out_last.shape == (2, U)


def test_masks_pass_through_for_sequences_and_carry_states(rng):
    ids = np.array([[3, 1, 4, 0, 0], [2, 0, 0, 0, 0]])
    embedded = layers.Embedding(6, F, mask_zero=True)(ids)
    sequences = layers.RNN(_minimal_cell(keras)(U), return_sequences=True)(embedded)
    np.testing.assert_array_equal(sequences._keras_mask, ids != 0)
    np.testing.assert_array_equal(sequences.data[1, 1:], np.repeat(sequences.data[1, :1], 4, 0))
    zeroed = layers.RNN(_minimal_cell(keras)(U), return_sequences=True,
                        zero_output_for_mask=True)(embedded)
    np.testing.assert_array_equal(zeroed.data[ids == 0], 0)
    assert getattr(layers.RNN(layers.LSTMCell(2))(embedded), "_keras_mask", None) is None


def test_dropout_of_cells_only_in_training(rng):
    x = _data(rng)
    for cell in (layers.GRUCell(U, dropout=0.5, recurrent_dropout=0.5, seed=1),
                 _stepping(layers.LSTMCell(U, dropout=0.5, recurrent_dropout=0.5, seed=1))):
        layer = layers.RNN(cell)
        np.testing.assert_array_equal(layer(x).data, layer(x, training=False).data)
        assert not np.allclose(layer(x, training=True).data, layer(x).data)


# --- real Keras ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CELLS))
def test_cells_match_keras(real_keras, name, rng):
    x = _data(rng)
    ours = layers.RNN(CELLS[name][0](), return_sequences=True, go_backwards=True)
    keras_cell = {"simple_rnn": lambda: real_keras.layers.SimpleRNNCell(U),
                  "lstm": lambda: real_keras.layers.LSTMCell(U),
                  "gru": lambda: real_keras.layers.GRUCell(U),
                  "gru_reset_before": lambda: real_keras.layers.GRUCell(U, reset_after=False)}
    theirs = real_keras.layers.RNN(keras_cell[name](), return_sequences=True, go_backwards=True)
    ours(x), theirs.build(x.shape)
    _perturbed(ours, rng)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(x, mask=_mask()).data, np.asarray(theirs(x, mask=_mask())),
                               rtol=1e-5, atol=1e-6)
    step = x[:, 0]
    states = [rng.standard_normal((B, U)).astype(np.float32) for _ in ours.state_size]
    for expected, got in zip(_flat(theirs.cell(step, states)), _flat(ours.cell(step, states))):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_stacked_cells_match_keras(real_keras, rng):
    x = _data(rng)

    def make(lib):
        return lib.layers.RNN([lib.layers.GRUCell(2), lib.layers.LSTMCell(U),
                               lib.layers.SimpleRNNCell(4)], return_sequences=True)
    ours, theirs = make(keras), make(real_keras)
    ours(x), theirs.build(x.shape)
    _perturbed(ours, rng)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(x, mask=_mask()).data, np.asarray(theirs(x, mask=_mask())),
                               rtol=1e-5, atol=1e-6)


# --- configs and files ---------------------------------------------------------------------------

def test_configs_round_trip():
    for cell in (layers.SimpleRNNCell(3, activation="relu", dropout=0.2),
                 layers.LSTMCell(3, unit_forget_bias=False, recurrent_activation="hard_sigmoid"),
                 layers.GRUCell(3, reset_after=False, seed=4)):
        config = cell.get_config()
        assert type(cell).from_config(config).get_config() == config
    layer = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], go_backwards=True,
                       stateful=True, zero_output_for_mask=True)
    config = layer.get_config()
    assert config["cell"]["class_name"] == "StackedRNNCells"
    assert [c["class_name"] for c in config["cell"]["config"]["cells"]] == ["LSTMCell", "GRUCell"]
    again = layers.RNN.from_config(config)
    assert again.get_config() == config and again.stateful and again.go_backwards
    assert "cell" not in layers.LSTM(2).get_config()        # the layers keep Keras' flat config


def test_keras_file_round_trip_and_weights_layout(tmp_path, rng):
    x = _data(rng)
    inputs = keras.Input((T, F))
    hidden = layers.RNN(layers.LSTMCell(U), return_sequences=True)(inputs)
    hidden = layers.RNN([layers.GRUCell(2), _minimal_cell(keras)(3)])(hidden)
    model = keras.Model(inputs, layers.Dense(1)(hidden))
    model.save(tmp_path / "model.keras")
    cell_class = type(model.layers[2].cell.cells[1])
    loaded = keras.saving.load_model(tmp_path / "model.keras",
                                     custom_objects={"MinimalRNNCell": cell_class})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    model.save_weights(tmp_path / "model.weights.h5")
    with h5py.File(tmp_path / "model.weights.h5") as f:
        assert f["layers/rnn/cell/vars/0"].shape == (F, 4 * U)
        assert f["layers/rnn/cell/vars"].attrs["name"] == model.layers[1].cell.name
        assert f["layers/rnn_1/cell/cells/gru_cell/vars/2"].shape == (2, 6)
        assert f["layers/rnn_1/cell/cells/minimal_rnn_cell/vars/1"].shape == (3, 3)
        assert len(f["layers/rnn/vars"]) == 0


def test_keras_reads_our_files_and_we_read_its(real_keras, tmp_path, rng):
    x = _data(rng)

    def make(lib):
        inputs = lib.Input((T, F))
        hidden = lib.layers.RNN(lib.layers.LSTMCell(U), return_sequences=True)(inputs)
        hidden = lib.layers.RNN([lib.layers.GRUCell(2), lib.layers.SimpleRNNCell(3)],
                                go_backwards=True)(hidden)
        return lib.Model(inputs, lib.layers.Dense(1)(hidden))
    ours = make(keras)
    ours.save(tmp_path / "ours.keras")
    theirs = real_keras.saving.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               ours.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    original = make(real_keras)
    original.save(tmp_path / "theirs.keras")
    loaded = keras.saving.load_model(tmp_path / "theirs.keras")
    assert type(loaded.layers[2].cell).__name__ == "StackedRNNCells"
    np.testing.assert_allclose(loaded.predict(x, verbose=0),
                               np.asarray(original.predict(x, verbose=0)), rtol=1e-5, atol=1e-6)
