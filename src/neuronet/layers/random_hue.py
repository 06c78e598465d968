"""RandomHue: during training, turns the hue of each image by a random angle."""
import numpy as np

from ..autograd import Tensor
from ..ops.image import hsv_to_rgb, rgb_to_hsv
from .color_augmentation import RandomColorLayer, rescale


class RandomHue(RandomColorLayer):
    """Shifts the hue of each RGB image by +-f/2 of the colour wheel (the sign at random, f
    drawn from the factor's bounds), during training only (training=True); otherwise the
    identity. The image goes to HSV, its hue turns, it comes back to RGB (clipped).

    factor: a number f in [0, 1] draws from U(0, f), a pair from its own bounds (equal
    values fix the shift); 0 leaves the images, 1 may turn them half a turn (red to cyan).
    value_range: the range of the pixel values, (0, 255) by default. seed: an int for a
    reproducible layer, None to draw from backend.rng(). Outputs have the layer's float
    dtype; no gradient flows back.
    Input shape: (batch, height, width, 3) or one image (height, width, 3); channels first
    with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)

    def transform(self, images):                  # images: (batch, height, width, 3)
        self._check_rgb(images)
        batch = images.shape[0]
        sign = np.where(self._generator().random(batch) > 0.5, -1.0, 1.0)
        turn = (sign * self._factors(images)[:, 0, 0, 0] / 2).astype(images.dtype)
        hsv = rgb_to_hsv(rescale(images.data, self.value_range, (0, 1)),
                         data_format="channels_last").data
        hsv[..., 0] += turn[:, None, None]        # hsv_to_rgb reads the hue modulo 1
        rgb = np.clip(hsv_to_rgb(hsv, data_format="channels_last").data, 0, 1)
        return Tensor(rescale(rgb, (0, 1), self.value_range))
