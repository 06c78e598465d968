"""RandomGrayscale: during training, turns each image to grey with a given probability."""
import numbers

from ..ops import math as m
from ..ops.image import rgb_to_grayscale
from .image_preprocessing import RandomImageLayer


class RandomGrayscale(RandomImageLayer):
    """Turns each image, with probability `factor`, into its grey levels (0.2989 R +
    0.5870 G + 0.1140 B, the same in every channel), during training only
    (training=True); otherwise the identity.

    factor: the probability, a number in [0, 1] (0.5 by default). seed: an int for a
    reproducible layer, None to draw from backend.rng(). Inputs of any dtype give outputs
    of the layer's float dtype; the gradient flows back to the inputs.
    Input shape: (batch, height, width, 3) or one image (height, width, 3) (also 1
    channel, left unchanged); channels first with data_format='channels_first'.
    Output shape: same as the input.
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not (isinstance(factor, numbers.Real) and not isinstance(factor, bool)
                and 0 <= factor <= 1):
            raise ValueError(f"RandomGrayscale: factor must be a number in [0, 1] (the "
                             f"probability of turning an image grey), received factor={factor!r}")
        self.factor = factor

    def transform(self, images):                  # images: (batch, height, width, channels)
        grey = self._generator().random(images.shape[0]) < self.factor
        levels = rgb_to_grayscale(images, data_format="channels_last")   # (batch, h, w, 1)
        return m.where(grey[:, None, None, None], levels, images)       # levels broadcast

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
