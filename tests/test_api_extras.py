"""Keras 3 API pieces: top-level names, keras.random's gamma/beta/binomial, the debugging caps
of keras.config, interactive logging, and the backend/utils helpers."""
import logging
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend


def test_top_level_names_are_the_framework_classes():
    x = keras.Input((3,))
    assert isinstance(x, keras.KerasTensor)
    assert isinstance(keras.losses.MeanSquaredError(), keras.Loss)
    assert isinstance(keras.metrics.Mean(), keras.Metric)
    assert isinstance(keras.optimizers.SGD(), keras.Optimizer)
    assert isinstance(keras.initializers.Zeros(), keras.Initializer)
    assert isinstance(keras.regularizers.L2(), keras.Regularizer)
    assert keras.InputSpec is keras.layers.InputSpec
    assert keras.initializers.OrthogonalInitializer is keras.initializers.Orthogonal
    assert keras.initializers.IdentityInitializer is keras.initializers.Identity


# --- keras.random ------------------------------------------------------------------------------

@pytest.mark.parametrize("draw, mean, var", [
    (lambda seed: keras.random.gamma((40000,), 3.0, seed=seed), 3.0, 3.0),
    (lambda seed: keras.random.beta((40000,), 2.0, 5.0, seed=seed), 2 / 7, 10 / (49 * 8)),
    (lambda seed: keras.random.binomial((40000,), 20, 0.3, seed=seed), 6.0, 4.2),
])
def test_draws_have_the_distributions_moments_and_repeat_with_a_seed(draw, mean, var):
    values = draw(7).numpy()
    assert values.dtype == np.float32
    np.testing.assert_allclose(values.mean(), mean, rtol=0.02)
    np.testing.assert_allclose(values.var(), var, rtol=0.05)
    np.testing.assert_array_equal(values, draw(7).numpy())
    assert not np.array_equal(values, draw(8).numpy())


def test_parameters_broadcast_and_bad_ones_are_named():
    counts = keras.random.binomial((2, 3), [0, 5, 10], [0.0, 1.0, 1.0], dtype="int32").numpy()
    np.testing.assert_array_equal(counts, [[0, 5, 10], [0, 5, 10]])
    assert counts.dtype == np.int32
    assert keras.random.gamma((4,), 1.0, dtype="float64").dtype == np.float64
    with pytest.raises(ValueError, match="gamma: expected positive values for argument 'alpha'"):
        keras.random.gamma((2,), -1.0)
    with pytest.raises(ValueError, match="'probabilities'"):
        keras.random.binomial((2,), 5, 1.5)
    with pytest.raises(ValueError, match="'counts'"):
        keras.random.binomial((2,), 2.5, 0.5)
    with pytest.raises(ValueError, match="'beta'"):
        keras.random.beta((2,), 1.0, 0.0)


# --- keras.config: caps on epochs and steps ---------------------------------------------------

@pytest.fixture
def model_and_data():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    return model, rng.random((100, 2), dtype=np.float32), rng.random((100, 1), dtype=np.float32)


@pytest.fixture
def no_caps():
    yield
    keras.config.set_max_epochs(None)
    keras.config.set_max_steps_per_epoch(None)


def test_max_epochs_caps_fit_with_a_warning(model_and_data, no_caps):
    model, x, y = model_and_data
    keras.config.set_max_epochs(2)
    assert keras.config.max_epochs() == 2
    with pytest.warns(UserWarning, match="Limiting epochs to 2"):
        history = model.fit(x, y, epochs=5, verbose=0)
    assert history.epoch == [0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.fit(x, y, epochs=1, verbose=0).epoch == [0]     # under the cap: no warning


def test_max_steps_per_epoch_caps_fit_evaluate_and_predict(model_and_data, no_caps):
    model, x, y = model_and_data
    steps = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: steps.append(batch))
    keras.config.set_max_steps_per_epoch(3)
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        model.fit(x, y, batch_size=10, epochs=2, verbose=0, callbacks=[counter])
    assert steps == [0, 1, 2, 0, 1, 2]
    with pytest.warns(UserWarning):
        assert model.predict(x, batch_size=10, verbose=0).shape == (30, 1)
    with pytest.warns(UserWarning):
        loss = model.evaluate(x, y, batch_size=10, verbose=0)
    keras.config.set_max_steps_per_epoch(None)
    assert loss == pytest.approx(model.evaluate(x[:30], y[:30], batch_size=10, verbose=0),
                                 rel=1e-6)
    with pytest.raises(ValueError, match="set_max_steps_per_epoch: expected None or a positive"):
        keras.config.set_max_steps_per_epoch(0)


# --- interactive logging ------------------------------------------------------------------------

def test_messages_go_to_the_logger_when_interactive_logging_is_off(model_and_data, capsys,
                                                                   caplog):
    model, x, y = model_and_data
    assert keras.config.is_interactive_logging_enabled()
    keras.config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="neuronet"):
            model.fit(x, y, epochs=2, verbose=1)
            model.summary()
    finally:
        keras.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    messages = [record.getMessage() for record in caplog.records if record.name == "neuronet"]
    assert messages[0] == "Epoch 1/2"
    assert messages[1].startswith("4/4 ") and "loss:" in messages[1]
    assert messages[2] == "Epoch 2/2"
    assert any("Trainable params: 3" in message for message in messages)
    model.fit(x, y, epochs=2, verbose=2)
    assert "Epoch 1/2" in capsys.readouterr().out


# --- backend and utils helpers ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int", "float32", "int8", "bool", np.float64, "string",
                                   "uint8", float, int, bool, np.dtype("int16")])
def test_standardize_dtype_matches_keras(real_keras, dtype):
    assert keras.utils.standardize_dtype(dtype) == real_keras.utils.standardize_dtype(dtype)


def test_uids_count_per_prefix_and_reset_with_the_session():
    backend.clear_session()
    assert [backend.get_uid("a"), backend.get_uid("a"), backend.get_uid("b")] == [1, 2, 1]
    keras.utils.clear_session()
    assert backend.get_uid("a") == 1
    assert backend.is_int_dtype("uint8") and backend.is_int_dtype("int64")
    assert not backend.is_int_dtype("float32") and not backend.is_int_dtype("bool")


def test_source_inputs_walk_the_graph_back_to_the_inputs():
    a, b = keras.Input((3,)), keras.Input((2,))
    hidden = keras.layers.Dense(2)(a)
    merged = keras.layers.Add()([hidden, b])
    out = keras.layers.Dense(1)(merged)
    assert keras.utils.get_source_inputs(out) == [a, b]
    assert keras.utils.get_source_inputs(a) == [a]
    assert keras.utils.is_keras_tensor(out) and not keras.utils.is_keras_tensor(np.ones(2))
    with pytest.raises(ValueError, match="get_source_inputs: expected a symbolic tensor"):
        keras.utils.get_source_inputs(np.ones(2))


def test_keras_ops_nn_names_the_neural_network_ops(real_keras):
    names = [n for n in dir(real_keras.ops.nn) if not n.startswith("_")]
    missing = [n for n in names if not hasattr(keras.ops.nn, n)]
    assert missing == ["polar"]                       # complex numbers: not in neuronet
    assert keras.ops.nn.relu is keras.ops.relu and keras.ops.nn.conv is keras.ops.conv
    x = np.linspace(-3, 3, 7).astype(np.float32)
    for name in ("swish", "hard_swish"):
        np.testing.assert_allclose(getattr(keras.ops, name)(x).numpy(),
                                   np.asarray(getattr(real_keras.ops, name)(x)), atol=1e-6)
