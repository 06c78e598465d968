"""Weight and activity regularizers with Keras 3's names, defaults and formulas.

    penalty = regularizers.L2(0.01)(layer.kernel)    # 0.01 * sum(kernel ** 2), a scalar Tensor
    penalty.backward()                               # d penalty / d kernel = 0.02 * kernel

A regularizer maps a Tensor (a weight or a layer's output) to a scalar Tensor built from
neuronet ops, so the penalty added to the loss is differentiated with it.
"""
import math

import numpy as np

from . import backend
from .autograd import Tensor
from .ops import math as m
from .saving.serialization import deserialize_object, get_object, name_table, serialize_object

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "deserialize"]


def _zero_like(x):
    return Tensor(np.zeros((), x.dtype))


def _check_factor(value, name, who):
    """A penalty factor as a float; it must be a finite number >= 0."""
    if (not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool)
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"{who}: expected `{name}` to be a non-negative float, "
                         f"received {name}={value!r}")
    return float(value)


class Regularizer:
    """Base class: `regularizer(x)` returns a scalar Tensor penalty for the Tensor `x`.

    Subclasses implement `__call__` and `get_config`.
    """

    def __call__(self, x):
        return _zero_like(m.tensor(x))

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must implement get_config()")

    @classmethod
    def from_config(cls, config):
        """A new regularizer from the output of `get_config()`."""
        return cls(**config)


def _l1_l2_penalty(x, l1, l2):
    """l1 * sum(|x|) + l2 * sum(x^2), with the terms whose factor is 0 left out."""
    x = m.tensor(x)
    penalty = _zero_like(x)
    if l1:
        penalty = penalty + l1 * m.sum(m.abs(x))      # d/dx = l1 * sign(x)
    if l2:
        penalty = penalty + l2 * m.sum(m.square(x))   # d/dx = 2 * l2 * x
    return penalty


class L1L2(Regularizer):
    """Penalty l1 * sum(|x|) + l2 * sum(x^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _check_factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x):
        return _l1_l2_penalty(x, self.l1, self.l2)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """Penalty l1 * sum(|x|)."""

    def __init__(self, l1=0.01):
        self.l1 = _check_factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x):
        return _l1_l2_penalty(x, self.l1, 0.0)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """Penalty l2 * sum(x^2) (no factor 1/2)."""

    def __init__(self, l2=0.01):
        self.l2 = _check_factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x):
        return _l1_l2_penalty(x, 0.0, self.l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (mode='rows') or columns (mode='columns') of a 2-D x to be orthogonal.

    With v_i the L2-normalized rows (columns), the penalty is
    factor * 0.5 * sum_{i != j} |v_i . v_j| / (n (n - 1) / 2): factor times the mean
    absolute cosine over the pairs. Fewer than two rows (columns) give no penalty.
    """

    _MODES = ("rows", "columns")

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check_factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in self._MODES:
            raise ValueError(f"OrthogonalRegularizer: expected `mode` to be one of {self._MODES}, "
                             f"received mode={mode!r}")
        self.mode = mode

    def __call__(self, x):
        x = m.tensor(x)
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer: expected inputs of rank 2, received "
                             f"inputs.shape={x.shape}")
        vectors = x if self.mode == "rows" else m.transpose(x)        # (n, d): one vector per row
        n = vectors.shape[0]
        if n < 2:
            return _zero_like(x)
        # v / max(||v||, epsilon), written on the squared norm so that zero rows stay finite
        squared_norm = m.sum(m.square(vectors), axis=1, keepdims=True)
        floor = backend.epsilon() ** 2
        unit = vectors / m.sqrt(m.maximum(squared_norm, floor))
        cosines = m.matmul(unit, m.transpose(unit))                    # (n, n)
        off_diagonal = 1.0 - np.eye(n, dtype=x.dtype)
        pairs = n * (n - 1) / 2.0
        return self.factor * 0.5 * m.sum(m.abs(cosines * off_diagonal)) / pairs

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def _l1_l2_of_keras_2(l1=0.01, l2=0.01):
    """What tf.keras 2 gave for the string 'l1_l2' (Keras 3 knows only 'l1l2'): both 0.01."""
    return L1L2(l1=l1, l2=l2)


# Lower-case aliases, as `keras.regularizers` exports them (l1_l2 is the class L1L2 itself).
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

_MODULE = "keras.regularizers"
_NAMES = name_table([L1, L2, L1L2, OrthogonalRegularizer], {"l1_l2": _l1_l2_of_keras_2})


def serialize(regularizer):
    """The regularizer as a Keras 3 config dict (None stays None)."""
    return serialize_object(regularizer, _MODULE, _NAMES)


def deserialize(config, custom_objects=None):
    """A regularizer from a name or a config dict; `custom_objects` maps names to classes."""
    return deserialize_object(config, _MODULE, _NAMES, custom_objects)


def get(identifier):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2', 'L1', ...), a config dict,
    a class, a Regularizer or any callable(x) returning a scalar Tensor."""
    return get_object(identifier, _MODULE, deserialize)
