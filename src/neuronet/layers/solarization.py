"""Solarization: during training, inverts the pixels above a threshold."""
from ..ops import math as m
from .color_augmentation import interval_bounds, rescale
from .image_preprocessing import RandomImageLayer
from .random_brightness import check_value_range, plain_factor


class Solarization(RandomImageLayer):
    """Solarizes each image, during training only (training=True); otherwise the
    identity. On the 0..255 scale (mapped from value_range), a pixel x becomes
    y = clip(x + addition, 0, 255), then 255 - y where y >= threshold; addition and
    threshold (times 255) are drawn per image from their factors' bounds.

    addition_factor, threshold_factor: a number f in [0, 1] draws from U(0, f), a pair
    from its own bounds; both 0.0 by default, which inverts every pixel (Keras draws the
    addition from U(lower, 255 * upper); here both ends are scaled by 255). value_range:
    the range of the pixel values, (0, 255) by default. seed: an int for a reproducible
    layer, None to draw from backend.rng(). Outputs have the layer's float dtype; the
    gradient flows back where nothing is clipped.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self._additions = interval_bounds(addition_factor, "addition_factor", "Solarization")
        self._thresholds = interval_bounds(threshold_factor, "threshold_factor", "Solarization")
        self.addition_factor = plain_factor(addition_factor)
        self.threshold_factor = plain_factor(threshold_factor)
        self.value_range = check_value_range("Solarization", value_range)

    def transform(self, images):                  # images: (batch, height, width, channels)
        rng, batch = self._generator(), images.shape[0]
        addition = rng.uniform(*self._additions, batch) * 255
        threshold = rng.uniform(*self._thresholds, batch) * 255
        addition, threshold = (values.astype(images.dtype)[:, None, None, None]   # per image
                               for values in (addition, threshold))
        shifted = m.clip(m.add(rescale(images, self.value_range, (0, 255)), addition), 0, 255)
        solarized = m.where(shifted.data < threshold, shifted, m.subtract(255, shifted))
        return rescale(solarized, (0, 255), self.value_range)

    def get_config(self):
        return {**super().get_config(), "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor, "value_range": self.value_range}
