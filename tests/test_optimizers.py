"""Tests of neuronet.optimizers and neuronet.optimizers.schedules.

Every optimizer runs 20 steps on one least-squares problem and is compared with
- a plain-NumPy float64 reference of Keras' documented update rule, written below, and
- torch.optim, where PyTorch's rule is the same as Keras' once hyperparameters are mapped
  (e.g. epsilon=0 where the two place epsilon differently).
"""
import math
import re

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.autograd import GradientTape, Tensor, Variable
from neuronet.ops import math as ops
from neuronet.optimizers import schedules

STEPS = 20
TOLERANCE = dict(rtol=1e-5, atol=1e-6)

# --- the problem: loss = mean((X @ w + b - Y) ** 2) ---------------------------------------
_rng = np.random.default_rng(42)
X = _rng.normal(size=(16, 4))
Y = _rng.normal(size=(16, 3))
W0 = _rng.normal(size=(4, 3))
B0 = _rng.normal(size=(3,))


def loss_gradients(w, b):
    """[d loss / d w, d loss / d b], in the dtype of w."""
    x, y = X.astype(w.dtype), Y.astype(w.dtype)
    residual = x @ w + b - y
    scale = 2.0 / residual.size
    return [x.T @ residual * scale, residual.sum(axis=0) * scale]


def make_variables(dtype=np.float32):
    return [Variable(W0.astype(dtype), name="dense/kernel"),
            Variable(B0.astype(dtype), name="dense/bias")]


def run_neuronet(optimizer, steps=STEPS):
    variables = make_variables()
    for _ in range(steps):
        optimizer.apply(loss_gradients(*(v.data for v in variables)), variables)
    return [v.data for v in variables]


# --- Keras' update rules, from its documentation, in float64 ------------------------------
# rule(w, g, state, t, lr, **hyperparameters) -> new w; t counts steps from 1.

def sgd_rule(w, g, s, t, lr, momentum=0.0, nesterov=False):
    if momentum == 0:
        return w - lr * g
    s["velocity"] = momentum * s.get("velocity", 0.0) - lr * g
    if nesterov:
        return w + momentum * s["velocity"] - lr * g
    return w + s["velocity"]


