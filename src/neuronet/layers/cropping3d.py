"""Cropping3D: removes the borders of volumes (Cropping2D's code on three spatial axes)."""
from .cropping2d import Cropping2D


class Cropping3D(Cropping2D):
    """Removes slices at the start and the end of each spatial axis of each volume.

    cropping: an int (the same on all six sides), (symmetric_depth, symmetric_height,
    symmetric_width) or ((front, back), (top, bottom), (left, right)).
    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'. Output shape: (batch, depth - front - back,
    height - top - bottom, width - left - right, channels) (or channels first).
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
