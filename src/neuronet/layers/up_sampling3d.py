"""UpSampling3D: enlarges volumes by repeating voxels (UpSampling2D's nearest-neighbour code
on three spatial axes)."""
from .up_sampling2d import UpSampling2D


class UpSampling3D(UpSampling2D):
    """Repeats the slices of the depth, height and width axes size[0], size[1] and size[2]
    times (nearest-neighbour upsampling).

    size: an int (the same along each axis) or 3 ints.
    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'. Output shape: (batch, depth * size[0],
    height * size[1], width * size[2], channels) (or channels first).
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["interpolation"]                        # always 'nearest'
        return config
