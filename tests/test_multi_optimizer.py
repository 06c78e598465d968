"""MultiOptimizer and OptimizerMap: per-variable optimizers, config, saving, errors."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import layers, optimizers


def two_layer_model():
    model = keras.Sequential([layers.Dense(3, activation="tanh", name="first"),
                              layers.Dense(2, name="second")])
    model.build((None, 4))
    return model


def gradient_steps(variables, n=3):
    rng = np.random.default_rng(7)
    return [[rng.normal(size=v.shape).astype("float32") for v in variables] for _ in range(n)]


def values(variables):
    return [np.array(v.data) for v in variables]


def test_each_layer_trains_as_with_its_own_optimizer():
    model = two_layer_model()
    twin = two_layer_model()
    twin.set_weights(model.get_weights())
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(
        optimizers.Adam(0.01), {"first/.*": optimizers.SGD(0.1, momentum=0.9)}))
    sgd, adam = optimizers.SGD(0.1, momentum=0.9), optimizers.Adam(0.01)
    weights, twin_weights = model.trainable_weights, twin.trainable_weights
    for grads in gradient_steps(weights):
        multi.apply(grads, weights)
        sgd.apply(grads[:2], twin_weights[:2])
        adam.apply(grads[2:], twin_weights[2:])
    for got, expected in zip(values(weights), values(twin_weights)):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    assert [type(o).__name__ for o in multi.optimizers] == ["SGD", "Adam"]
    assert int(multi.iterations) == 3
    assert [int(o.iterations) for o in multi.optimizers] == [3, 3]
    names = [v.name for v in multi.variables]
    assert names[:2] == ["multi_optimizer/iteration", "multi_optimizer/learning_rate"]
    assert len(names) == 2 + (2 + 2) + (2 + 4)       # own; SGD: 2 momentums; Adam: 2 x 2


def test_matches_keras_multi_optimizer(real_keras):
    def build(lib, names=("first", "second")):
        dense = [lib.layers.Dense(3, name=names[0]), lib.layers.Dense(2, name=names[1])]
        dense[0].build((None, 4))
        dense[1].build((None, 3))
        return [w for d in dense for w in (d.kernel, d.bias)]

    def multi(lib):
        return lib.optimizers.MultiOptimizer(lib.optimizers.OptimizerMap(
            lib.optimizers.Adam(0.01), {"first/.*": lib.optimizers.SGD(0.1, momentum=0.9)}))

    ours, theirs = build(keras), build(real_keras)
    for ours_v, theirs_v in zip(ours, theirs):
        theirs_v.assign(np.array(ours_v.data))             # a copy: JAX may alias arrays
    ours_opt, theirs_opt = multi(keras), multi(real_keras)
    for grads in gradient_steps(ours):
        ours_opt.apply(grads, ours)
        theirs_opt.apply(grads, theirs)
    for ours_v, theirs_v in zip(ours, theirs):
        np.testing.assert_allclose(ours_v.data, np.asarray(theirs_v), rtol=1e-5, atol=1e-6)
    assert ([np.shape(v) for v in ours_opt.variables]
            == [tuple(v.shape) for v in theirs_opt.variables])


def test_callable_selector():
    model = two_layer_model()
    sgd, adam = optimizers.SGD(0.1), optimizers.Adam(0.01)
    selected = []

    def selector(variable):
        selected.append(variable.path)
        return sgd if variable.path.endswith("bias") else adam

    multi = optimizers.MultiOptimizer(selector)
    assert multi.optimizers == []                    # known only once built
    weights = model.trainable_weights
    before = values(weights)
    grads = gradient_steps(weights, 1)[0]
    multi.apply(grads, weights)
    assert selected == ["first/kernel", "first/bias", "second/kernel", "second/bias"]
    assert multi.optimizers == [adam, sgd]
    np.testing.assert_allclose(weights[1].data, before[1] - 0.1 * grads[1], rtol=1e-6)
    # Adam's first step: lr g / (|g| + eps / sqrt(1 - beta_2)), Keras' epsilon-hat form
    first_step = 0.01 * grads[0] / (np.abs(grads[0]) + 1e-7 / np.sqrt(1 - 0.999))
    np.testing.assert_allclose(weights[0].data, before[0] - first_step, rtol=1e-4, atol=1e-6)


def test_optimizer_map_lookup_setitem_and_default():
    default, sgd, rms = optimizers.Adam(), optimizers.SGD(), optimizers.RMSprop()
    optimizer_map = optimizers.OptimizerMap(default)
    optimizer_map["encoder/.*"] = sgd
    optimizer_map["decoder/dense/kernel"] = rms
    assert list(optimizer_map) == ["encoder/.*", "decoder/dense/kernel"]
    assert len(optimizer_map) == 2
    assert optimizer_map["encoder/dense/kernel"] is sgd
    assert optimizer_map["decoder/dense/kernel"] is rms
    assert optimizer_map["decoder/dense/bias"] is default         # no pattern matches
    assert optimizer_map["encoder"] is default                    # fullmatch, not prefix
    variable = keras.Variable(np.zeros(2, "float32"), name="kernel")
    variable.path = "encoder/x/kernel"
    assert optimizer_map(variable) is sgd
    optimizer_map["encoder/x/.*"] = rms
    with pytest.raises(ValueError, match="Multiple optimizers"):
        optimizer_map["encoder/x/kernel"]
    del optimizer_map["encoder/x/.*"]
    with pytest.raises(ValueError, match="already exists"):
        optimizer_map["encoder/.*"] = rms
    with pytest.raises(ValueError, match="must be a string"):
        optimizer_map[3] = rms
    with pytest.raises(ValueError, match="cannot be used inside"):
        optimizer_map["x"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("adam")


def test_setitem_after_construction_is_used_when_built():
    model = two_layer_model()
    optimizer_map = optimizers.OptimizerMap(optimizers.Adam())
    multi = optimizers.MultiOptimizer(optimizer_map)
    sgd = optimizers.SGD(0.1)
    optimizer_map["second/.*"] = sgd
    multi.build(model.trainable_weights)
    assert multi.optimizers[1] is sgd
    assert sgd._trainable_variables == model.trainable_weights[2:]


def test_loss_scale_factor_overrides_the_sub_optimizers():
    sgd = optimizers.SGD(1.0, loss_scale_factor=4.0)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd), loss_scale_factor=8.0)
    assert sgd.loss_scale_factor == 8.0
    variable = keras.Variable(np.ones(2, "float32"), name="v")
    multi.apply([np.array([8.0, 16.0], "float32")], [variable])       # grads / 8
    np.testing.assert_allclose(variable.data, [0.0, -1.0])


def test_config_round_trip():
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(
        optimizers.Adam(0.02), {"first/.*": optimizers.SGD(0.3, momentum=0.5)}),
        loss_scale_factor=2.0, name="multi")
    config = optimizers.serialize(multi)
    assert config["config"]["optimizer_map"]["class_name"] == "OptimizerMap"
    restored = optimizers.deserialize(config)
    assert isinstance(restored, optimizers.MultiOptimizer)
    assert restored.name == "multi" and restored.loss_scale_factor == 2.0
    sgd, adam = restored.optimizers
    assert isinstance(sgd, optimizers.SGD) and isinstance(adam, optimizers.Adam)
    assert float(sgd.learning_rate) == pytest.approx(0.3) and sgd.momentum == 0.5
    assert float(adam.learning_rate) == pytest.approx(0.02)
    assert restored.get_config() == multi.get_config()


def test_config_round_trip_of_a_named_selector():
    def bias_to_sgd(variable):
        return optimizers.SGD() if "bias" in variable.path else optimizers.Adam()

    multi = optimizers.MultiOptimizer(bias_to_sgd)
    restored = optimizers.deserialize(optimizers.serialize(multi),
                                      custom_objects={"bias_to_sgd": bias_to_sgd})
    assert restored._optimizer_map is bias_to_sgd


def test_fit_save_and_load_keep_every_sub_optimizer_state(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    model = two_layer_model()
    model.compile(optimizer=optimizers.MultiOptimizer(optimizers.OptimizerMap(
        optimizers.Adam(0.01), {"first/.*": optimizers.SGD(0.1, momentum=0.9)})), loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == 4
    assert [int(o.iterations) for o in model.optimizer.optimizers] == [4, 4]

    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.optimizer, optimizers.MultiOptimizer)
    assert [type(o).__name__ for o in loaded.optimizer.optimizers] == ["SGD", "Adam"]
    for saved, restored in zip(model.optimizer.variables, loaded.optimizer.variables):
        assert saved.name == restored.name
        np.testing.assert_array_equal(saved.data, restored.data)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables) == 12

    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)  # same state, same step
    loaded.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_learning_rate_is_not_accessible():
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(AttributeError, match="cannot be accessed on a MultiOptimizer"):
        multi.learning_rate
    with pytest.raises(AttributeError, match="cannot be set on a MultiOptimizer"):
        multi.learning_rate = 0.1


def test_errors():
    variables = two_layer_model().trainable_weights
    with pytest.raises(ValueError, match="first/kernel.*Optimizer instance.*'adam'"):
        optimizers.MultiOptimizer(lambda variable: "adam").build(variables)
    nested = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(ValueError, match="MultiOptimizer cannot be used inside"):
        optimizers.MultiOptimizer(lambda variable: nested).build(variables)
    with pytest.raises(ValueError, match="optimizer_map"):
        optimizers.MultiOptimizer({"first/.*": optimizers.SGD()})
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(ValueError, match="must already be built"):
        multi.apply([np.zeros(2, "float32")])
    multi.build(variables[:2])
    with pytest.raises(ValueError, match="Unknown variable"):
        multi.apply([np.zeros((3, 2), "float32")], variables[2:3])
