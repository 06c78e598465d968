"""Tests of the optimizers Muon, ScheduleFreeAdamW and LossScaleOptimizer.

Each runs a few steps on the same variables and gradients as Keras 3 itself (JAX backend,
the `real_keras` fixture) and must match it after every step; then their names, configs,
argument checks, the dynamic loss scale, training a model, and saving their state.
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
SHAPES = [(3, 4), (5,), (4,), (6, 2)]     # a wide and a tall matrix (Muon steps), vectors (Adam)


def sgd(**kwargs):
    return ("SGD", dict(learning_rate=0.1, **kwargs))


# (class name, constructor arguments); the same arguments go to Keras. An inner optimizer
# is given as (class name, arguments) and made by each library.
CASES = [
    ("Muon", {}),
    ("Muon", dict(learning_rate=0.02, adam_beta_1=0.8, adam_beta_2=0.95,
                  adam_weight_decay=0.1, epsilon=1e-5, weight_decay=0.05, adam_lr_ratio=0.5,
                  momentum=0.9, ns_steps=3, nesterov=False, rms_rate=None,
                  exclude_layers=["v3"])),
    ("Muon", dict(learning_rate=0.01, rms_rate=0.5, weight_decay=None, clipnorm=1.0)),
    ("ScheduleFreeAdamW", {}),
    ("ScheduleFreeAdamW", dict(learning_rate=0.05, beta_1=0.7, beta_2=0.9, epsilon=1e-4,
                               warmup_steps=3, weight_decay=0.1, global_clipnorm=2.0)),
    ("LossScaleOptimizer", dict(inner_optimizer=sgd(momentum=0.5), initial_scale=4.0,
                                dynamic_growth_steps=2)),
    ("LossScaleOptimizer", dict(inner_optimizer=("Adam", {}))),
]
CASE_IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]


def make(library, name, kwargs):
    """The optimizer `name` of `library` (neuronet.optimizers or keras.optimizers)."""
    kwargs = dict(kwargs)
    if "inner_optimizer" in kwargs:
        kwargs["inner_optimizer"] = make(library, *kwargs["inner_optimizer"])
    return getattr(library, name)(**kwargs)


def keras_apply(optimizer, grads, variables):
    """One step of a Keras optimizer; LossScaleOptimizer's stateful `apply` fails on JAX
    outside a traced function, so the stateless one is used and its results assigned."""
    if type(optimizer).__name__ != "LossScaleOptimizer":
        optimizer.apply(grads, variables)
        return
    if not optimizer.built:
        optimizer.build(variables)
    new_variables, new_state = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], grads, [v.value for v in variables])
    for variable, value in zip(variables + optimizer.variables, new_variables + new_state):
        variable.assign(value)


def random_arrays(rng, shapes):
    return [rng.normal(size=shape).astype("float32") for shape in shapes]


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_steps_match_keras(real_keras, name, kwargs):
    rng = np.random.default_rng(0)
    initial = random_arrays(rng, SHAPES)
    ours = [Variable(a.copy(), name=f"v{i}") for i, a in enumerate(initial)]
    theirs = [real_keras.Variable(a.copy(), name=f"v{i}") for i, a in enumerate(initial)]
    our_optimizer = make(optimizers, name, kwargs)
    their_optimizer = make(real_keras.optimizers, name, kwargs)
    for step in range(STEPS):
        grads = random_arrays(rng, SHAPES)
        if name == "LossScaleOptimizer":          # the gradients of a scaled loss
            grads = [g * float(np.asarray(their_optimizer.scale_loss(1.0))) for g in grads]
            assert float(our_optimizer.scale_loss(1.0)) == \
                float(np.asarray(their_optimizer.scale_loss(1.0)))
        our_optimizer.apply(grads, ours)
        keras_apply(their_optimizer, grads, theirs)
        for mine, reference in zip(ours, theirs):
            assert mine.data.dtype == np.float32
            np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE,
                                       err_msg=f"{name} step {step + 1}, {mine.name}")
    # the same state, in Keras' order and shapes (what a .keras file holds)
    assert [v.shape for v in our_optimizer.variables] == \
        [tuple(v.shape) for v in their_optimizer.variables]
    for mine, reference in zip(our_optimizer.variables, their_optimizer.variables):
        np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE)


def test_muon_sends_vectors_embeddings_and_excluded_layers_to_adam():
    names = ["dense/kernel", "dense/bias", "embedding/embeddings", "head/kernel", "conv/kernel"]
    shapes = [(3, 4), (4,), (5, 3), (4, 2), (3, 3, 2, 4)]
    variables = [Variable(np.ones(s, "float32"), name=n) for n, s in zip(names, shapes)]
    optimizer = optimizers.Muon(exclude_layers=["^head/"])
    optimizer.build(variables)
    assert [optimizer._should_use_adamw(v) for v in variables] == [False, True, True, True,
                                                                     True]
    assert [v.name for v in optimizer.variables[2:]] == [
        "muon/dense_kernel_momentum", "muon/dense_bias_momentum", "muon/dense_bias_velocity",
        "muon/embedding_embeddings_momentum", "muon/embedding_embeddings_velocity",
        "muon/head_kernel_momentum", "muon/head_kernel_velocity",
        "muon/conv_kernel_momentum", "muon/conv_kernel_velocity"]
    assert not optimizers.Muon(exclude_embeddings=False)._should_use_adamw(variables[2])


def test_muon_newton_schulz_pushes_singular_values_towards_one():
    rng = np.random.default_rng(4)
    matrix = rng.normal(size=(8, 5)).astype("float32") * 3.0
    u, _, vt = np.linalg.svd(matrix, full_matrices=False)
    result = optimizers.Muon(ns_steps=10).newton_schulz(matrix)
    assert result.dtype == np.float32 and result.shape == (8, 5)
    singular_values = np.linalg.svd(result, compute_uv=False)
    assert np.all((singular_values > 0.6) & (singular_values < 1.25)), singular_values
    # the same singular vectors: U^T result V is diagonal
    inner = u.T @ result @ vt.T
    np.testing.assert_allclose(inner - np.diag(np.diag(inner)), 0, atol=1e-4)


def test_schedule_free_starts_z_at_the_weights_and_averages():
    w = Variable(np.array([1.0, -2.0], "float32"))
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.1, beta_1=0.5, epsilon=0.0)
    optimizer.build([w])
    np.testing.assert_array_equal(optimizer.variables[2].data, [1.0, -2.0])   # z = w
    optimizer.apply([np.array([3.0, -0.5], "float32")], [w])
    # step 1: v = 0.001 g^2, sqrt(v / 0.001) = |g|: z = w - 0.1 sign(g); x = z (1/t = 1);
    # y = 0.5 z + 0.5 x = z
    np.testing.assert_allclose(w.data, [0.9, -1.9], rtol=1e-6)
    np.testing.assert_allclose(optimizer.variables[2].data, [0.9, -1.9], rtol=1e-6)


# --- LossScaleOptimizer -------------------------------------------------------------------

def test_loss_scale_skips_non_finite_steps_and_adapts_the_scale():
    w = Variable(np.array([1.0, 2.0], "float32"))
    optimizer = optimizers.LossScaleOptimizer(optimizers.SGD(learning_rate=0.5),
                                              initial_scale=8.0, dynamic_growth_steps=3)
    assert float(optimizer.scale_loss(np.float32(2.0))) == 16.0     # before building
    scales, counters = [], []
    for gradient in ([8.0, 16.0], [np.inf, 0.0], [4.0, np.nan], [4.0, 4.0], [2.0, 0.0],
                     [1.0, 1.0], [8.0, 8.0]):
        optimizer.apply([np.array(gradient, "float32")], [w])
        scales.append(float(optimizer.dynamic_scale.data))
        counters.append(int(optimizer.step_counter))
    assert scales == [8.0, 4.0, 2.0, 2.0, 2.0, 4.0, 4.0]
    assert counters == [1, 0, 0, 1, 2, 0, 1]
    assert int(optimizer.iterations) == 5          # the two skipped steps do not count
    # steps with lr 0.5 of g / scale: [1, 2], [2, 2], [1, 0], [0.5, 0.5], [2, 2]
    np.testing.assert_allclose(w.data, [1.0 - 0.5 * 6.5, 2.0 - 0.5 * 6.5])
    assert float(optimizer.scale_loss(np.float32(1.0))) == 4.0


def test_loss_scale_forwards_learning_rate_and_leaves_inner_scaling_off():
    inner = optimizers.Adam(learning_rate=0.01, loss_scale_factor=128.0)
    optimizer = optimizers.LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    optimizer.learning_rate = 0.5
    assert float(inner.learning_rate) == 0.5
    assert optimizer.iterations is inner.iterations


def test_loss_scale_variables_match_keras_names(real_keras):
    variables = [Variable(np.ones((3, 4), "float32"), name="v0")]
    optimizer = optimizers.LossScaleOptimizer(optimizers.SGD(momentum=0.5, name="inner"))
    optimizer.build(variables)
    their = real_keras.optimizers.LossScaleOptimizer(       # Keras numbers repeated names
        real_keras.optimizers.SGD(momentum=0.5, name="inner"), name="loss_scale_optimizer")
    their.build([real_keras.Variable(np.ones((3, 4), "float32"), name="v0")])
    assert [v.name for v in optimizer.variables] == [v.path for v in their.variables]


# --- names and configs ----------------------------------------------------------------------

NAMES = ["Muon", "ScheduleFreeAdamW"]


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(name):
    cls = getattr(optimizers, name)
    assert type(optimizers.get(name.lower())) is cls
    assert type(optimizers.get(name.upper())) is cls
    assert name in optimizers.__all__


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_config_round_trip(name, kwargs):
    optimizer = make(optimizers, name, dict(kwargs, name="mine"))
    config = optimizer.get_config()
    for key, value in kwargs.items():
        if key == "inner_optimizer":
            assert config[key]["class_name"] == value[0]
        elif key == "learning_rate":
            assert config[key] == pytest.approx(value)
        else:
            assert config[key] == value, key
    rebuilt = type(optimizer).from_config(config)
    assert type(rebuilt) is type(optimizer) and rebuilt.get_config() == config
    again = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(again) is type(optimizer) and again.get_config() == config


@pytest.mark.parametrize("name, kwargs", [("Muon", {}), ("ScheduleFreeAdamW", {}),
                                          ("LossScaleOptimizer",
                                           dict(inner_optimizer=sgd(momentum=0.5)))])
def test_defaults_and_config_match_keras(real_keras, name, kwargs):
    ours = make(optimizers, name, kwargs).get_config()
    assert ours["name"] == {"Muon": "muon", "ScheduleFreeAdamW": "schedule_free_adam_w",
                            "LossScaleOptimizer": "loss_scale_optimizer"}[name]
    theirs = make(real_keras.optimizers, name, kwargs).get_config()
    if name == "LossScaleOptimizer":
        ours, theirs = ours["inner_optimizer"], theirs["inner_optimizer"]
        assert ours["module"] == theirs["module"] and ours["class_name"] == "SGD"
        ours, theirs = ours["config"], theirs["config"]
    assert set(ours) == set(theirs)
    for key in set(theirs) - {"learning_rate", "name"}:    # Keras numbers repeated names
        assert ours[key] == theirs[key], key
    assert ours["learning_rate"] == pytest.approx(theirs["learning_rate"])


def test_loss_scale_reads_a_keras_config(real_keras):
    keras_optimizer = real_keras.optimizers.LossScaleOptimizer(
        real_keras.optimizers.Adam(0.02), initial_scale=64.0, dynamic_growth_steps=10)
    config = real_keras.optimizers.serialize(keras_optimizer)
    optimizer = optimizers.deserialize(config)
    assert type(optimizer) is optimizers.LossScaleOptimizer
    assert type(optimizer.inner_optimizer) is optimizers.Adam
    assert optimizer.initial_scale == 64.0 and optimizer.dynamic_growth_steps == 10
    assert float(optimizer.learning_rate) == pytest.approx(0.02)


@pytest.mark.parametrize("cls, kwargs, message", [
    (optimizers.Muon, dict(adam_beta_1=1.5), "adam_beta_1=1.5"),
    (optimizers.Muon, dict(adam_beta_2=-0.1), "adam_beta_2=-0.1"),
    (optimizers.Muon, dict(epsilon=-1.0), "epsilon=-1.0"),
    (optimizers.Muon, dict(momentum=2.0), "momentum=2.0"),
    (optimizers.Muon, dict(ns_steps=2.5), "ns_steps=2.5"),
    (optimizers.Muon, dict(rms_rate=-0.2), "rms_rate=-0.2"),
    (optimizers.Muon, dict(adam_weight_decay=-1.0), "adam_weight_decay=-1.0"),
    (optimizers.Muon, dict(muon_a="big"), "muon_a='big'"),
    (optimizers.Muon, dict(exclude_layers="dense"), "exclude_layers='dense'"),
    (optimizers.ScheduleFreeAdamW, dict(beta_1=0.0), "beta_1=0.0"),
    (optimizers.ScheduleFreeAdamW, dict(beta_2=1.1), "beta_2=1.1"),
    (optimizers.ScheduleFreeAdamW, dict(epsilon=-1e-8), "epsilon=-1e-08"),
    (optimizers.ScheduleFreeAdamW, dict(warmup_steps=-1), "warmup_steps=-1"),
    (optimizers.ScheduleFreeAdamW, dict(amsgrad=True), "'amsgrad'"),
    (optimizers.LossScaleOptimizer, dict(inner_optimizer="adam"), "inner_optimizer='adam'"),
    (optimizers.LossScaleOptimizer, dict(initial_scale=0.0), "initial_scale=0.0"),
    (optimizers.LossScaleOptimizer, dict(dynamic_growth_steps=0), "dynamic_growth_steps=0"),
    (optimizers.LossScaleOptimizer, dict(clipnorm=1.0), "`clipnorm`"),
    (optimizers.LossScaleOptimizer, dict(dynamic=False), "`dynamic=False`"),
    (optimizers.LossScaleOptimizer, dict(momentum=0.9), "momentum"),
])
def test_bad_arguments_raise_naming_them(cls, kwargs, message):
    if cls is optimizers.LossScaleOptimizer:
        kwargs = {"inner_optimizer": optimizers.SGD(), **kwargs}
    with pytest.raises(ValueError, match=f"{cls.__name__}.*{re.escape(message)}"):
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


MODEL_OPTIMIZERS = {
    "Muon": lambda: optimizers.Muon(learning_rate=0.01),
    "ScheduleFreeAdamW": lambda: optimizers.ScheduleFreeAdamW(learning_rate=0.01),
    "LossScaleOptimizer": lambda: optimizers.LossScaleOptimizer(
        optimizers.Adam(learning_rate=0.01), dynamic_growth_steps=3),
}


def _trainer_scales_the_loss():
    """Whether `fit` differentiates `optimizer.scale_loss(loss)` (as Keras' trainers do)."""
    calls = []

    class Probe(optimizers.SGD):
        def scale_loss(self, loss):
            calls.append(True)
            return loss

    x, y = regression_data()
    small_model(Probe()).fit(x[:4], y[:4], batch_size=4, epochs=1, verbose=0)
    return bool(calls)


needs_scaled_loss = pytest.mark.skipif(
    not _trainer_scales_the_loss(),
    reason="the trainer does not differentiate optimizer.scale_loss(loss) yet")


@pytest.mark.parametrize("name", ["Muon", "ScheduleFreeAdamW",
                                  pytest.param("LossScaleOptimizer", marks=needs_scaled_loss)])
def test_compiled_a_model_learns(name):
    x, y = regression_data()
    model = small_model(MODEL_OPTIMIZERS[name]())
    history = model.fit(x, y, batch_size=8, epochs=6, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.diff(losses) < 0), losses


@needs_scaled_loss
def test_loss_scale_in_fit_takes_the_inner_optimizers_steps():
    # with a power-of-two scale, scaling and unscaling are exact: the same weights
    x, y = regression_data()
    plain = small_model(optimizers.SGD(learning_rate=0.05))
    scaled = small_model(optimizers.LossScaleOptimizer(optimizers.SGD(learning_rate=0.05),
                                                       initial_scale=2.0 ** 10))
    for model in (plain, scaled):
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(plain.weights, scaled.weights):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-6, atol=1e-7)
    assert int(scaled.optimizer.iterations) == 8


@pytest.mark.parametrize("name", list(MODEL_OPTIMIZERS))
def test_saved_model_keeps_the_optimizer_state(name, tmp_path):
    x, y = regression_data()
    model = small_model(MODEL_OPTIMIZERS[name]())
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")

    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert int(loaded.optimizer.iterations) == 4
    saved, restored = model.optimizer.variables, loaded.optimizer.variables
    assert len(restored) == len(saved) > 4
    for a, b in zip(saved, restored):
        np.testing.assert_array_equal(a.data, b.data)
    for m in (model, loaded):
        m.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(a.data, b.data)
