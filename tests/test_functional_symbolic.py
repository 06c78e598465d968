"""The functional API beyond plain layer calls (Keras 3 semantics): ops and operators on
symbolic tensors become graph nodes, layers take several tensor arguments and return
dicts, unknown axes are inferred, masks are symbolic, summaries of unbuilt models, and
subclassed models built by a call save and load."""
import json
import re
import zipfile

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.layers import Dense, Embedding, Lambda, Layer
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops import math as m
from neuronet.testing import gradcheck


def _rng(seed=0):
    return np.random.default_rng(seed)


def _pair(n=5, seed=0):
    rng = _rng(seed)
    return [rng.standard_normal((n, 4)).astype(np.float32) for _ in range(2)]


def _ops_model(k):
    """Two inputs (4,) mixed with ops, operators and slicing around two Dense layers, built
    with neuronet or (k=keras) with Keras itself."""
    a, b = k.Input((4,), name="a"), k.Input((4,), name="b")
    x = k.ops.concatenate([a + b, a[:, :2] * 2.0], axis=-1)
    x = k.layers.Dense(3, name="mix")(x)
    x = x + k.ops.mean(a, axis=1, keepdims=True)           # a residual-style sum
    out = k.layers.Dense(1, name="out")(k.ops.relu(1.0 - x))
    return k.Model([a, b], out, name="ops_model")


# --- ops and operators on symbolic tensors --------------------------------------------------

@pytest.mark.parametrize("build, expected", [
    (lambda a, b: a + b, lambda x, y: x + y),
    (lambda a, b: keras.ops.add(a, b), lambda x, y: x + y),
    (lambda a, b: keras.ops.concatenate([a, b], -1), lambda x, y: np.concatenate([x, y], -1)),
    (lambda a, b: 2.0 - a * b / 4.0, lambda x, y: 2.0 - x * y / 4.0),
    (lambda a, b: a[:, :2], lambda x, y: x[:, :2]),
    (lambda a, b: a[..., None, 3], lambda x, y: x[..., None, 3]),
    (lambda a, b: keras.ops.mean(a, axis=1), lambda x, y: x.mean(axis=1)),
    (lambda a, b: keras.ops.relu(a - b), lambda x, y: np.maximum(x - y, 0)),
    (lambda a, b: abs(a) ** 2 @ np.eye(4, 2, dtype=np.float32),
     lambda x, y: (x ** 2)[:, :2]),
    (lambda a, b: np.ones(4, np.float32) + a, lambda x, y: 1 + x),
    (lambda a, b: (a > 0) & (b <= 0), lambda x, y: (x > 0) & (y <= 0)),
])
def test_ops_on_symbolic_tensors_are_graph_nodes_with_eager_values(build, expected):
    a, b = keras.Input((4,)), keras.Input((4,))
    out = build(a, b)
    x, y = _pair()
    want = expected(x, y)
    assert isinstance(out, SymbolicTensor) and out.shape == (None,) + want.shape[1:]
    assert out.dtype == want.dtype.name
    got = keras.Model([a, b], out).predict([x, y], verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert got.dtype == want.dtype


def test_inferred_shapes_follow_axes_that_move_or_vanish():
    a = keras.Input((4,))
    assert keras.ops.transpose(a).shape == (4, None)          # the batch axis moved
    assert keras.ops.sum(a, axis=0).shape == (4,)             # ... or was reduced
    assert keras.ops.reshape(a, (-1, 2, 2)).shape == (None, 2, 2)
    assert keras.ops.shape(a) == (None, 4)                    # read, not recorded


def test_op_nodes_match_keras_and_are_listed_in_summary_not_layers(real_keras):
    keras.backend.clear_session()                      # op nodes are named "add", "mean", ...
    theirs, ours = _ops_model(real_keras), _ops_model(keras)
    ours.set_weights(theirs.get_weights())
    x = _pair(n=6)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers] == \
        ["a", "b", "mix", "out"]
    lines = []
    ours.summary(print_fn=lines.append, line_length=120)       # room for every name
    text = "\n".join(lines)
    for row in ("add (Add)", "get_item (GetItem)", "concatenate (Concatenate)", "mean (Mean)",
                "relu (Relu)", "subtract (Subtract)"):
        assert row in text


