"""Arguments of the image layers (padding, cropping, data_format) and the channel axis.

The ops compute channels-last; with data_format='channels_first' a layer moves the channel
axis last before the op (`to_channels_last`) and back after it (`from_channels_last`).
"""
import numbers

from ..ops import math as m



def normalize_padding(value, caller, allowed=("valid", "same")):
    """The padding name in lower case; one of `allowed`."""
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(f"{caller}: expected one of {allowed} for argument 'padding', "
                         f"received padding={value!r}")
    return padding


def normalize_pairs(value, name, caller, rank=2):
    """Padding/cropping of a layer with `rank` spatial axes as one (before, after) pair per
    axis: ((top, bottom), (left, right)) for images.

    Accepts an int (the same everywhere), `rank` ints (symmetric along each axis) or `rank`
    pairs.
    """
    given = (value,) * rank if isinstance(value, numbers.Integral) else value
    try:
        pairs = tuple((v, v) if isinstance(v, numbers.Integral) else tuple(v) for v in given)
    except TypeError:
        pairs = ()
    if len(pairs) != rank or not all(len(p) == 2 and all(
            isinstance(v, numbers.Integral) and v >= 0 for v in p) for p in pairs):
        raise ValueError(f"{caller}: expected an int, a tuple of {rank} ints or a tuple of "
                         f"{rank} tuples of 2 non-negative ints for argument '{name}', received "
                         f"{name}={value!r}")
    return tuple(tuple(int(v) for v in p) for p in pairs)


def to_channels_last(x, data_format):
    """(batch, channels, *spatial) -> (batch, *spatial, channels) for 'channels_first'."""
    if data_format == "channels_last":
        return x
    return m.transpose(x, (0, *range(2, x.ndim), 1))


def from_channels_last(x, data_format):
    """(batch, *spatial, channels) -> (batch, channels, *spatial) for 'channels_first'."""
    if data_format == "channels_last":
        return x
    return m.transpose(x, (0, x.ndim - 1, *range(1, x.ndim - 1)))


def split_shape(shape, data_format):
    """(batch, spatial, channels) of a shape in `data_format`."""
    if data_format == "channels_last":
        return shape[0], tuple(shape[1:-1]), shape[-1]
    return shape[0], tuple(shape[2:]), shape[1]


def join_shape(batch, spatial, channels, data_format):
    """The inverse of `split_shape`."""
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)
