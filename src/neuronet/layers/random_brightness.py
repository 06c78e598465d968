"""RandomBrightness: during training, adds a random brightness shift to each image."""
import numbers

from ..ops import math as m
from .image_preprocessing import RandomImageLayer, factor_bounds


def check_value_range(layer, value_range):
    """`value_range` as a sorted list [low, high] of two different numbers, else a ValueError."""
    if isinstance(value_range, (tuple, list)) and len(value_range) == 2 and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value_range):
        low, high = sorted(value_range)
        if low < high:
            return [low, high]
    raise ValueError(f"{layer}: value_range must be a pair of two different numbers "
                     f"(low, high), received value_range={value_range!r}")


def plain_factor(factor):
    """A factor as it is, a pair as a list (so that the config is plain data)."""
    return list(factor) if isinstance(factor, (tuple, list)) else factor


class RandomBrightness(RandomImageLayer):
    """Adds delta * (high - low) to every pixel of an image, one delta per image drawn from
    U(lower, upper), then clips to value_range = (low, high); during training only
    (training=True); otherwise the identity.

    factor: f gives (lower, upper) = (-|f|, |f|), a pair its own sorted bounds; values in
    [-1, 1] (-1 turns any image to `low`, 1 to `high`). value_range: the range of the
    pixel values, (0, 255) by default; use (0, 1) for images already scaled.
    seed: an int for a reproducible layer, None to draw from backend.rng().
    Inputs of any dtype give outputs of the layer's float dtype. The gradient is 1 where
    the output is not clipped, 0 where it is.
    Input shape: (batch, height, width, channels) or one image (height, width, channels).
    Output shape: same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self._bounds = factor_bounds(factor, "factor", "RandomBrightness")
        self.factor = plain_factor(factor)
        self.value_range = check_value_range("RandomBrightness", value_range)

    def transform(self, images):                  # images: (batch, height, width, channels)
        low, high = self.value_range
        delta = self._generator().uniform(*self._bounds, images.shape[0]) * (high - low)
        delta = delta.astype(images.dtype)[:, None, None, None]     # one shift per image
        return m.clip(m.add(images, delta), low, high)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
