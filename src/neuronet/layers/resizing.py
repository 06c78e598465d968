"""Resizing: resizes images to a fixed height and width (bilinear or nearest)."""
import numpy as np

from ..backend import check_choice
from ..ops.image import INTERPOLATIONS, interpolation_matrix, resize_with_matrices
from .image_preprocessing import ImagePreprocessingLayer


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
        return resize_with_matrices(images, a_rows, a_cols)

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
