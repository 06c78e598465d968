"""RandomSharpness: during training, blurs or sharpens each image by a random amount."""
import numpy as np

from ..ops import math as m
from ..ops.conv import depthwise_conv2d
from .color_augmentation import RandomColorLayer

# the smoothing filter of PIL's ImageEnhance.Sharpness, zero-padded (as Keras)
SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]]) / 13


class RandomSharpness(RandomColorLayer):
    """Moves each image away from (or towards) a smoothed copy of it: x + (1 - s) *
    (smooth(x) - x), s = 2 f with f drawn from the factor's bounds, clipped to value_range;
    during training only (training=True); otherwise the identity. f = 0 gives the smoothed
    image, 0.5 the image itself, 1 a sharper one.

    factor: a number f in [0, 1] draws from U(0, f), a pair from its own bounds ((0.5, 0.5):
    no change). value_range: the range of the pixel values, (0, 255) by default. seed: an
    int for a reproducible layer, None to draw from backend.rng(). Outputs have the
    layer's float dtype; the gradient flows back where nothing is clipped.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)

    def transform(self, images):                  # images: (batch, height, width, channels)
        sharpness = 2 * self._factors(images)                      # (batch, 1, 1, 1)
        kernel = np.tile(SMOOTH[:, :, None, None], (1, 1, images.shape[-1], 1))
        smoothed = depthwise_conv2d(images, kernel.astype(images.dtype), padding="same")
        out = m.add(images, m.multiply(1 - sharpness, m.subtract(smoothed, images)))
        return m.clip(out, *self.value_range)
