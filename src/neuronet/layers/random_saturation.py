"""RandomSaturation: during training, scales the saturation of each image at random."""
import numpy as np

from .. import backend
from ..autograd import Tensor
from ..ops.image import hsv_to_rgb, rgb_to_hsv
from .color_augmentation import RandomColorLayer, rescale


class RandomSaturation(RandomColorLayer):
    """Multiplies the saturation of each RGB image by f / (1 - f), f drawn from the factor's
    bounds, during training only (training=True); otherwise the identity. f = 0.5 keeps
    the image, 0 makes it grey (its largest channel), 1 fully saturated; the saturation is
    clipped to [0, 1].

    factor: a number f in [0, 1] draws from U(0, f), a pair from its own bounds ((0.5, 0.5):
    no change). value_range: the range of the pixel values, (0, 255) by default (Keras
    clips the saturation to value_range, which lets it pass 1 with (0, 255); here it stays
    in [0, 1]). seed: an int for a reproducible layer, None to draw from backend.rng().
    Outputs have the layer's float dtype; no gradient flows back.
    Input shape: (batch, height, width, 3) or one image (height, width, 3); channels first
    with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)

    def transform(self, images):                  # images: (batch, height, width, 3)
        self._check_rgb(images)
        factors = self._factors(images)[..., 0]              # (batch, 1, 1)
        gain = factors / (1 - factors + backend.epsilon())
        hsv = rgb_to_hsv(rescale(images.data, self.value_range, (0, 1)),
                         data_format="channels_last").data
        hsv[..., 1] = np.clip(hsv[..., 1] * gain, 0, 1)
        rgb = hsv_to_rgb(hsv, data_format="channels_last").data
        return Tensor(rescale(rgb, (0, 1), self.value_range))
