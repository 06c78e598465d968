"""Dropout: during training, zeroes a random fraction of the inputs and rescales the rest."""
import numpy as np

from ..ops.dropout import check_rate, dropout
from .base import Layer


class Dropout(Layer):
    """Sets each input value to 0 with probability `rate` during training only; the kept
    values are scaled by 1 / (1 - rate), so the expected sum is unchanged.

    noise_shape: shape of the drop mask, broadcast over the input; a None entry takes the
    input's size (e.g. (None, 1, None) drops the same features at every time step).
    seed: an int gives the layer its own reproducible random stream; None draws from
    `backend.rng()` (see `backend.set_random_seed`).
    Outside training (`training` not True) the input is returned unchanged.
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_rate(rate, "Dropout")
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return dropout(inputs, self.rate, self.noise_shape, rng=self._rng)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}