def rmsprop_rule(w, g, s, t, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g ** 2
    if centered:
        s["mean_g"] = rho * s.get("mean_g", 0.0) + (1 - rho) * g
        increment = lr * g / np.sqrt(s["v"] - s["mean_g"] ** 2 + epsilon)
    else:
        increment = lr * g / np.sqrt(s["v"] + epsilon)
    if momentum > 0:
        s["momentum"] = momentum * s.get("momentum", 0.0) + increment
        increment = s["momentum"]
    return w - increment


def adam_rule(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g ** 2
    v = s["v"]
    if amsgrad:
        s["v_hat"] = v = np.maximum(s.get("v_hat", 0.0), v)
    alpha = lr * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    return w - alpha * s["m"] / (np.sqrt(v) + epsilon)


def adagrad_rule(w, g, s, t, lr, initial_accumulator_value=0.1, epsilon=1e-7):
    s["accumulator"] = s.get("accumulator", initial_accumulator_value) + g ** 2
    return w - lr * g / np.sqrt(s["accumulator"] + epsilon)


def adadelta_rule(w, g, s, t, lr, rho=0.95, epsilon=1e-7):
    s["g2"] = rho * s.get("g2", 0.0) + (1 - rho) * g ** 2
    delta = -np.sqrt(s.get("dx2", 0.0) + epsilon) * g / np.sqrt(s["g2"] + epsilon)
    s["dx2"] = rho * s.get("dx2", 0.0) + (1 - rho) * delta ** 2
    return w + lr * delta


def adamax_rule(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["u"] = np.maximum(beta_2 * s.get("u", 0.0), np.abs(g))
    return w - lr / (1 - beta_1 ** t) * s["m"] / (s["u"] + epsilon)


def nadam_rule(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def mu(step):                                  # Dozat's momentum schedule
        return beta_1 * (1 - 0.5 * 0.96 ** step)
    s["mu_product"] = s.get("mu_product", 1.0) * mu(t)
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g ** 2
    m_hat = (mu(t + 1) * s["m"] / (1 - s["mu_product"] * mu(t + 1))
             + (1 - mu(t)) * g / (1 - s["mu_product"]))
    v_hat = s["v"] / (1 - beta_2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + epsilon)


def clip_each_norm(grads, c):
    return [g * c / max(np.linalg.norm(g), c) for g in grads]


def clip_global_norm(grads, c):
    norm = math.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * c / max(norm, c) for g in grads]


def clip_value(grads, c):
    return [np.clip(g, -c, c) for g in grads]


def run_reference(rule, learning_rate, hyper, weight_decay=None, clip=None, steps=STEPS):
    """Keras' step in float64: clip the gradients, decay the weights, apply `rule`."""
    weights, states = [W0.copy(), B0.copy()], [{}, {}]
    for t in range(1, steps + 1):
        grads = loss_gradients(*weights)
        if clip is not None:
            grads = clip(grads)
        lr = learning_rate(t - 1) if callable(learning_rate) else learning_rate
        if weight_decay is not None:
            weights = [w - w * weight_decay * lr for w in weights]
        weights = [rule(w, g, s, t, lr, **hyper) for w, g, s in zip(weights, grads, states)]
    return weights


# --- learning rate schedules, from their documented formulas -------------------------------

def exponential_ref(step, lr0, decay_steps, rate, staircase=False):
    p = step / decay_steps
    return lr0 * rate ** (math.floor(p) if staircase else p)


def inverse_time_ref(step, lr0, decay_steps, rate, staircase=False):
    p = step / decay_steps
    return lr0 / (1 + rate * (math.floor(p) if staircase else p))


def piecewise_ref(step, boundaries, values):
    for boundary, value in zip(boundaries, values):
        if step <= boundary:
            return value
    return values[-1]


def polynomial_ref(step, lr0, decay_steps, end, power, cycle=False):
    if cycle:
        decay_steps = decay_steps * max(1, math.ceil(step / decay_steps))
    else:
        step = min(step, decay_steps)
    return (lr0 - end) * (1 - step / decay_steps) ** power + end


def cosine_ref(step, lr0, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    if warmup_target is not None:
        if step < warmup_steps:
            return lr0 + (warmup_target - lr0) * step / warmup_steps
        step, lr0 = step - warmup_steps, warmup_target
    step = min(step, decay_steps)
    return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


SCHEDULES = {  # name: (schedule, the same schedule by its formula)
    "exponential": (lambda: schedules.ExponentialDecay(0.05, 5, 0.5),
                    lambda s: exponential_ref(s, 0.05, 5, 0.5)),
    "exponential-staircase": (lambda: schedules.ExponentialDecay(0.05, 4, 0.5, staircase=True),
                              lambda s: exponential_ref(s, 0.05, 4, 0.5, staircase=True)),
    "inverse-time": (lambda: schedules.InverseTimeDecay(0.05, 4, 0.5),
                     lambda s: inverse_time_ref(s, 0.05, 4, 0.5)),
    "inverse-time-staircase": (lambda: schedules.InverseTimeDecay(0.05, 3, 1.0, staircase=True),
                               lambda s: inverse_time_ref(s, 0.05, 3, 1.0, staircase=True)),
    "piecewise": (lambda: schedules.PiecewiseConstantDecay([4, 10], [0.05, 0.02, 0.01]),
                  lambda s: piecewise_ref(s, [4, 10], [0.05, 0.02, 0.01])),
    "polynomial": (lambda: schedules.PolynomialDecay(0.05, 12, 0.005, power=2.0),
                   lambda s: polynomial_ref(s, 0.05, 12, 0.005, 2.0)),
    "polynomial-cycle": (lambda: schedules.PolynomialDecay(0.05, 6, 0.005, cycle=True),
                         lambda s: polynomial_ref(s, 0.05, 6, 0.005, 1.0, cycle=True)),
    "cosine": (lambda: schedules.CosineDecay(0.05, 15, alpha=0.1),
               lambda s: cosine_ref(s, 0.05, 15, alpha=0.1)),
    "cosine-warmup": (lambda: schedules.CosineDecay(0.0, 10, warmup_target=0.05, warmup_steps=5),
                      lambda s: cosine_ref(s, 0.0, 10, warmup_target=0.05, warmup_steps=5)),
}

# --- the optimizers under test ---------------------------------------------------------------

RULES = {  # name: (optimizer class, Keras' rule, learning rate, hyperparameters)
    "sgd": (optimizers.SGD, sgd_rule, 0.05, {}),
    "sgd-momentum": (optimizers.SGD, sgd_rule, 0.05, {"momentum": 0.9}),
    "sgd-nesterov": (optimizers.SGD, sgd_rule, 0.05, {"momentum": 0.9, "nesterov": True}),
    "rmsprop": (optimizers.RMSprop, rmsprop_rule, 0.01, {}),
    "rmsprop-hyper": (optimizers.RMSprop, rmsprop_rule, 0.01, {"rho": 0.8, "epsilon": 1e-3}),
    "rmsprop-momentum": (optimizers.RMSprop, rmsprop_rule, 0.01, {"momentum": 0.5}),
    "rmsprop-centered": (optimizers.RMSprop, rmsprop_rule, 0.01, {"centered": True}),
    "rmsprop-centered-momentum": (optimizers.RMSprop, rmsprop_rule, 0.01,
                                  {"centered": True, "momentum": 0.5}),
    "adam": (optimizers.Adam, adam_rule, 0.05, {}),
    "adam-hyper": (optimizers.Adam, adam_rule, 0.05,
                   {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    "adam-amsgrad": (optimizers.Adam, adam_rule, 0.05, {"amsgrad": True}),
    "adagrad": (optimizers.Adagrad, adagrad_rule, 0.1, {}),
    "adagrad-hyper": (optimizers.Adagrad, adagrad_rule, 0.1,
                      {"initial_accumulator_value": 0.5, "epsilon": 1e-3}),
    "adadelta": (optimizers.Adadelta, adadelta_rule, 1.0, {}),
    "adadelta-hyper": (optimizers.Adadelta, adadelta_rule, 0.5, {"rho": 0.9, "epsilon": 1e-4}),
    "adamax": (optimizers.Adamax, adamax_rule, 0.05, {}),
    "adamax-hyper": (optimizers.Adamax, adamax_rule, 0.05,
                     {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    "nadam": (optimizers.Nadam, nadam_rule, 0.05, {}),
    "nadam-hyper": (optimizers.Nadam, nadam_rule, 0.05,
                    {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
}

CLIPS = {  # name: (optimizer argument, reference clipping)
    "clipnorm": ({"clipnorm": 0.5}, lambda g: clip_each_norm(g, 0.5)),
    "global_clipnorm": ({"global_clipnorm": 1.0}, lambda g: clip_global_norm(g, 1.0)),
    "clipvalue": ({"clipvalue": 0.3}, lambda g: clip_value(g, 0.3)),
}


def _keras_cases():
    """(optimizer factory, reference arguments) for every rule and variant."""
    cases = {}
    for name, (cls, rule, lr, hyper) in RULES.items():
        cases[name] = (lambda c=cls, lr=lr, h=hyper: c(lr, **h), (rule, lr, hyper, None, None))
        cases[f"{name}-weight_decay"] = (
            lambda c=cls, lr=lr, h=hyper: c(lr, weight_decay=0.1, **h),
            (rule, lr, hyper, 0.1, None))
    for name in ("sgd-momentum", "rmsprop", "adam"):
        cls, rule, lr, hyper = RULES[name]
        for clip_name, (clip_args, clip) in CLIPS.items():
            cases[f"{name}-{clip_name}"] = (
                lambda c=cls, lr=lr, h=hyper, a=clip_args: c(lr, **a, **h),
                (rule, lr, hyper, None, clip))
        for schedule_name, (schedule, formula) in SCHEDULES.items():
            cases[f"{name}-{schedule_name}"] = (
                lambda c=cls, s=schedule, h=hyper: c(s(), **h), (rule, formula, hyper, None, None))
    cases["adamw"] = (lambda: optimizers.AdamW(0.05), (adam_rule, 0.05, {}, 0.004, None))
    cases["adamw-amsgrad"] = (lambda: optimizers.AdamW(0.05, weight_decay=0.1, amsgrad=True),
                              (adam_rule, 0.05, {"amsgrad": True}, 0.1, None))
    return cases


KERAS_CASES = _keras_cases()


@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_matches_keras_update_rule(case):
    make_optimizer, (rule, lr, hyper, weight_decay, clip) = KERAS_CASES[case]
    expected = run_reference(rule, lr, hyper, weight_decay, clip)
    got = run_neuronet(make_optimizer())
    for g, e, start in zip(got, expected, (W0, B0)):
        assert g.dtype == np.float32
        assert np.abs(e - start).max() > 1e-2          # the weights really moved
        np.testing.assert_allclose(g, e, **TOLERANCE)


# --- torch.optim, where its rule is Keras' rule ---------------------------------------------

TORCH_CASES = {  # name: (neuronet optimizer, torch optimizer, torch gradient clipping)
    "sgd": (lambda: optimizers.SGD(0.05), lambda t, p: t.optim.SGD(p, lr=0.05), None),
    "sgd-momentum": (lambda: optimizers.SGD(0.05, momentum=0.9),
                     lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9), None),
    "sgd-nesterov": (lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
                     lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True), None),
    # plain SGD: decoupled decay (Keras) and L2 in the gradient (torch) are the same step
    "sgd-weight_decay": (lambda: optimizers.SGD(0.05, weight_decay=0.1),
                         lambda t, p: t.optim.SGD(p, lr=0.05, weight_decay=0.1), None),
    "sgd-clipnorm": (lambda: optimizers.SGD(0.05, clipnorm=0.5),
                     lambda t, p: t.optim.SGD(p, lr=0.05),
                     lambda t, p: [t.nn.utils.clip_grad_norm_([q], 0.5) for q in p]),
    "sgd-global_clipnorm": (lambda: optimizers.SGD(0.05, global_clipnorm=1.0),
                            lambda t, p: t.optim.SGD(p, lr=0.05),
                            lambda t, p: t.nn.utils.clip_grad_norm_(p, 1.0)),
    "sgd-clipvalue": (lambda: optimizers.SGD(0.05, clipvalue=0.3),
                      lambda t, p: t.optim.SGD(p, lr=0.05),
                      lambda t, p: t.nn.utils.clip_grad_value_(p, 0.3)),
    # epsilon=0 where Keras adds epsilon elsewhere than torch
    "rmsprop": (lambda: optimizers.RMSprop(0.01, epsilon=0.0),
                lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0), None),
    "rmsprop-momentum": (lambda: optimizers.RMSprop(0.01, momentum=0.5, epsilon=0.0),
                         lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0,
                                                      momentum=0.5), None),
    "rmsprop-centered": (lambda: optimizers.RMSprop(0.01, centered=True, epsilon=0.0),
                         lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0,
                                                      centered=True), None),
    "adam": (lambda: optimizers.Adam(0.05, epsilon=0.0),
             lambda t, p: t.optim.Adam(p, lr=0.05, eps=0.0), None),
    "adam-amsgrad": (lambda: optimizers.Adam(0.05, beta_1=0.8, epsilon=0.0, amsgrad=True),
                     lambda t, p: t.optim.Adam(p, lr=0.05, betas=(0.8, 0.999), eps=0.0,
                                               amsgrad=True), None),
    "adamw": (lambda: optimizers.AdamW(0.05, weight_decay=0.1, epsilon=0.0),
              lambda t, p: t.optim.AdamW(p, lr=0.05, weight_decay=0.1, eps=0.0), None),
    "adagrad": (lambda: optimizers.Adagrad(0.1, epsilon=0.0),
                lambda t, p: t.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1,
                                             eps=0.0), None),
    "adadelta": (lambda: optimizers.Adadelta(0.5),
                 lambda t, p: t.optim.Adadelta(p, lr=0.5, rho=0.95, eps=1e-7), None),
    "adamax": (lambda: optimizers.Adamax(0.05, epsilon=0.0),
               lambda t, p: t.optim.Adamax(p, lr=0.05, eps=0.0), None),
    # Keras' momentum schedule 0.96**t is torch's 0.96**(t * momentum_decay) with 1.0
    "nadam": (lambda: optimizers.Nadam(0.05),
              lambda t, p: t.optim.NAdam(p, lr=0.05, eps=1e-7, momentum_decay=1.0), None),
}


def run_torch(make_optimizer, clip=None, lr_at_step=None, steps=STEPS):
    torch = pytest.importorskip("torch")
    params = [torch.tensor(W0, dtype=torch.float32, requires_grad=True),
              torch.tensor(B0, dtype=torch.float32, requires_grad=True)]
    x, y = torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)
    optimizer = make_optimizer(torch, params)
    scheduler = (torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at_step)
                 if lr_at_step is not None else None)
    for _ in range(steps):
        optimizer.zero_grad()
        ((x @ params[0] + params[1] - y) ** 2).mean().backward()
        if clip is not None:
            clip(torch, params)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return [p.detach().numpy() for p in params]


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_matches_torch(case):
    make_optimizer, make_torch_optimizer, torch_clip = TORCH_CASES[case]
    expected = run_torch(make_torch_optimizer, torch_clip)
    for g, e in zip(run_neuronet(make_optimizer()), expected):
        np.testing.assert_allclose(g, e, **TOLERANCE)


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_schedules_match_torch_lambda_lr(name, schedule):
    # torch's LambdaLR multiplies the base rate (1.0 here) by the formula at each step
    make_schedule, formula = SCHEDULES[schedule]
    ours = {"sgd": lambda: optimizers.SGD(make_schedule()),
            "adam": lambda: optimizers.Adam(make_schedule(), epsilon=0.0)}[name]()
    theirs = {"sgd": lambda t, p: t.optim.SGD(p, lr=1.0),
              "adam": lambda t, p: t.optim.Adam(p, lr=1.0, eps=0.0)}[name]
    expected = run_torch(theirs, lr_at_step=formula)
    for g, e in zip(run_neuronet(ours), expected):
        np.testing.assert_allclose(g, e, **TOLERANCE)


def test_clipping_is_active_on_the_test_problem():
    # otherwise the clipping cases above would not test clipping
    grads = loss_gradients(W0, B0)
    assert min(np.linalg.norm(g) for g in grads) > 0.5
    assert math.sqrt(sum(np.sum(g ** 2) for g in grads)) > 1.0
    assert 0 < np.mean(np.abs(np.concatenate([g.ravel() for g in grads])) > 0.3) < 1


# --- schedules -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_values_follow_the_formula(name):
    make_schedule, formula = SCHEDULES[name]
    schedule = make_schedule()
    steps = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 15, 18, 25, 100]
    for step in steps:
        value = schedule(step)
        assert isinstance(value, float)
        assert value == pytest.approx(formula(step), rel=1e-12, abs=1e-15)
    vector = schedule(np.array(steps))
    assert vector.shape == (len(steps),) and vector.dtype == np.float32
    np.testing.assert_allclose(vector, [formula(s) for s in steps], rtol=1e-6)
    assert schedule(Tensor(np.array(7))) == pytest.approx(formula(7), rel=1e-12)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_config_round_trip(name):
    schedule = SCHEDULES[name][0]()
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    restored = schedules.deserialize(schedules.serialize(schedule))
    assert type(restored) is type(schedule) and restored.get_config() == config
    assert [restored(s) for s in range(20)] == [schedule(s) for s in range(20)]


def test_schedule_defaults_and_names():
    assert schedules.ExponentialDecay(0.1, 10, 0.9).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9,
        "staircase": False, "name": "ExponentialDecay"}
    assert schedules.CosineDecay(0.1, 10).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.0, "name": "CosineDecay",
        "warmup_target": None, "warmup_steps": 0}
    assert schedules.PiecewiseConstantDecay([1], [0.1, 0.01]).name == "PiecewiseConstant"
    assert schedules.InverseTimeDecay(0.1, 1, 0.5).staircase is False


