"""Equalization: during training, equalizes the histogram of each channel of each image."""
import numbers

import numpy as np

from ..autograd import Tensor
from .color_augmentation import rescale
from .image_preprocessing import ImagePreprocessingLayer
from .random_brightness import check_value_range


class Equalization(ImagePreprocessingLayer):
    """Histogram equalization of each channel of each image, during training only
    (training=True, as Keras computes it); otherwise the identity.

    On the 0..255 scale (mapped from value_range) the values fall into `bins` equal bins;
    a value in bin k becomes round(255 * (cdf[k] - cdf_min) / (pixels - cdf_min)), cdf the
    cumulative histogram and cdf_min the count of the first non-empty bin, so the levels
    spread evenly over the range. A channel with one non-empty bin stays as it is. Each
    image has its own histograms (Keras pools those of the whole batch).

    value_range: the range of the pixel values, (0, 255) by default. bins: the number of
    bins, 256 by default. Outputs have the layer's float dtype; no gradient flows back.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not (isinstance(bins, numbers.Integral) and not isinstance(bins, bool) and bins >= 1):
            raise ValueError(f"Equalization: bins must be an int >= 1, received bins={bins!r}")
        self.bins = int(bins)
        self.value_range = check_value_range("Equalization", value_range)

    def _active(self, training):
        return bool(training)

    def transform(self, images):                  # images: (batch, height, width, channels)
        n, _, _, channels = images.shape
        levels = rescale(images.data, self.value_range, (0, 255))
        bins = np.clip((levels * (self.bins - 1) / 255).astype(np.int64), 0, self.bins - 1)
        # one histogram per image and channel, all from one bincount: slot (image, channel, bin)
        slots = (np.arange(n)[:, None, None, None] * channels + np.arange(channels)) * self.bins
        slots = slots + bins                                       # (n, h, w, c)
        histograms = np.bincount(slots.ravel(), minlength=n * channels * self.bins)
        cdf = histograms.reshape(n, channels, self.bins).cumsum(axis=-1)
        pixels = cdf[..., -1:]
        first = np.where(cdf > 0, cdf, pixels).min(axis=-1, keepdims=True)   # cdf_min
        table = np.round((cdf - first) * 255 / np.maximum(pixels - first, 1))
        equalized = np.clip(table, 0, 255).ravel()[slots].astype(images.dtype)
        used = np.count_nonzero(histograms.reshape(n, channels, self.bins), axis=-1)
        spread = (used > 1)[:, None, None, :]                      # (n, 1, 1, c)
        out = np.where(spread, rescale(equalized, (0, 255), self.value_range), images.data)
        return Tensor(out)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "bins": self.bins}
