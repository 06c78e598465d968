"""ZeroPadding3D: adds zeros around volumes (ZeroPadding2D's code on three spatial axes)."""
from .zero_padding2d import ZeroPadding2D


class ZeroPadding3D(ZeroPadding2D):
    """Adds zeros before and after each spatial axis of each volume.

    padding: an int (the same on all six sides), (symmetric_depth, symmetric_height,
    symmetric_width) or ((front, back), (top, bottom), (left, right)).
    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'. Output shape: (batch, depth + front + back,
    height + top + bottom, width + left + right, channels) (or channels first).
    """

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)
