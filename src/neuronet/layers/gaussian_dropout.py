"""GaussianDropout: during training, multiplies the inputs by noise centred on 1."""
import math

import numpy as np

from .. import backend
from ..ops import math as m
from ..ops.dropout import check_rate
from .base import Layer


def check_rate_below_one(rate, caller):
    """Raise a ValueError naming `caller` unless 0 <= rate < 1 (rate 1 makes the noise of
    GaussianDropout and the rescaling of AlphaDropout infinite)."""
    check_rate(rate, caller)
    if rate == 1:
        raise ValueError(f"{caller}: expected a float between 0 and 1 (excluded) for "
                         f"argument 'rate', received rate={rate!r}")


class GaussianDropout(Layer):
    """Multiplies every input value by noise drawn from N(1, rate / (1 - rate)), during
    training only: the mean is kept, and the variance added is that of Dropout(rate).

    seed: an int gives the layer its own reproducible random stream; None draws from
    `backend.rng()`. Outside training the input is returned unchanged.
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_rate_below_one(rate, "GaussianDropout")
        self.rate = rate
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        generator = backend.rng() if self._rng is None else self._rng
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = generator.normal(1.0, stddev, inputs.shape).astype(inputs.dtype)
        return m.multiply(inputs, noise)           # the noise is a constant: d out/dx = noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
