"""UpSampling2D: enlarges images by repeating pixels (nearest) or interpolating (bilinear)."""
import numpy as np

from ..autograd.tensor import Tensor
from ..ops import math as m
from ..ops.conv import as_tuple
from ..ops.pool import upsample_nearest
from .base import Layer
from ..backend import standardize_data_format
from .conv_utils import (from_channels_last, join_shape, split_shape,
                         to_channels_last)
from .input_spec import InputSpec

INTERPOLATIONS = ("nearest", "bilinear")


def _bilinear_matrix(size, factor, dtype):
    """(size * factor, size): row i holds the weights of the input pixels for output pixel i.

    Half-pixel centres, as tf.image.resize and PyTorch (align_corners=False): output pixel i
    samples position (i + 0.5) / factor - 0.5, clamped to the first and last input pixel.
    """
    source = np.clip((np.arange(size * factor) + 0.5) / factor - 0.5, 0, size - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, size - 1)
    weight_high = source - low
    rows = np.arange(size * factor)
    matrix = np.zeros((size * factor, size), dtype)
    matrix[rows, low] = 1 - weight_high
    matrix[rows, high] += weight_high                   # low == high at the last pixel
    return matrix


class UpSampling2D(Layer):
    """Repeats the rows size[0] times and the columns size[1] times ('nearest'), or
    interpolates between pixels ('bilinear').

    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, height * size[0], width * size[1], channels).
    interpolation: 'nearest' or 'bilinear'.
    UpSampling3D runs the nearest-neighbour code on volumes (`rank` spatial axes).
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        self.size = as_tuple(size, self.rank, "size", caller)
        self.data_format = standardize_data_format(data_format, caller)
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"{caller}: expected one of {INTERPOLATIONS} for argument "
                             f"'interpolation', received interpolation={interpolation!r}")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        channels_last = self.data_format == "channels_last"
        if self.interpolation == "nearest":
            x = to_channels_last(inputs, self.data_format)
            return from_channels_last(upsample_nearest(x, self.size), self.data_format)
        images = m.transpose(inputs, (0, 3, 1, 2)) if channels_last else inputs  # (n, c, h, w)
        height, width = images.shape[2:]
        rows = Tensor(_bilinear_matrix(height, self.size[0], inputs.dtype))     # (H, h)
        cols = Tensor(_bilinear_matrix(width, self.size[1], inputs.dtype).T)    # (w, W)
        resized = m.matmul(m.matmul(rows, images), cols)                        # (n, c, H, W)
        return m.transpose(resized, (0, 2, 3, 1)) if channels_last else resized

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        spatial = tuple(None if n is None else n * s for n, s in zip(spatial, self.size))
        return join_shape(batch, spatial, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}
