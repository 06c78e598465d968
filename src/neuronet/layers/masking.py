"""Masking: marks the time steps whose features all equal `mask_value` as padding."""
import numpy as np

from ..autograd.tensor import as_array
from ..ops import math as m
from .base import Layer


class Masking(Layer):
    """Skips the time steps where every feature equals `mask_value`.

    The output equals the input with those steps set to zero, and carries the mask
    (batch, time), False at the skipped steps, for the layers after it (e.g. an LSTM).
    Input shape: (batch, time, ...). Output shape: same as the input.
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def _keep(self, inputs):
        """(batch, time, 1, ...): True where some feature differs from mask_value."""
        return np.any(as_array(inputs) != self.mask_value, axis=-1, keepdims=True)

    def call(self, inputs):
        return m.multiply(inputs, self._keep(inputs).astype(inputs.dtype))

    def compute_mask(self, inputs, mask=None):
        return self._keep(inputs)[..., 0]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
