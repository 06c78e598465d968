"""SpatialDropout3D: during training, drops whole feature volumes (channels) at random."""
from .spatial_dropout2d import SpatialDropout2D


class SpatialDropout3D(SpatialDropout2D):
    """Sets whole channels of each sample to 0 with probability `rate` during training, and
    scales the kept ones by 1 / (1 - rate): every voxel of a dropped channel is dropped.

    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'. Output shape: the same.
    """

    rank = 3
