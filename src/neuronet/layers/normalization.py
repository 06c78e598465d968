"""Normalization: shifts and scales features to mean 0 and variance 1 with fixed statistics."""
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from ..ops import math as m
from .base import Layer
from .input_spec import InputSpec


def _axis_tuple(axis):
    """`axis` (None, an int or a sequence of ints) as a tuple; None if it is none of those."""
    if axis is None:
        return ()
    axes = (axis,) if isinstance(axis, numbers.Integral) else axis
    if not isinstance(axes, (list, tuple)) or not all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes):
        return None
    return tuple(int(a) for a in axes)


class Normalization(Layer):
    """A preprocessing layer: out = (x - mean) / sqrt(variance), Keras semantics.

    The statistics are either given (`mean` and `variance`, each broadcast to the kept
    axes) or computed from data by `adapt(data)`, which must then be called before `fit`,
    `evaluate` or `predict`; they are never trained.
    axis: the axis (int or tuple of ints) that keeps a separate mean and variance for each
    of its indices, -1 (one per feature) by default; None for one scalar mean and variance.
    invert: apply the inverse, mean + x * sqrt(variance), to turn normalised values back.
    The standard deviation is floored at backend.epsilon() (1e-7), as in Keras.
    Input shape: any. Output shape: the input's. Weights (adapted layers only, all
    non-trainable, in order): mean, variance (the shape of the kept axes) and count (the
    number of values each statistic was computed from). The mask, if any, passes through.
    """

    supports_masking = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axis_tuple(axis)
        if self.axis is None:
            raise ValueError(f"Normalization: expected None, an int or a tuple of ints for "
                             f"argument 'axis', received axis={axis!r}")
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: expected both 'mean' and 'variance' or neither, "
                             f"received mean={mean!r}, variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: expected 'mean' and 'variance' of the same "
                                 f"shape, received shapes {np.shape(mean)} and "
                                 f"{np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization: expected 'mean' of rank at most "
                                 f"{len(self.axis)} (the number of kept axes, axis={axis!r}), "
                                 f"received shape {np.shape(mean)}")
            if np.any(np.asarray(variance, dtype=float) < 0):
                raise ValueError(f"Normalization: expected 'variance' >= 0, received "
                                 f"variance={variance!r}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization layer '{self.name}': axis {self.axis} is out of "
                             f"range for an input of rank {ndim}")
        self._kept = tuple(sorted({a % ndim for a in self.axis}))
        if any(input_shape[a] is None for a in self._kept):
            raise ValueError(f"Normalization layer '{self.name}': the kept axes {self.axis} "
                             f"must have a known size, received input shape {input_shape}")
        self._build_shape = tuple(input_shape)
        self._broadcast_shape = tuple(n if a in self._kept else 1
                                      for a, n in enumerate(input_shape))
        shape = tuple(input_shape[a] for a in self._kept)
        if self.input_mean is None:                     # statistics to come from adapt()
            self.adapt_mean = self.add_weight(shape, "zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(shape, "ones", trainable=False,
                                                  name="variance")
            self.count = self.add_weight((), "zeros", dtype="int32", trainable=False,
                                         name="count")
        else:
            self._given = (self._broadcast("mean", self.input_mean),
                           self._broadcast("variance", self.input_variance))
        if self._kept:
            self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in self._kept})
        self.built = True

    def _broadcast(self, name, value):
        """A given statistic aligned with the kept axes (its last axis with the last kept
        axis, ...) and broadcast to the input's rank."""
        array = np.asarray(value, dtype=self.dtype)
        aligned = [1] * len(self._broadcast_shape)
        for i in range(1, array.ndim + 1):
            aligned[self._kept[-i]] = array.shape[-i]
        try:
            return np.broadcast_to(array.reshape(aligned), self._broadcast_shape)
        except ValueError:
            raise ValueError(f"Normalization layer '{self.name}': '{name}' of shape "
                             f"{array.shape} does not broadcast to the kept axes {self.axis} "
                             f"of the input shape {self._build_shape}, sizes "
                             f"{tuple(self._build_shape[a] for a in self._kept)}") from None

    def adapt(self, data):
        """Set the mean and the variance to those of `data` (an array with the batch axis
        first, e.g. the whole training set), per index of the kept axes; builds the layer
        for data of this shape if it is not built yet."""
        array = np.asarray(data.data if isinstance(data, Tensor) else data)
        if array.dtype.kind not in "biuf" or array.ndim == 0 or array.size == 0:
            raise ValueError(f"Normalization.adapt: expected a non-empty numeric array with a "
                             f"batch axis, received {type(data).__name__} of shape "
                             f"{array.shape} and dtype {array.dtype}")
        if self.input_mean is not None:
            raise ValueError(f"Normalization layer '{self.name}' was given 'mean' and "
                             "'variance'; adapt() applies only to a layer created without them")
        if not np.isfinite(array).all():
            raise ValueError(f"Normalization.adapt: the data (shape {array.shape}) has NaN "
                             "or inf values")
        if not self.built:
            self.build(array.shape)
        elif array.ndim != len(self._build_shape) or any(
                array.shape[a] != self._build_shape[a] for a in self._kept):
            raise ValueError(f"Normalization layer '{self.name}' was built for inputs of shape "
                             f"{self._build_shape}; adapt() received data of shape "
                             f"{array.shape}, which differs at the kept axes {self.axis}")
        reduced = tuple(a for a in range(array.ndim) if a not in self._kept)
        self.adapt_mean.assign(array.mean(axis=reduced, dtype=np.float64))
        self.adapt_variance.assign(array.var(axis=reduced, dtype=np.float64))
        self.count.assign(array.size // max(self.adapt_mean.size, 1))

    @property
    def mean(self):
        """The mean the layer subtracts, shaped to broadcast with its inputs (None until it
        is built), as Keras' `Normalization.mean`."""
        return self._statistic(0)

    @property
    def variance(self):
        """The variance the layer divides by the root of, shaped like `mean`."""
        return self._statistic(1)

    def _statistic(self, k):
        if not self.built:
            return None
        if self.input_mean is None:
            adapted = (self.adapt_mean, self.adapt_variance)[k]
            return adapted.data.reshape(self._broadcast_shape)
        return self._given[k]

    def _statistics(self):
        """(mean, standard deviation floored at epsilon), shaped to broadcast with inputs."""
        variance = self.variance
        return self.mean, np.maximum(np.sqrt(variance),
                                     np.asarray(backend.epsilon(), variance.dtype))

    def call(self, inputs):
        if not backend.is_float_dtype(inputs.dtype):
            inputs = m.cast(inputs, self.dtype)
        mean, std = self._statistics()
        if self.invert:
            return m.add(m.multiply(inputs, std), mean)     # d/dx = std
        return m.divide(m.subtract(inputs, mean), std)       # d/dx = 1 / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist()}
