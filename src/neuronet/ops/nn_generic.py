"""keras.ops' convolutions and poolings of any rank, and its other image ops of keras.ops.nn.

    conv(x, kernel)                              # x (n, *spatial, c), 1, 2 or 3 spatial axes
    max_pool(x, 2, data_format="channels_first") # x (n, c, *spatial)
    depth_to_space(x, 2)                         # (n, h, w, 4 * c) -> (n, 2 * h, 2 * w, c)
    unfold(x, 3)                                 # (n, c, h, w) -> (n, c * 9, blocks); fold: back

The rank comes from the input. A channels_first input is transposed channels last, goes
through the rank-generic code of ops.conv and ops.pool (which names the op in its errors),
and the result is transposed back.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import backend
from ..autograd.tensor import Tensor
from .conv import (_conv_nd, _conv_transpose, _depthwise_conv, _separable_conv, as_tuple,
                   kernel_windows, window_geometry)
from .elementwise import promote_float
from .math import log, mean, reshape, square, subtract, tensor, transpose
from .pool import _avg_pool, _max_pool

__all__ = ["conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool",
           "average_pool", "depth_to_space", "space_to_depth", "psnr", "unfold", "fold"]


# --- convolution and pooling of any rank ------------------------------------------------------

def _channels_last(caller, run, inputs, data_format, like=None):
    """run(x, rank) on `inputs` seen channels last (x: (batch, *spatial, channels), rank: the
    number of spatial axes, 1 to 3), its result returned in `data_format`."""
    data_format = backend.standardize_data_format(data_format, caller)
    x = tensor(inputs, like=like)
    if x.ndim not in (3, 4, 5):
        layout = ("(batch, *spatial, channels)" if data_format == "channels_last"
                  else "(batch, channels, *spatial)")
        raise ValueError(f"{caller}: expected inputs of rank 3, 4 or 5 {layout} with 1, 2 or 3 "
                         f"spatial axes, received shape {x.shape}")
    if data_format == "channels_last":
        return run(x, x.ndim - 2)
    out = run(transpose(x, (0, *range(2, x.ndim), 1)), x.ndim - 2)
    return transpose(out, (0, out.ndim - 1, *range(1, out.ndim - 1)))


def _lower(padding):
    return padding.lower() if isinstance(padding, str) else padding


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Cross-correlation over 1, 2 or 3 spatial axes (conv1d, conv2d, conv3d), no bias.

    inputs: (batch, *spatial, channels) (or channels first); kernel: (*kernel_size,
    channels / groups, filters), the groups being channels // kernel.shape[-2] (as Keras
    infers them) -> (batch, *out_spatial, filters). padding: 'valid' or 'same'.
    """
    inputs, kernel = promote_float(inputs, kernel)

    def run(x, rank):
        in_channels = kernel.shape[-2] if kernel.ndim >= 2 else 0
        fits = in_channels > 0 and x.shape[-1] % in_channels == 0
        groups = x.shape[-1] // in_channels if fits else 1   # else _conv names the mismatch
        return _conv_nd("conv", rank, x, kernel, None, strides, _lower(padding), dilation_rate,
                        groups)
    return _channels_last("conv", run, inputs, data_format, like=kernel)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Transposed convolution over 1, 2 or 3 spatial axes (the gradient of `conv` with respect
    to its input), no bias.

    inputs: (batch, *spatial, in_channels) (or channels first); kernel: (*kernel_size,
    filters, in_channels) -> (batch, *out_spatial, filters), sizes as Keras computes them.
    """
    kernel = tensor(kernel)

    def run(x, rank):
        return _conv_transpose("conv_transpose", rank, x, kernel, None, strides,
                               _lower(padding), output_padding, dilation_rate)
    return _channels_last("conv_transpose", run, inputs, data_format, like=kernel)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Each input channel convolved on its own over 1, 2 or 3 spatial axes, no bias.

    inputs: (batch, *spatial, channels) (or channels first); kernel: (*kernel_size, channels,
    depth_multiplier) -> (batch, *out_spatial, channels * depth_multiplier).
    """
    kernel = tensor(kernel)

    def run(x, rank):
        return _depthwise_conv("depthwise_conv", rank, x, kernel, None, strides,
                               _lower(padding), dilation_rate)
    return _channels_last("depthwise_conv", run, inputs, data_format, like=kernel)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """depthwise_conv, then a size-1 convolution mixing its channels, no bias.

    depthwise_kernel: (*kernel_size, channels, depth_multiplier); pointwise_kernel: (1, ..., 1,
    channels * depth_multiplier, filters) -> (batch, *out_spatial, filters) (or channels first).
    """
    inputs, depthwise_kernel, pointwise_kernel = promote_float(inputs, depthwise_kernel,
                                                               pointwise_kernel)

    def run(x, rank):
        return _separable_conv("separable_conv", rank, x, depthwise_kernel, pointwise_kernel,
                               None, strides, _lower(padding), dilation_rate)
    return _channels_last("separable_conv", run, inputs, data_format, like=depthwise_kernel)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The largest value of each window over 1, 2 or 3 spatial axes.

    inputs: (batch, *spatial, channels) (or channels first); pool_size, strides: an int or one
    per spatial axis (strides None: pool_size); padding: 'valid' or 'same'.
    """
    def run(x, rank):
        return _max_pool("max_pool", rank, x, pool_size, strides, _lower(padding))
    return _channels_last("max_pool", run, inputs, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean of each window over 1, 2 or 3 spatial axes; with padding='same' the padded
    positions are not counted. Arguments as in max_pool."""
    def run(x, rank):
        return _avg_pool("average_pool", rank, x, pool_size, strides, _lower(padding))
    return _channels_last("average_pool", run, inputs, data_format)


