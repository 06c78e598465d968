"""Softmax: normalizes its input into probabilities along an axis."""
import numpy as np

from .. import activations
from ..autograd import as_array
from ..ops import math as m
from .base import Layer


class Softmax(Layer):
    """softmax(x) = exp(x) / sum(exp(x)) along `axis`.

    Call with an optional boolean `mask` (broadcastable to the input): masked-out
    positions get probability 0 and the rest are renormalized among themselves.
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is None:
            return activations.softmax(inputs, axis=self.axis)
        keep = as_array(mask).astype(inputs.dtype)
        # a large negative logit where masked: exp() of it vanishes next to the kept ones
        large_negative = -3e4 if inputs.dtype == np.float16 else -1e9
        logits = m.add(inputs, (1 - keep) * large_negative)
        probabilities = activations.softmax(logits, axis=self.axis)
        return m.multiply(probabilities, keep)      # a fully masked row gives zeros, not 1/n

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