def test_schedule_errors():
    for cls in (schedules.ExponentialDecay, schedules.InverseTimeDecay):
        with pytest.raises(ValueError, match="decay_steps=0"):
            cls(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="decay_steps=-1"):
        schedules.CosineDecay(0.1, -1)
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01])
    with pytest.raises(ValueError, match="strictly increasing"):
        schedules.PiecewiseConstantDecay([20, 10], [0.1, 0.01, 0.001])
    with pytest.raises(ValueError, match="'Nope'.*ExponentialDecay"):
        schedules.deserialize({"class_name": "Nope", "config": {}})

    class Custom(schedules.LearningRateSchedule):
        pass
    with pytest.raises(NotImplementedError, match="Custom.*__call__"):
        Custom()(1)


def test_custom_schedule_subclass_drives_the_optimizer():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.1 / 2 ** step

    optimizer = optimizers.SGD(Halving())
    w = Variable(np.zeros(2, np.float32))
    for _ in range(3):
        optimizer.apply([np.ones(2, np.float32)], [w])
    np.testing.assert_allclose(w.data, -(0.1 + 0.05 + 0.025), rtol=1e-6)


# --- optimizer state: iterations, learning rate, variables ----------------------------------

def test_iterations_count_applied_steps():
    optimizer = optimizers.Adam()
    assert optimizer.iterations == 0
    variables = make_variables()
    for n in range(1, 4):
        returned = optimizer.apply_gradients(zip(loss_gradients(*(v.data for v in variables)),
                                                 variables))
        assert optimizer.iterations == n and int(optimizer.iterations) == n
        assert returned is optimizer.iterations
    assert optimizer.iterations.numpy() == 3 and optimizer.iterations.dtype == np.int64
    assert optimizer.variables[0] is optimizer.iterations
    optimizer.apply_gradients([])                      # nothing to apply: not a step
    assert optimizer.iterations == 3


