"""RepeatVector: repeats each input vector n times along a new time axis."""
import numbers

import numpy as np

from ..autograd import Tensor
from .base import Layer
from .input_spec import InputSpec


class RepeatVector(Layer):
    """Repeats the input n times.

    Input shape: (batch, features). Output shape: (batch, n, features).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n <= 0:
            raise ValueError(f"RepeatVector: expected a positive integer for argument 'n', "
                             f"received n={n!r}")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        out = np.repeat(inputs.data[:, None, :], self.n, axis=1)    # (batch, n, features)

        def backward(g):                                 # each copy sends its gradient back
            return (g.sum(axis=1),)                      # (batch, features)
        return Tensor.from_op(out, (inputs,), backward)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
