"""RandomInvert: during training, inverts the colours of some images."""
from ..ops import math as m
from .color_augmentation import RandomColorLayer


class RandomInvert(RandomColorLayer):
    """Inverts each image with a probability p drawn from the factor's bounds (x becomes
    low + high - x, for value_range (low, high)), during training only (training=True);
    otherwise the identity.

    factor: a number f in [0, 1] draws p from U(0, f), a pair from its own bounds: the
    default 1.0 inverts half of the images on average, (1, 1) all of them. value_range:
    the range of the pixel values, (0, 255) by default (Keras computes high - x, the same
    when low is 0). seed: an int for a reproducible layer, None to draw from
    backend.rng(). Outputs have the layer's float dtype; the gradient flows back (-1
    through inverted images).
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None,
                 **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)

    def transform(self, images):                  # images: (batch, height, width, channels)
        probability = self._factors(images)[:, 0, 0, 0]
        invert = self._generator().random(images.shape[0]) < probability
        low, high = self.value_range
        return m.where(invert[:, None, None, None], m.subtract(low + high, images), images)
