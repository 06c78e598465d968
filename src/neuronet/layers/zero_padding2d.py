"""ZeroPadding2D: adds rows and columns of zeros around images."""
from ..backend import standardize_data_format
from ..ops.conv import zero_pad
from .base import Layer
from .conv_utils import (from_channels_last, join_shape, normalize_pairs,
                         split_shape, to_channels_last)
from .input_spec import InputSpec


class ZeroPadding2D(Layer):
    """Adds zeros at the top, bottom, left and right of each image.

    padding: an int (the same on all four sides), (symmetric_height, symmetric_width) or
    ((top, bottom), (left, right)).
    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, height + top + bottom, width + left + right, channels).
    ZeroPadding3D runs the same code on volumes (`rank` spatial axes).
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        self.padding = normalize_pairs(padding, "padding", caller, self.rank)
        self.data_format = standardize_data_format(data_format, caller)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        padded = zero_pad(to_channels_last(inputs, self.data_format), self.padding)
        return from_channels_last(padded, self.data_format)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        spatial = tuple(None if n is None else n + sum(p) for n, p in zip(spatial, self.padding))
        return join_shape(batch, spatial, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
