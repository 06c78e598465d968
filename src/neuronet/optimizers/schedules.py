"""Learning rate schedules: the learning rate as a function of the optimizer step.

    lr = ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
    optimizer = SGD(learning_rate=lr)     # step t uses lr(optimizer.iterations)

A schedule takes a step (an int, or an array of steps) and returns the learning rate
(a float, or an array of the same shape).
"""
import math

import numpy as np

from .. import backend
from ..saving.serialization import deserialize_object, serialize_object


class LearningRateSchedule:
    """Base class: subclasses define `__call__(step)` and `get_config()`."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _steps(step):
    """A step (int, array or Tensor) as a float64 array."""
    return np.asarray(getattr(step, "data", step), dtype=np.float64)


def _learning_rate(value):
    """A float for a single step, a floatx array for an array of steps."""
    return float(value) if np.ndim(value) == 0 else value.astype(backend.floatx())


def _check_decay_steps(decay_steps, name="decay_steps"):
    if decay_steps <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={decay_steps}")


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: their arguments, config and the
    decay progress `step / decay_steps` (rounded down with `staircase=True`)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _progress(self, step):
        p = _steps(step) / self.decay_steps
        return np.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    With `staircase=True` the exponent is `floor(step / decay_steps)`, so the rate drops
    at discrete intervals.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _learning_rate(self.initial_learning_rate
                              * np.power(self.decay_rate, self._progress(step)))


class InverseTimeDecay(_StepDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    With `staircase=True`, `step / decay_steps` is rounded down.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _learning_rate(self.initial_learning_rate
                              / (1.0 + self.decay_rate * self._progress(step)))


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and `values[-1]` after `boundaries[-1]`.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        if np.any(np.diff(boundaries) <= 0):
            raise ValueError("PiecewiseConstantDecay: `boundaries` must be strictly "
                             f"increasing. Received: boundaries={boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        # index i such that boundaries[i-1] < step <= boundaries[i]
        interval = np.searchsorted(self.boundaries, _steps(step), side="left")
        return _learning_rate(np.asarray(self.values, dtype=np.float64)[interval])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` in `decay_steps` steps:

        (initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end

    With `cycle=True`, `decay_steps` grows to the first multiple of itself >= step.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name="PolynomialDecay"):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step = _steps(step)
        if self.cycle:
            multiple = np.where(step == 0, 1.0, np.ceil(step / self.decay_steps))
            decay_steps = self.decay_steps * multiple
        else:
            decay_steps = self.decay_steps
            step = np.minimum(step, decay_steps)
        remaining = (1.0 - step / decay_steps) ** self.power
        span = self.initial_learning_rate - self.end_learning_rate
        return _learning_rate(span * remaining + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay, after an optional linear warmup.

    Without `warmup_target`: from `initial_learning_rate` down to
    `alpha * initial_learning_rate` over `decay_steps`:

        initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)

    With `warmup_target`: linear from `initial_learning_rate` to `warmup_target` over
    `warmup_steps`, then the cosine decay above from `warmup_target`.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decayed(self, step, decay_from):
        fraction = np.minimum(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + np.cos(math.pi * fraction))
        return decay_from * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _steps(step)
        if self.warmup_target is None:
            return _learning_rate(self._decayed(step, self.initial_learning_rate))
        # the warmup branch is used only where step < warmup_steps (so warmup_steps >= 1)
        warmup = self.initial_learning_rate + (
            (self.warmup_target - self.initial_learning_rate)
            * step / max(self.warmup_steps, 1))
        decay = self._decayed(step - self.warmup_steps, self.warmup_target)
        return _learning_rate(np.where(step < self.warmup_steps, warmup, decay))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    Period 0 lasts `first_decay_steps` steps and each later period `t_mul` times as long as
    the one before. In each period the rate falls along a half cosine towards
    `alpha * initial_learning_rate`, then jumps back up (a warm restart) to a peak `m_mul`
    times the previous one. In period i:

        initial * ((1 - alpha) * m_mul**i * 0.5 * (1 + cos(pi * p)) + alpha)

    where p in [0, 1) is how far the step is into period i. With t_mul < 1 the periods
    shrink and end after first_decay_steps / (1 - t_mul) steps; the rate is NaN after that,
    as in Keras.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        _check_decay_steps(first_decay_steps, "first_decay_steps")
        if not t_mul > 0:
            raise ValueError(f"Argument `t_mul` must be > 0. Received: t_mul={t_mul}")
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _period(self, step):
        """(i, p): the period the step is in, and the fraction p of period i done."""
        done = _steps(step) / self.first_decay_steps           # in units of period 0
        if self.t_mul == 1.0:
            period = np.floor(done)
            return period, done - period
        # periods 0 .. i-1 last (t_mul**i - 1) / (t_mul - 1) units of period 0; a step on a
        # restart whose logarithm rounds just below the integer i still starts period i
        exponent = np.log1p(done * (self.t_mul - 1.0)) / math.log(self.t_mul)
        period = np.floor(exponent + 1e-9)
        length = self.t_mul ** period
        return period, (done - (length - 1.0) / (self.t_mul - 1.0)) / length

    def __call__(self, step):
        period, fraction = self._period(step)
        cosine = 0.5 * self.m_mul ** period * (1.0 + np.cos(math.pi * fraction))
        return _learning_rate(self.initial_learning_rate
                              * ((1.0 - self.alpha) * cosine + self.alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay,
                                            PiecewiseConstantDecay, PolynomialDecay,
                                            CosineDecay, CosineDecayRestarts)}


_MODULE = "keras.optimizers.schedules"


def serialize(learning_rate_schedule):
    """The schedule as Keras 3 writes it: {'module', 'class_name', 'config',
    'registered_name'}."""
    return serialize_object(learning_rate_schedule, _MODULE, _SCHEDULES)


def deserialize(config, custom_objects=None):
    """The schedule described by `serialize`'s dict (or Keras 2's {'class_name', 'config'});
    `custom_objects` maps names of user-defined schedule classes to the classes."""
    return deserialize_object(config, _MODULE, _SCHEDULES, custom_objects)
