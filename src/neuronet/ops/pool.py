"""Pooling on channels-last arrays, each one op with a hand-written backward pass.

    max_pool2d(x, 2)            # x (n, h, w, c) -> (n, h // 2, w // 2, c)

Both passes loop over the offsets inside a window (pool_h * pool_w iterations), each
offset being one strided slice of the input that holds that element of every window; max
pooling first copies those slices into one contiguous array, on which NumPy runs fastest.
Max pooling sends each window's gradient to one position, its first maximum (as
TensorFlow and PyTorch do); average pooling spreads it evenly. With padding='same' the
padded positions take no part: they never win a max and are not counted in an average.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import backend
from ..autograd.tensor import Tensor
from .conv import (as_tuple, check_output_size, check_padding, conv_output_length, crop_array,
                   pad_array, window_geometry, window_slice)
from .math import reshape, tensor

__all__ = ["max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "upsample_nearest2d"]


def _setup(caller, x, pool_size, strides, padding):
    """x as a Tensor, and the pooling geometry: pool, pads, one (rows, cols) slice per offset."""
    check_padding(padding, caller)
    pool = as_tuple(pool_size, 2, "pool_size", caller)
    strides = pool if strides is None else as_tuple(strides, 2, "strides", caller)
    x = tensor(x)
    if x.ndim != 4:
        raise ValueError(f"{caller}: expected x of rank 4 (batch, height, width, channels), "
                         f"received shape {x.shape}")
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(backend.floatx()))        # integer images: no gradient
    pads, (oh, ow) = window_geometry(caller, x.shape[1:3], pool, strides, padding, (1, 1))
    offsets = [(window_slice(i, 1, strides[0], oh), window_slice(j, 1, strides[1], ow))
               for i in range(pool[0]) for j in range(pool[1])]
    return x, pool, strides, pads, (oh, ow), offsets


def _window_view(xp, pool, strides, out_size):
    """xp (n, hp, wp, c) seen as (pool_h, pool_w, n, oh, ow, c): element [i, j] holds the
    offset (i, j) of every window (a strided view; writing to it is safe only when the
    windows do not overlap)."""
    (ph, pw), (sh, sw), (oh, ow) = pool, strides, out_size
    n, _, _, c = xp.shape
    bn, bh, bw, bc = xp.strides
    return as_strided(xp, (ph, pw, n, oh, ow, c), (bh, bw, bn, bh * sh, bw * sw, bc))


def max_pool2d(x, pool_size, strides=None, padding="valid"):
    """The largest value of each window.

    x: (batch, height, width, channels) -> (batch, out_h, out_w, channels).
    pool_size, strides: an int or a pair (strides None: pool_size). padding: 'valid' or 'same'.
    """
    x, pool, strides, pads, (oh, ow), offsets = _setup("max_pool2d", x, pool_size, strides,
                                                      padding)
    xp = pad_array(x.data, pads, -np.inf)                  # padding never wins
    count = pool[0] * pool[1]
    # every window's offset k as one contiguous array: (pool_h * pool_w, n, oh, ow, c)
    windows = np.ascontiguousarray(_window_view(xp, pool, strides, (oh, ow)))
    windows = windows.reshape((count,) + windows.shape[2:])
    out = windows[0].copy()                                # (n, oh, ow, c)
    for window in windows[1:]:
        np.maximum(out, window, out=out)
    overlapping = strides[0] < pool[0] or strides[1] < pool[1]
    tiled = strides == pool and xp.shape[1:3] == (oh * pool[0], ow * pool[1])  # no gaps

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
            for (rows, cols), g_window in zip(offsets, g_windows):
                gxp[:, rows, cols] += g_window
        else:                                              # disjoint windows: one strided write
            _window_view(gxp, pool, strides, (oh, ow))[...] = g_windows.reshape(
                pool + g_windows.shape[1:])
        return (crop_array(gxp, pads),)
    return Tensor.from_op(out, (x,), backward)


def _window_counts(length, pool, stride, before, out):
    """How many real (unpadded) elements each of `out` windows covers along one axis."""
    starts = np.arange(out) * stride - before
    return np.minimum(starts + pool, length) - np.maximum(starts, 0)


def avg_pool2d(x, pool_size, strides=None, padding="valid"):
    """The mean of each window; with padding='same' the padded positions are not counted.

    x: (batch, height, width, channels) -> (batch, out_h, out_w, channels).
    """
    x, pool, strides, pads, (oh, ow), offsets = _setup("avg_pool2d", x, pool_size, strides, padding)
    xp = pad_array(x.data, pads)
    counts = np.multiply.outer(_window_counts(x.shape[1], pool[0], strides[0], pads[0][0], oh),
                               _window_counts(x.shape[2], pool[1], strides[1], pads[1][0], ow))
    counts = counts.astype(x.dtype)[:, :, None]            # (oh, ow, 1)
    rows, cols = offsets[0]
    out = xp[:, rows, cols].copy()
    for rows, cols in offsets[1:]:
        out += xp[:, rows, cols]
    out /= counts

    def backward(g):                                       # d mean/d x = 1 / count in the window
        share = g / counts
        gxp = np.zeros(xp.shape, g.dtype)
        for rows, cols in offsets:
            gxp[:, rows, cols] += share
        return (crop_array(gxp, pads),)
    return Tensor.from_op(out, (x,), backward)


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


def upsample_nearest2d(x, size):
    """Each pixel repeated size[0] times down and size[1] times across.

    x: (batch, h, w, c) -> (batch, h * size[0], w * size[1], c).
    """
    sh, sw = as_tuple(size, 2, "size", "upsample_nearest2d")
    x = tensor(x)
    if x.ndim != 4:
        raise ValueError(f"upsample_nearest2d: expected x of rank 4 (batch, height, width, "
                         f"channels), received shape {x.shape}")
    n, h, w, c = x.shape
    out = np.broadcast_to(x.data[:, :, None, :, None], (n, h, sh, w, sw, c))

    def backward(g):                                       # each pixel gets its copies' sum
        return (g.reshape(n, h, sh, w, sw, c).sum(axis=(2, 4)),)
    return Tensor.from_op(out.reshape(n, h * sh, w * sw, c), (x,), backward)
