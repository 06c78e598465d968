"""RandomPosterization: during training, keeps only the high bits of each colour level."""
import numpy as np

from ..autograd import Tensor
from .color_augmentation import RandomColorLayer, interval_bounds, rescale


class RandomPosterization(RandomColorLayer):
    """Reduces each image to `bits` bits per channel (2**bits levels), `bits` drawn per image
    from the factor's bounds, during training only (training=True); otherwise the
    identity. The values, mapped from value_range to the 8-bit levels 0..255, keep their
    top `bits` bits and are mapped back.

    factor: an int b in [1, 8] draws `bits` from 1..b, a pair from its own bounds (both
    included; Keras leaves the upper one out when they differ); (b, b) fixes it.
    value_range: the range of the pixel values, (0, 255) by default. seed: an int for a
    reproducible layer, None to draw from backend.rng(). Outputs have the layer's float
    dtype; no gradient flows back (the levels are steps).
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)

    def _factor_bounds(self, factor):
        return interval_bounds(factor, "factor", "RandomPosterization", 1, 8, integer=True)

    def transform(self, images):                  # images: (batch, height, width, channels)
        lower, upper = self._bounds
        bits = self._generator().integers(lower, upper + 1, images.shape[0])
        dropped = (8 - bits).astype(np.uint8)[:, None, None, None]    # low bits set to 0
        levels = np.clip(rescale(images.data, self.value_range, (0, 255)), 0, 255)
        levels = (levels.astype(np.uint8) >> dropped) << dropped
        return Tensor(rescale(levels.astype(images.dtype), (0, 255), self.value_range))
