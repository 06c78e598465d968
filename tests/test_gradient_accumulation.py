"""Gradient accumulation (`gradient_accumulation_steps=n`): the gradients of n calls are
summed and every n-th call updates the weights with their mean, as Keras 3 does.

The steps are compared with Keras 3 itself (JAX backend, the `real_keras` fixture) after
every call, together with the optimizer's state in Keras' order; then `fit` with such an
optimizer, and its state through a .keras file.
"""
import numpy as np
import pytest

import neuronet as nn
from neuronet import layers, optimizers
from neuronet.autograd import Variable
from neuronet.models import load_model

TOLERANCE = dict(rtol=1e-5, atol=1e-6)
SHAPES = [(3, 4), (4,)]
CALLS = 7

CASES = [
    ("SGD", dict(learning_rate=0.1, momentum=0.9, gradient_accumulation_steps=3)),
    ("Adam", dict(gradient_accumulation_steps=2)),      # bias correction counts updates
    ("Adam", dict(gradient_accumulation_steps=3, clipnorm=0.3, weight_decay=0.05)),
    ("AdamW", dict(gradient_accumulation_steps=2, use_ema=True, ema_momentum=0.8,
                   ema_overwrite_frequency=2)),
    ("RMSprop", dict(gradient_accumulation_steps=4)),
]


def random_arrays(rng):
    return [rng.normal(size=shape).astype("float32") for shape in SHAPES]


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_calls_match_keras(real_keras, name, kwargs):
    rng = np.random.default_rng(0)
    initial = random_arrays(rng)
    ours = [Variable(a.copy(), name=f"v{i}") for i, a in enumerate(initial)]
    theirs = [real_keras.Variable(a.copy(), name=f"v{i}") for i, a in enumerate(initial)]
    our_optimizer = getattr(optimizers, name)(**kwargs)
    their_optimizer = getattr(real_keras.optimizers, name)(**kwargs)
    for call in range(CALLS):
        grads = random_arrays(rng)
        our_optimizer.apply(grads, ours)
        their_optimizer.apply(grads, theirs)
        for mine, reference in zip(ours, theirs):
            np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE,
                                       err_msg=f"{name} call {call + 1}, {mine.name}")
        assert int(our_optimizer.iterations) == int(np.asarray(their_optimizer.iterations))
    assert [v.shape for v in our_optimizer.variables] == \
        [tuple(v.shape) for v in their_optimizer.variables]
    for mine, reference in zip(our_optimizer.variables, their_optimizer.variables):
        np.testing.assert_allclose(mine.data, np.asarray(reference), **TOLERANCE)


def test_weights_move_on_every_nth_call_by_the_mean_gradient():
    w = Variable(np.array([1.0, 2.0], "float32"))
    optimizer = optimizers.SGD(learning_rate=0.5, gradient_accumulation_steps=3)
    grads = [np.array(g, "float32") for g in ([1.0, 0.0], [2.0, 3.0], [0.0, 3.0], [9.0, 9.0])]
    seen = []
    for g in grads:
        optimizer.apply([g], [w])
        seen.append(w.data.copy())
    np.testing.assert_array_equal(seen[0], [1.0, 2.0])           # accumulating
    np.testing.assert_array_equal(seen[1], [1.0, 2.0])
    np.testing.assert_allclose(seen[2], [1.0 - 0.5 * 1.0, 2.0 - 0.5 * 2.0])  # mean (1, 2)
    np.testing.assert_allclose(seen[3], seen[2])                 # accumulating again
    assert optimizer.iterations == 1 and int(optimizer._iterations) == 4
    assert [v.name for v in optimizer.variables] == [
        "sgd/iteration", "sgd/learning_rate", "sgd/variable_gradient_accumulator"]
    np.testing.assert_array_equal(optimizer.variables[2].data, [9.0, 9.0])


def test_fit_accumulates_and_the_state_survives_a_keras_file(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(24, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")

    def model():
        nn.utils.set_random_seed(3)
        m = nn.Sequential([nn.Input((3,)), layers.Dense(1)])
        m.compile(optimizers.Adam(0.05, gradient_accumulation_steps=2), "mse")
        return m

    interrupted, whole = model(), model()
    start = [w.copy() for w in interrupted.get_weights()]
    interrupted.fit(x[:8], y[:8], batch_size=8, shuffle=False, verbose=0)    # one call
    for before, after in zip(start, interrupted.get_weights()):
        np.testing.assert_array_equal(before, after)                         # only summed
    path = tmp_path / "accumulating.keras"
    interrupted.save(path)
    resumed = load_model(path)
    assert resumed.optimizer.gradient_accumulation_steps == 2
    resumed.fit(x[8:], y[8:], batch_size=8, shuffle=False, verbose=0)
    whole.fit(x, y, batch_size=8, shuffle=False, verbose=0)
    for mine, reference in zip(resumed.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(mine, reference, rtol=1e-6)
    assert resumed.optimizer.iterations == whole.optimizer.iterations == 1
