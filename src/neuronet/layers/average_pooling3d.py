"""AveragePooling3D: 3-D pooling of volumes, keeping the mean of each window."""
from ..ops.pool import avg_pool3d
from .base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Downsamples by taking the mean of each pool_size window, moved by strides.

    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'.
    Output shape: (batch, new_depth, new_height, new_width, channels) (or channels first),
    each new size (size - pool) // stride + 1 for padding='valid' and ceil(size / stride) for
    'same'. strides=None means strides=pool_size. With padding='same' the padded positions
    are not counted in the mean (as TensorFlow).
    """

    rank = 3
    pool_op = staticmethod(avg_pool3d)

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