def test_gradients_flow_through_op_nodes():
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        a, b = keras.Input((4,)), keras.Input((4,))
        joined = keras.ops.concatenate([a * b, a[:, 1:3]], axis=-1)
        out = keras.ops.sum(keras.ops.tanh(joined - 0.5) ** 2, axis=1) / (1.0 + abs(b[:, 0]))
        model = keras.Model([a, b], out)
        x, y = _pair(n=3)
        assert gradcheck(lambda p, q: model([p, q]), [x, y]) < 1e-6
    finally:
        backend.set_floatx(previous)


def test_residual_connection_trains_with_fit():
    rng = _rng(1)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [1.5]]) + np.sin(x[:, :1])).astype(np.float32)
    inputs = keras.Input((4,))
    h = Dense(4, activation="tanh")(inputs)
    h = h + inputs                                           # x = x + inputs, as in Keras code
    model = keras.Model(inputs, Dense(1)(keras.ops.relu(h) - 0.1 * h))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=16, epochs=25, verbose=0)
    assert all(not np.allclose(b, w) for b, w in zip(before, model.get_weights()))
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]


def test_operators_with_a_tensor_on_the_left_record_graph_nodes():
    a = keras.Input((3,))
    t = keras.Tensor(np.array([1.0, 2.0, 4.0], np.float32))
    model = keras.Model(a, [t + a, t - a, t * a, t / a, t ** a, t < a, t == a, t >= a,
                            t @ keras.ops.reshape(a, (-1, 3, 1))])
    x = np.array([[2.0, 2.0, 1.0], [0.5, 3.0, 4.0]], np.float32)
    got = model.predict(x, verbose=0)
    v = t.data
    expected = [v + x, v - x, v * x, v / x, v ** x, v < x, v == x, v >= x, x @ v]
    for out, want in zip(got, expected):
        np.testing.assert_allclose(out.reshape(want.shape), want, rtol=1e-6)
    assert got[5].dtype == bool and got[8].shape == (2, 1)


def test_tensor_with_symbolic_operand_and_numpy_conversion_raise_clearly():
    a = keras.Input((4,))
    with pytest.raises(TypeError, match="placeholder of the functional API"):
        m.add(keras.Tensor(np.ones(4, np.float32)), a)      # a raw op, not keras.ops
    with pytest.raises(TypeError, match="no values yet"):
        np.asarray(a)
    with pytest.raises(TypeError, match="no truth value"):
        bool(a > 0)
    with pytest.raises(TypeError, match="cannot be iterated"):
        list(a)


# --- saving op nodes ----------------------------------------------------------------------

