"""RandomTranslation: during training, shifts each image by a random offset."""
from ..ops.image import affine_matrix
from .image_preprocessing import RandomAffineLayer, factor_bounds


class RandomTranslation(RandomAffineLayer):
    """Shifts each image by U(lower, upper) * height rows and U(lower, upper) * width
    columns, during training only (training=True); otherwise the identity. Positive
    values shift the content down / right.

    height_factor, width_factor: a fraction of the height / width: f gives the range
    (-|f|, |f|), a pair (lower, upper) its own range (values in [-1, 1]).
    fill_mode: 'reflect', 'constant' (fill_value), 'wrap' or 'nearest'. interpolation:
    'bilinear' or 'nearest'. seed: an int for a reproducible layer, None to draw from
    backend.rng(). The output is a constant: no gradient flows back to the inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_bounds = factor_bounds(height_factor, "height_factor", "RandomTranslation")
        self._width_bounds = factor_bounds(width_factor, "width_factor", "RandomTranslation")

    def _random_matrices(self, batch, height, width, rng):
        shift_y = rng.uniform(*self._height_bounds, batch) * height
        shift_x = rng.uniform(*self._width_bounds, batch) * width
        # an output pixel samples the input at (x - shift_x, y - shift_y)
        return affine_matrix(height, width, tx=-shift_x, ty=-shift_y)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
