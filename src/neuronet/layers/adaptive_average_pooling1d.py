"""AdaptiveAveragePooling1D: sequences pooled to a fixed size, the mean of each bin."""
from ..ops.adaptive_pool import adaptive_average_pool
from .base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Pools sequences to `output_size`, whatever their size: the mean of each bin.

    Input shape: (batch, steps, channels), or (batch, channels, steps) with
    data_format='channels_first'.
    Output shape: (batch, output_size, channels) (or channels first).
    output_size: an int or a tuple of 1 int. Bin i of an axis of length L covers
    [floor(i * L / out), ceil((i + 1) * L / out)), out being its output size.
    """

    rank = 1
    pool_op = staticmethod(adaptive_average_pool)
