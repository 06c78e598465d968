"""Rescaling: multiplies the inputs by `scale` and adds `offset` (e.g. pixels to [0, 1])."""
import numbers

import numpy as np

from ..ops import math as m
from .base import Layer


class Rescaling(Layer):
    """Computes `inputs * scale + offset`, in training and in inference.

    scale, offset: numbers, or arrays broadcast against the inputs (e.g. one per channel).
    For instance scale=1/255 maps [0, 255] to [0, 1]; scale=1/127.5, offset=-1 maps it to
    [-1, 1]. Inputs of any dtype give outputs of the layer's float dtype. The gradient
    with respect to the inputs is `scale`.
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _plain(scale, "scale")
        self.offset = _plain(offset, "offset")

    def call(self, inputs):
        x = inputs if inputs.dtype == self.dtype else m.cast(inputs, self.dtype)
        scale = np.asarray(self.scale, dtype=self.dtype)
        offset = np.asarray(self.offset, dtype=self.dtype)
        return m.add(m.multiply(x, scale), offset)      # d out / d x = scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


def _plain(value, name):
    """A number as it is, an array-like as nested lists (so that the config is plain data)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"Rescaling: {name} must be a number or an array of numbers, "
                         f"received {name}={value!r}")
    return array.tolist()
