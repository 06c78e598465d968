"""Keras-style training: Sequential, compile, fit, evaluate, predict and their contracts."""
import io
import contextlib

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend


def _digits(flat=True):
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    shape = (-1, 64) if flat else (-1, 8, 8)
    return (x_train.reshape(shape) / 16.0, y_train), (x_test.reshape(shape) / 16.0, y_test)


def _mlp(hidden=(16,), activation="relu", inputs=4, outputs=3, out_activation="softmax"):
    layers = [keras.Input((inputs,))] + [keras.layers.Dense(h, activation=activation) for h in hidden]
    return keras.Sequential(layers + [keras.layers.Dense(outputs, activation=out_activation)])


def _toy(n=64, features=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    return x, y % classes


def test_fit_is_the_hand_written_loop():
    x, y = _toy(n=50)
    backend.set_random_seed(7)
    model = _mlp()
    initial = model.get_weights()
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                  loss="sparse_categorical_crossentropy")
    backend.set_random_seed(99)
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=True)

    twin = _mlp()
    twin.set_weights(initial)
    optimizer = keras.optimizers.SGD(0.1, momentum=0.9)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    backend.set_random_seed(99)
    for _ in range(3):
        order = backend.rng().permutation(len(x))
        for start in range(0, len(x), 16):           # the last batch has 2 samples
            index = order[start:start + 16]
            with keras.GradientTape() as tape:
                loss = loss_fn(y[index], twin(x[index], training=True))
            grads = tape.gradient(loss, twin.trainable_weights)
            optimizer.apply_gradients(zip(grads, twin.trainable_weights))
    for ours, theirs in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_fixed_seed_gives_identical_weights_run_to_run():
    x, y = _toy()

    def train():
        backend.set_random_seed(3)
        model = _mlp()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return model.get_weights()
    for a, b in zip(train(), train()):
        np.testing.assert_array_equal(a, b)


def test_deep_network_reaches_95_percent_on_digits():
    (x_train, y_train), (x_test, y_test) = _digits()
    backend.set_random_seed(0)
    model = _mlp(hidden=(64, 64), inputs=64, outputs=10)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=30, verbose=0,
                        validation_data=(x_test, y_test))
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["val_accuracy"][-1] == pytest.approx(accuracy)
    assert all(isinstance(v, float) for v in history.history["loss"])
    assert history.epoch == list(range(30))
    assert history.params["epochs"] == 30 and history.params["steps"] == 45
    assert model.history is history


def test_metric_key_is_the_string_given_to_compile():
    x, y = _toy()
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=1, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}


@pytest.mark.parametrize("loss, labels, expected", [
    ("binary_crossentropy", "binary", "BinaryAccuracy"),
    ("categorical_crossentropy", "onehot", "CategoricalAccuracy"),
    ("sparse_categorical_crossentropy", "sparse", "SparseCategoricalAccuracy"),
])
def test_accuracy_resolves_from_the_loss(loss, labels, expected):
    x, y = _toy()
    outputs = 1 if labels == "binary" else 3
    model = _mlp(outputs=outputs, out_activation="sigmoid" if labels == "binary" else "softmax")
    target = {"binary": (y > 0).astype(np.float32), "onehot": keras.utils.to_categorical(y, 3),
              "sparse": y}[labels]
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    model.fit(x, target, epochs=1, verbose=0)
    [(key, _, metric)] = model.compiled_metrics.metrics
    assert key == "accuracy" and type(metric).__name__ == expected
    predictions = model.predict(x, verbose=0)
    if labels == "binary":
        manual = np.mean((predictions.ravel() > 0.5) == target)
    else:
        manual = np.mean(predictions.argmax(axis=1) == y)
    assert model.evaluate(x, target, verbose=0)[1] == pytest.approx(manual)


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = _toy(n=40)
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, verbose=0, validation_split=0.25, shuffle=True)
    assert history.params["steps"] == 1  # 30 training samples, batch 32
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x[30:], y[30:], verbose=0))
    assert history.history["loss"][0] == pytest.approx(model.evaluate(x[:30], y[:30], verbose=0))


