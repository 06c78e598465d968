"""What the normalization layers share: the axis arguments, the standardization over some
axes, and the learned scale (gamma) and offset (beta) with their arguments and config
(BatchNormalization, LayerNormalization, GroupNormalization)."""
import numbers

from .. import constraints, initializers, regularizers
from ..ops import math as m
from .base import Layer


def check_axis(caller, axis, allow_list=True):
    """`axis` as an int, or (with allow_list) a list of ints; a ValueError naming `caller`
    otherwise."""
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis)
    if allow_list and isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
        return [int(a) for a in axis]
    expected = "an int or a non-empty list of ints" if allow_list else "an int"
    raise ValueError(f"{caller}: expected {expected} for argument 'axis', received axis={axis!r}")


def resolve_axes(layer, axis, ndim):
    """`axis` (an int or a list of ints) as sorted non-negative axes of a rank-`ndim` input;
    a ValueError naming the layer when one is out of range."""
    axes = [axis] if isinstance(axis, int) else axis
    if any(not -ndim <= a < ndim for a in axes):
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': axis {axis} is out of "
                         f"range for an input of rank {ndim}")
    return tuple(sorted({a % ndim for a in axes}))


def standardize(x, axes, epsilon):
    """(x - mean) / sqrt(variance + epsilon), the mean and the (biased) variance taken over
    `axes` for every index of the other axes. Output: x's shape."""
    centered = m.subtract(x, m.mean(x, axis=axes, keepdims=True))
    variance = m.mean(m.square(centered), axis=axes, keepdims=True)
    return m.multiply(centered, m.rsqrt(m.add(variance, epsilon)))


class AffineNormalization(Layer):
    """A layer that standardizes its inputs, then multiplies them by gamma (`scale`) and
    adds beta (`center`): the arguments, weights and config of both. Subclasses call
    `add_scale_and_offset(shape)` in `build` and `scale_and_offset(x, shape)` in `call`.
    The mask, if any, passes through unchanged.
    """

    supports_masking = True

    def __init__(self, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
            raise ValueError(f"{caller}: expected a float > 0 for argument 'epsilon', "
                             f"received epsilon={epsilon!r}")
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def add_scale_and_offset(self, shape):
        """Create gamma (if `scale`) and beta (if `center`) of `shape`; the other is None."""
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(shape, self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape, self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def scale_and_offset(self, x, broadcast_shape):
        """gamma * x + beta, gamma and beta reshaped to `broadcast_shape` (x's rank)."""
        if self.gamma is not None:
            x = m.multiply(x, m.reshape(self.gamma, broadcast_shape))
        if self.beta is not None:
            x = m.add(x, m.reshape(self.beta, broadcast_shape))
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
