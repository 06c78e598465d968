"""CenterCrop: crops the centre of images to a fixed height and width.

Also the helpers it shares with RandomCrop: size checks, output shapes, the crop itself and
Keras' `smart_resize` (used when an image is smaller than the crop).
"""
import numpy as np

from ..ops import math as m
from .image_preprocessing import ImagePreprocessingLayer
from .resizing import Resizing


def check_size(layer, name, size):
    """`size` as an int when it is a positive int, else a ValueError naming the argument."""
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
        raise ValueError(f"{layer}: {name} must be a positive int, received {name}={size!r}")
    return int(size)


def crop(images, top, left, height, width):
    """The window of `height` x `width` pixels at (top, left) of a channels-last batch.
    A slice: the gradient flows back into the window, zero elsewhere."""
    return m.getitem(images, (slice(None), slice(top, top + height), slice(left, left + width)))


def smart_resize(images, height, width):
    """Keras' smart_resize of a channels-last batch: the largest centred window with the
    aspect ratio height : width, resized (bilinear) to height x width."""
    resizing = Resizing(height, width, crop_to_aspect_ratio=True, data_format="channels_last",
                        name="smart_resize")
    return resizing.transform(images)


def cropped_shape(input_shape, height, width, data_format):
    """`input_shape` (rank 3 or 4) with its height and width replaced."""
    shape = list(input_shape)
    first = len(shape) - (2 if data_format == "channels_first" else 3)
    shape[first:first + 2] = [height, width]
    return tuple(shape)


class CenterCrop(ImagePreprocessingLayer):
    """Crops the centre of each image to (height, width), in training and in inference.

    Where the image and the crop differ by an odd number of pixels, the extra pixel is
    cut on the bottom (right) side: the window starts at (rows - height) // 2. An image
    smaller than the crop (in height or in width) is handled as by Keras' smart_resize:
    its largest centred window with the target aspect ratio is resized (bilinear) to
    (height, width). Inputs of any dtype give outputs of the layer's float dtype; the
    gradient flows back to the inputs (a slice, or a linear resize).
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: the same with the new
    height and width.
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size("CenterCrop", "height", height)
        self.width = check_size("CenterCrop", "width", width)

    def transform(self, images):                  # images: (batch, rows, cols, channels)
        _, rows, cols, _ = images.shape
        if rows < self.height or cols < self.width:
            return smart_resize(images, self.height, self.width)
        top, left = (rows - self.height) // 2, (cols - self.width) // 2
        return crop(images, top, left, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return cropped_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
