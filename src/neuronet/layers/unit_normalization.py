"""UnitNormalization: scales each sample to an L2 norm of 1."""
from ..ops import math as m
from .base import Layer
from .base_normalization import check_axis, resolve_axes

MIN_SQUARED_NORM = 1e-12        # keeps an all-zero input finite (it stays zero)


class UnitNormalization(Layer):
    """out = x / sqrt(max(sum(x^2), 1e-12)), the sum taken over `axis` (an int or a list
    of ints) for every index of the other axes, so each output vector has L2 norm 1.
    Input shape: any. Output shape: the input's. The mask, if any, passes through.
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis("UnitNormalization", axis)

    def call(self, inputs):
        axes = resolve_axes(self, self.axis, inputs.ndim)
        squared_norm = m.sum(m.square(inputs), axis=axes, keepdims=True)
        return m.multiply(inputs, m.rsqrt(m.maximum(squared_norm, MIN_SQUARED_NORM)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
