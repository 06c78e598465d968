"""GaussianNoise: during training, adds zero-centered Gaussian noise to the inputs."""
import numbers

import numpy as np

from .. import backend
from ..ops import math as m
from .base import Layer


class GaussianNoise(Layer):
    """Adds noise drawn from N(0, stddev^2) to every input value, during training only.

    seed: an int gives the layer its own reproducible random stream; None draws from
    `backend.rng()`. Outside training the input is returned unchanged.
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or stddev < 0:
            raise ValueError(f"GaussianNoise: expected a float >= 0 for argument 'stddev', "
                             f"received stddev={stddev!r}")
        self.stddev = stddev
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        generator = backend.rng() if self._rng is None else self._rng
        noise = generator.normal(0.0, self.stddev, inputs.shape).astype(inputs.dtype)
        return m.add(inputs, noise)                 # the noise is a constant: d out/dx = 1

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
