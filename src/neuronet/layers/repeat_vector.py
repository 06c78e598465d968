"""RepeatVector: repeats each input vector n times along a new time axis."""
import numpy as np

from ..autograd import Tensor
from .base import Layer, check_positive_int
from .input_spec import InputSpec


class RepeatVector(Layer):
    """Repeats the input n times.

    Input shape: (batch, features). Output shape: (batch, n, features).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = check_positive_int("RepeatVector", "n", n)
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
