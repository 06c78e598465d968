"""Subclassed models (`class MyModel(neuronet.Model)`), custom train steps and custom
training loops with GradientTape (Keras 3 semantics)."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.layers import Dense


class TwoLayer(keras.Model):
    """A small MLP written as a subclass: layers set as attributes in __init__."""

    def __init__(self, hidden=8, outputs=1, **kwargs):
        super().__init__(**kwargs)
        self.hidden = Dense(hidden, activation="tanh")
        self.out = Dense(outputs)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))


class TapeStep(TwoLayer):
    """train_step written as in Keras' guide "Customizing what happens in fit()"."""

    def train_step(self, data):
        x, y = data
        with keras.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {metric.name: metric.result() for metric in self.metrics}


def _regression(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    return x, (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(np.float32)


def test_subclassed_model_tracks_its_layers_and_trains_with_fit():
    model = TwoLayer(name="mlp")
    assert model.name == "mlp" and TwoLayer().name.startswith("two_layer")
    assert not model.built and model.weights == []
    x, y = _regression()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=8, epochs=30, verbose=0)
    assert model.layers == [model.hidden, model.out]
    assert len(model.trainable_weights) == 4 and model.count_params() == 3 * 8 + 8 + 8 + 1
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x).numpy(), rtol=1e-6)


def test_build_then_summary_lists_the_layers():
    model = TwoLayer(hidden=5, outputs=2)
    unbuilt = []
    model.summary(print_fn=unbuilt.append)                 # Keras 3's table of an unbuilt model
    assert "0 (unbuilt)" in "\n".join(unbuilt)
    model.build((None, 3))
    assert model.built and [w.shape for w in model.weights] == [(3, 5), (5,), (5, 2), (2,)]
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert f'Model: "{model.name}"' in text and "(Dense)" in text
    assert "(None, 5)" in text and "(None, 2)" in text and "Total params: 32" in text

    class Residual(keras.Model):                   # call() uses an op: built on zeros
        def __init__(self):
            super().__init__()
            self.dense = Dense(3)

        def call(self, x):
            return self.dense(x) + x
    residual = Residual()
    residual.build((None, 3))
    assert residual.built and residual.count_params() == 12


def test_multi_input_subclass_and_subclass_inside_a_functional_graph():
    class Pair(keras.Model):
        def __init__(self):
            super().__init__()
            self.left, self.right = Dense(2), Dense(2)

        def call(self, inputs):
            a, b = inputs
            return keras.layers.add([self.left(a), self.right(b)])
    pair = Pair()
    pair.build([(None, 3), (None, 4)])
    assert [w.shape for w in pair.weights] == [(3, 2), (2,), (4, 2), (2,)]
    a, b = keras.Input((3,)), keras.Input((4,))
    outer = keras.Model([a, b], Dense(1)(pair([a, b])))
    assert outer.count_params() == pair.count_params() + 3
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((6, 3)), rng.standard_normal((6, 4))
    expected = outer.layers[-1](pair([xa, xb])).numpy()
    np.testing.assert_allclose(outer.predict([xa, xb], verbose=0), expected, rtol=1e-6)


def _same_start(*models):
    models[0].build((None, 3))
    for other in models[1:]:
        other.build((None, 3))
        other.set_weights(models[0].get_weights())


def test_custom_train_step_and_tape_loop_reach_the_weights_of_compiled_fit():
    x, y = _regression(n=24)
    backend.set_random_seed(1)
    compiled, custom, looped = TwoLayer(), TapeStep(), TwoLayer()
    _same_start(compiled, custom, looped)
    compiled.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    custom.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse", metrics=["mae"])
    history = compiled.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    custom_history = custom.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)

    optimizer, loss_fn = keras.optimizers.SGD(0.05, momentum=0.9), keras.losses.MeanSquaredError()
    for _ in range(3):
        for start in range(0, len(x), 8):
            with keras.GradientTape() as tape:
                loss = loss_fn(y[start:start + 8], looped(x[start:start + 8], training=True))
            grads = tape.gradient(loss, looped.trainable_weights)
            optimizer.apply_gradients(zip(grads, looped.trainable_weights))

    for a, b, c in zip(compiled.get_weights(), custom.get_weights(), looped.get_weights()):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    assert set(custom_history.history) == {"loss", "mae"}
    # equal batches: the mean of the batch losses is the built-in per-sample mean
    np.testing.assert_allclose(custom_history.history["loss"], history.history["loss"], rtol=1e-6)
    assert compiled.optimizer.iterations == 9 and optimizer.iterations == 9