def test_last_partial_batch_is_used():
    x, y = _toy(n=35)
    seen = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[Count()])
    assert seen == [0, 1, 2] and history.params["steps"] == 3


def test_sample_weight_and_class_weight_follow_keras():
    x, y = _toy(n=32)
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    per_sample = keras.losses.sparse_categorical_crossentropy(y, model(x)).numpy()
    weights = np.linspace(0.0, 2.0, len(x))
    weighted = model.evaluate(x, y, sample_weight=weights, batch_size=32, verbose=0)
    assert weighted == pytest.approx(np.sum(per_sample * weights) / len(x), rel=1e-5)
    class_weight = {0: 0.5, 1: 2.0, 2: 1.0}
    before = model.get_weights()
    loss_cw = model.train_on_batch(x, y, class_weight=class_weight)
    expected = np.mean(per_sample * np.array([class_weight[c] for c in y]))
    assert loss_cw == pytest.approx(expected, rel=1e-5)
    model.set_weights(before)
    loss_sw = model.train_on_batch(x, y, sample_weight=np.array([class_weight[c] for c in y]))
    assert loss_sw == pytest.approx(loss_cw, rel=1e-6)


def test_early_stopping_restores_best_weights():
    x, y = _toy()
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append((logs["val_loss"], model.get_weights()))
    noisy_val = (x[:16], (y[:16] + 1) % 3)  # a validation set the training does not help
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    model.fit(x, y, epochs=50, batch_size=8, verbose=0, validation_data=noisy_val,
              callbacks=[Snapshot(), stop])
    assert len(snapshots) < 50
    best_loss, best_weights = min(snapshots, key=lambda s: s[0])
    for ours, best in zip(model.get_weights(), best_weights):
        np.testing.assert_array_equal(ours, best)


def test_generators_and_sequences_feed_fit():
    x, y = _toy(n=48)

    class Batches:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[16 * i:16 * (i + 1)], y[16 * i:16 * (i + 1)]

    def generator():
        while True:
            for i in range(3):
                yield x[16 * i:16 * (i + 1)], y[16 * i:16 * (i + 1)], np.ones(16)
    model = _mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h1 = model.fit(Batches(), epochs=2, verbose=0)
    h2 = model.fit(generator(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(h1.history["loss"]) == len(h2.history["loss"]) == 2
    assert model.evaluate(Batches(), verbose=0)[0] == pytest.approx(model.evaluate(x, y, verbose=0)[0], rel=1e-5)
    np.testing.assert_allclose(model.predict(Batches(), verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_nested_sequential_trains_as_one_network_and_freezing_at_compile():
    x, y = _toy()
    inner = keras.Sequential([keras.layers.Dense(8, activation="relu")])
    model = keras.Sequential([keras.Input((4,)), inner, keras.layers.Dense(3, activation="softmax")])
    assert len(model.trainable_weights) == 4 and model.count_params() == 4 * 8 + 8 + 8 * 3 + 3
    inner.trainable = False
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    frozen = inner.get_weights()
    model.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(inner.get_weights(), frozen):
        np.testing.assert_array_equal(a, b)
    inner.trainable = True              # not compiled again: still frozen (Keras' rule)
    model.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(inner.get_weights(), frozen):
        np.testing.assert_array_equal(a, b)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(inner.get_weights(), frozen))


def test_keyboard_interrupt_stops_cleanly():
    x, y = _toy()

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt
    model = _mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[Interrupt()])
    assert len(history.history["loss"]) == 1
    assert model.predict(x, verbose=0).shape == (len(x), 3)


def test_one_batch_methods_and_structure():
    x, y = _toy(n=8)
    model = _mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.train_on_batch(x, y)
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"} and np.isfinite(loss) and 0 <= acc <= 1
    np.testing.assert_allclose(model.predict_on_batch(x), model(x).numpy(), rtol=1e-6)
    assert model.get_layer(index=0) is model.layers[0]
    assert model.get_layer(model.layers[1].name) is model.layers[1]
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")
    assert model.count_params() == 4 * 16 + 16 + 16 * 3 + 3
    popped = model.pop()
    assert isinstance(popped, keras.layers.Dense) and len(model.layers) == 1


def test_summary_prints_keras_table():
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu", name="hidden"),
                              keras.layers.Dense(10, name="out")])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "hidden (Dense)" in text and "(None, 64)" in text and "50,240" in text
    assert "Total params: 50,890" in text and "Trainable params: 50,890" in text
    assert "Non-trainable params: 0" in text


