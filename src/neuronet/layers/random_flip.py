"""RandomFlip: during training, flips images left-right and/or upside down at random."""
from ..ops import math as m
from ..backend import check_choice
from .image_preprocessing import RandomImageLayer

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(RandomImageLayer):
    """Flips each image left-right ('horizontal') and/or upside down ('vertical') with
    probability 1/2, during training only (training=True); otherwise the identity.

    mode: 'horizontal', 'vertical' or 'horizontal_and_vertical' (the two flips are drawn
    independently). seed: an int for a reproducible layer, None to draw from backend.rng().
    The gradient flows back through the flips (a flip is a permutation of the pixels).
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = check_choice("RandomFlip", "mode", mode,
                                 (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL))

    def transform(self, images):                  # images: (batch, height, width, channels)
        rng = self._generator()
        for axis, axis_mode in ((2, HORIZONTAL), (1, VERTICAL)):
            if self.mode in (axis_mode, HORIZONTAL_AND_VERTICAL):
                flip = rng.random(images.shape[0]) < 0.5
                reverse = (slice(None),) * axis + (slice(None, None, -1),)
                images = m.where(flip[:, None, None, None], m.getitem(images, reverse), images)
        return images

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
