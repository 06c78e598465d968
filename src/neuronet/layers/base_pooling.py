"""BasePooling: what the max and average pooling layers share (arguments, call, config).

A subclass sets `rank` and `pool_op`, the op computing channels-last.
"""
from ..ops.conv import as_tuple, check_output_size, conv_output_length
from .base import Layer
from ..backend import standardize_data_format
from .conv_utils import (from_channels_last, join_shape, normalize_padding,
                         split_shape, to_channels_last)
from .input_spec import InputSpec


class BasePooling(Layer):
    """A pooling layer: `pool_op` over windows of `pool_size`, moved by `strides`."""

    rank = 2
    pool_op = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        self.pool_size = as_tuple(pool_size, self.rank, "pool_size", caller)
        self.strides = (self.pool_size if strides is None
                        else as_tuple(strides, self.rank, "strides", caller))
        self.padding = normalize_padding(padding, caller)
        self.data_format = standardize_data_format(data_format, caller)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)          # a window larger than the input fails here

    def call(self, inputs):
        x = to_channels_last(inputs, self.data_format)
        pooled = self.pool_op(x, self.pool_size, self.strides, self.padding)
        return from_channels_last(pooled, self.data_format)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        out = tuple(conv_output_length(n, p, s, self.padding)
                    for n, p, s in zip(spatial, self.pool_size, self.strides))
        check_output_size(f"{type(self).__name__} layer '{self.name}'", spatial, out,
                          self.pool_size, self.padding)
        return join_shape(batch, out, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}
