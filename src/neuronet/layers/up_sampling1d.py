"""UpSampling1D: lengthens sequences by repeating each step."""
from ..ops.array import repeat
from .base import Layer, check_positive_int
from .input_spec import InputSpec


class UpSampling1D(Layer):
    """Repeats each time step `size` times.

    Input shape: (batch, steps, features). Output shape: (batch, steps * size, features).
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = check_positive_int("UpSampling1D", "size", size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return repeat(inputs, self.size, axis=1)      # backward: each step gets its copies' sum

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "size": self.size}
