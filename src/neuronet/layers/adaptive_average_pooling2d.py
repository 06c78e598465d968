"""AdaptiveAveragePooling2D: images pooled to a fixed size, the mean of each bin."""
from ..ops.adaptive_pool import adaptive_average_pool
from .base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Pools images to `output_size`, whatever their size: the mean of each bin.

    Input shape: (batch, height, width, channels), or (batch, channels, height, width) with
    data_format='channels_first'.
    Output shape: (batch, output_height, output_width, channels) (or channels first).
    output_size: an int (both axes) or a pair (output_height, output_width). Bin i of an
    axis of length L covers [floor(i * L / out), ceil((i + 1) * L / out)), out being its
    output size.
    """

    rank = 2
    pool_op = staticmethod(adaptive_average_pool)
