"""BaseAdaptivePooling: what the adaptive max and average pooling layers share.

A subclass sets `rank` and `pool_op`, the op of `ops.adaptive_pool` it runs.
"""
from ..backend import standardize_data_format
from ..ops.conv import as_tuple
from .base import Layer
from .conv_utils import join_shape, split_shape
from .input_spec import InputSpec


class BaseAdaptivePooling(Layer):
    """Pools each spatial axis of the input to a fixed `output_size`, whatever the input size."""

    rank = 2
    pool_op = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        self.output_size = as_tuple(output_size, self.rank, "output_size", caller)
        self.data_format = standardize_data_format(data_format, caller)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        return self.pool_op(inputs, self.output_size, self.data_format)

    def compute_output_shape(self, input_shape):
        batch, _, channels = split_shape(input_shape, self.data_format)
        return join_shape(batch, self.output_size, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size,
                "data_format": self.data_format}
