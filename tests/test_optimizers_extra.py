"""Tests of the optimizers Lion, Ftrl, Lamb and Adafactor.

Each runs a few steps on the same variables and gradients as Keras 3 itself (JAX backend,
the `real_keras` fixture) and must match it after every step; then their names, configs,
argument checks, training a model, and saving their state.
"""
import re

import numpy as np
import pytest

import neuronet as nn
from neuronet import layers, optimizers
from neuronet.autograd import Variable
from neuronet.models import load_model

TOLERANCE = dict(rtol=1e-5, atol=1e-6)
STEPS = 4
SHAPES = [(3, 4), (5,), (4,)]              # a matrix (factored by Adafactor) and vectors
NAMES = ["Lion", "Ftrl", "Lamb", "Adafactor"]

# (class name, constructor arguments, variable shapes); the same arguments go to Keras.
CASES = [
    ("Lion", {}, SHAPES),
    ("Lion", dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9, weight_decay=0.1,
                  global_clipnorm=1.0), SHAPES),
    ("Ftrl", {}, SHAPES),
    ("Ftrl", dict(learning_rate=0.1, learning_rate_power=-0.7, initial_accumulator_value=0.5,
                  l1_regularization_strength=0.05, l2_regularization_strength=0.1,
                  l2_shrinkage_regularization_strength=0.2, beta=0.3), SHAPES),
    ("Ftrl", dict(learning_rate=0.05, learning_rate_power=0.0, initial_accumulator_value=0.0,
                  l1_regularization_strength=0.3, clipvalue=0.5), SHAPES),
    ("Lamb", {}, SHAPES),
    ("Lamb", dict(learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-5,
                  weight_decay=0.05, clipnorm=0.7), SHAPES),
    ("Adafactor", {}, SHAPES),
    ("Adafactor", dict(learning_rate=0.5, beta_2_decay=-0.5, epsilon_1=1e-20, epsilon_2=1e-2,
                       clip_threshold=0.5, relative_step=False), SHAPES + [(2, 3, 4)]),
]
CASE_IDS = [f"{name}-{i}" for i, (name, _, _) in enumerate(CASES)]


def random_arrays(rng, shapes):
    return [rng.normal(size=shape).astype("float32") for shape in shapes]


@pytest.mark.parametrize("name, kwargs, shapes", CASES, ids=CASE_IDS)
def test_steps_match_keras(real_keras, name, kwargs, shapes):
    rng = np.random.default_rng(0)
    initial = random_arrays(rng, shapes)
    initial[1][:] = 0                          # a zero vector (Lamb: norm 0, Adafactor: rms 0)
    ours = [Variable(a.copy(), name=f"v{i}") for i, a in enumerate(initial)]
    theirs = [real_keras.Variable(a.copy(), name=f"v{i}") for i, a in enumerate(initial)]
    our_optimizer = getattr(optimizers, name)(**kwargs)
    their_optimizer = getattr(real_keras.optimizers, name)(**kwargs)
    for step in range(STEPS):
        grads = random_arrays(rng, shapes)
        our_optimizer.apply(grads, ours)
        their_optimizer.apply(grads, theirs)
        for mine, reference in zip(ours, theirs):
            assert mine.data.dtype == np.float32
            np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE,
                                       err_msg=f"{name} step {step + 1}, {mine.name}")
    # the same state, in Keras' order and shapes (what a .keras file holds)
    assert [v.shape for v in our_optimizer.variables] == \
        [tuple(v.shape) for v in their_optimizer.variables]
    for mine, reference in zip(our_optimizer.variables[2:], their_optimizer.variables[2:]):
        np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE)


