"""Cropping2D: removes rows and columns at the borders of images."""
from ..backend import standardize_data_format
from ..ops.conv import crop
from .base import Layer
from .conv_utils import (from_channels_last, join_shape, normalize_pairs,
                         split_shape, to_channels_last)
from .input_spec import InputSpec


class Cropping2D(Layer):
    """Removes rows at the top and bottom and columns at the left and right of each image.

    cropping: an int (the same on all four sides), (symmetric_height, symmetric_width) or
    ((top, bottom), (left, right)).
    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, height - top - bottom, width - left - right, channels).
    Cropping3D runs the same code on volumes (`rank` spatial axes).
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        self.cropping = normalize_pairs(cropping, "cropping", caller, self.rank)
        self.data_format = standardize_data_format(data_format, caller)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)          # cropping everything fails here

    def call(self, inputs):
        cropped = crop(to_channels_last(inputs, self.data_format), self.cropping)
        return from_channels_last(cropped, self.data_format)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        if any(n is not None and sum(c) >= n for n, c in zip(spatial, self.cropping)):
            raise ValueError(f"{type(self).__name__} layer '{self.name}': cropping "
                             f"{self.cropping} must leave something of the input's spatial "
                             f"size {spatial}")
        spatial = tuple(None if n is None else n - sum(c) for n, c in zip(spatial, self.cropping))
        return join_shape(batch, spatial, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}
