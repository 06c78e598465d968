"""RandomShear: during training, shears each image along x and/or y by a random amount."""
import numpy as np

from .color_augmentation import interval_bounds
from .image_preprocessing import RandomAffineLayer
from .random_brightness import plain_factor


def shear_bounds(factor, name):
    """(lower, upper) of a RandomShear factor: a number f in [0, 1] gives (-f, f), a pair of
    numbers in [0, 1] its sorted values."""
    lower, upper = interval_bounds(factor, name, "RandomShear")
    return (lower, upper) if isinstance(factor, (tuple, list)) else (-upper, upper)


class RandomShear(RandomAffineLayer):
    """Shears each image about its top-left corner, during training only (training=True);
    otherwise the identity. Output pixel (x, y) samples the input at (x + sx y, y + sy x):
    rows slide sideways by sx per row, columns up or down by sy per column.

    x_factor, y_factor: bound the shears sx and sy, drawn per image from U(lower, upper) and
    both negated for half of the images (at random): a number f in [0, 1] gives (-f, f), a
    pair of numbers in [0, 1] its own bounds. 0.0 (the default) does not shear that axis.
    interpolation: 'bilinear' or 'nearest'. fill_mode: 'reflect', 'constant' (fill_value),
    'wrap' or 'nearest'. seed: an int for a reproducible layer, None to draw from
    backend.rng(). The output is a constant: no gradient flows back to the inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self._x_bounds = shear_bounds(x_factor, "x_factor")
        self._y_bounds = shear_bounds(y_factor, "y_factor")
        self.x_factor = plain_factor(x_factor)
        self.y_factor = plain_factor(y_factor)

    def _random_matrices(self, batch, height, width, rng):
        sign = np.where(rng.random(batch) > 0.5, -1.0, 1.0)
        shear_y = rng.uniform(*self._y_bounds, batch) * sign
        shear_x = rng.uniform(*self._x_bounds, batch) * sign
        return shear_matrices(shear_x, shear_y)

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor}


def shear_matrices(shear_x, shear_y):
    """The (batch, 2, 3) matrices [[1, sx, 0], [sy, 1, 0]] of per-image shears."""
    one, zero = np.ones_like(shear_x), np.zeros_like(shear_x)
    return np.stack([np.stack([one, shear_x, zero], axis=-1),
                     np.stack([shear_y, one, zero], axis=-1)], axis=-2)
