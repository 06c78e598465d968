"""Pooling on channels-last arrays, each one op with a hand-written backward pass.

    max_pool2d(x, 2)            # x (n, h, w, c) -> (n, h // 2, w // 2, c)
    max_pool3d(x, 2)            # x (n, d, h, w, c) -> (n, d // 2, h // 2, w // 2, c)
    upsample_nearest(x, 2)      # x (n, d, h, w, c) -> (n, 2 * d, 2 * h, 2 * w, c)

Both passes loop over the offsets inside a window (pool_h * pool_w iterations), each
offset being one strided slice of the input that holds that element of every window; max
pooling first copies those slices into one contiguous array, on which NumPy runs fastest.
Max pooling sends each window's gradient to one position, its first maximum (as
TensorFlow and PyTorch do); average pooling spreads it evenly. With padding='same' the
padded positions take no part: they never win a max and are not counted in an average.
upsample_nearest goes the other way, repeating each element; its backward pass sums the
gradients of the copies.
The code works on any number of spatial axes (shown here for two); the 1-D poolings run
the 2-D ones on a height-1 image.
"""
import functools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import backend
from ..autograd.tensor import Tensor
from .conv import (INPUT_LAYOUTS, as_tuple, check_output_size, check_padding,
                   conv_output_length, crop_array, kernel_windows, pad_array, window_geometry)
from .math import reshape, tensor

__all__ = ["max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "max_pool3d", "avg_pool3d",
           "upsample_nearest", "upsample_nearest2d"]


def _setup(caller, rank, x, pool_size, strides, padding):
    """x as a Tensor, and the pooling geometry: pool, strides, pads, out_size and, per offset
    in the window, the index of the strided slice holding that offset of every window."""
    check_padding(padding, caller)
    pool = as_tuple(pool_size, rank, "pool_size", caller)
    strides = pool if strides is None else as_tuple(strides, rank, "strides", caller)
    x = tensor(x)
    if x.ndim != rank + 2:
        raise ValueError(f"{caller}: expected x of rank {rank + 2} {INPUT_LAYOUTS[rank]}, "
                         f"received shape {x.shape}")
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(backend.floatx()))        # integer images: no gradient
    ones = (1,) * rank
    pads, out_size = window_geometry(caller, x.shape[1:-1], pool, strides, padding, ones)
    offsets = [index for _, index in kernel_windows(pool, ones, strides, out_size)]
    return x, pool, strides, pads, out_size, offsets


def _window_view(xp, pool, strides, out_size):
    """xp (n, hp, wp, c) seen as (pool_h, pool_w, n, oh, ow, c): element [i, j] holds the
    offset (i, j) of every window (a strided view; writing to it is safe only when the
    windows do not overlap)."""
    step_n, *steps, step_c = xp.strides
    return as_strided(xp, (*pool, xp.shape[0], *out_size, xp.shape[-1]),
                      (*steps, step_n, *(b * s for b, s in zip(steps, strides)), step_c))


def _max_pool(caller, rank, x, pool_size, strides, padding):
    """max_pool2d / max_pool3d, its arguments checked in `caller`'s name."""
    x, pool, strides, pads, out_size, offsets = _setup(caller, rank, x, pool_size, strides,
                                                       padding)
    xp = pad_array(x.data, pads, -np.inf)                  # padding never wins
    count = math.prod(pool)
    # every window's offset k as one contiguous array: (pool_h * pool_w, n, oh, ow, c)
    windows = np.ascontiguousarray(_window_view(xp, pool, strides, out_size))
    windows = windows.reshape((count,) + windows.shape[rank:])
    out = windows[0].copy()                                # (n, oh, ow, c)
    for window in windows[1:]:
        np.maximum(out, window, out=out)
    overlapping = any(s < p for s, p in zip(strides, pool))
    tiled = strides == pool and xp.shape[1:-1] == tuple(o * p for o, p in zip(out_size, pool))

    def backward(g):                                       # d max/d x = 1 at the first max, else 0
        g_windows = np.empty_like(windows)                 # the gradient of each offset
        unclaimed = np.ones(out.shape, bool)               # windows whose max is not found yet
        for k in range(count - 1):
            first = windows[k] == out
            first &= unclaimed
            unclaimed ^= first
            np.multiply(g, first, out=g_windows[k])
        np.multiply(g, unclaimed, out=g_windows[-1])      # the last offset: what is left
        gxp = np.empty(xp.shape, g.dtype) if tiled else np.zeros(xp.shape, g.dtype)
        if overlapping:                                    # offsets share input positions: add
            for index, g_window in zip(offsets, g_windows):
                gxp[index] += g_window
        else:                                              # disjoint windows: one strided write
            _window_view(gxp, pool, strides, out_size)[...] = g_windows.reshape(
                pool + g_windows.shape[1:])
        return (crop_array(gxp, pads),)
    return Tensor.from_op(out, (x,), backward)


def max_pool2d(x, pool_size, strides=None, padding="valid"):
    """The largest value of each window.

    x: (batch, height, width, channels) -> (batch, out_h, out_w, channels).
    pool_size, strides: an int or a pair (strides None: pool_size). padding: 'valid' or 'same'.
    """
    return _max_pool("max_pool2d", 2, x, pool_size, strides, padding)


def max_pool3d(x, pool_size, strides=None, padding="valid"):
    """The largest value of each window of a volume.

    x: (batch, depth, height, width, channels) -> (batch, out_d, out_h, out_w, channels).
    pool_size, strides: an int or 3 ints (strides None: pool_size). padding: 'valid' or 'same'.
    """
    return _max_pool("max_pool3d", 3, x, pool_size, strides, padding)


