"""Resizing: resizes images to a fixed height and width, as keras.ops.image.resize does."""
import numpy as np

from ..backend import check_choice
from ..ops.image import RESIZE_INTERPOLATIONS, resize
from .image_preprocessing import ImagePreprocessingLayer


class Resizing(ImagePreprocessingLayer):
    """Resizes images to (height, width), in training and in inference.

    interpolation: 'bilinear' (half-pixel centres: without antialias, PyTorch's
    interpolate(mode='bilinear', align_corners=False)), 'nearest' (the input pixel under
    each output pixel centre: PyTorch's 'nearest-exact'), 'bicubic', 'lanczos3' or
    'lanczos5'. antialias: widen the kernel when shrinking.
    crop_to_aspect_ratio: resize the largest centred crop with the target aspect ratio
    instead of stretching the whole image; pad_to_aspect_ratio: pad the image with
    `fill_value` (fill_mode 'constant') to that ratio instead.
    Resizing is linear; the gradient flows back to the inputs (see `ops.image.resize`).
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: the same with the new
    height and width.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        for name, size in (("height", height), ("width", width)):
            if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
                raise ValueError(f"Resizing: {name} must be a positive int, received "
                                 f"{name}={size!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of `crop_to_aspect_ratio` and "
                             "`pad_to_aspect_ratio` can be True")
        self.height, self.width = int(height), int(width)
        self.interpolation = check_choice("Resizing", "interpolation", interpolation,
                                          RESIZE_INTERPOLATIONS)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = check_choice("Resizing", "fill_mode", fill_mode, ("constant",))
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)

    def transform(self, images):                  # images: (batch, rows, cols, channels)
        return resize(images, (self.height, self.width), self.interpolation,
                      antialias=self.antialias, crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                      pad_to_aspect_ratio=self.pad_to_aspect_ratio, fill_mode=self.fill_mode,
                      fill_value=self.fill_value, data_format="channels_last")

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = len(shape) - (2 if self.data_format == "channels_first" else 3)
        shape[first:first + 2] = [self.height, self.width]
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}