def test_learning_rate_is_readable_and_settable():
    optimizer = optimizers.SGD(learning_rate=0.1)
    assert float(optimizer.learning_rate) == pytest.approx(0.1)
    w = Variable(np.zeros(3, np.float32))
    optimizer.apply([np.ones(3)], [w])
    optimizer.learning_rate = 0.01                      # as ReduceLROnPlateau does
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    optimizer.apply([np.ones(3)], [w])
    np.testing.assert_allclose(w.data, -0.11, rtol=1e-6)
    optimizer.learning_rate = Tensor(np.float32(0.5))
    assert float(optimizer.learning_rate) == 0.5
    assert optimizer.get_config()["learning_rate"] == 0.5


def test_learning_rate_schedule_is_evaluated_at_iterations():
    make_schedule, formula = SCHEDULES["exponential"]
    optimizer = optimizers.Adam(make_schedule())
    assert all(v.name != "adam/learning_rate" for v in optimizer.variables)
    variables = make_variables()
    for step in range(4):
        assert float(optimizer.learning_rate) == pytest.approx(formula(step))
        optimizer.apply(loss_gradients(*(v.data for v in variables)), variables)
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.01


def test_setting_a_schedule_replaces_the_learning_rate_variable():
    optimizer = optimizers.SGD(0.1)
    assert [v.name for v in optimizer.variables] == ["sgd/iteration", "sgd/learning_rate"]
    optimizer.learning_rate = schedules.PiecewiseConstantDecay([0], [1.0, 0.5])
    assert [v.name for v in optimizer.variables] == ["sgd/iteration"]
    w = Variable(np.zeros(1, np.float32))
    optimizer.apply([np.ones(1)], [w])
    optimizer.apply([np.ones(1)], [w])
    np.testing.assert_allclose(w.data, [-1.5])