@pytest.mark.parametrize("name", NAMES)
def test_float64_stays_float64(name):
    rng = np.random.default_rng(2)
    variables = [Variable(a.astype("float64")) for a in random_arrays(rng, SHAPES)]
    optimizer = getattr(optimizers, name)()
    for _ in range(2):
        optimizer.apply([g.astype("float64") for g in random_arrays(rng, SHAPES)], variables)
    assert all(v.data.dtype == np.float64 for v in variables)
    slots = [v for v in optimizer.variables[2:] if v.dtype.kind == "f"]
    assert slots and all(v.dtype == np.float64 for v in slots)


def test_adafactor_with_a_schedule_matches_keras(real_keras):
    rng = np.random.default_rng(1)
    initial = random_arrays(rng, SHAPES)
    ours = [Variable(a.copy()) for a in initial]
    theirs = [real_keras.Variable(a.copy()) for a in initial]
    our_optimizer = optimizers.Adafactor(optimizers.schedules.ExponentialDecay(2.0, 1, 0.5))
    their_optimizer = real_keras.optimizers.Adafactor(
        real_keras.optimizers.schedules.ExponentialDecay(2.0, 1, 0.5))
    for _ in range(STEPS):
        grads = random_arrays(rng, SHAPES)
        our_optimizer.apply(grads, ours)
        their_optimizer.apply(grads, theirs)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE)


def test_lion_moves_every_weight_by_the_learning_rate():
    w = Variable(np.array([1.0, 2.0, 3.0], "float32"))
    optimizer = optimizers.Lion(learning_rate=0.1)
    optimizer.apply([np.array([0.5, -2.0, 0.0], "float32")], [w])
    np.testing.assert_allclose(w.data, [0.9, 2.1, 3.0])
    np.testing.assert_allclose(optimizer.variables[2].data, [0.005, -0.02, 0.0], rtol=1e-6)


def test_ftrl_l1_sets_small_weights_to_zero():
    w = Variable(np.array([0.3, -0.2, 0.5], "float32"))
    optimizer = optimizers.Ftrl(learning_rate=0.1, initial_accumulator_value=0.0,
                                l1_regularization_strength=0.5)
    # n = g**2, z = g - |g| / 0.1 * w: |z| <= 0.5 gives 0, else
    # w = (0.5 sign(z) - z) * 0.1 / |g| = w - 0.1 sign(g) + 0.05 sign(z) / |g|
    optimizer.apply([np.array([0.1, 2.0, 1.0], "float32")], [w])
    np.testing.assert_allclose(w.data, [0.0, -0.2 - 0.1 + 0.025, 0.5 - 0.1 - 0.05], rtol=1e-5)


def test_adafactor_factors_the_last_two_axes_only():
    optimizer = optimizers.Adafactor()
    variables = [Variable(np.ones((2, 3, 4), "float32")), Variable(np.ones(4, "float32"))]
    optimizer.build(variables)
    shapes = [(v.shape, v.dtype) for v in optimizer.variables[2:]]
    assert shapes == [((2, 3), np.float32), ((2, 4), np.float32), ((2, 3, 4), np.float32),
                      ((), np.int32), ((), np.int32), ((4,), np.float32)]


# --- names and configs ----------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(name):
    cls = getattr(optimizers, name)
    assert type(optimizers.get(name.lower())) is cls
    assert type(optimizers.get(name.upper())) is cls
    assert name in optimizers.__all__
    rebuilt = optimizers.deserialize(optimizers.serialize(cls(learning_rate=0.25)))
    assert type(rebuilt) is cls and float(rebuilt.learning_rate) == 0.25


@pytest.mark.parametrize("name", NAMES)
def test_defaults_and_config_keys_match_keras(real_keras, name):
    ours = getattr(optimizers, name)().get_config()
    theirs = getattr(real_keras.optimizers, name)().get_config()
    assert set(ours) == set(theirs)
    for key in set(theirs) - {"name", "learning_rate"}:
        assert ours[key] == theirs[key], key
    assert ours["learning_rate"] == pytest.approx(theirs["learning_rate"])
    assert ours["name"] == name.lower()


