"""Weight constraints with Keras 3's names and formulas: after every optimizer step, a
weight with a constraint is replaced by `constraint(weight)`.

    Dense(64, kernel_constraint=constraints.MaxNorm(3))   # each unit's incoming norm <= 3

The norms are taken over `axis` (0: over the inputs of each unit of a Dense kernel).
"""
import numpy as np

from . import backend
from .autograd.tensor import as_array
from .saving.serialization import deserialize_object, get_object, name_table, serialize_object

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm",
           "min_max_norm", "non_neg", "unit_norm", "get", "serialize", "deserialize"]


class Constraint:
    """Base class: `constraint(w)` returns the projected weight values. Subclasses
    implement `__call__` and, when they take arguments, `get_config`."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    """The L2 norms of `w` over `axis` (an int, or a list or tuple of ints), kept as axes of
    size 1."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Scale down the weights whose norm over `axis` exceeds `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = as_array(w)
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move the norms over `axis` towards [min_value, max_value]: by the fraction `rate`
    of the way each step (1.0: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = as_array(w)
        norms = _norms(w, self.axis)
        desired = (self.rate * np.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class NonNeg(Constraint):
    """Set the negative weights to zero."""

    def __call__(self, w):
        w = as_array(w)
        return w * (w >= 0)


class UnitNorm(Constraint):
    """Scale the weights to norm 1 over `axis`."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = as_array(w)
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


# Lower-case aliases, as `keras.constraints` exports them.
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_MODULE = "keras.constraints"
_NAMES = name_table([MaxNorm, MinMaxNorm, NonNeg, UnitNorm], {})


def serialize(constraint):
    """The constraint as a Keras 3 config dict (None stays None)."""
    return serialize_object(constraint, _MODULE, _NAMES)


def deserialize(config, custom_objects=None):
    """A constraint from a name or a config dict; `custom_objects` maps names to classes."""
    return deserialize_object(config, _MODULE, _NAMES, custom_objects)


def get(identifier):
    """A constraint from None, a name ('max_norm', 'non_neg', 'MaxNorm', ...), a config
    dict, a class, a Constraint or any callable(w) returning the new weight values."""
    return get_object(identifier, _MODULE, deserialize)