def test_verbose_modes_print_keras_lines():
    x, y = _toy()
    model = _mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(x, y, epochs=2, verbose=2)
    lines = [l for l in out.getvalue().splitlines() if l.strip()]
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert "loss:" in lines[1] and "accuracy:" in lines[1]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(x, y, epochs=1, verbose=0)
    assert out.getvalue() == ""


# --- bad input -------------------------------------------------------------------------------

def test_count_params_before_build_says_to_build_first():
    model = keras.Sequential([keras.layers.Dense(3)])          # no input shape: not built
    with pytest.raises(ValueError, match=r"count_params\(\) was called before the layer is "
                                         r"built.*\.build\(input_shape\)"):
        model.count_params()
    model.build((None, 4))
    assert model.count_params() == 4 * 3 + 3


def test_fit_before_compile():
    x, y = _toy()
    with pytest.raises(ValueError, match="compile"):       # Keras' type
        _mlp().fit(x, y, verbose=0)


def test_x_and_y_of_different_lengths():
    x, y = _toy()
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"'x' sizes: 64 'y' sizes: 60"):
        model.fit(x, y[:60], verbose=0)


def test_integer_labels_with_categorical_crossentropy():
    x, y = _toy()
    model = _mlp()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy|to_categorical"):
        model.fit(x, y, verbose=0)


def test_input_of_the_wrong_shape_names_layer_and_shapes():
    x, y = _toy(features=5)
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"layer 'dense.*expected axis -1 of input shape to have "
                                         r"value 4, but received input with shape \(32, 5\)"):
        model.fit(x, y, verbose=0)


def test_generator_yielding_a_bad_batch():
    def generator():
        yield "not a batch"
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="expected a tuple \\(x, y\\)"):
        model.fit(generator(), steps_per_epoch=1, verbose=0)


def test_nan_in_inputs_is_reported():
    x, y = _toy()
    x[3, 2] = np.nan
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="NaN or inf"):
        model.fit(x, y, verbose=0)


def test_finite_check_of_the_data_sees_nan_and_inf_and_allows_large_values():
    from neuronet.models.data_adapter import check_finite
    check_finite(np.full((4, 3), 3e38, np.float32), "x")          # its sum overflows: still fine
    for bad in (np.nan, np.inf, -np.inf):
        x = np.ones((4, 3), np.float32)
        x[2, 1] = bad
        with pytest.raises(ValueError, match="'x' contains NaN or inf"):
            check_finite(x, "x")


def test_loss_scale_factor_scales_the_loss_and_divides_the_gradients_back():
    """fit differentiates optimizer.scale_loss(loss), as Keras' trainers do, so a
    loss_scale_factor leaves the training unchanged (up to rounding)."""
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 3)).astype(np.float32), rng.random((32, 1)).astype(np.float32)
    weights = []
    for factor in (None, 64.0):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.set_weights([np.ones((3, 1), np.float32), np.zeros(1, np.float32)])
        model.compile(optimizer=keras.optimizers.SGD(0.1, loss_scale_factor=factor), loss="mse")
        model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        weights.append(model.get_weights()[0])
    np.testing.assert_allclose(weights[1], weights[0], rtol=1e-5)


def test_accuracy_of_an_output_with_one_value_per_sample():
    """A model whose output is (n,) (a final Reshape(())) compiled with 'accuracy' and a
    non-binary loss counts thresholded hits (it picked the sparse categorical accuracy,
    which raised on targets of shape (n, 1))."""
    inputs = keras.Input((3,))
    outputs = keras.layers.Reshape(())(keras.layers.Dense(1, activation="sigmoid")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(loss="mse", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    expected = np.mean((model.predict(x, verbose=0) > 0.5) == y)
    logs = model.evaluate(x, y[:, None], batch_size=4, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(expected)