@pytest.mark.parametrize("name, kwargs, _", CASES, ids=CASE_IDS)
def test_config_round_trip(name, kwargs, _):
    cls = getattr(optimizers, name)
    optimizer = cls(**kwargs, name="mine")
    config = optimizer.get_config()
    for key, value in kwargs.items():
        expected = pytest.approx(value) if key == "learning_rate" else value
        assert config[key] == expected, key
    rebuilt = cls.from_config(config)
    assert type(rebuilt) is cls and rebuilt.get_config() == config


@pytest.mark.parametrize("cls, kwargs, message", [
    (optimizers.Lion, dict(beta_1=0.0), "beta_1=0.0"),
    (optimizers.Lion, dict(beta_1=1.5), "beta_1=1.5"),
    (optimizers.Lion, dict(beta_2=-0.1), "beta_2=-0.1"),
    (optimizers.Lion, dict(momentum=0.9), "'momentum'"),
    (optimizers.Ftrl, dict(learning_rate_power=0.5), "learning_rate_power=0.5"),
    (optimizers.Ftrl, dict(initial_accumulator_value=-1.0), "initial_accumulator_value=-1.0"),
    (optimizers.Ftrl, dict(l1_regularization_strength=-1.0), "l1_regularization_strength=-1.0"),
    (optimizers.Ftrl, dict(l2_regularization_strength=-1.0), "l2_regularization_strength=-1.0"),
    (optimizers.Ftrl, dict(l2_shrinkage_regularization_strength=-0.1),
     "l2_shrinkage_regularization_strength=-0.1"),
    (optimizers.Ftrl, dict(beta=-1.0), "beta=-1.0"),
    (optimizers.Lamb, dict(beta_1=1.1), "beta_1=1.1"),
    (optimizers.Lamb, dict(beta_2="high"), "beta_2='high'"),
    (optimizers.Lamb, dict(epsilon=-1e-7), "epsilon=-1e-07"),
    (optimizers.Adafactor, dict(beta_2_decay=0.8), "beta_2_decay=0.8"),
    (optimizers.Adafactor, dict(epsilon_1=-1.0), "epsilon_1=-1.0"),
    (optimizers.Adafactor, dict(clip_threshold=0.0), "clip_threshold=0.0"),
    (optimizers.Adafactor, dict(learning_rate="fast"), "learning_rate='fast'"),
])
def test_bad_arguments_raise_naming_them(cls, kwargs, message):
    with pytest.raises(ValueError, match=f"{cls.__name__}.*{re.escape(message)}"
                       if "learning_rate=" not in message else re.escape(message)):
        cls(**kwargs)


# --- in a model -----------------------------------------------------------------------------

def regression_data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 4)).astype("float32")
    return x, x @ rng.normal(size=(4, 2)).astype("float32")


def small_model(optimizer):
    nn.backend.set_random_seed(7)
    model = nn.Sequential([nn.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


@pytest.mark.parametrize("name", [name.lower() for name in NAMES])
def test_compiled_by_name_a_model_learns(name):
    x, y = regression_data()
    model = small_model(name)
    assert type(model.optimizer).__name__.lower() == name
    history = model.fit(x, y, batch_size=8, epochs=6, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.diff(losses) < 0), losses          # default hyper-parameters: slowly


@pytest.mark.parametrize("name", NAMES)
def test_saved_model_keeps_the_optimizer_state(name, tmp_path):
    x, y = regression_data()
    model = small_model(getattr(optimizers, name)(learning_rate=0.01))
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")

    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert int(loaded.optimizer.iterations) == 4
    saved, restored = model.optimizer.variables, loaded.optimizer.variables
    assert len(restored) == len(saved) > 2
    for a, b in zip(saved, restored):
        np.testing.assert_array_equal(a.data, b.data)
    assert any(np.any(v.data != 0) for v in restored[2:])      # slots hold real state
    for m in (model, loaded):
        m.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(a.data, b.data)
