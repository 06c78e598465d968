"""MaxPooling2D: 2-D pooling of images, keeping the largest value of each window."""
from ..ops.pool import max_pool2d
from .base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Downsamples by taking the largest value of each pool_size window, moved by strides.

    Input shape: (batch, height, width, channels), or (batch, channels, height, width) with
    data_format='channels_first'.
    Output shape: (batch, new_height, new_width, channels) (or channels first), with
    new_height = (height - pool) // stride + 1 for padding='valid' and ceil(height / stride)
    for 'same'. strides=None means strides=pool_size.
    """

    rank = 2
    pool_op = staticmethod(max_pool2d)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
