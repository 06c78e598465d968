"""Shared base of the image layers (Resizing and the random augmentation layers).

They take one image (height, width, channels) or a batch (batch, height, width, channels)
-- channels first with data_format='channels_first' -- of any dtype, and output floats.
Random layers augment when training, as in Keras: when the call (or an enclosing model's
call) says training=True, or says nothing (`layer(images)`); `predict`, `evaluate` and
training=False make them the identity.
"""
import numbers

import numpy as np

from .. import backend
from ..autograd import Tensor
from ..backend import check_choice, standardize_data_format
from ..ops import math as m
from ..ops.image import FILL_MODES, INTERPOLATIONS, warp
from .base import Layer


class ImagePreprocessingLayer(Layer):
    """Base of the image layers: subclasses implement `transform(images)` on a channels-last
    batch Tensor (batch, height, width, channels); this class handles rank 3 inputs,
    channels-first inputs and the cast to the layer's float dtype."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format, type(self).__name__)

    def _active(self, training):
        return True

    def call(self, inputs, training=True):
        x = inputs if inputs.dtype == self.dtype else m.cast(inputs, self.dtype)
        if not self._active(training):
            return x
        if x.ndim not in (3, 4):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects images of rank "
                             f"3 or 4, received an input of shape {x.shape}")
        batched = x.ndim == 4
        if not batched:
            x = m.expand_dims(x, 0)
        if self.data_format == "channels_first":
            x = m.transpose(x, (0, 2, 3, 1))
        x = self.transform(x)
        if self.data_format == "channels_first":
            x = m.transpose(x, (0, 3, 1, 2))
        return x if batched else m.squeeze(x, 0)

    def transform(self, images):
        raise NotImplementedError(f"{type(self).__name__} must implement transform(images)")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class RandomImageLayer(ImagePreprocessingLayer):
    """Base of the random augmentation layers: active when training (see the module).

    seed: an int gives the layer its own reproducible random stream; None draws from
    `backend.rng()` (see `backend.set_random_seed`).
    """

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def _active(self, training):
        return bool(training)

    def _generator(self):
        return backend.rng() if self._rng is None else self._rng

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class RandomAffineLayer(RandomImageLayer):
    """Base of RandomRotation, RandomZoom and RandomTranslation: one random affine warp
    per image (see `neuronet.ops.image`).

    Subclasses implement `_random_matrices(batch, height, width, rng)` -> (batch, 2, 3).
    The warped images are constants: no gradient flows back to the inputs.
    """

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.fill_mode = check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_value = fill_value

    def transform(self, images):
        batch, height, width, _ = images.shape
        matrices = self._random_matrices(batch, height, width, self._generator())
        return Tensor(warp(images.data, matrices, self.fill_mode, self.fill_value,
                           self.interpolation))

    def _random_matrices(self, batch, height, width, rng):
        raise NotImplementedError(f"{type(self).__name__} must implement _random_matrices")

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


def factor_bounds(factor, name, layer, allow_minus_one=True):
    """(lower, upper) of a Keras augmentation factor: a number f gives (-|f|, |f|), a pair
    gives its sorted values; every value must lie in [-1, 1] (in (-1, 1] when
    allow_minus_one is False)."""
    pair = isinstance(factor, (tuple, list)) and len(factor) == 2
    values = list(factor) if pair else [factor]
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        lower, upper = sorted(values) if pair else (-abs(factor), abs(factor))
        if -1 <= lower and upper <= 1 and (allow_minus_one or lower > -1):
            return float(lower), float(upper)
    interval = "[-1, 1]" if allow_minus_one else "(-1, 1]"
    raise ValueError(f"{layer}: {name} must be a number or a pair of numbers in {interval}, "
                     f"received {name}={factor!r}")