def test_train_step_receives_the_batch_as_keras_packs_it():
    seen = []

    class Recorder(TwoLayer):
        def train_step(self, data):
            seen.append(data)
            return super().train_step(data)

        def test_step(self, data):
            seen.append(data)
            return super().test_step(data)
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    x, y = _regression(n=4)
    model.fit(x, y, batch_size=4, verbose=0)
    model.fit(x, y, sample_weight=np.ones(4), batch_size=4, verbose=0)
    model.evaluate(x, y, verbose=0)
    (x1, y1), (x2, y2, w2), (x3, y3) = seen
    assert isinstance(x1, keras.Tensor) and x1.shape == (4, 3) and y1.shape == (4, 1)
    np.testing.assert_array_equal(w2, np.ones(4))
    assert keras.models.trainer.unpack_x_y_sample_weight(x1) == (x1, None, None)


def test_custom_metrics_property_and_no_compiled_loss():
    class Tracked(TwoLayer):
        def __init__(self):
            super().__init__()
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.error_tracker = keras.metrics.MeanAbsoluteError(name="error")

        @property
        def metrics(self):
            return [self.loss_tracker, self.error_tracker]

        def train_step(self, data):
            x, y = data
            with keras.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = keras.ops.mean(keras.ops.square(y_pred - y))
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.loss_tracker.update_state(loss)
            self.error_tracker.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "error": self.error_tracker.result()}
    model = Tracked()
    model.compile(optimizer=keras.optimizers.Adam(0.05))       # no loss: the step computes it
    x, y = _regression()
    history = model.fit(x, y, batch_size=40, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "error"}
    # the trackers are reset at each epoch: each epoch's value is that epoch's one batch
    assert model.loss_tracker.count.data == 1
    assert history.history["loss"][-1] < history.history["loss"][0]

    plain = TwoLayer(name="plain")
    plain.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="Model 'plain': no loss to compute"):
        plain.fit(x, y, verbose=0)


# --- what Keras tracks and propagates through a subclass --------------------------------------

class Blocks(keras.Model):
    """Layers in a list filled after it is set, in a dict, and a Variable attribute."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        for units in (4, 3):
            self.blocks.append(Dense(units, activation="tanh"))
        self.heads = {"out": Dense(1)}
        self.scale = keras.Variable(np.ones(1, np.float32), name="scale")

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.heads["out"](x) * self.scale


def test_layers_in_later_filled_lists_and_dicts_and_variable_attributes_are_trained():
    backend.set_random_seed(0)
    model = Blocks()
    x = np.random.default_rng(0).standard_normal((16, 5)).astype(np.float32)
    y = x[:, :1] * 2
    model(x)
    assert len(model.weights) == 7                     # 3 kernels, 3 biases, the scale
    assert any(w is model.scale for w in model.trainable_weights)
    before = model.get_weights()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


class Noisy(keras.layers.Layer):
    """A block whose call does not pass `training` on to its Dropout."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drop = keras.layers.Dropout(0.5)

    def call(self, x):
        return self.drop(x)


def test_the_training_flag_reaches_layers_called_inside_a_call_that_does_not_pass_it():
    x = np.ones((50, 40), np.float32)
    block = Noisy()
    assert (block(x, training=True).data == 0).mean() > 0.3
    np.testing.assert_array_equal(block(x).data, x)
    np.testing.assert_array_equal(block(x, training=False).data, x)
    inputs = keras.Input((40,))
    model = keras.Model(inputs, Noisy()(inputs))
    assert (model(x, training=True).data == 0).mean() > 0.3
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


class ActivityPenalty(keras.layers.Layer):
    """The keras.io subclassing guide's ActivityRegularizationLayer."""

    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * keras.ops.mean(inputs))
        return inputs


