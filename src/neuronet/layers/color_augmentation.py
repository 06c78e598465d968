"""Shared parts of the colour augmentation layers (RandomHue, RandomSaturation, ...).

Their arguments follow Keras: a `factor` bounds what is drawn for each image -- a number f
draws from [lowest, f], a pair (a, b) from [a, b] (`interval_bounds`) -- and `value_range`
(low, high) is the range of the pixel values. Layers that work on a fixed scale map the
images from value_range to [0, 1] or [0, 255] and back (`rescale`).
"""
import numbers

from .image_preprocessing import RandomImageLayer
from .random_brightness import check_value_range, plain_factor


def interval_bounds(value, name, layer, lowest=0.0, highest=1.0, integer=False):
    """(lower, upper) of a Keras factor: a number v gives (lowest, v), a pair its sorted
    values; every value must lie in [lowest, highest] (and be an int with `integer`)."""
    kind = numbers.Integral if integer else numbers.Real
    pair = isinstance(value, (tuple, list)) and len(value) == 2
    values = list(value) if pair else [value]
    if all(isinstance(v, kind) and not isinstance(v, bool) and lowest <= v <= highest
           for v in values):
        lower, upper = sorted(values) if pair else (lowest, value)
        return (int(lower), int(upper)) if integer else (float(lower), float(upper))
    what = "an int or a pair of ints" if integer else "a number or a pair of numbers"
    raise ValueError(f"{layer}: {name} must be {what} in [{lowest}, {highest}], "
                     f"received {name}={value!r}")


def rescale(images, source, target):
    """`images` (an array or a Tensor) mapped linearly from the value range `source` to
    `target` (unchanged when they are the same)."""
    if tuple(source) == tuple(target):
        return images
    (source_low, source_high), (target_low, target_high) = source, target
    unit = (images - source_low) / (source_high - source_low)       # in [0, 1]
    return unit * (target_high - target_low) + target_low


class RandomColorLayer(RandomImageLayer):
    """Base of the random colour layers with a `factor` (one value drawn per image, see
    `interval_bounds`; subclasses change the accepted bounds with `_factor_bounds`) and a
    `value_range`. Active when training, as the other random layers."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._bounds = self._factor_bounds(factor)
        self.factor = plain_factor(factor)
        self.value_range = check_value_range(type(self).__name__, value_range)

    def _factor_bounds(self, factor):
        return interval_bounds(factor, "factor", type(self).__name__)

    def _factors(self, images):
        """One factor per image, drawn from U(lower, upper): (batch, 1, 1, 1), images' dtype."""
        factors = self._generator().uniform(*self._bounds, images.shape[0])
        return factors.astype(images.dtype)[:, None, None, None]

    def _check_rgb(self, images):
        if images.shape[-1] != 3:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects RGB images "
                             f"(3 channels), received images with {images.shape[-1]} channels")

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
