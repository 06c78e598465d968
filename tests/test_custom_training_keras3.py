"""Custom training as Keras 3 runs it: metrics held as attributes, predict_step, losses of
the latest call, the model built before the first train_step. (Keras on JAX passes its
state to train_step / test_step, so overrides written for TensorFlow or PyTorch do not run
there; the expected values are those Keras gives on its torch backend.)"""
import numpy as np
import pytest

import neuronet

X = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")


def _tracking_model(keras):
    class Tracking(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.tracker = keras.metrics.Mean(name="target_mean")

        def call(self, x):
            return self.dense(x)

        def test_step(self, data):
            x, y = data
            self.tracker.update_state(keras.ops.mean(y))
            return {"target_mean": self.tracker.result()}
    model = Tracking()
    model.compile("sgd", "mse")
    return model


def test_a_metric_held_as_an_attribute_is_listed_and_reset_each_evaluate():
    model = _tracking_model(neuronet)
    first = model.evaluate(X, np.zeros(8), verbose=0, return_dict=True)
    second = model.evaluate(X, np.ones(8), verbose=0, return_dict=True)   # not a running mean
    assert [m.name for m in model.metrics] == ["loss", "target_mean"]
    assert (first, second) == ({"target_mean": 0.0}, {"target_mean": 1.0})


def test_predict_goes_through_an_overridden_predict_step():
    class Doubling(neuronet.Sequential):
        def predict_step(self, data):
            out = super().predict_step(data)
            return {"out": out, "double": out * 2}
    model = Doubling([neuronet.Input((3,)), neuronet.layers.Dense(2)])
    plain = neuronet.Model(model.inputs, model.outputs).predict(X, batch_size=3, verbose=0)
    predicted = model.predict(X, batch_size=3, verbose=0)
    assert set(predicted) == {"out", "double"} and predicted["out"].shape == (8, 2)
    np.testing.assert_allclose(predicted["out"], plain, rtol=1e-6)
    np.testing.assert_allclose(predicted["double"], 2 * plain, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(X)["double"], 2 * plain, rtol=1e-6)


class _SumLoss(neuronet.layers.Layer):
    """Adds the sum of its inputs (times `factor`) to the losses; passes them on."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        self.add_loss(self.factor * neuronet.ops.sum(x))
        return x


def test_losses_are_those_of_the_latest_forward_pass():
    class AuxiliaryInTraining(neuronet.Model):
        def __init__(self):
            super().__init__()
            self.dense = neuronet.layers.Dense(1, kernel_initializer="ones")
            self.aux = _SumLoss(100.0)

        def call(self, x, training=None):
            h = self.dense(x)
            if training:
                self.aux(h)                      # only while training
            return h

    model = AuxiliaryInTraining()
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")
    before = model.evaluate(x, y, verbose=0)
    model.train_on_batch(x, y)
    assert len(model.losses) == 1                   # the training pass added one
    after = model.evaluate(x, y, verbose=0)
    expected = float(np.mean(model.predict(x, verbose=0) ** 2))
    assert before == pytest.approx(9.0) and after == pytest.approx(expected, rel=1e-5)
    assert model.losses == []                        # evaluate's pass added none


def test_a_layer_called_twice_in_one_pass_keeps_both_losses():
    class Twice(neuronet.Model):
        def __init__(self):
            super().__init__()
            self.shared = _SumLoss()

        def call(self, x):
            return self.shared(x) + self.shared(x * 10.0)

    model = Twice()
    model(np.ones((2, 3), "float32"))
    assert [float(loss.numpy()) for loss in model.losses] == [6.0, 60.0]
    model(np.ones((1, 3), "float32"))               # the next pass replaces them
    assert [float(loss.numpy()) for loss in model.losses] == [3.0, 30.0]


def _momentum_sgd(keras):
    """The custom optimizer of Keras' own Optimizer docstring."""
    class MomentumSGD(keras.optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.5, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, variables):
            super().build(variables)
            self.momentums = [self.add_variable_from_reference(reference_variable=v,
                                                               name="momentum")
                              for v in variables]

        def update_step(self, gradient, variable, learning_rate):
            ops = keras.ops
            learning_rate = ops.cast(learning_rate, variable.dtype)
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(m, ops.subtract(ops.multiply(m, ops.cast(self.momentum, variable.dtype)),
                                        ops.multiply(ops.cast(gradient, variable.dtype),
                                                     learning_rate)))
            self.assign_add(variable, m)
    return MomentumSGD(0.1)


def test_a_custom_optimizer_written_as_keras_documents_it_trains_as_in_keras(real_keras):
    weights, results = None, []
    for keras in (neuronet, real_keras):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        weights = weights or model.get_weights()
        model.set_weights(weights)
        model.compile(_momentum_sgd(keras), "mse")
        model.fit(X, np.ones((8, 2), "float32"), epochs=3, batch_size=4, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)
    optimizer = neuronet.optimizers.SGD()
    ones = optimizer.add_variable((2, 2), initializer="ones", name="ones")
    assert ones.numpy().tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_a_subclassed_model_saves_its_init_arguments_and_loads_back(tmp_path):
    @neuronet.saving.register_keras_serializable(package="tests")
    class Head(neuronet.Model):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = neuronet.layers.Dense(units)

        def call(self, x):
            return self.dense(x)

    model = Head(3, name="head")
    expected = model.predict(X, verbose=0)
    assert model.get_config()["units"] == 3
    model.save(tmp_path / "head.keras")
    loaded = neuronet.models.load_model(tmp_path / "head.keras")
    assert loaded.units == 3 and loaded.name == "head"
    np.testing.assert_allclose(loaded.predict(X, verbose=0), expected, rtol=1e-6)

    class Holding(neuronet.Model):                  # an argument that is not plain data
        def __init__(self, layer):
            super().__init__()
            self.layer = layer

        def call(self, x):
            return self.layer(x)
    holding = Holding(neuronet.layers.Dense(2))
    holding(X)
    with pytest.raises(TypeError, match="cannot record the argument layer="):
        holding.save(tmp_path / "holding.keras")
    assert not (tmp_path / "holding.keras").exists()