def _archive_config(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def test_op_nodes_save_as_keras_op_classes_and_round_trip(tmp_path):
    keras.backend.clear_session()
    model = _ops_model(keras)
    model.save(tmp_path / "ops.keras")
    entries = {e["name"]: e for e in _archive_config(tmp_path / "ops.keras")["config"]["layers"]}
    assert entries["mean"]["class_name"] == "Mean"
    assert entries["mean"]["module"] == "keras.src.ops.numpy"
    assert entries["mean"]["config"] == {"name": "mean", "axis": 1, "keepdims": True}
    assert entries["get_item"]["inbound_nodes"][0]["args"][1] == [
        {"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}},
        {"class_name": "__slice__", "config": {"start": None, "stop": 2, "step": None}}]
    assert entries["multiply"]["inbound_nodes"][0]["args"][1] == 2.0
    loaded = keras.models.load_model(tmp_path / "ops.keras")
    x = _pair(n=4, seed=3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [l.name for l in loaded.layers] == ["a", "b", "mix", "out"]


def test_keras_loads_our_op_nodes_and_we_load_its_not_equal_mask_node(real_keras, tmp_path):
    ours = _ops_model(keras)
    ours.save(tmp_path / "ours.keras")
    x = _pair(n=4, seed=4)
    theirs = real_keras.models.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), ours.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    # Keras records Embedding(mask_zero=True)'s mask as a NotEqual op node feeding the LSTM
    tokens = real_keras.Input((None,), dtype="int32")
    seq = real_keras.layers.Embedding(10, 3, mask_zero=True)(tokens)
    keras_model = real_keras.Model(tokens, real_keras.layers.Dense(1)(
        real_keras.layers.LSTM(2)(seq)))
    keras_model.save(tmp_path / "masked.keras")
    entries = _archive_config(tmp_path / "masked.keras")["config"]["layers"]
    assert "NotEqual" in [entry["class_name"] for entry in entries]
    loaded = keras.models.load_model(tmp_path / "masked.keras")
    padded = np.array([[1, 2, 0, 0], [3, 0, 0, 0], [4, 5, 6, 7]], np.int32)
    np.testing.assert_allclose(loaded.predict(padded, verbose=0),
                               keras_model.predict(padded, verbose=0), rtol=1e-5, atol=1e-6)


def test_saving_an_op_that_cannot_be_written_says_what_to_do(tmp_path):
    tokens = keras.Input((None,), dtype="int32")
    seq = Embedding(10, 3, mask_zero=True)(tokens)
    model = keras.Model(tokens, keras.layers.LSTM(2)(seq, mask=seq._keras_mask))
    with pytest.raises(ValueError, match=r"uses the op KerasMask .*Wrap it in a Lambda layer"):
        model.save(tmp_path / "mask.keras")
    a = keras.Input((4,))
    scale = keras.Variable(np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"op Multiply .*Variable of shape \(4,\)"):
        keras.Model(a, a * scale).save(tmp_path / "weight.keras")
    assert not (tmp_path / "mask.keras").exists() and not (tmp_path / "weight.keras").exists()


def test_unknown_op_in_a_file_is_named():
    from neuronet.saving.functional import functional_from_config
    config = {"name": "m", "layers": [
        {"class_name": "InputLayer", "name": "x",
         "config": {"batch_shape": [None, 2], "dtype": "float32", "name": "x"}},
        {"module": "keras.src.ops.numpy", "class_name": "HistogramFixedWidth", "name": "hfw",
         "config": {"name": "hfw"}, "inbound_nodes": [{"args": [
             {"class_name": "__keras_tensor__",
              "config": {"shape": [None, 2], "dtype": "float32", "keras_history": ["x", 0, 0]}},
         ], "kwargs": {}}]}],
        "input_layers": ["x", 0, 0], "output_layers": ["hfw", 0, 0]}
    with pytest.raises(ValueError,
                       match=r"op 'HistogramFixedWidth', which neuronet does not have.*not_equal"):
        functional_from_config(keras.Model, config)


# --- layers with several tensor arguments, dict outputs -------------------------------------

class Endpoint(Layer):
    """Adds the squared error of `logits` against `targets` as a loss; returns the logits."""

    def call(self, targets, logits):
        self.add_loss(keras.ops.mean(keras.ops.square(targets - logits)))
        return logits


class Attend(Layer):
    """Dot-product attention of `query` over `value`."""

    def call(self, query, value=None):
        scores = keras.ops.matmul(query, keras.ops.transpose(value, (0, 2, 1)))
        return keras.ops.matmul(keras.ops.softmax(scores, axis=-1), value)


class TwoWays(Layer):
    def call(self, x):
        return {"double": x * 2.0, "bias": x + 1.0}


def test_layer_with_two_tensor_arguments_trains_through_its_loss():
    rng = _rng(2)
    features = rng.standard_normal((64, 5)).astype(np.float32)
    targets = (features[:, :3] * 2.0 - 1.0).astype(np.float32)
    x, t = keras.Input((5,), name="x"), keras.Input((3,), name="targets")
    logits = Endpoint()(t, Dense(3)(x))
    model = keras.Model([t, x], logits)
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit([targets, features], epochs=40, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
    np.testing.assert_allclose(model.predict([targets, features], verbose=0),
                               model.layers[-2](features).numpy(), rtol=1e-5, atol=1e-6)


def test_symbolic_keyword_argument_is_replaced_by_its_value():
    query, value = keras.Input((None, 4)), keras.Input((None, 4))
    layer = Attend()
    out = layer(query, value=value)
    assert out.shape == (None, None, 4)
    model = keras.Model([query, value], out)
    rng = _rng(3)
    q, v = rng.standard_normal((2, 3, 4)).astype(np.float32), \
        rng.standard_normal((2, 5, 4)).astype(np.float32)
    np.testing.assert_allclose(model.predict([q, v], verbose=0), layer(q, value=v).numpy(),
                               rtol=1e-6)


def test_dict_output_is_indexed_by_key_and_ordered_like_keras():
    inputs = keras.Input((2,))
    parts = TwoWays()(inputs)
    assert set(parts) == {"double", "bias"} and parts["bias"].shape == (None, 2)
    model = keras.Model(inputs, [parts["double"], parts["bias"]])
    x = np.array([[1.0, -2.0]], np.float32)
    double, bias = model.predict(x, verbose=0)
    np.testing.assert_allclose(double, 2 * x)
    np.testing.assert_allclose(bias, x + 1)
    # Keras numbers a dict's outputs by sorted key: "bias" is output 0, "double" output 1
    assert model.get_config()["output_layers"] == [["two_ways", 0, 1], ["two_ways", 0, 0]]


# --- unknown axes and masks ------------------------------------------------------------------

class MaskedSum(Layer):
    """Sums the time steps the mask keeps; refuses to run without a mask."""

    def call(self, inputs, mask=None):
        if mask is None:
            raise ValueError("MaskedSum needs a mask")
        keep = keras.ops.expand_dims(keras.ops.cast(keras.ops.convert_to_tensor(mask),
                                                    inputs.dtype), -1)
        return keras.ops.sum(inputs * keep, axis=1)


def test_variable_length_sequence_through_a_lambda_layer():
    tokens = keras.Input((None,), dtype="int32")
    embedded = Embedding(12, 4)(tokens)
    pooled = Lambda(lambda t: keras.ops.mean(t, axis=1))(embedded)
    assert pooled.shape == (None, 4)
    model = keras.Model(tokens, pooled)
    for length in (2, 7):
        ids = _rng(length).integers(0, 12, (3, length)).astype(np.int32)
        table = model.layers[1].get_weights()[0]
        np.testing.assert_allclose(model.predict(ids, verbose=0), table[ids].mean(axis=1),
                                   rtol=1e-6)


def test_compute_output_shape_keeps_fixed_axes_and_unknown_ones():
    class Outer(Layer):
        def call(self, x):
            return keras.ops.einsum("btf,bsf->bts", x, x)[:, :, :3]

    assert Outer().compute_output_shape((None, None, 5)) == (None, None, 3)
    assert Outer().compute_output_shape((8, 6, 5)) == (8, 6, 3)


def test_symbolic_mask_reaches_layers_that_need_one():
    tokens = keras.Input((None,), dtype="int32")
    embedded = Embedding(10, 3, mask_zero=True)(tokens)
    mask = embedded._keras_mask
    assert isinstance(mask, SymbolicTensor) and mask.shape == (None, None) and mask.dtype == "bool"
    assert Dense(2)(embedded)._keras_mask.shape == (None, None)   # passes through Dense
    assert keras.layers.LSTM(2)(embedded)._keras_mask is None       # a last output: none
    summed = MaskedSum()(embedded)
    assert summed.shape == (None, 3)
    ids = np.array([[1, 2, 0], [3, 0, 0]], np.int32)
    table = keras.Model(tokens, summed).layers[1].get_weights()[0]
    np.testing.assert_allclose(keras.Model(tokens, summed).predict(ids, verbose=0),
                               table[ids].sum(axis=1) - table[0] * (ids == 0).sum(axis=1)[:, None],
                               rtol=1e-6, atol=1e-7)
    lstm = keras.layers.LSTM(2)
    implicit, explicit = lstm(embedded), lstm(embedded, mask=mask)
    model = keras.Model(tokens, [implicit, explicit])
    first, second = model.predict(ids, verbose=0)
    np.testing.assert_array_equal(first, second)


# --- unbuilt models: summary and build() ----------------------------------------------------

def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_summary_of_unbuilt_models_shows_question_marks():
    sequential = keras.Sequential([Dense(1, name="only")])
    text = _summary(sequential)
    assert re.search(r"only \(Dense\)\s+│ \?\s+│\s+0 \(unbuilt\) │", text)
    assert "Total params: 0 (0.00 B)" in text

    class Two(keras.Model):
        def __init__(self):
            super().__init__()
            self.first, self.second = Dense(3), Dense(1)

        def call(self, x):
            return self.second(self.first(x))
    model = Two()
    text = _summary(model)
    assert text.count("0 (unbuilt)") == 2 and text.count(" ? ") == 2
    model(np.zeros((2, 4), np.float32))
    assert "Total params: 19" in _summary(model)


def test_sequential_build_without_argument_uses_its_input():
    model = keras.Sequential([keras.Input((3,)), Dense(2)])
    model.build()
    assert model.built and model.output_shape == (None, 2)
    with pytest.raises(ValueError, match="build\\(\\) needs an `input_shape`"):
        keras.Sequential([Dense(2)]).build()


# --- subclassed models built by a call ----------------------------------------------------

@keras.saving.register_keras_serializable(package="test_functional_symbolic")
class Scorer(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden, self.head = Dense(units, activation="relu"), Dense(1)

    def call(self, x):
        return self.head(self.hidden(x)) + keras.ops.mean(x, axis=1, keepdims=True)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_built_by_fit_saves_and_reloads(tmp_path):
    rng = _rng(5)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = x[:, :1] - x[:, 1:2]
    model = Scorer(units=5)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert model.get_build_config() == {"input_shape": [None, 4]}
    model.save(tmp_path / "scorer.keras")
    loaded = keras.models.load_model(tmp_path / "scorer.keras")
    assert isinstance(loaded, Scorer) and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras_ops_activations_serve_as_layer_activations_and_binary_op_nodes_clone():
    import neuronet as keras
    lstm = keras.layers.LSTM(2, activation=keras.ops.tanh)
    assert lstm.get_config()["activation"] == "tanh"
    assert keras.layers.Dense(2, activation=keras.ops.relu).get_config()["activation"] == "relu"
    a, b = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([a, b], keras.layers.Dense(2)(a + b))
    clone = keras.models.clone_model(model)
    x = [np.ones((2, 3), np.float32), np.full((2, 3), 2.0, np.float32)]
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))


# --- string inputs ---------------------------------------------------------------------------

def _string_lengths(texts):
    """The length of each string of a (batch, 1) string Tensor, as floats (batch, 1)."""
    lengths = np.char.str_len(np.asarray(texts.data, str))
    return keras.ops.convert_to_tensor(lengths.astype("float32"))


def test_a_string_input_feeds_raw_text_through_fit_predict_save_and_load(tmp_path):
    texts = np.array([["a"], ["abc"], ["hello"], [""]], dtype=object)
    inputs = keras.Input(shape=(1,), dtype="string")
    assert inputs.dtype == "string"
    lengths = Lambda(_string_lengths, output_shape=(1,))(inputs)
    model = keras.Model(inputs, Dense(1, kernel_initializer="ones")(lengths))
    np.testing.assert_allclose(model.predict(texts, verbose=0), [[1], [3], [5], [0]])
    model.compile("sgd", "mse")
    model.fit(texts, np.array([1.0, 3.0, 5.0, 0.0]), epochs=1, verbose=0)
    path = tmp_path / "strings.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"_string_lengths": _string_lengths})
    assert loaded.inputs[0].dtype == "string"
    np.testing.assert_allclose(loaded.predict(texts, verbose=0), model.predict(texts, verbose=0))


@pytest.mark.parametrize("given", ["string", str, np.dtype("U3"), np.dtype(object)])
def test_text_dtypes_standardize_to_string(given):
    assert backend.standardize_dtype(given) == "string"
    assert not backend.is_float_dtype(given)
    assert keras.Input(shape=(2,), dtype=given).dtype == "string"


def test_sequential_keeps_its_input_dtype_and_batch_size():
    texts = keras.Sequential([keras.Input((1,), dtype="string"),
                              Lambda(_string_lengths, output_shape=(1,))])
    assert texts.inputs[0].dtype == "string"
    assert texts.get_config()["layers"][0]["config"]["dtype"] == "string"
    rebuilt = keras.Sequential.from_config(texts.get_config(),
                                           custom_objects={"_string_lengths": _string_lengths})
    assert rebuilt.inputs[0].dtype == "string"
    np.testing.assert_array_equal(rebuilt.predict(np.array([["abc"]]), verbose=0), [[3.0]])
    fixed = keras.Sequential([keras.Input(batch_shape=(2, 3)), Dense(1)])
    assert fixed.inputs[0].shape == (2, 3) and fixed.outputs[0].shape == (2, 1)