# --- rearranging blocks of pixels -------------------------------------------------------------

def _blocks(caller, x, block_size, data_format):
    """x as a rank-4 Tensor, block_size checked, and whether x is channels first."""
    data_format = backend.standardize_data_format(data_format, caller)
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) \
            or block_size < 2:
        raise ValueError(f"{caller}: expected an int >= 2 for argument 'block_size', received "
                         f"block_size={block_size!r}")
    x = tensor(x)
    if x.ndim != 4:
        layout = ("(batch, height, width, channels)" if data_format == "channels_last"
                  else "(batch, channels, height, width)")
        raise ValueError(f"{caller}: expected x of rank 4 {layout}, received shape {x.shape}")
    return x, int(block_size), data_format == "channels_first"


def depth_to_space(x, block_size, data_format="channels_last"):
    """Channels rearranged into block_size x block_size blocks of pixels (pixel shuffle).

    channels_last: (n, h, w, c * b * b) -> (n, h * b, w * b, c), channel (i * b + j) * c + k
    going to pixel (i, j) of its block, channel k (TensorFlow's order); channels_first:
    (n, c * b * b, h, w) -> (n, c, h * b, w * b), channel k * b * b + i * b + j going there
    (PyTorch's pixel_shuffle). Keras orders the channels so.
    """
    x, b, first = _blocks("depth_to_space", x, block_size, data_format)
    channels = x.shape[1] if first else x.shape[3]
    if channels % (b * b):
        raise ValueError(f"depth_to_space: expected the channels divisible by block_size ** 2 = "
                         f"{b * b}, received x of shape {x.shape} ({channels} channels)")
    c = channels // (b * b)
    if first:
        n, _, h, w = x.shape
        blocks = transpose(reshape(x, (n, c, b, b, h, w)), (0, 1, 4, 2, 5, 3))  # (n, c, h, i, w, j)
        return reshape(blocks, (n, c, h * b, w * b))
    n, h, w, _ = x.shape
    blocks = transpose(reshape(x, (n, h, w, b, b, c)), (0, 1, 3, 2, 4, 5))      # (n, h, i, w, j, c)
    return reshape(blocks, (n, h * b, w * b, c))


def space_to_depth(x, block_size, data_format="channels_last"):
    """The inverse of depth_to_space: each block_size x block_size block of pixels becomes
    channels. channels_last: (n, h * b, w * b, c) -> (n, h, w, c * b * b); channels_first:
    (n, c, h * b, w * b) -> (n, c * b * b, h, w), in depth_to_space's channel orders."""
    x, b, first = _blocks("space_to_depth", x, block_size, data_format)
    height, width = x.shape[2:] if first else x.shape[1:3]
    if height % b or width % b:
        raise ValueError(f"space_to_depth: expected the height and width divisible by "
                         f"block_size={b}, received x of shape {x.shape}")
    h, w = height // b, width // b
    if first:
        n, c = x.shape[:2]
        blocks = transpose(reshape(x, (n, c, h, b, w, b)), (0, 1, 3, 5, 2, 4))  # (n, c, i, j, h, w)
        return reshape(blocks, (n, c * b * b, h, w))
    n, c = x.shape[0], x.shape[3]
    blocks = transpose(reshape(x, (n, h, b, w, b, c)), (0, 1, 3, 2, 4, 5))      # (n, h, w, i, j, c)
    return reshape(blocks, (n, h, w, b * b * c))


# --- image quality ----------------------------------------------------------------------------

