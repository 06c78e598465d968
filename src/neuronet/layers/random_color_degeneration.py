"""RandomColorDegeneration: during training, fades each image towards its grey version."""
from ..ops import math as m
from ..ops.image import rgb_to_grayscale
from .color_augmentation import RandomColorLayer


class RandomColorDegeneration(RandomColorLayer):
    """Blends each RGB image with its grey levels, x + f * (grey - x), f drawn from the
    factor's bounds, then clips to value_range; during training only (training=True);
    otherwise the identity.

    factor: a number f in [0, 1] draws from U(0, f), a pair from its own bounds; 0 keeps
    the image, 1 gives the grey image. value_range: the range of the pixel values, (0, 255)
    by default. seed: an int for a reproducible layer, None to draw from backend.rng().
    Outputs have the layer's float dtype; the gradient flows back where nothing is clipped.
    Input shape: (batch, height, width, 3) or one image (height, width, 3); channels first
    with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)

    def transform(self, images):                  # images: (batch, height, width, 3)
        self._check_rgb(images)
        blend = self._factors(images)                               # (batch, 1, 1, 1)
        grey = rgb_to_grayscale(images, data_format="channels_last")   # (batch, h, w, 1)
        faded = m.add(images, m.multiply(blend, m.subtract(grey, images)))
        return m.clip(faded, *self.value_range)
