"""RandomErasing: during training, replaces a random box of some images by noise or a value."""
import numbers

import numpy as np

from ..ops import math as m
from .color_augmentation import interval_bounds
from .image_preprocessing import RandomImageLayer
from .random_brightness import check_value_range, plain_factor


def random_boxes(rng, height, width, width_ratios, height_ratios):
    """One box per image, width_ratios * width by height_ratios * height pixels (fractions,
    arrays (batch,)), placed uniformly at random inside the image.

    Returns (masks, areas): masks (batch, height, width, 1), True for the pixels whose
    corner (x, y) lies in [x0, x1) x [y0, y1); areas (batch,) = (x1 - x0) (y1 - y0).
    """
    def sides(length, ratios):                # (start, end) along one axis
        extent = ratios * length
        start = rng.uniform(0, 1, len(ratios)) * (length - extent)
        return start, start + extent
    x0, x1 = sides(width, width_ratios)
    y0, y1 = sides(height, height_ratios)
    cols = np.arange(width)[None, None, :, None]
    rows = np.arange(height)[None, :, None, None]
    x0, x1, y0, y1 = (edge[:, None, None, None] for edge in (x0, x1, y0, y1))
    masks = (cols >= x0) & (cols < x1) & (rows >= y0) & (rows < y1)
    return masks, ((x1 - x0) * (y1 - y0)).ravel()


class RandomErasing(RandomImageLayer):
    """Erases a random box of each image with a probability p drawn from the factor's
    bounds, during training only (training=True); otherwise the identity.

    The box spans sqrt(u) of the width and sqrt(v) of the height, u and v drawn from
    U(scale), at a uniform place inside the image. Its pixels take fill_value, or with
    fill_value=None normal noise times the top of value_range; the fill is clipped to
    value_range.

    factor: a number f in [0, 1] draws p from U(0, f), a pair from its own bounds; 1.0 by
    default. scale: a pair of numbers in [0, 1], (0.02, 0.33) by default. fill_value: None,
    a number, or one number per channel. value_range: the range of the pixel values,
    (0, 255) by default. seed: an int for a reproducible layer, None to draw from
    backend.rng(). Outputs have the layer's float dtype; the gradient flows back to the
    pixels that are kept.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._bounds = interval_bounds(factor, "factor", "RandomErasing")
        self._scale = interval_bounds(scale, "scale", "RandomErasing")
        values = fill_value if isinstance(fill_value, (tuple, list)) else [fill_value]
        if fill_value is not None and not (values and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)):
            raise ValueError(f"RandomErasing: fill_value must be None, a number or one number "
                             f"per channel, received fill_value={fill_value!r}")
        self.factor = plain_factor(factor)
        self.scale = plain_factor(scale)
        self.fill_value = plain_factor(fill_value)
        self.value_range = check_value_range("RandomErasing", value_range)

    def transform(self, images):                  # images: (batch, height, width, channels)
        return self._apply(images, self._draw(images, self._generator()))

    def _draw(self, images, rng):
        """The boxes, which images to erase and the fill (Keras' names)."""
        batch, height, width, channels = images.shape
        ratios = np.sqrt(rng.uniform(*self._scale, (batch, 2)))      # (width, height) sides
        masks, _ = random_boxes(rng, height, width, ratios[:, 0], ratios[:, 1])
        probability = rng.uniform(*self._bounds, batch)
        apply = rng.random(batch) < probability
        if self.fill_value is None:
            fill = rng.standard_normal(images.shape) * self.value_range[1]
        else:
            values = np.asarray(self.fill_value, np.float64).ravel()
            if len(values) not in (1, channels):
                raise ValueError(f"Layer '{self.name}' (RandomErasing) has {len(values)} "
                                 f"fill values for images of {channels} channels")
            fill = np.broadcast_to(values, images.shape)
        fill = np.clip(fill, *self.value_range).astype(images.dtype)
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": fill}

    def _apply(self, images, draw):
        erase = draw["apply_erasing"][:, None, None, None] & draw["batch_masks"]
        return m.where(erase, draw["fill_value"], images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "fill_value": self.fill_value, "value_range": self.value_range}
