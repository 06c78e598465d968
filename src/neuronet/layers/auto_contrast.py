"""AutoContrast: stretches each channel of each image over the whole value range."""
from ..ops import math as m
from .color_augmentation import rescale
from .image_preprocessing import ImagePreprocessingLayer
from .random_brightness import check_value_range


class AutoContrast(ImagePreprocessingLayer):
    """Maps each channel of each image linearly so that its smallest value becomes low and
    its largest high, for value_range (low, high); a constant channel stays as it is.
    Active in training and inference alike (as in Keras).

    value_range: the range of the pixel values, (0, 255) by default. Inputs of any dtype
    give outputs of the layer's float dtype; the gradient flows back to the inputs.
    Input shape: (batch, height, width, channels) or one image (height, width, channels);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range("AutoContrast", value_range)

    def transform(self, images):                  # images: (batch, height, width, channels)
        levels = rescale(images, self.value_range, (0, 255))
        low = m.min(levels, axis=(1, 2), keepdims=True)            # (batch, 1, 1, channels)
        high = m.max(levels, axis=(1, 2), keepdims=True)
        varies = high.data > low.data
        gain = m.divide(255.0, m.where(varies, m.subtract(high, low), 1.0))
        stretched = m.clip(m.multiply(m.subtract(levels, low), gain), 0, 255)
        return m.where(varies, rescale(stretched, (0, 255), self.value_range), images)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}