def _window_counts(length, pool, stride, before, out):
    """How many real (unpadded) elements each of `out` windows covers along one axis."""
    starts = np.arange(out) * stride - before
    return np.minimum(starts + pool, length) - np.maximum(starts, 0)


def _avg_pool(caller, rank, x, pool_size, strides, padding):
    """avg_pool2d / avg_pool3d, its arguments checked in `caller`'s name."""
    x, pool, strides, pads, out_size, offsets = _setup(caller, rank, x, pool_size, strides,
                                                       padding)
    xp = pad_array(x.data, pads)
    counts = functools.reduce(np.multiply.outer, [          # (oh, ow): real elements per window
        _window_counts(n, p, s, before, o) for n, p, s, (before, _), o
        in zip(x.shape[1:-1], pool, strides, pads, out_size)])
    counts = counts.astype(x.dtype)[..., None]             # (oh, ow, 1)
    out = xp[offsets[0]].copy()
    for index in offsets[1:]:
        out += xp[index]
    out /= counts

    def backward(g):                                       # d mean/d x = 1 / count in the window
        share = g / counts
        gxp = np.zeros(xp.shape, g.dtype)
        for index in offsets:
            gxp[index] += share
        return (crop_array(gxp, pads),)
    return Tensor.from_op(out, (x,), backward)


def avg_pool2d(x, pool_size, strides=None, padding="valid"):
    """The mean of each window; with padding='same' the padded positions are not counted.

    x: (batch, height, width, channels) -> (batch, out_h, out_w, channels).
    """
    return _avg_pool("avg_pool2d", 2, x, pool_size, strides, padding)


def avg_pool3d(x, pool_size, strides=None, padding="valid"):
    """The mean of each window of a volume; with padding='same' the padded positions are not
    counted. x: (batch, depth, height, width, channels) -> (batch, out_d, out_h, out_w, channels).
    """
    return _avg_pool("avg_pool3d", 3, x, pool_size, strides, padding)


def _pool1d(pool2d, caller, x, pool_size, strides, padding):
    """A 1-D pooling as the 2-D one on a height-1 image: (n, steps, c) -> (n, 1, steps, c)."""
    check_padding(padding, caller)
    x = tensor(x)
    if x.ndim != 3:
        raise ValueError(f"{caller}: expected x of rank 3 (batch, steps, channels), "
                         f"received shape {x.shape}")
    pool = as_tuple(pool_size, 1, "pool_size", caller)[0]
    stride = pool if strides is None else as_tuple(strides, 1, "strides", caller)[0]
    n, steps, c = x.shape
    out_steps = conv_output_length(steps, pool, stride, padding)
    check_output_size(caller, (steps,), (out_steps,), (pool,), padding)
    out = pool2d(reshape(x, (n, 1, steps, c)), (1, pool), (1, stride), padding)
    return reshape(out, (n, out.shape[2], c))


def max_pool1d(x, pool_size, strides=None, padding="valid"):
    """The largest value of each window of steps: (batch, steps, c) -> (batch, out_steps, c)."""
    return _pool1d(max_pool2d, "max_pool1d", x, pool_size, strides, padding)


def avg_pool1d(x, pool_size, strides=None, padding="valid"):
    """The mean of each window of steps: (batch, steps, c) -> (batch, out_steps, c)."""
    return _pool1d(avg_pool2d, "avg_pool1d", x, pool_size, strides, padding)


def _upsample_nearest(caller, x, size, rank=None):
    """upsample_nearest, its arguments checked in `caller`'s name; rank None: x's own."""
    x = tensor(x)
    rank = max(x.ndim - 2, 1) if rank is None else rank
    factors = as_tuple(size, rank, "size", caller)
    if x.ndim != rank + 2:
        raise ValueError(f"{caller}: expected x of rank {rank + 2} "
                         f"{INPUT_LAYOUTS.get(rank, '(batch, *spatial, channels)')}, received "
                         f"shape {x.shape}")
    n, *spatial, c = x.shape
    # x seen as (n, h, 1, w, 1, c), each 1 broadcast to its factor: (n, h, sh, w, sw, c)
    single = [axis for length in spatial for axis in (length, 1)]
    repeated = [axis for length, factor in zip(spatial, factors) for axis in (length, factor)]
    copies = tuple(range(2, 2 * rank + 1, 2))              # the axes of the factors
    out = np.broadcast_to(x.data.reshape(n, *single, c), (n, *repeated, c))

    def backward(g):                                       # each element gets its copies' sum
        return (g.reshape(n, *repeated, c).sum(axis=copies),)
    out_size = [length * factor for length, factor in zip(spatial, factors)]
    return Tensor.from_op(out.reshape(n, *out_size, c), (x,), backward)


def upsample_nearest(x, size):
    """Each element repeated size[k] times along spatial axis k (nearest-neighbour upsampling).

    x: (batch, *spatial, channels); size: an int or one int per spatial axis
    -> (batch, spatial[0] * size[0], ..., channels).
    """
    return _upsample_nearest("upsample_nearest", x, size)


def upsample_nearest2d(x, size):
    """upsample_nearest on images: each pixel repeated size[0] times down and size[1] times
    across. x: (batch, h, w, c) -> (batch, h * size[0], w * size[1], c).
    """
    return _upsample_nearest("upsample_nearest2d", x, size, rank=2)
