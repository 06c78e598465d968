"""The functional API: graphs of layer calls, several inputs and outputs, shared layers,
nested models, merge layers, summary and the errors of bad graphs (Keras 3 semantics)."""
import re

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.layers import (Add, Average, Concatenate, Dense, Dot, Maximum, Minimum, Multiply,
                             Subtract)
from neuronet.testing import gradcheck


def _two_in_two_out(k=keras):
    """Inputs a (3,), b (2,); outputs 'score' (1 unit) and 'label' (3 classes), built with
    neuronet or (k=keras) with Keras itself."""
    a, b = k.Input((3,), name="a"), k.Input((2,), name="b")
    h = k.layers.concatenate([k.layers.Dense(4, activation="tanh", name="ha")(a),
                              k.layers.Dense(4, activation="tanh", name="hb")(b)], name="joined")
    score = k.layers.Dense(1, name="score")(h)
    label = k.layers.Dense(3, activation="softmax", name="label")(k.layers.add([h, h], name="twice"))
    return k.Model([a, b], [score, label], name="two_heads")


def _toy_data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    xa = rng.standard_normal((n, 3)).astype(np.float32)
    xb = rng.standard_normal((n, 2)).astype(np.float32)
    score = (xa[:, :1] - xb[:, 1:]).astype(np.float32)
    label = (xa[:, 0] > 0).astype(int) + (xb[:, 0] > 0).astype(int)
    return [xa, xb], [score, label]


# --- several inputs and outputs ----------------------------------------------------------------

def test_two_inputs_two_outputs_train_with_keras_history_keys():
    x, y = _toy_data()
    model = _two_in_two_out()
    assert [l.name for l in model.layers] == ["a", "b", "ha", "hb", "joined", "twice", "score",
                                              "label"]                  # Keras' order, by depth
    assert type(model.layers[0]).__name__ == "InputLayer"
    assert model.output_names == ["score", "label"]
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.5],
                  metrics=[["mae"], ["accuracy"]])
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    history = model.fit(x, y, batch_size=16, epochs=15, verbose=0, validation_data=(x, y))
    after = model.evaluate(x, y, verbose=0, return_dict=True)
    keys = {"loss", "score_loss", "label_loss", "score_mae", "label_accuracy"}
    assert set(history.history) == keys | {f"val_{k}" for k in keys}
    assert after["loss"] < 0.5 * before["loss"]
    # the total is the weighted sum of the (unweighted) per-output losses
    assert after["loss"] == pytest.approx(after["score_loss"] + 0.5 * after["label_loss"], rel=1e-5)
    predictions = model.predict(x, verbose=0)
    assert [p.shape for p in predictions] == [(48, 1), (48, 3)]
    manual_mae = np.mean(np.abs(predictions[0] - y[0]))
    assert after["score_mae"] == pytest.approx(manual_mae, rel=1e-5)
    assert after["label_accuracy"] == pytest.approx(np.mean(predictions[1].argmax(1) == y[1]))
    # evaluate's list in Keras 3's order: the losses, then the prefixed metrics sorted
    values = model.evaluate(x, y, verbose=0)
    assert values == pytest.approx([after[k] for k in ("loss", "score_loss", "label_loss",
                                                         "label_accuracy", "score_mae")])


def test_two_input_two_output_gradients_match_finite_differences(float64):
    backend.set_random_seed(5)
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss={"score": "mse", "label": "sparse_categorical_crossentropy"},
                  loss_weights={"score": 0.7, "label": 1.3})
    (xa, xb), (score, label) = _toy_data(n=5, seed=1)
    dense_layers = [l for l in model.layers if isinstance(l, Dense)]
    originals = [(layer.kernel, layer.bias) for layer in dense_layers]

    def loss_of(xa_, xb_, *weights):
        """The compiled loss as a function of both inputs and every weight of the model."""
        for layer, kernel, bias in zip(dense_layers, weights[0::2], weights[1::2]):
            layer.kernel, layer.bias = kernel, bias
        try:
            return model.compute_loss(y=[score, label], y_pred=model([xa_, xb_]))
        finally:
            for layer, (kernel, bias) in zip(dense_layers, originals):
                layer.kernel, layer.bias = kernel, bias

    weights = [w.data for pair in originals for w in pair]
    assert all(w.dtype == np.float64 for w in weights)
    assert gradcheck(loss_of, [xa, xb] + weights) < 1e-6