def test_add_loss_in_call_joins_the_losses_and_each_call_replaces_them():
    layer = ActivityPenalty(0.5)
    layer(np.full((2, 3), 4.0, np.float32))
    assert len(layer.losses) == 1 and float(layer.losses[0].data) == pytest.approx(2.0)
    layer(np.full((2, 3), 2.0, np.float32))
    assert len(layer.losses) == 1 and float(layer.losses[0].data) == pytest.approx(1.0)
    inputs = keras.Input((3,))
    outputs = Dense(1, kernel_initializer="ones", bias_initializer="zeros")(
        ActivityPenalty(0.5)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.full((4, 3), 2.0, np.float32), np.zeros((4, 1), np.float32)
    # mse of 6 against 0, plus 0.5 * mean(x) = 1
    assert model.evaluate(x, y, verbose=0) == pytest.approx(36.0 + 1.0)


class Scale(keras.layers.Layer):
    """A custom layer with constructor arguments and no get_config of its own."""

    def __init__(self, factor=2.0, offsets=(0.0,), **kwargs):
        super().__init__(**kwargs)
        self.factor, self.offsets = factor, offsets

    def call(self, x):
        return x * self.factor + self.offsets[0]


def test_a_layer_without_get_config_records_its_init_arguments_and_reloads_them(tmp_path):
    layer = Scale(3.0, offsets=[1.0], name="scale")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["offsets"] == [1.0] and config["name"] == "scale"
    clone = Scale.from_config(config)
    assert clone.factor == 3.0 and clone.offsets == [1.0]
    inputs = keras.Input((2,))
    model = keras.Model(inputs, Scale(3.0)(inputs))
    path = str(tmp_path / "scale.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Scale": Scale})
    x = np.ones((1, 2), np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(TypeError, match="factor=.*implement get_config"):
        Scale(factor=np.float32).get_config()


def test_unnamed_weights_dtypes_and_an_uncompiled_models_loss_as_in_keras():
    class Two(keras.layers.Layer):
        def build(self, input_shape):
            self.a = self.add_weight(shape=(2,))
            self.b = self.add_weight(shape=(3,), name="b")
            self.c = self.add_weight(shape=(1,))

        def call(self, x):
            return x

    layer = Two(name="two")
    layer(np.zeros((1, 2), np.float32))
    assert [w.name for w in layer.weights] == ["variable", "b", "variable_1"]
    assert [w.path for w in layer.weights] == ["two/variable", "two/b", "two/variable_1"]
    assert layer.compute_dtype == layer.variable_dtype == layer.input_dtype == "float32"
    model = keras.Sequential([keras.Input((2,)), layer])
    assert model.loss is None and model.optimizer is None
    model.compile("sgd", "mse")
    assert model.loss == "mse"


def _two_outputs(keras_module, as_dict):
    layers = keras_module.layers

    class TwoOutputs(keras_module.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = layers.Dense(2), layers.Dense(1)

        def call(self, x):
            return {"p": self.a(x), "q": self.b(x)} if as_dict else (self.a(x), self.b(x))
    return TwoOutputs()


@pytest.mark.parametrize("loss", ["mse", {"p": "mse", "q": "mae"}, ["mse", "mae"]],
                         ids=["shared", "dict", "list"])
def test_a_subclassed_model_with_two_outputs_compiles_per_output_before_it_is_built(
        real_keras, loss):
    # The outputs are named from the first batch: a dict's keys (as Keras names them),
    # 'output_1', 'output_2' for a tuple.
    rng = np.random.default_rng(0)
    x = rng.random((16, 3), np.float32)
    y2, y1 = rng.random((16, 2), np.float32), rng.random((16, 1), np.float32)
    as_dict = not isinstance(loss, list)
    y = {"p": y2, "q": y1} if as_dict else (y2, y1)
    ours = _two_outputs(keras, as_dict)
    ours.compile("sgd", loss=loss)
    history = ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert set(history) == ({"loss", "p_loss", "q_loss"} if as_dict
                            else {"loss", "output_1_loss", "output_2_loss"})
    if not as_dict:
        return                          # Keras names a tuple's outputs after their losses
    theirs = _two_outputs(real_keras, as_dict)
    theirs(x[:1])
    fresh = _two_outputs(keras, as_dict)
    fresh(x[:1])
    theirs.set_weights(fresh.get_weights())
    fresh.compile("sgd", loss=loss)
    theirs.compile("sgd", loss=loss)
    ours_history = fresh.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    keras_history = theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert set(ours_history) == set(keras_history)
    for key in keras_history:
        np.testing.assert_allclose(ours_history[key], keras_history[key], rtol=1e-5)
