"""Resizing: resizes images to a fixed height and width (bilinear or nearest)."""
import numpy as np

from ..autograd import Tensor
from ..preprocessing.image.utils import check_choice
from .image_preprocessing import ImagePreprocessingLayer

INTERPOLATIONS = ("bilinear", "nearest")


class Resizing(ImagePreprocessingLayer):
    """Resizes images to (height, width), in training and in inference.

    interpolation: 'bilinear' (half-pixel centres, no antialiasing: PyTorch's
    interpolate(mode='bilinear', align_corners=False)) or 'nearest' (the input pixel
    under each output pixel centre: PyTorch's 'nearest-exact').
    crop_to_aspect_ratio: resize the largest centred crop with the target aspect ratio
    instead of stretching the whole image.
    Resizing is linear and separable: out = A_rows @ image @ A_cols^T for two small
    interpolation matrices; the gradient flows back to the inputs through their transposes.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: the same with the new
    height and width.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        for name, size in (("height", height), ("width", width)):
            if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
                raise ValueError(f"Resizing: {name} must be a positive int, received "
                                 f"{name}={size!r}")
        self.height, self.width = int(height), int(width)
        self.interpolation = check_choice("Resizing", "interpolation", interpolation,
                                          INTERPOLATIONS)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)

    def transform(self, images):                  # images: (batch, rows, cols, channels)
        _, rows, cols, _ = images.shape
        (row_start, row_count), (col_start, col_count) = self._window(rows, cols)
        a_rows = interpolation_matrix(rows, self.height, row_start, row_count,
                                      self.interpolation, images.dtype)   # (height, rows)
        a_cols = interpolation_matrix(cols, self.width, col_start, col_count,
                                      self.interpolation, images.dtype)   # (width, cols)
        return resize(images, a_rows, a_cols)

    def _window(self, rows, cols):
        """(start, count) of the rows and of the columns that are resized."""
        if not self.crop_to_aspect_ratio:
            return (0, rows), (0, cols)
        crop_rows = max(min(rows, int(cols * self.height / self.width)), 1)
        crop_cols = max(min(cols, int(rows * self.width / self.height)), 1)
        return ((rows - crop_rows) // 2, crop_rows), ((cols - crop_cols) // 2, crop_cols)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = len(shape) - (2 if self.data_format == "channels_first" else 3)
        shape[first:first + 2] = [self.height, self.width]
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio}


def resize(images, a_rows, a_cols):
    """out[b, i, j, c] = sum over p, q of a_rows[i, p] * images[b, p, q, c] * a_cols[j, q].

    images: a Tensor (batch, rows, cols, channels); a_rows (height, rows) and a_cols
    (width, cols): interpolation matrices. Returns (batch, height, width, channels).
    """
    def backward(g):                  # a linear map: the gradient goes through its transpose
        return (np.einsum("ip,bijc,jq->bpqc", a_rows, g, a_cols, optimize=True),)
    out = np.einsum("ip,bpqc,jq->bijc", a_rows, images.data, a_cols, optimize=True)
    return Tensor.from_op(out, (images,), backward)


def interpolation_matrix(size, new_size, start, count, interpolation, dtype):
    """The (new_size, size) matrix resizing the `count` pixels from `start` to `new_size`.

    Output pixel i has its centre at (i + 0.5) * count / new_size in the window: 'nearest'
    takes the pixel under it; 'bilinear' mixes the two pixels around it (clamped to the
    window's edge pixels).
    """
    centres = (np.arange(new_size) + 0.5) * (count / new_size)
    matrix = np.zeros((new_size, size), np.float64)
    rows = np.arange(new_size)
    if interpolation == "nearest":
        matrix[rows, start + np.minimum(np.floor(centres).astype(np.int64), count - 1)] = 1.0
    else:
        source = np.clip(centres - 0.5, 0, count - 1)
        low = np.floor(source).astype(np.int64)
        high = np.minimum(low + 1, count - 1)
        frac = source - low
        matrix[rows, start + low] += 1.0 - frac
        matrix[rows, start + high] += frac          # low == high at the last pixel: adds 0
    return matrix.astype(dtype)
