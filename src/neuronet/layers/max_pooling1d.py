"""MaxPooling1D: 1-D pooling of sequences, keeping the largest value of each window."""
from ..ops.pool import max_pool1d
from .base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Downsamples by taking the largest value of each pool_size window, moved by strides.

    Input shape: (batch, steps, channels), or (batch, channels, steps) with
    data_format='channels_first'.
    Output shape: (batch, new_steps, channels) (or channels first), with
    new_steps = (steps - pool) // stride + 1 for padding='valid' and ceil(steps / stride)
    for 'same'. strides=None means strides=pool_size.
    """

    rank = 1
    pool_op = staticmethod(max_pool1d)

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
