"""Flatten: merges all axes but the batch axis into one."""
import math

from ..backend import standardize_data_format
from ..ops import math as m
from .base import Layer
from .input_spec import InputSpec


class Flatten(Layer):
    """Flattens each sample: (batch, d1, ..., dn) -> (batch, d1 * ... * dn).

    data_format: 'channels_last' or 'channels_first' (None: `backend.image_data_format()`);
    with 'channels_first' the channel axis (axis 1) is moved last before flattening, so that
    the order of the values is the same as for the channels-last version of the input.
    Input shape: (batch, ...) with at least one axis. Output shape: (batch, product of the rest);
    a (batch,) input gives (batch, 1).
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format, "Flatten")
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = m.transpose(inputs, (0, *range(2, inputs.ndim), 1))
        return m.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))

    def compute_output_shape(self, input_shape):
        sample = input_shape[1:]
        size = None if None in sample else math.prod(sample)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
