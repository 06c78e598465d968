"""CutMix: during training, pastes a box of another image of the batch into each image."""
import numpy as np

from ..ops import math as m
from .color_augmentation import interval_bounds
from .mix_up import BatchMixingLayer
from .random_brightness import plain_factor
from .random_erasing import random_boxes


class CutMix(BatchMixingLayer):
    """CutMix: during training (training=True) a box of each image is replaced by the same
    box of another image of the batch (a random permutation); otherwise the identity.
    Called on a dict {"images": ..., "labels": ...}, it mixes the labels by the areas:
    w label + (1 - w) other label, w = 1 - box area / image area; it returns such a dict.

    The box spans sqrt(1 - lam) of the width and of the height, lam drawn per image from
    Beta(a, a), a drawn from the factor's bounds once per batch (plus 1e-6), at a uniform
    place inside the image.

    factor: a number f in [0, 1] draws a from U(0, f), a pair from its own bounds; 1.0 by
    default. seed: an int for a reproducible layer, None to draw from backend.rng().
    Outputs have the layer's float dtype; the gradient flows back to the images.
    Input shape: (batch, height, width, channels) (a single image is left as it is);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._bounds = interval_bounds(factor, "factor", "CutMix")
        self.factor = plain_factor(factor)

    def _draw(self, images, rng):
        batch, height, width, _ = images.shape
        a = rng.uniform(*self._bounds) + 1e-6
        sides = np.sqrt(1.0 - rng.beta(a, a, batch))
        masks, areas = random_boxes(rng, height, width, sides, sides)
        return {"permutation_order": rng.permutation(batch), "batch_masks": masks,
                "mix_weight": 1.0 - areas / (height * width)}

    def _apply(self, images, draw):
        partners = m.take(images, draw["permutation_order"], axis=0)
        return m.where(draw["batch_masks"], partners, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
