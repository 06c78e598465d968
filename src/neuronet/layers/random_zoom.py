"""RandomZoom: during training, zooms each image in or out by a random factor."""
from ..ops.image import affine_matrix
from .image_preprocessing import RandomAffineLayer, factor_bounds


class RandomZoom(RandomAffineLayer):
    """Zooms each image about its centre, during training only (training=True); otherwise
    the identity. The zoom along the height is 1 + U(lower, upper): positive values zoom
    out (the image shrinks), negative values zoom in.

    height_factor: f gives the range (-|f|, |f|), a pair (lower, upper) its own range
    (values in (-1, 1]). width_factor: the same for the width; None zooms the width like
    the height (the aspect ratio is kept). fill_mode: 'reflect', 'constant' (fill_value),
    'wrap' or 'nearest'. interpolation: 'bilinear' or 'nearest'. seed: an int for a
    reproducible layer, None to draw from backend.rng().
    The output is a constant: no gradient flows back to the inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_bounds = factor_bounds(height_factor, "height_factor", "RandomZoom",
                                            allow_minus_one=False)
        self._width_bounds = (None if width_factor is None else
                              factor_bounds(width_factor, "width_factor", "RandomZoom",
                                            allow_minus_one=False))

    def _random_matrices(self, batch, height, width, rng):
        zoom_y = 1.0 + rng.uniform(*self._height_bounds, batch)
        if self._width_bounds is None:
            zoom_x = zoom_y
        else:
            zoom_x = 1.0 + rng.uniform(*self._width_bounds, batch)
        return affine_matrix(height, width, zx=zoom_x, zy=zoom_y)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
