"""RandomPerspective: during training, tilts some images by moving their corners at random."""
import numbers

import numpy as np

from ..backend import check_choice
from ..ops import math as m
from ..ops.image import INTERPOLATIONS, perspective_transform
from .color_augmentation import interval_bounds
from .image_preprocessing import RandomImageLayer
from .random_brightness import plain_factor


class RandomPerspective(RandomImageLayer):
    """Applies a random perspective warp to each image with a probability p drawn from the
    factor's bounds, during training only (training=True); otherwise the identity.

    The corners (0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1) of an image move to
    corner * (1 + u), u drawn from U(-scale / 2, scale / 2) for each coordinate (as in
    Keras, so the corner at the origin stays), and the image follows them
    (`ops.image.perspective_transform`); points beyond the border take fill_value.

    factor: a number f in [0, 1] draws p from U(0, f), a pair from its own bounds; 1.0 by
    default. scale: the size of the corner moves, a number in [0, 1]. interpolation:
    'bilinear' or 'nearest'. seed: an int for a reproducible layer, None to draw from
    backend.rng(). Outputs have the layer's float dtype; the gradient flows back to the
    inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._bounds = interval_bounds(factor, "factor", "RandomPerspective")
        if not (isinstance(scale, numbers.Real) and not isinstance(scale, bool)
                and 0 <= scale <= 1):
            raise ValueError(f"RandomPerspective: scale must be a number in [0, 1], "
                             f"received scale={scale!r}")
        self.factor = plain_factor(factor)
        self.scale = scale
        self.interpolation = check_choice("RandomPerspective", "interpolation", interpolation,
                                          INTERPOLATIONS)
        self.fill_value = fill_value

    def transform(self, images):                  # images: (batch, height, width, channels)
        return self._apply(images, self._draw(images, self._generator()))

    def _draw(self, images, rng):
        """Which images to warp and where their corners go (Keras' names)."""
        batch, height, width, _ = images.shape
        probability = rng.uniform(*self._bounds, batch)
        apply = rng.random(batch) < probability
        moves = rng.uniform(-0.5 * self.scale, 0.5 * self.scale, (batch, 4, 2))
        corners = np.array([[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]],
                           np.float64)
        return {"apply_perspective": apply, "start_points": np.broadcast_to(corners, moves.shape),
                "end_points": corners * (1 + moves)}

    def _apply(self, images, draw):
        warped = perspective_transform(images, draw["start_points"], draw["end_points"],
                                       self.interpolation, self.fill_value,
                                       data_format="channels_last")
        return m.where(draw["apply_perspective"][:, None, None, None], warped, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value}