def test_callable_learning_rate():
    rate = {"value": 0.2}
    optimizer = optimizers.SGD(lambda: rate["value"])
    w = Variable(np.zeros(1, np.float32))
    optimizer.apply([np.ones(1)], [w])
    rate["value"] = 0.1
    optimizer.apply([np.ones(1)], [w])
    np.testing.assert_allclose(w.data, [-0.3], rtol=1e-6)


def test_slot_variables_are_created_on_first_apply():
    optimizer = optimizers.Adam(amsgrad=True)
    assert not optimizer.built and len(optimizer.variables) == 2
    variables = make_variables()
    optimizer.apply(loss_gradients(*(v.data for v in variables)), variables)
    assert optimizer.built
    assert [v.name for v in optimizer.variables] == [
        "adam/iteration", "adam/learning_rate",
        "adam/dense_kernel_momentum", "adam/dense_kernel_velocity",   # Keras interleaves
        "adam/dense_bias_momentum", "adam/dense_bias_velocity",
        "adam/dense_kernel_velocity_hat", "adam/dense_bias_velocity_hat"]
    slots = optimizer.variables[2:]
    assert [s.shape for s in slots] == [(4, 3), (4, 3), (3,), (3,), (4, 3), (3,)]
    assert not any(s.trainable for s in slots)
    np.testing.assert_allclose(slots[0].data, 0.1 * loss_gradients(W0, B0)[0], rtol=1e-5)


def test_apply_without_variables_uses_the_built_list():
    a, b = optimizers.SGD(0.1, momentum=0.5), optimizers.SGD(0.1, momentum=0.5)
    va, vb = make_variables(), make_variables()
    a.build(va)
    for _ in range(3):
        a.apply(loss_gradients(*(v.data for v in va)))
        b.apply(loss_gradients(*(v.data for v in vb)), vb)
    for x, y in zip(va, vb):
        np.testing.assert_array_equal(x.data, y.data)