def test_logs_match_keras_itself(real_keras):
    """The same model and weights in Keras 3: the same log keys, values and list order."""
    x, y = _toy_data(n=16)
    compile_args = dict(loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.5],
                        metrics=[["mae"], ["accuracy"]])
    theirs, ours = _two_in_two_out(real_keras), _two_in_two_out()
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
    ours.set_weights(theirs.get_weights())
    theirs.compile(optimizer="sgd", **compile_args)
    ours.compile(optimizer="sgd", **compile_args)
    expected = theirs.evaluate(x, y, verbose=0, return_dict=True)
    logs = ours.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == set(expected)
    for key in expected:
        assert logs[key] == pytest.approx(float(expected[key]), rel=1e-5), key
    np.testing.assert_allclose(ours.evaluate(x, y, verbose=0), theirs.evaluate(x, y, verbose=0),
                               rtol=1e-5)


def test_dict_outputs_are_ordered_by_key_as_keras_orders_them(real_keras):
    """Keras flattens a dict of outputs by sorted key: output_names, outputs, layers and
    weights follow that order, so weights travel between the libraries with set_weights."""
    def build(k):
        inputs = k.Input((3,))
        return k.Model(inputs, {"priority": k.layers.Dense(1, name="priority")(inputs),
                                "department": k.layers.Dense(4, name="department")(inputs)})
    theirs, ours = build(real_keras), build(keras)
    assert ours.output_names == theirs.output_names == ["department", "priority"]
    assert [l.name for l in ours.layers][1:] == [l.name for l in theirs.layers][1:]
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(0).random((5, 3)).astype(np.float32)
    expected, got = theirs.predict(x, verbose=0), ours.predict(x, verbose=0)
    assert set(got) == set(expected)
    assert list(ours(x)) == list(theirs(x)) == ["priority", "department"]   # as given
    for key in expected:
        np.testing.assert_allclose(got[key], np.asarray(expected[key]), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("order", [["yout", "bout"], ["bout", "yout"]])
def test_output_losses_follow_the_loss_dict_as_in_keras(real_keras, order):
    """metrics_names and evaluate's list take the outputs' losses in the loss dict's order."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 3)).astype(np.float32)
    y = {"yout": rng.normal(size=(6, 1)).astype(np.float32),
         "bout": rng.normal(size=(6, 2)).astype(np.float32)}
    models = []
    for k in (real_keras, keras):
        inputs = k.Input((3,))
        models.append(k.Model(inputs, {"yout": k.layers.Dense(1)(inputs),
                                       "bout": k.layers.Dense(2)(inputs)}))
    models[1].set_weights(models[0].get_weights())
    results = []
    for model in models:
        model.compile(loss={name: "mse" for name in order}, metrics={"yout": ["mae"]})
        results.append((model.evaluate(x, y, verbose=0), list(model.metrics_names)))
    (expected, expected_names), (got, names) = results
    assert names == expected_names
    assert [name for name in names if name.endswith("out_loss")] == [f"{n}_loss" for n in order]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_dict_inputs_by_input_name_and_dict_outputs():
    a, b = keras.Input((3,), name="first"), keras.Input((2,), name="second")
    h = keras.layers.concatenate([a, b])
    model = keras.Model({"first": a, "second": b},
                        {"value": Dense(1)(h), "kind": Dense(2, activation="softmax")(h)})
    assert model.output_names == ["kind", "value"]                # sorted keys, as Keras
    assert [tuple(t.shape) for t in model.outputs] == [(None, 2), (None, 1)]
    (xa, xb), (value, label) = _toy_data(n=32)
    inputs = {"second": xb, "first": xa}                        # order does not matter
    model.compile(optimizer="adam", loss={"value": "mse", "kind": "sparse_categorical_crossentropy"},
                  metrics={"kind": "accuracy"})
    history = model.fit(inputs, {"value": value, "kind": label % 2}, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "value_loss", "kind_loss", "kind_accuracy"}
    predictions = model.predict(inputs, verbose=0)
    assert set(predictions) == {"value", "kind"} and predictions["kind"].shape == (32, 2)
    np.testing.assert_allclose(model(inputs)["value"].numpy(), predictions["value"], rtol=1e-6)
    # a model with list inputs also takes a dict keyed by the Inputs' names
    listed = keras.Model([a, b], h)
    np.testing.assert_array_equal(listed(inputs).numpy(), np.concatenate([xa, xb], axis=1))


def test_sample_weight_per_output_and_metric_names_per_output():
    x, y = _toy_data(n=16)
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                  metrics={"score": ["mse", "mae"]}, weighted_metrics=[["mse"], None])
    weights = np.r_[np.ones(8), np.zeros(8)]
    logs = model.evaluate(x, y, sample_weight=[weights, np.ones(16)], verbose=0, return_dict=True)
    assert set(logs) == {"loss", "score_loss", "label_loss", "score_mse", "score_mae",
                         "score_weighted_mse"}
    squared = (model.predict(x, verbose=0)[0] - y[0]).ravel() ** 2
    assert logs["score_mse"] == pytest.approx(squared.mean(), rel=1e-5)          # unweighted
    assert logs["score_weighted_mse"] == pytest.approx(squared[:8].mean(), rel=1e-5)
    assert logs["score_loss"] == pytest.approx(squared[:8].sum() / 16, rel=1e-5)  # Keras' mean


def test_compile_errors_for_several_outputs():
    model = _two_in_two_out()
    with pytest.raises(ValueError, match=r"expected 2 entries .*\['score', 'label'\].*received 3"):
        model.compile(loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match=r"\['nope'\] name no output"):
        model.compile(loss={"nope": "mse"})
    with pytest.raises(ValueError, match="list .*or a dict"):
        model.compile(loss="mse", metrics="mae")
    with pytest.raises(ValueError, match=r"expected 2 entries"):
        model.compile(loss="mse", metrics=["mae"])


# --- shared layers and nested models -------------------------------------------------------------

def test_shared_layer_gradient_is_the_sum_over_its_uses():
    a, b = keras.Input((3,)), keras.Input((3,))
    shared = Dense(2, activation="tanh")
    shared_model = keras.Model([a, b], keras.layers.multiply([shared(a), shared(b)]))
    first, second = Dense(2, activation="tanh"), Dense(2, activation="tanh")
    twin = keras.Model([a, b], keras.layers.multiply([first(a), second(b)]))
    first.set_weights(shared.get_weights())
    second.set_weights(shared.get_weights())
    assert len(shared_model.trainable_weights) == 2 and len(twin.trainable_weights) == 4

    rng = np.random.default_rng(0)
    x = [rng.standard_normal((5, 3)).astype(np.float32) for _ in range(2)]
    with keras.GradientTape() as tape:
        loss = keras.ops.sum(keras.ops.square(shared_model(x)))
    grads = tape.gradient(loss, shared.trainable_weights)
    with keras.GradientTape() as tape:
        loss = keras.ops.sum(keras.ops.square(twin(x)))
    per_use = tape.gradient(loss, first.trainable_weights + second.trainable_weights)
    for grad, use_1, use_2 in zip(grads, per_use[:2], per_use[2:]):
        np.testing.assert_allclose(grad.numpy(), use_1.numpy() + use_2.numpy(), rtol=1e-5,
                                   atol=1e-6)
        assert np.abs(use_1.numpy()).sum() > 0 and np.abs(use_2.numpy()).sum() > 0


def test_nested_model_called_on_new_inputs_shares_its_weights():
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, Dense(3, activation="relu")(Dense(5)(inner_in)), name="encoder")
    a, b = keras.Input((4,)), keras.Input((4,))
    outer = keras.Model([a, b], Dense(1)(keras.layers.subtract([inner(a), inner(b)])))
    assert outer.get_layer("encoder") is inner
    assert {id(w) for w in inner.weights} <= {id(w) for w in outer.weights}
    assert outer.count_params() == inner.count_params() + 4
    rng = np.random.default_rng(1)
    xa, xb = rng.standard_normal((16, 4)), rng.standard_normal((16, 4))
    before = inner.predict(xa, verbose=0)
    outer.compile(optimizer="adam", loss="mse")
    outer.fit([xa, xb], rng.standard_normal((16, 1)), epochs=2, verbose=0)
    assert not np.allclose(inner.predict(xa, verbose=0), before)       # trained through outer
    expected = outer.layers[-1](inner(xa) - inner(xb)).numpy()
    np.testing.assert_allclose(outer.predict([xa, xb], verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert inner.output.shape == (None, 3) and inner.input is inner_in   # its own graph's
    assert inner.input_shape == (None, 4) and outer.input_shape == [(None, 4), (None, 4)]


def test_summary_has_input_rows_and_connected_to_column():
    model = _two_in_two_out()
    texts = []
    model.summary(print_fn=texts.append)            # the whole text in one call, as Keras 3
    assert len(texts) == 1 and texts[0].endswith("\n")
    text = texts[0]
    lines = text.splitlines()
    assert lines[0] == 'Model: "two_heads"'
    assert "Connected to" in lines[2]
    row = next(l for l in lines if "a (InputLayer)" in l)
    assert "(None, 3)" in row and row.rstrip("│ ").endswith("-")
    assert "ha[0][0]," in text and "hb[0][0]" in text
    add_row = lines.index(next(l for l in lines if "twice (Add)" in l))
    assert re.search(r"│ joined\[0\]\[0\], +│$", lines[add_row])          # called on [h, h]
    assert re.search(r"│ joined\[0\]\[0\] +│$", lines[add_row + 1])
    assert "Total params: 64 (256.00 B)" in text      # 16 + 12 + 9 + 27, merges have none
    chain_in = keras.Input((4,))
    chain = keras.Model(chain_in, Dense(2)(Dense(3)(chain_in)))
    lines = []
    chain.summary(print_fn=lines.append)
    assert "Connected to" not in "\n".join(lines) and "(InputLayer)" in "\n".join(lines)


def test_a_training_flag_given_at_build_holds_unless_the_call_gives_one():
    # Keras 3: the flag of the node applies when the model is called with training=None;
    # an explicit training= of the call (predict's False, fit's True) overrides it.
    x_in = keras.Input((6,))
    dropped = keras.layers.Dropout(0.5)(x_in, training=True)
    model = keras.Model(x_in, dropped)
    out = model(np.ones((4, 6))).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and (out == 0).any()
    np.testing.assert_array_equal(model.predict(np.ones((4, 6)), verbose=0), np.ones((4, 6)))
    np.testing.assert_array_equal(model(np.ones((4, 6)), training=False).numpy(), np.ones((4, 6)))


# --- bad graphs ----------------------------------------------------------------------------------

def test_output_not_connected_to_the_inputs():
    a, other = keras.Input((3,), name="a"), keras.Input((3,), name="other")
    with pytest.raises(ValueError, match=r"output 1 .* not connected to the inputs: it depends on "
                                         r"Input 'other' of shape \(None, 3\), which is not "
                                         r"among the model's inputs \['a'\]"):
        keras.Model(a, [Dense(2)(a), Dense(2)(other)])


def test_input_of_the_wrong_shape():
    a = keras.Input((3,), name="features")
    model = keras.Model(a, Dense(2)(a))
    with pytest.raises(ValueError, match=r"Input 0 of model .* 'features' expects shape "
                                         r"\(None, 3\), received an input of shape \(4, 5\)"):
        model(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"expects 1 input\(s\) \['features'\], received 2"):
        model([np.zeros((4, 3)), np.zeros((4, 3))])
    assert model(np.zeros((4, 3, 1))).shape == (4, 2)        # a trailing axis of 1 is dropped


def test_missing_dict_input_and_non_input_as_input():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    model = keras.Model([a, b], keras.layers.concatenate([a, b]))
    with pytest.raises(ValueError, match=r"no value for input\(s\) \['b'\]"):
        model({"a": np.zeros((2, 3))})
    with pytest.raises(ValueError, match="is not connected to the inputs"):
        keras.Model(Dense(2)(a), b)             # a layer output may be an input; b is cut off


def test_merge_of_incompatible_shapes_names_every_shape():
    x, y, z = keras.Input((3,)), keras.Input((3,)), keras.Input((5,))
    with pytest.raises(ValueError, match=r"incompatible shapes. Received shapes "
                                         r"\(None, 3\), \(None, 3\), \(None, 5\)"):
        keras.layers.add([x, y, z])
    with pytest.raises(ValueError, match=r"matching shapes except for the concatenation axis 1. "
                                         r"Received: input_shape=\[\(None, 3, 2\), \(None, 4, 5\)\]"):
        keras.layers.concatenate([keras.Input((3, 2)), keras.Input((4, 5))], axis=1)
    with pytest.raises(ValueError, match=r"\(None, 3\) and \(None, 5\) for axes=\(1, 1\)"):
        keras.layers.dot([x, z], axes=1)
    with pytest.raises(ValueError, match=r"exactly 2 inputs. Received 3 inputs"):
        keras.layers.subtract([x, y, x])
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        Add()(x)
    with pytest.raises(ValueError, match=r"different batch sizes. Received shapes \(2, 3\), \(4, 3\)"):
        Add()([np.zeros((2, 3)), np.zeros((4, 3))])


# --- merge layers ----------------------------------------------------------------------------------

MERGES = [
    (Add, {}, lambda xs: xs[0] + xs[1] + xs[2], 3),
    (Subtract, {}, lambda xs: xs[0] - xs[1], 2),
    (Multiply, {}, lambda xs: xs[0] * xs[1] * xs[2], 3),
    (Average, {}, lambda xs: (xs[0] + xs[1] + xs[2]) / 3, 3),
    (Maximum, {}, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2]), 3),
    (Minimum, {}, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2]), 3),
    (Concatenate, {"axis": 1}, lambda xs: np.concatenate(xs, axis=1), 3),
]


@pytest.mark.parametrize("cls, kwargs, reference, count", MERGES, ids=[c[0].__name__ for c in MERGES])
def test_merge_values_dtype_symbolic_shape_and_gradients(cls, kwargs, reference, count):
    rng = np.random.default_rng(2)
    xs = [rng.standard_normal((4, 2, 3)).astype(np.float32) for _ in range(count)]
    layer = cls(**kwargs)
    out = layer(xs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), reference(xs), rtol=1e-6)
    symbolic = cls(**kwargs)([keras.Input((2, 3)) for _ in range(count)])
    assert symbolic.shape == (None,) + out.shape[1:]
    assert cls.from_config(layer.get_config()).get_config() == layer.get_config()
    functional = getattr(keras.layers, cls.__name__.lower())
    np.testing.assert_array_equal(functional(xs, **kwargs).numpy(), out.numpy())
    assert gradcheck(lambda *t: cls(**kwargs)(list(t)), [x.astype(np.float64) for x in xs]) < 1e-6


def test_elementwise_merge_broadcasts_like_keras():
    big, row = np.arange(24.0).reshape(2, 3, 4), np.arange(8.0).reshape(2, 4)
    out = Add()([big, row])                      # (2, 4) becomes (2, 1, 4)
    np.testing.assert_array_equal(out.numpy(), big + row[:, None, :])
    assert Multiply()([keras.Input((3, 4)), keras.Input((1, 4))]).shape == (None, 3, 4)
    assert Maximum()([keras.Input((3, 1)), keras.Input((1, 5))]).shape == (None, 3, 5)
    assert gradcheck(lambda a, b: Add()([a, b]), [big, row]) < 1e-6


def test_dot_against_einsum_normalize_and_gradients():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((4, 5, 3)), rng.standard_normal((4, 2, 3))
    np.testing.assert_allclose(Dot(axes=2)([x, y]).numpy(), np.einsum("bik,bjk->bij", x, y),
                               rtol=1e-5, atol=1e-6)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 6, 3))
    np.testing.assert_allclose(Dot(axes=(1, 2))([a, b]).numpy(), np.einsum("bk,bjk->bj", a, b),
                               rtol=1e-5, atol=1e-6)
    u, v = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    cosine = (u * v).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    out = keras.layers.dot([u.astype(np.float32), v.astype(np.float32)], axes=-1, normalize=True)
    assert out.shape == (4, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy().ravel(), cosine, rtol=1e-5)
    assert Dot(axes=(1, 2))([keras.Input((3,)), keras.Input((6, 3))]).shape == (None, 6)
    assert gradcheck(lambda p, q: Dot(axes=(1, 2))([p, q]), [x, rng.standard_normal((4, 2, 5))]) < 1e-6
    assert gradcheck(lambda p, q: Dot(axes=1, normalize=True)([p, q]), [u, v]) < 1e-6
    with pytest.raises(ValueError, match="non-batch axis"):
        Dot(axes=0)([u, v])
    with pytest.raises(ValueError, match="an int or a pair of ints"):
        Dot(axes=(1, 2, 3))


def test_merge_masks_follow_keras():
    x = np.ones((2, 3, 4), np.float32)
    left, right = keras.Tensor(x), keras.Tensor(x)
    left._keras_mask = np.array([[True, False, False], [True, True, False]])
    right._keras_mask = np.array([[False, True, False], [True, False, False]])
    np.testing.assert_array_equal(Add()([left, right])._keras_mask,
                                  [[True, True, False], [True, True, False]])
    assert getattr(Add()([left, keras.Tensor(x)]), "_keras_mask", None) is None
    along_time = Concatenate(axis=1)([left, keras.Tensor(x)])._keras_mask
    np.testing.assert_array_equal(along_time, [[True, False, False, True, True, True],
                                               [True, True, False, True, True, True]])


def test_a_single_output_given_in_a_list_comes_out_alone_as_in_keras():
    inputs = keras.Input((3,))
    model = keras.Model([inputs], [keras.layers.Dense(2)(inputs)])
    x = np.ones((4, 3), np.float32)
    assert isinstance(model(x), keras.Tensor) and model(x).shape == (4, 2)
    assert isinstance(model.predict(x, verbose=0), np.ndarray)
    assert model.output_shape == (None, 2) and isinstance(model.output, list)
    model.compile(optimizer="sgd", loss=["mse"])
    model.fit(x, np.zeros((4, 2), np.float32), verbose=0)


def test_a_model_can_start_at_a_layer_output_as_keras_allows():
    """Keras' rule (the FeatureSpace tutorial's): an input that is a layer output becomes a
    new Input of its shape, and the layers after it are called again on that."""
    a = keras.Input((3,))
    hidden = keras.layers.Dense(4)(a)
    head = keras.layers.Dense(1)
    out = head(hidden)
    full = keras.Model(a, out)
    tail = keras.Model(hidden, out)
    assert [type(layer).__name__ for layer in tail.layers] == ["InputLayer", "Dense"]
    assert tail.layers[1] is head and tail.inputs[0].shape == (None, 4)
    x = np.random.default_rng(0).random((2, 3)).astype(np.float32)
    features = full.layers[1](x).numpy()
    np.testing.assert_allclose(tail.predict(features, verbose=0), full.predict(x, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("merge", ["Multiply", "Maximum", "Minimum", "Add"])
@pytest.mark.parametrize("both_masked", [False, True])
def test_merging_masked_inputs_gives_what_keras_gives(real_keras, merge, both_masked):
    # Keras 3: Multiply counts masked positions as 1 (and zeroes the output where every
    # input is masked); Maximum and Minimum never let a masked value win; Add ignores masks.
    rng = np.random.default_rng(0)
    features = rng.random((2, 6, 4)).astype(np.float32)
    ids = np.array([[3, 5, 2, 7, 0, 0], [0, 0, 1, 2, 3, 4]])
    other_ids = np.array([[3, 0, 2, 0, 1, 0], [1, 2, 0, 0, 3, 4]])
    tables = [rng.random((10, 4)).astype(np.float32) for _ in range(2)]
    results = []
    for library in (keras, real_keras):
        ids_in, other_in = library.Input((6,), dtype="int32"), library.Input((6,), dtype="int32")
        features_in = library.Input((6, 4))
        first = library.layers.Embedding(10, 4, mask_zero=True)
        second = library.layers.Embedding(10, 4, mask_zero=True)
        merged = getattr(library.layers, merge)()(
            [first(ids_in), second(other_in) if both_masked else features_in])
        model = library.Model([ids_in, other_in, features_in],
                              [merged, library.layers.SimpleRNN(3, seed=1)(merged)])
        first.set_weights(tables[:1])
        if both_masked:
            second.set_weights(tables[1:])
        results.append((model, [np.asarray(out) for out in model.predict(
            [ids, other_ids, features], verbose=0)]))
    (ours, our_outputs), (theirs, their_outputs) = results
    ours.layers[-1].set_weights(theirs.layers[-1].get_weights())
    our_outputs = [np.asarray(out) for out in ours.predict([ids, other_ids, features],
                                                           verbose=0)]
    for mine, expected in zip(our_outputs, their_outputs):
        np.testing.assert_allclose(mine, expected, rtol=1e-5, atol=1e-6)
