"""RandomContrast: during training, scales each image's deviations from its mean at random."""
import numbers

from ..ops import math as m
from .image_preprocessing import RandomImageLayer
from .random_brightness import check_value_range, plain_factor


def contrast_bounds(factor):
    """(lower, upper) of RandomContrast's factor: a number f gives (f, f), a pair its sorted
    values; every value must lie in [0, 1]."""
    pair = isinstance(factor, (tuple, list)) and len(factor) == 2
    values = list(factor) if pair else [factor]
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 <= v <= 1
           for v in values):
        lower, upper = sorted(values) if pair else (factor, factor)
        return float(lower), float(upper)
    raise ValueError(f"RandomContrast: factor must be a number or a pair of numbers in [0, 1], "
                     f"received factor={factor!r}")


class RandomContrast(RandomImageLayer):
    """Adjusts the contrast of each image, during training only (training=True); otherwise
    the identity. Every channel of an image becomes (x - mean) * c + mean, with `mean` its
    mean over height and width and c one factor per image drawn from
    U(1 - lower, 1 + upper); the result is clipped to value_range.

    factor: f gives lower = upper = f, a pair (lower, upper) its own (sorted) bounds;
    values in [0, 1]. value_range: the range of the pixel values, (0, 255) by default.
    seed: an int for a reproducible layer, None to draw from backend.rng().
    Inputs of any dtype give outputs of the layer's float dtype. The gradient flows back
    to the inputs where the output is not clipped.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self._bounds = contrast_bounds(factor)
        self.factor = plain_factor(factor)
        self.value_range = check_value_range("RandomContrast", value_range)

    def transform(self, images):                  # images: (batch, height, width, channels)
        lower, upper = self._bounds
        contrast = self._generator().uniform(1.0 - lower, 1.0 + upper, images.shape[0])
        contrast = contrast.astype(images.dtype)[:, None, None, None]   # one factor per image
        mean = m.mean(images, axis=(1, 2), keepdims=True)   # (batch, 1, 1, channels)
        out = m.add(m.multiply(m.subtract(images, mean), contrast), mean)
        return m.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