def test_none_gradients_are_skipped():
    optimizer = optimizers.Adam(0.1)
    w, b = make_variables()
    gw, gb = loss_gradients(w.data, b.data)
    with pytest.warns(UserWarning, match="dense/kernel"):
        optimizer.apply([None, gb], [w, b])
    np.testing.assert_array_equal(w.data, W0.astype(np.float32))
    assert not np.allclose(b.data, B0.astype(np.float32))
    assert not optimizer.variables[2].data.any()      # kernel momentum untouched
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply([None, None], [w, b])


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta",
                                  "adamax", "nadam"])
def test_float32_stays_float32_and_float64_stays_float64(name):
    for dtype in (np.float32, np.float64):
        optimizer = optimizers.get(name)
        if name == "sgd":
            optimizer = optimizers.SGD(momentum=0.9, nesterov=True)
        variables = make_variables(dtype)
        for _ in range(2):
            grads = loss_gradients(*(v.data.astype(np.float64) for v in variables))
            optimizer.apply([grads[0], Tensor(grads[1])], variables)   # float64 gradients
        assert all(v.data.dtype == dtype for v in variables)
        assert all(s.dtype == dtype for s in optimizer.variables[2:])


def test_gradients_from_gradient_tape():
    variables = make_variables()
    with GradientTape() as tape:
        residual = ops.matmul(Tensor(X.astype(np.float32)), variables[0]) + variables[1] - Y
        loss = ops.mean(residual * residual)
    grads = tape.gradient(loss, variables)
    assert all(isinstance(g, Tensor) for g in grads)
    optimizer, reference = optimizers.Nadam(0.05), optimizers.Nadam(0.05)
    optimizer.apply(grads, variables)
    expected = make_variables()
    reference.apply(loss_gradients(W0.astype(np.float32), B0.astype(np.float32)), expected)
    for v, e in zip(variables, expected):
        np.testing.assert_allclose(v.data, e.data, rtol=1e-6, atol=1e-7)


# --- the other Keras options ----------------------------------------------------------------

def test_weight_decay_exclusions():
    optimizer = optimizers.SGD(0.1, weight_decay=0.5)
    w, b = make_variables()
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    gw, gb = loss_gradients(w.data, b.data)
    optimizer.apply([gw, gb], [w, b])
    W, B = W0.astype(np.float32), B0.astype(np.float32)
    np.testing.assert_allclose(w.data, W - W * 0.05 - 0.1 * gw, rtol=1e-6)
    np.testing.assert_allclose(b.data, B - 0.1 * gb, rtol=1e-6)
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_list=[w])

    optimizer = optimizers.AdamW(0.1, weight_decay=0.5)
    w, b = make_variables()
    optimizer.exclude_from_weight_decay(var_list=[w])
    optimizer.apply([np.zeros((4, 3)), np.zeros(3)], [w, b])
    np.testing.assert_allclose(w.data, W)
    np.testing.assert_allclose(b.data, B * (1 - 0.05), rtol=1e-6)


def test_moving_average_of_the_weights():
    optimizer = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9)
    variables = make_variables()
    averages = None
    for _ in range(4):
        optimizer.apply(loss_gradients(*(v.data for v in variables)), variables)
        current = [v.data.copy() for v in variables]
        averages = current if averages is None else [
            0.9 * a + 0.1 * c for a, c in zip(averages, current)]
    stored = [v for v in optimizer.variables if v.name.endswith("_average")]
    for s, a in zip(stored, averages):
        np.testing.assert_allclose(s.data, a, rtol=1e-6)
    optimizer.finalize_variable_values(variables)
    for v, a in zip(variables, averages):
        np.testing.assert_allclose(v.data, a, rtol=1e-6)


def test_moving_average_overwrite_frequency():
    optimizer = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    w = Variable(np.zeros(1, np.float32))
    optimizer.apply([np.ones(1)], [w])               # w = -0.1, average = -0.1
    np.testing.assert_allclose(w.data, [-0.1], rtol=1e-6)
    optimizer.apply([np.ones(1)], [w])               # w = -0.2, average = -0.15, copied
    np.testing.assert_allclose(w.data, [-0.15], rtol=1e-6)


def test_loss_scale_factor_divides_the_gradients():
    scaled, plain = optimizers.Adam(0.1, loss_scale_factor=128.0), optimizers.Adam(0.1)
    assert scaled.scale_loss(2.0) == 256.0 and plain.scale_loss(2.0) == 2.0
    vs, vp = make_variables(), make_variables()
    grads = loss_gradients(W0.astype(np.float32), B0.astype(np.float32))
    scaled.apply([g * 128 for g in grads], vs)
    plain.apply(grads, vp)
    for s, p in zip(vs, vp):
        np.testing.assert_allclose(s.data, p.data, rtol=1e-6)


