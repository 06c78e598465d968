"""RandomRotation: during training, rotates each image by a random angle about its centre."""
from ..ops.image import affine_matrix
from .image_preprocessing import RandomAffineLayer, factor_bounds


class RandomRotation(RandomAffineLayer):
    """Rotates each image by a random angle drawn from U(lower, upper) * 360 degrees,
    during training only (training=True); otherwise the identity.

    factor: a fraction of a full turn: f gives the range (-|f|, |f|), a pair (lower,
    upper) its own range (values in [-1, 1]). Positive angles turn counter-clockwise.
    fill_mode: how points outside the image are filled: 'reflect' (d c b a | a b c d),
    'constant' (fill_value), 'wrap' or 'nearest'. interpolation: 'bilinear' or 'nearest'.
    seed: an int for a reproducible layer, None to draw from backend.rng().
    The output is a constant: no gradient flows back to the inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = factor
        self._lower, self._upper = factor_bounds(factor, "factor", "RandomRotation")

    def _random_matrices(self, batch, height, width, rng):
        degrees = rng.uniform(self._lower, self._upper, batch) * 360.0
        return affine_matrix(height, width, theta=degrees)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
