"""RandomGaussianBlur: during training, blurs some images with a random Gaussian kernel."""
import math
import numbers

from ..ops import math as m
from ..ops.image import gaussian_blur
from .color_augmentation import RandomColorLayer, interval_bounds
from .random_brightness import plain_factor


class RandomGaussianBlur(RandomColorLayer):
    """Blurs each image with a probability p drawn from the factor's bounds, during
    training only (training=True); otherwise the identity. The kernel is Gaussian, its
    standard deviations (along x and y) drawn from sigma's bounds once per batch, as in
    Keras; the result is clipped to value_range.

    factor: a number f in [0, 1] draws p from U(0, f), a pair from its own bounds: the
    default 1.0 blurs half of the images on average, (1, 1) all of them. kernel_size: an
    odd int, or a pair of odd ints (along x, along y), 3 by default. sigma: a number s
    draws from U(0, s), a pair from its own bounds; 1.0 by default. value_range: the
    range of the pixel values, (0, 255) by default. seed: an int for a reproducible layer,
    None to draw from backend.rng(). Outputs have the layer's float dtype; the gradient
    flows back to the inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, seed=seed, data_format=data_format, **kwargs)
        sizes = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2
        if not (len(sizes) == 2 and all(isinstance(k, numbers.Integral) and not isinstance(
                k, bool) and k > 0 and k % 2 == 1 for k in sizes)):
            raise ValueError(f"RandomGaussianBlur: kernel_size must be an odd int or a pair of "
                             f"odd ints, received kernel_size={kernel_size!r}")
        self._kernel_size = tuple(int(k) for k in sizes)
        self._sigmas = interval_bounds(sigma, "sigma", "RandomGaussianBlur", 0, math.inf)
        self.kernel_size = plain_factor(kernel_size)
        self.sigma = plain_factor(sigma)

    def transform(self, images):                  # images: (batch, height, width, channels)
        rng = self._generator()
        probability = self._factors(images)[:, 0, 0, 0]
        blur = rng.random(images.shape[0]) < probability
        sigma = rng.uniform(*self._sigmas, 2) + 1e-6             # (along x, along y)
        blurred = gaussian_blur(images, self._kernel_size, tuple(sigma),
                                data_format="channels_last")
        return m.clip(m.where(blur[:, None, None, None], blurred, images), *self.value_range)

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "sigma": self.sigma}