def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in decibels, over all elements:
    20 log10(max_val) - 10 log10(mean((x1 - x2) ** 2)). A scalar; x1 and x2 of one shape."""
    x1, x2 = promote_float(x1, x2)
    if x1.shape != x2.shape:
        raise ValueError(f"psnr: expected x1 and x2 of the same shape, received x1.shape="
                         f"{x1.shape} and x2.shape={x2.shape}")
    mse = mean(square(subtract(x1, x2)))
    return (20 * log(tensor(max_val, like=x2)) - 10 * log(mse)) / math.log(10)


# --- sliding blocks: unfold (im2col) and fold (col2im), channels first ------------------------

def _block_geometry(caller, spatial, kernel_size, dilation, padding, stride):
    """kernel_size, dilation, pads ((top, bottom), (left, right)), stride and the blocks per
    axis of sliding windows over an image of `spatial` (height, width), all checked."""
    kernel_size = as_tuple(kernel_size, 2, "kernel_size", caller)
    dilation = as_tuple(dilation, 2, "dilation", caller)
    pads = tuple((p, p) for p in as_tuple(padding, 2, "padding", caller, allow_zero=True))
    stride = as_tuple(stride, 2, "stride", caller)
    _, blocks = window_geometry(caller, spatial, kernel_size, stride, pads, dilation)
    return kernel_size, dilation, pads, stride, blocks


def _padded(a, pads):
    """a (n, c, h, w) with zeros around its height and width."""
    return np.pad(a, ((0, 0), (0, 0)) + pads)


def _cropped(a, pads):
    """The inverse of `_padded` (a view)."""
    (top, bottom), (left, right) = pads
    return a[:, :, top:a.shape[2] - bottom, left:a.shape[3] - right]


def _unfold_array(xp, kernel_size, dilation, stride, blocks):
    """Every window of xp (n, c, hp, wp) as a column: (n, c * kh * kw, blocks_h * blocks_w),
    rows in (channel, kernel row, kernel column) order; one strided copy."""
    n, c = xp.shape[:2]
    step_n, step_c, step_h, step_w = xp.strides
    windows = as_strided(xp, (n, c, *kernel_size, *blocks),
                         (step_n, step_c, step_h * dilation[0], step_w * dilation[1],
                          step_h * stride[0], step_w * stride[1]), writeable=False)
    return windows.copy().reshape(n, c * math.prod(kernel_size), math.prod(blocks))


def _fold_array(cols, padded_size, kernel_size, dilation, stride, blocks):
    """The adjoint of `_unfold_array`: cols (n, c * kh * kw, blocks) -> (n, c, hp, wp), each
    entry added onto the pixel it was copied from, one strided add per kernel offset."""
    n, c = cols.shape[0], cols.shape[1] // math.prod(kernel_size)
    windows = cols.reshape(n, c, *kernel_size, *blocks)
    out = np.zeros((n, c, *padded_size), cols.dtype)
    for offset, index in kernel_windows(kernel_size, dilation, stride, blocks):
        out[(slice(None),) + index] += windows[(slice(None), slice(None)) + offset]
    return out


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """The sliding windows of a channels-first image batch as columns (im2col, PyTorch's unfold).

    x: (n, c, h, w); kernel_size, dilation, padding (zeros on both sides), stride: an int or a
    pair -> (n, c * kh * kw, blocks), the blocks in row-major order over the window positions.
    """
    x = tensor(x)
    if x.ndim != 4:
        raise ValueError(f"unfold: expected x of rank 4 (batch, channels, height, width), "
                         f"received shape {x.shape}")
    kernel_size, dilation, pads, stride, blocks = _block_geometry(
        "unfold", x.shape[2:], kernel_size, dilation, padding, stride)
    xp = _padded(x.data, pads)
    out = _unfold_array(xp, kernel_size, dilation, stride, blocks)

    def backward(g):                                       # copies' gradients onto their pixel
        return (_cropped(_fold_array(g, xp.shape[2:], kernel_size, dilation, stride, blocks),
                         pads),)
    return Tensor.from_op(out, (x,), backward)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The inverse arrangement of unfold (col2im, PyTorch's fold): columns of sliding windows
    summed back into an image, overlapping entries added.

    x: (n, c * kh * kw, blocks); output_size: (h, w), an int or a pair; the other arguments
    as in unfold -> (n, c, h, w).
    """
    x = tensor(x)
    if x.ndim != 3:
        raise ValueError(f"fold: expected x of rank 3 (batch, channels * kh * kw, blocks), "
                         f"received shape {x.shape}")
    size = as_tuple(output_size, 2, "output_size", "fold")
    kernel_size, dilation, pads, stride, blocks = _block_geometry(
        "fold", size, kernel_size, dilation, padding, stride)
    if x.shape[1] % math.prod(kernel_size) or x.shape[2] != math.prod(blocks):
        raise ValueError(f"fold: expected x of shape (batch, channels * {math.prod(kernel_size)}"
                         f", {math.prod(blocks)}) for output_size={size} and kernel_size="
                         f"{kernel_size} ({blocks[0]} x {blocks[1]} blocks), received shape "
                         f"{x.shape}")
    padded_size = tuple(n + before + after for n, (before, after) in zip(size, pads))
    out = _fold_array(x.data, padded_size, kernel_size, dilation, stride, blocks)

    def backward(g):                                       # read off each entry's pixel
        return (_unfold_array(_padded(g, pads), kernel_size, dilation, stride, blocks),)
    return Tensor.from_op(np.ascontiguousarray(_cropped(out, pads)), (x,), backward)
