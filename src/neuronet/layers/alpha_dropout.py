"""AlphaDropout: dropout for self-normalizing (SELU) networks."""
import numpy as np

from .. import backend
from ..ops import math as m
from ..ops.activations import SELU_ALPHA, SELU_SCALE
from ..ops.dropout import mask_shape
from .base import Layer
from .gaussian_dropout import check_rate_below_one

# SELU's value for x -> -infinity: the dropped inputs are set to it.
_SATURATION = -SELU_ALPHA * SELU_SCALE


class AlphaDropout(Layer):
    """During training, sets each input value with probability `rate` to SELU's negative
    saturation value -alpha * scale, then applies the affine map a x + b that brings an
    input of mean 0 and variance 1 back to mean 0 and variance 1 (Klambauer et al., 2017):

        a = ((1 - rate) (1 + rate alpha'^2))^(-1/2),  b = -a alpha' rate,
        alpha' = -alpha * scale (SELU's constants)

    noise_shape: shape of the drop mask, broadcast over the input; a None entry takes the
    input's size. seed: an int gives the layer its own reproducible random stream; None
    draws from `backend.rng()`. Outside training the input is returned unchanged.
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_rate_below_one(rate, "AlphaDropout")
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        generator = backend.rng() if self._rng is None else self._rng
        shape = mask_shape(self.noise_shape, inputs.shape)
        kept = generator.random(shape, dtype=np.float32) >= self.rate
        a = ((1 - self.rate) * (1 + self.rate * _SATURATION ** 2)) ** -0.5
        b = -a * _SATURATION * self.rate
        # a (x kept + alpha' (1 - kept)) + b = x scale + shift; d out/dx = scale
        scale = (a * kept).astype(inputs.dtype)
        shift = (a * _SATURATION * ~kept + b).astype(inputs.dtype)
        return m.add(m.multiply(inputs, scale), shift)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}
