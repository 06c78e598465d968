"""PReLU: a leaky ReLU whose negative slope is learned, per feature."""
import numbers

from .. import constraints, initializers, regularizers
from ..ops import math as m
from .base import Layer
from .input_spec import InputSpec


class PReLU(Layer):
    """Parametric ReLU: f(x) = x for x >= 0, alpha * x for x < 0, alpha a weight.

    alpha has the shape of one sample (input shape without the batch axis), except that
    it has size 1 along `shared_axes` (an int or a list of them): e.g. shared_axes=[1, 2]
    after a channels-last Conv2D learns one slope per channel.
    Input shape: any. Output shape: the input's. Weights: alpha. The mask passes through.
    """

    supports_masking = True

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        axes = [shared_axes] if isinstance(shared_axes, numbers.Integral) else shared_axes
        if axes is not None and not (isinstance(axes, (list, tuple)) and all(
                isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes)):
            raise ValueError(f"PReLU: expected None, an int or a list of ints for argument "
                             f"'shared_axes', received shared_axes={shared_axes!r}")
        self.shared_axes = None if axes is None else [int(a) for a in axes]

    def build(self, input_shape):
        ndim = len(input_shape)
        shared = set()
        for axis in self.shared_axes or ():
            if not (1 <= axis < ndim or -ndim < axis < 0):
                raise ValueError(f"PReLU layer '{self.name}': shared axis {axis} is not a "
                                 f"non-batch axis of the input shape {tuple(input_shape)}")
            shared.add(axis % ndim)
        shape = tuple(1 if a in shared else input_shape[a] for a in range(1, ndim))
        if None in shape:
            raise ValueError(f"PReLU layer '{self.name}': axes of unknown size must be in "
                             f"'shared_axes'; received input shape {tuple(input_shape)} with "
                             f"shared_axes={self.shared_axes}")
        self.alpha = self.add_weight(shape, self.alpha_initializer, name="alpha",
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in range(1, ndim)
                                                     if a not in shared})

    def call(self, inputs):
        # d/dx = 1 (x >= 0) or alpha (x < 0); d/d alpha = x (x < 0), summed over shared axes
        return m.where(inputs.data >= 0, inputs, m.multiply(self.alpha, inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
