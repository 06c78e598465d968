"""RandomElasticTransform: during training, deforms some images by a random smooth field."""
import numpy as np

from ..backend import check_choice
from ..ops import math as m
from ..ops.image import INTERPOLATIONS, SAMPLING_FILL_MODES, elastic_warp
from .color_augmentation import interval_bounds
from .image_preprocessing import RandomImageLayer
from .random_brightness import check_value_range, plain_factor


class RandomElasticTransform(RandomImageLayer):
    """Deforms each image with a probability p drawn from the factor's bounds, during
    training only (training=True); otherwise the identity. The result is clipped to
    value_range.

    A distortion d, drawn from U(scale) once per batch, sets the deformation of
    `ops.image.elastic_transform`: alpha = 0.1 d max(height, width) (how far pixels move)
    and sigma = 0.05 d min(height, width) (how smooth the displacement is), as in Keras.

    factor: a number f in [0, 1] draws p from U(0, f), a pair from its own bounds; 1.0 by
    default. scale: a number s in [0, 1] draws d from U(0, s), a pair from its own bounds;
    1.0 by default (0 leaves the images as they are, unclipped). interpolation: 'bilinear'
    or 'nearest'. fill_mode: 'reflect', 'constant' (fill_value), 'nearest', 'wrap' or
    'mirror'. value_range: the range of the pixel values, (0, 255) by default. seed: an int
    for a reproducible layer, None to draw from backend.rng(). Outputs have the layer's
    float dtype; the gradient flows back to the inputs where nothing is clipped.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = "RandomElasticTransform"
        self._bounds = interval_bounds(factor, "factor", name)
        self._scale = interval_bounds(scale, "scale", name)
        self.factor = plain_factor(factor)
        self.scale = plain_factor(scale)
        self.interpolation = check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_mode = check_choice(name, "fill_mode", fill_mode, SAMPLING_FILL_MODES)
        self.fill_value = fill_value
        self.value_range = check_value_range(name, value_range)

    def transform(self, images):                  # images: (batch, height, width, channels)
        return self._apply(images, self._draw(images, self._generator()))

    def _draw(self, images, rng):
        """Which images to deform, the distortion and the seed of the noise (Keras' names);
        None when nothing can change."""
        if self._scale[1] == 0 or self._bounds[1] == 0:
            return None
        batch = images.shape[0]
        probability = rng.uniform(*self._bounds, batch)
        apply = rng.random(batch) < probability
        return {"apply_transform": apply, "distortion_factor": rng.uniform(*self._scale),
                "seed": int(rng.integers(2 ** 63))}

    def _apply(self, images, draw):
        if draw is None:
            return images
        height, width = images.shape[1:3]
        distortion = draw["distortion_factor"]
        alpha, sigma = 0.1 * distortion * max(height, width), 0.05 * distortion * min(height, width)
        warped = elastic_warp(images, alpha, sigma, self.interpolation, self.fill_mode,
                              self.fill_value, np.random.default_rng(draw["seed"]))
        chosen = m.where(draw["apply_transform"][:, None, None, None], warped, images)
        return m.clip(chosen, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "value_range": self.value_range}