def test_variable_constraint_is_applied_after_the_step():
    w = Variable(np.zeros(3, np.float32))
    w.constraint = lambda v: np.clip(v.data, -0.05, None)
    optimizers.SGD(0.1).apply([np.array([1.0, -1.0, 0.2])], [w])
    np.testing.assert_allclose(w.data, [-0.05, 0.1, -0.02], rtol=1e-6)


def test_saved_state_resumes_training_identically():
    original, resumed = optimizers.Nadam(0.05), optimizers.Nadam(0.05)
    variables = make_variables()
    for _ in range(5):
        original.apply(loss_gradients(*(v.data for v in variables)), variables)
    store = {}
    original.save_own_variables(store)
    assert len(store) == len(original.variables) == 7
    copies = make_variables()
    for c, v in zip(copies, variables):
        c.assign(v.data)
    resumed.build(copies)
    resumed.load_own_variables(store)
    assert resumed.iterations == 5
    for _ in range(3):
        original.apply(loss_gradients(*(v.data for v in variables)), variables)
        resumed.apply(loss_gradients(*(v.data for v in copies)), copies)
    for c, v in zip(copies, variables):
        np.testing.assert_array_equal(c.data, v.data)
    with pytest.raises(ValueError, match="expected 2 saved variables, received 7"):
        optimizers.Nadam().load_own_variables(store)


# --- config, get, errors --------------------------------------------------------------------

CONFIGURED = {
    "SGD": lambda: optimizers.SGD(0.2, momentum=0.8, nesterov=True, clipnorm=1.0),
    "RMSprop": lambda: optimizers.RMSprop(0.02, rho=0.8, momentum=0.1, epsilon=1e-6,
                                          centered=True, weight_decay=0.01),
    "Adam": lambda: optimizers.Adam(schedules.CosineDecay(0.1, 100, warmup_target=0.2,
                                                          warmup_steps=5),
                                    beta_1=0.8, amsgrad=True, global_clipnorm=2.0),
    "AdamW": lambda: optimizers.AdamW(0.003, weight_decay=0.01, beta_2=0.99, name="w"),
    "Adagrad": lambda: optimizers.Adagrad(0.5, initial_accumulator_value=0.2, clipvalue=1.0),
    "Adadelta": lambda: optimizers.Adadelta(1.0, rho=0.9, use_ema=True, ema_momentum=0.5),
    "Adamax": lambda: optimizers.Adamax(schedules.ExponentialDecay(0.1, 10, 0.5), beta_2=0.9),
    "Nadam": lambda: optimizers.Nadam(0.004, epsilon=1e-5, loss_scale_factor=4.0),
}


@pytest.mark.parametrize("name", sorted(CONFIGURED))
def test_config_round_trip(name):
    optimizer = CONFIGURED[name]()
    config = optimizer.get_config()
    clone = type(optimizer).from_config(config)
    assert clone.get_config() == config
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is type(optimizer) and restored.get_config() == config
    for a, b in zip(run_neuronet(optimizer, steps=6), run_neuronet(restored, steps=6)):
        np.testing.assert_array_equal(a, b)


def test_config_contents():
    config = optimizers.Adam().get_config()
    assert config == {
        "name": "adam", "learning_rate": pytest.approx(0.001), "weight_decay": None,
        "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
        "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
        "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999,
        "epsilon": 1e-7, "amsgrad": False}
    schedule_config = optimizers.Adamax(schedules.ExponentialDecay(0.1, 10, 0.5)).get_config()
    assert schedule_config["learning_rate"] == {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "registered_name": None,
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5,
                   "staircase": False, "name": "ExponentialDecay"}}


def test_keras_defaults():
    expected = {
        optimizers.SGD: {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False,
                         "name": "sgd"},
        optimizers.RMSprop: {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0,
                             "epsilon": 1e-7, "centered": False, "name": "rm_sprop"},
        optimizers.Adam: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                          "epsilon": 1e-7, "amsgrad": False, "name": "adam"},
        optimizers.AdamW: {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9,
                           "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False,
                           "name": "adam_w"},
        optimizers.Adagrad: {"learning_rate": 0.001, "initial_accumulator_value": 0.1,
                             "epsilon": 1e-7, "name": "adagrad"},
        optimizers.Adadelta: {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7,
                              "name": "adadelta"},
        optimizers.Adamax: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                            "epsilon": 1e-7, "name": "adamax"},
        optimizers.Nadam: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                           "epsilon": 1e-7, "name": "nadam"},
    }
    for cls, defaults in expected.items():
        config = cls().get_config()
        for key, value in defaults.items():
            expected_value = pytest.approx(value) if key == "learning_rate" else value
            assert config[key] == expected_value, (cls.__name__, key)
        assert config["weight_decay"] == defaults.get("weight_decay")
    # positional order as in Keras
    assert optimizers.SGD(0.1, 0.9, True).get_config()["nesterov"] is True
    assert optimizers.AdamW(0.1, 0.02).weight_decay == 0.02
    assert optimizers.Adam(0.1, 0.8, 0.9, 1e-3, True).amsgrad is True


def test_get():
    names = ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "adamax", "nadam"]
    for name in names:
        optimizer = optimizers.get(name)
        assert type(optimizer).__name__.lower() == name
        assert type(optimizers.get(name.upper())) is type(optimizer)
    assert isinstance(optimizers.get("Adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    instance = optimizers.SGD()
    assert optimizers.get(instance) is instance
    assert optimizers.get(None) is None
    from_dict = optimizers.get({"class_name": "Adam", "config": {"learning_rate": 0.5}})
    assert isinstance(from_dict, optimizers.Adam)
    assert float(from_dict.learning_rate) == 0.5
    with pytest.raises(ValueError, match="'adamm'.*adadelta.*adagrad.*adam.*adamax.*adamw"
                                         ".*nadam.*rmsprop.*sgd"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 3"):
        optimizers.get(3)
    with pytest.raises(ValueError, match="unknown optimizer 'Lionn'"):
        optimizers.deserialize({"class_name": "Lionn", "config": {}})


def test_constructor_errors():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and "
                                         "`global_clipnorm`.*clipnorm=1.0, clipvalue=0.5"):
        optimizers.Adam(clipnorm=1.0, clipvalue=0.5)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="weight_decay=None"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="not recognized.*'lr'"):
        optimizers.Adam(lr=0.1)
    with pytest.raises(ValueError, match="learning_rate='fast'"):
        optimizers.Adam("fast")
    with pytest.raises(ValueError, match="SGD: `momentum` must be .*momentum=1.5"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="Adam: `beta_1` must be .*beta_1=-0.1"):
        optimizers.Adam(beta_1=-0.1)
    with pytest.raises(ValueError, match="RMSprop: `rho`.*rho='0.9'"):
        optimizers.RMSprop(rho="0.9")
    with pytest.raises(ValueError, match="`ema_momentum` must be in the range"):
        optimizers.SGD(use_ema=True, ema_momentum=2.0)
    for steps in (1, 2.5, "2", True):
        with pytest.raises(ValueError, match=r"`gradient_accumulation_steps` must be an "
                                             rf"integer >= 2.*={re.escape(repr(steps))}"):
            optimizers.SGD(gradient_accumulation_steps=steps)
    with pytest.warns(UserWarning, match="`decay` is no longer supported"):
        optimizers.SGD(decay=0.1)


def test_apply_errors():
    optimizer = optimizers.Adam()
    w, b = make_variables()
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([np.zeros((4, 3))])
    with pytest.raises(ValueError, match="expected one gradient per variable, received 1 "
                                         "gradients for 2 variables"):
        optimizer.apply([np.zeros((4, 3))], [w, b])
    with pytest.raises(ValueError, match=r"'dense/bias': expected shape \(3,\), received \(4,\)"):
        optimizer.apply([np.zeros((4, 3)), np.zeros(4)], [w, b])
    stranger = Variable(np.zeros(2, np.float32), name="stranger")
    with pytest.raises(ValueError, match="Unknown variable.*stranger"):
        optimizer.apply([np.zeros(2)], [stranger])


# --- slots in one flat buffer: all variables updated at once --------------------------------

@pytest.mark.parametrize("amsgrad", [False, True])
def test_flat_step_equals_the_update_variable_by_variable(amsgrad):
    """Adam updates all its variables with one NumPy call per operation (flat_step); the
    weights and slots come out exactly as from update_step on each variable."""
    class OneByOne(optimizers.Adam):                  # a replaced update_step turns it off
        def update_step(self, gradient, variable, learning_rate):
            super().update_step(gradient, variable, learning_rate)

    flat, one_by_one = optimizers.Adam(0.05, amsgrad=amsgrad), OneByOne(0.05, amsgrad=amsgrad)
    got, expected = run_neuronet(flat), run_neuronet(one_by_one)
    assert flat._updates_flat()
    assert not one_by_one._updates_flat()
    for g, e in zip(got + [v.data for v in flat.variables],
                    expected + [v.data for v in one_by_one.variables]):
        np.testing.assert_array_equal(g, e)
    assert np.abs(got[0] - W0).max() > 1e-2


def test_slot_variables_are_views_of_one_buffer_that_loading_writes_into():
    optimizer = optimizers.Adam(0.1)
    variables = make_variables()
    optimizer.apply(loss_gradients(*(v.data for v in variables)), variables)
    momentums = optimizer._momentums
    assert all(np.shares_memory(m.data, momentums.flat) for m in momentums)
    np.testing.assert_array_equal(momentums.flat,
                                  np.concatenate([m.data.ravel() for m in momentums]))
    store = {str(i): np.full(v.shape, i, v.dtype) for i, v in enumerate(optimizer.variables)}
    optimizer.load_own_variables(store)
    np.testing.assert_array_equal(momentums.flat,
                                  np.concatenate([m.data.ravel() for m in momentums]))
    position = next(i for i, v in enumerate(optimizer.variables) if v is momentums[0])
    assert momentums.flat[0] == store[str(position)].flat[0]


def test_a_subset_of_the_variables_is_updated_one_by_one():
    optimizer = optimizers.Adam(0.1)
    w, b = make_variables()
    gw, gb = loss_gradients(w.data, b.data)
    optimizer.apply([gw, gb], [w, b])
    assert not optimizer._check_variables_are_known([b])      # not all of them
    before = w.data.copy()
    optimizer.apply([gb], [b])
    np.testing.assert_array_equal(w.data, before)
