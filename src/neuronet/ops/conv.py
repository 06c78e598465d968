"""Convolutions on channels-last arrays, each one op with a hand-written backward pass.

    conv2d(x, kernel, bias, strides=2, padding="same")   # x (n, h, w, c), kernel (kh, kw, c, f)
    conv3d(x, kernel)                         # x (n, d, h, w, c), kernel (kd, kh, kw, c, f)
    depthwise_conv2d(x, kernel)                          # kernel (kh, kw, c, depth_multiplier)
    conv_transpose3d(x, kernel, strides=2)               # kernel (kd, kh, kw, f, c)
    zero_pad(x, ((1, 1), (0, 2)))                        # any number of spatial axes

conv2d copies every receptive field of the (padded) input into one row of a matrix, the
"im2col" matrix (n*oh*ow, kh*kw*c), and multiplies it by the kernel seen as a
(kh*kw*c, f) matrix: one GEMM. The backward pass: the output gradient times the im2col
matrix gives the kernel gradient (one GEMM); the output gradient times the kernel
gives the input gradient, one GEMM and one strided add per kernel offset (`_scatter`).
conv_transpose2d (and conv_transpose1d, conv_transpose3d) runs the same steps the other way
round: its forward pass is conv2d's input gradient. The helpers work on any number of
spatial axes (shown here for two), so that conv3d is the same code on volumes
(n, d, h, w, c), and depthwise_conv1d the same code on sequences (n, steps, c).

A grouped convolution (groups=g) splits the channels into g groups, and group k of the
output sees only group k of the input. Its im2col matrix orders the columns group by group,
so that it reads as one im2col matrix per group, (g, n*oh*ow, kh*kw*c/g); batched matmuls
(np.matmul over the group axis) do the forward pass and both gradients, and the input
gradient goes back through `_grouped_col2im`, one strided add per kernel offset.
A depthwise convolution is the grouped one with one input channel per group; a separable
one is a depthwise convolution followed by a 1x1 convolution (a matmul over the channels).

Padding follows TensorFlow/Keras: 'valid' adds none; 'same' makes the output length
ceil(length / stride), and when the padding is odd the extra row/column goes to the
bottom/right; Conv1D's 'causal' pads on the left only.
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.tensor import Tensor
from .math import reshape, sum_rows, tensor
from .nn import linear

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "depthwise_conv1d", "depthwise_conv2d", "separable_conv1d",
           "separable_conv2d", "zero_pad", "zero_pad2d", "crop", "crop2d", "conv_output_length",
           "conv_transpose_output_length"]

PADDINGS = ("valid", "same")
# the channels-last layout of an input with 1, 2 or 3 spatial axes, and its kernel's axes
INPUT_LAYOUTS = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
                 3: "(batch, depth, height, width, channels)"}
_KERNEL_AXES = {1: "kernel_size", 2: "kh, kw", 3: "kd, kh, kw"}


# --- geometry and arguments ----------------------------------------------------------------

def padding_amounts(length, kernel, stride=1, padding="valid", dilation=1):
    """(before, after): the zeros added along one axis for 'valid', 'same' or 'causal'."""
    span = (kernel - 1) * dilation + 1                 # the kernel's extent with its holes
    if padding == "same":
        total = max((-(-length // stride) - 1) * stride + span - length, 0)
        return total // 2, total - total // 2          # the odd one goes after (bottom/right)
    if padding == "causal":
        return span - 1, 0
    return 0, 0


def _window_count(padded_length, kernel, stride, dilation):
    """How many windows of `kernel` (with holes `dilation`) fit, `stride` apart."""
    return (padded_length - (kernel - 1) * dilation - 1) // stride + 1


def conv_output_length(length, kernel, stride=1, padding="valid", dilation=1):
    """Output length of a convolution (or pooling) along one axis; None stays None.

    May be 0 or negative for 'valid' when the kernel is larger than the input.
    """
    if length is None:
        return None
    before, after = padding_amounts(length, kernel, stride, padding, dilation)
    return _window_count(length + before + after, kernel, stride, dilation)


def conv_transpose_output_length(length, kernel, stride=1, padding="valid",
                                 output_padding=None, dilation=1):
    """Output length of a transposed convolution along one axis (Keras' rule)."""
    if length is None:
        return None
    span = (kernel - 1) * dilation + 1
    if output_padding is None:
        return length * stride + (max(span - stride, 0) if padding == "valid" else 0)
    pad = span // 2 if padding == "same" else 0
    return (length - 1) * stride + span - 2 * pad + output_padding


def check_output_size(caller, input_size, output_size, kernel_size, padding):
    """Raise a ValueError naming `caller` when a window does not fit in the input."""
    if any(size is not None and size < 1 for size in output_size):
        raise ValueError(
            f"{caller}: the window {tuple(kernel_size)} (dilation included) does not fit in "
            f"the input's spatial size {tuple(input_size)} with padding={padding!r}: the "
            f"output would have size {tuple(output_size)}. Use a smaller kernel/pool size, "
            "padding='same' or a larger input")


def window_geometry(caller, spatial, kernel_size, strides, padding, dilation):
    """(pads, out_size) of a convolution or pooling over `spatial` axes; padding: a name or
    explicit (before, after) pairs. Raises a ValueError naming `caller` for an empty output."""
    if isinstance(padding, str):
        pads = tuple(padding_amounts(n, k, s, padding, d)
                     for n, k, s, d in zip(spatial, kernel_size, strides, dilation))
    else:
        pads = padding
    out_size = tuple(_window_count(n + sum(pad), k, s, d)
                     for n, pad, k, s, d in zip(spatial, pads, kernel_size, strides, dilation))
    spans = tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))
    check_output_size(caller, spatial, out_size, spans, padding)
    return pads, out_size


def as_tuple(value, n, name, caller, allow_zero=False):
    """An int or n ints as a tuple of n ints, each positive (or >= 0 with allow_zero)."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    low = 0 if allow_zero else 1
    if len(values) != n or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                   and v >= low for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{caller}: expected a {kind} int or a tuple of {n} {kind} ints for "
                         f"argument '{name}', received {name}={value!r}")
    return tuple(int(v) for v in values)


def check_padding(padding, caller, valid=PADDINGS):
    """Raise a ValueError naming `caller` unless `padding` is one of `valid`."""
    if padding not in valid:
        raise ValueError(f"{caller}: expected one of {valid} for argument 'padding', "
                         f"received padding={padding!r}")


def _check_rank(caller, name, array, ndim, layout):
    if array.ndim != ndim:
        raise ValueError(f"{caller}: expected {name} of rank {ndim} {layout}, received shape "
                         f"{array.shape}")


# --- padding and im2col on arrays ----------------------------------------------------------

def _interior(sizes, pads):
    """The index of the unpadded part, of spatial `sizes`, inside an array padded by `pads`."""
    return (slice(None),) + tuple(slice(before, before + size)
                                  for size, (before, _) in zip(sizes, pads))


def pad_array(a, pads, value=0):
    """a (n, *spatial, c) with `value` added around it: pads holds one (before, after) pair
    per spatial axis, e.g. ((top, bottom), (left, right)) for images (n, h, w, c)."""
    if not any(before or after for before, after in pads):
        return a
    spatial = a.shape[1:-1]
    padded = tuple(size + before + after for size, (before, after) in zip(spatial, pads))
    out = np.full((a.shape[0],) + padded + (a.shape[-1],), value, a.dtype)
    out[_interior(spatial, pads)] = a
    return out


def crop_array(a, pads):
    """The inverse of `pad_array`: a (n, *spatial, c) without its borders (a view)."""
    inner = tuple(size - before - after for size, (before, after) in zip(a.shape[1:-1], pads))
    return a[_interior(inner, pads)]


def window_slice(offset, dilation, stride, count):
    """The slice that picks, along one axis, element `offset` of each of `count` windows."""
    start = offset * dilation
    return slice(start, start + (count - 1) * stride + 1, stride)


def kernel_windows(kernel_size, dilation, strides, out_size):
    """Pairs (offset, index), one per kernel offset in C order ((0, 0), (0, 1), ...): `index`
    (every sample, then one `window_slice` per spatial axis) picks the element at that
    offset of every window."""
    per_axis = [[window_slice(o, d, s, count) for o in range(k)]
                for k, d, s, count in zip(kernel_size, dilation, strides, out_size)]
    indices = ((slice(None), *slices) for slices in itertools.product(*per_axis))
    return zip(itertools.product(*map(range, kernel_size)), indices)


def _im2col(xp, kernel_size, strides, dilation, out_size, ones=False):
    """Every receptive field of xp (n, hp, wp, c) as one row: (n*oh*ow, kh*kw*c), a copy.
    With `ones`, a last column of ones follows, so that a bias can ride in the GEMM.

    With few channels (images) the matrix is stored column by column (it is the transpose
    of a C-ordered array): each kernel offset then fills whole columns, and the kernel
    gradient's GEMM (cols.T @ g) reads cols.T in its native order, both faster there."""
    n, c = xp.shape[0], xp.shape[-1]
    k = math.prod(kernel_size) * c
    rows = n * math.prod(out_size)
    width = k + 1 if ones else k
    if c >= 8:                                             # copy one strided view of all fields
        cols = np.empty((rows, width), xp.dtype)
        fields = cols[:, :k].reshape(n, *out_size, *kernel_size, c)  # a view: each row a field
        step_n, *steps, step_c = xp.strides
        np.copyto(fields, as_strided(xp, fields.shape,
                                     (step_n, *(b * s for b, s in zip(steps, strides)),
                                      *(b * d for b, d in zip(steps, dilation)), step_c),
                                     writeable=False))
    else:                                                  # one strided copy per kernel offset
        cols = np.empty((width, rows), xp.dtype).T
        offsets = cols[:, :k].T.reshape(*kernel_size, c, n, *out_size)  # [i, j]: one offset
        for offset, index in kernel_windows(kernel_size, dilation, strides, out_size):
            offsets[offset] = np.moveaxis(xp[index], -1, 0)   # xp[index]: (n, oh, ow, c)
    if ones:
        cols[:, k] = 1
    return cols


def _scatter(g2, kernel, padded_shape, strides, dilation, out_size):
    """The adjoint of conv2d's forward pass with respect to its (padded) input.

    g2 (n*oh*ow, f) and kernel (kh, kw, c, f) -> (n, hp, wp, c): for each kernel offset
    (i, j), g2 @ kernel[i, j].T is added onto the strided slice that the offset reads.
    """
    n, c = padded_shape[0], padded_shape[-1]
    out = np.zeros(padded_shape, g2.dtype)
    for offset, index in kernel_windows(kernel.shape[:-2], dilation, strides, out_size):
        part = g2 @ kernel[offset].T                       # (n*oh*ow, c)
        out[index] += part.reshape(n, *out_size, c)
    return out


# --- grouped im2col: the columns ordered group by group -------------------------------------

def _grouped_im2col(xp, kernel_size, strides, dilation, out_size, groups):
    """Every receptive field of xp (n, hp, wp, c) as one row, its columns ordered group by
    group: (n*oh*ow, groups*kh*kw*c_g), c_g = c/groups, columns [k*kh*kw*c_g, ...) group k's
    channels at every kernel offset. One strided copy per kernel offset."""
    n, c = xp.shape[0], xp.shape[-1]
    per_group = c // groups
    fields = np.empty((n, *out_size, groups, *kernel_size, per_group), xp.dtype)
    for offset, index in kernel_windows(kernel_size, dilation, strides, out_size):
        window = xp[index]                                 # (n, oh, ow, c)
        fields[(Ellipsis, *offset, slice(None))] = window.reshape(n, *out_size, groups, per_group)
    return fields.reshape(n * math.prod(out_size), groups * math.prod(kernel_size) * per_group)


def _grouped_col2im(cols, padded_shape, kernel_size, strides, dilation, out_size, groups):
    """The adjoint of `_grouped_im2col`: cols (n*oh*ow, groups*kh*kw*c_g) -> (n, hp, wp, c),
    each entry added onto the input pixel it was copied from, one strided add per offset."""
    n, c = padded_shape[0], padded_shape[-1]
    per_group = c // groups
    out = np.zeros(padded_shape, cols.dtype)
    pixels = out.reshape(*padded_shape[:-1], groups, per_group)  # a view: channels by group
    fields = cols.reshape(n, *out_size, groups, *kernel_size, per_group)
    for offset, index in kernel_windows(kernel_size, dilation, strides, out_size):
        pixels[index] += fields[(Ellipsis, *offset, slice(None))]
    return out


def _by_group(a2, groups):
    """a2 (m, groups*p) as a stack of its column groups: a view (groups, m, p)."""
    return a2.reshape(a2.shape[0], groups, -1).transpose(1, 0, 2)


def _group_matmul(a3, b3):
    """a3 (groups, m, p) @ b3 (groups, p, q), one matmul per group, returned with the groups'
    results side by side (m, groups*q) (the inverse of `_by_group`), written there directly."""
    groups, m, q = a3.shape[0], a3.shape[1], b3.shape[2]
    out = np.empty((m, groups, q), np.result_type(a3, b3))
    np.matmul(a3, b3, out=out.transpose(1, 0, 2))
    return out.reshape(m, groups * q)


# --- convolution ---------------------------------------------------------------------------

def _weights(kernel, bias):
    kernel = tensor(kernel)
    return kernel, None if bias is None else tensor(bias, like=kernel)


def _check_groups_argument(caller, groups):
    """`groups` as an int, or a ValueError naming `caller` unless it is a positive int."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{caller}: expected a positive int for argument 'groups', received "
                         f"groups={groups!r}")
    return int(groups)


def _check_groups(caller, in_channels, kernel_shape, groups):
    """Raise a ValueError naming `caller` unless a kernel (kh, kw, c/groups, f) fits an input
    of `in_channels` channels split into `groups` groups."""
    c, f = kernel_shape[-2:]
    rank = len(kernel_shape) - 2                           # kernel.shape[rank]: c, [rank + 1]: f
    if f % groups:
        raise ValueError(f"{caller}: expected the kernel's filters (kernel.shape[{rank + 1}]) "
                         f"divisible by groups={groups}, received kernel shape {kernel_shape}")
    if in_channels != c * groups:
        where = (f"kernel.shape[{rank}]" if groups == 1
                 else f"kernel.shape[{rank}] * groups = {c} * {groups}")
        raise ValueError(f"{caller}: the input has {in_channels} channels (last axis), the kernel "
                         f"expects {c * groups} ({where}); kernel shape {kernel_shape}")


def _conv(x, kernel, bias, strides, pads, dilation, caller, groups=1):
    """A convolution over kernel.ndim - 2 spatial axes, padding a name or explicit pairs
    (shared by conv1d, conv2d, conv3d and depthwise_conv2d). Shapes shown for images."""
    x = tensor(x, like=kernel)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(kernel.dtype))            # integer images: no gradient
    rank = kernel.ndim - 2
    _check_rank(caller, "x", x, rank + 2, INPUT_LAYOUTS[rank])
    kernel_size, (c, f) = kernel.shape[:-2], kernel.shape[-2:]
    _check_groups(caller, x.shape[-1], kernel.shape, groups)
    n = x.shape[0]
    pads, out_size = window_geometry(caller, x.shape[1:-1], kernel_size, strides, pads, dilation)
    xp = pad_array(x.data, pads)                                # (n, hp, wp, c)
    if groups > 1 and c == 1:                                  # depthwise: one channel a group
        return _channelwise_conv(x, xp, kernel, bias, pads, out_size, strides, dilation)
    if groups > 1:
        return _grouped_conv(x, xp, kernel, bias, pads, out_size, strides, dilation, groups)
    # (n*oh*ow, kh*kw*c [+ 1]): with a bias, a column of ones meets it as the last kernel row
    cols = _im2col(xp, kernel_size, strides, dilation, out_size, ones=bias is not None)
    k = kernel.size // f                                   # kh*kw*c: the kernel rows
    k2 = kernel.data.reshape(k, f)
    if bias is not None:
        k2 = np.concatenate([k2, bias.data.reshape(1, f)])
    out = cols @ k2                                        # (n*oh*ow, f): the one GEMM
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, oh, ow, f)
        g2 = g.reshape(out.shape)                          # (n*oh*ow, f)
        gx = gk = gb = None
        if x.requires_grad:                                # d out/d cols = k2^T, per offset
            gxp = _scatter(g2, kernel.data, xp.shape, strides, dilation, out_size)
            gx = crop_array(gxp, pads)                     # (n, h, w, c)
        if kernel.requires_grad or (bias is not None and bias.requires_grad):
            gk2 = cols.T @ g2                              # d out/d k2 = cols^T: (kh*kw*c [+ 1], f)
            gk = gk2[:k].reshape(kernel.shape)             # (kh, kw, c, f)
            gb = None if bias is None else gk2[-1]         # (f,): the column sums of g2
        return (gx, gk) if bias is None else (gx, gk, gb)
    return Tensor.from_op(out.reshape(n, *out_size, f), parents, backward)


def _grouped_conv(x, xp, kernel, bias, pads, out_size, strides, dilation, groups):
    """_conv's forward and backward passes for groups > 1, on the padded input xp."""
    kernel_size, f = kernel.shape[:-2], kernel.shape[-1]
    n = x.shape[0]
    cols = _grouped_im2col(xp, kernel_size, strides, dilation, out_size, groups)
    cols3 = _by_group(cols, groups)                        # (g, n*oh*ow, kh*kw*c): a view
    k3 = _by_group(kernel.data.reshape(-1, f), groups)     # (g, kh*kw*c, f/g)
    out = _group_matmul(cols3, k3)                         # (n*oh*ow, f): one GEMM per group
    if bias is not None:
        out += bias.data
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, oh, ow, f)
        g2 = g.reshape(out.shape)                          # (n*oh*ow, f)
        g3 = _by_group(g2, groups)                         # (g, n*oh*ow, f/g)
        gx = gk = gb = None
        if x.requires_grad:                                # d out/d cols3 = k3^T, per group
            gcols = _group_matmul(g3, k3.transpose(0, 2, 1))   # (n*oh*ow, g*kh*kw*c)
            gxp = _grouped_col2im(gcols, xp.shape, kernel_size, strides, dilation, out_size,
                                  groups)
            gx = crop_array(gxp, pads)                     # (n, h, w, g*c)
        if kernel.requires_grad:                           # d out/d k3 = cols3^T, per group
            gk3 = _group_matmul(cols3.transpose(0, 2, 1), g3)   # (kh*kw*c, f)
            gk = gk3.reshape(kernel.shape)                 # (kh, kw, c, f)
        if bias is not None and bias.requires_grad:
            gb = sum_rows(g2)                              # (f,)
        return (gx, gk) if bias is None else (gx, gk, gb)
    return Tensor.from_op(out.reshape(n, *out_size, f), parents, backward)


def _channelwise_conv(x, xp, kernel, bias, pads, out_size, strides, dilation):
    """_conv's passes for one input channel per group (a depthwise convolution): the sum,
    over the kernel offsets, of the shifted input times each channel's weight at that
    offset. Elementwise work on whole arrays, no im2col (which here would feed thousands of
    one-column GEMMs)."""
    kernel_size, f = kernel.shape[:-2], kernel.shape[-1]
    n, c = x.shape[0], x.shape[-1]
    m = f // c                                             # filters per input channel
    weights = kernel.data.reshape(*kernel_size, c, m)      # output c*m + k: input c, filter k
    spatial = "dhw"[-len(kernel_size):]                    # einsum letters of the spatial axes
    outer = f"n{spatial}c,n{spatial}cm->cm"                # sum over samples and positions
    windows = list(kernel_windows(kernel_size, dilation, strides, out_size))

    out = np.zeros((n, *out_size, c, m), xp.dtype)
    for offset, index in windows:                          # xp[index]: (n, oh, ow, c)
        out += xp[index][..., None] * weights[offset]      # (n, oh, ow, c, m)
    out = out.reshape(n, *out_size, f)
    if bias is not None:
        out += bias.data
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, oh, ow, f)
        g5 = g.reshape(n, *out_size, c, m)
        gx = gk = gb = None
        if x.requires_grad:                                # d out/d xp[index] = weights[offset]
            gxp = np.zeros(xp.shape, g.dtype)
            for offset, index in windows:
                gxp[index][...] += (g5 * weights[offset]).sum(axis=-1)
            gx = crop_array(gxp, pads)                     # (n, h, w, c)
        if kernel.requires_grad:                           # d out/d weights[offset] = xp[index]
            gk = np.empty((*kernel_size, c, m), g.dtype)
            for offset, index in windows:
                gk[offset] = np.einsum(outer, xp[index], g5)
            gk = gk.reshape(kernel.shape)                  # (kh, kw, 1, f)
        if bias is not None and bias.requires_grad:
            gb = sum_rows(g.reshape(-1, f))                # (f,)
        return (gx, gk) if bias is None else (gx, gk, gb)
    return Tensor.from_op(out, parents, backward)


def _conv_nd(caller, rank, x, kernel, bias, strides, padding, dilation_rate, groups):
    """conv2d / conv3d: check the arguments in `caller`'s name, then `_conv`."""
    check_padding(padding, caller)
    kernel, bias = _weights(kernel, bias)
    strides = as_tuple(strides, rank, "strides", caller)
    dilation = as_tuple(dilation_rate, rank, "dilation_rate", caller)
    groups = _check_groups_argument(caller, groups)
    _check_rank(caller, "kernel", kernel, rank + 2,
                f"({_KERNEL_AXES[rank]}, in_channels / groups, filters)")
    return _conv(x, kernel, bias, strides, padding, dilation, caller, groups)


def conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1):
    """2-D cross-correlation (what deep learning calls convolution), plus `bias`.

    x: (batch, height, width, channels); kernel: (kh, kw, channels / groups, filters);
    bias: (filters,) or None -> (batch, out_height, out_width, filters).
    strides, dilation_rate: an int or a pair. padding: 'valid' or 'same' (TensorFlow's rule).
    groups: the channels and the filters split into this many groups; output group k (filters
    k*filters/groups onwards) sees input group k only. Both counts must divide by it.
    """
    return _conv_nd("conv2d", 2, x, kernel, bias, strides, padding, dilation_rate, groups)


def conv3d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1):
    """3-D cross-correlation over volumes (or video), plus `bias`.

    x: (batch, depth, height, width, channels); kernel: (kd, kh, kw, channels / groups,
    filters); bias: (filters,) or None -> (batch, out_depth, out_height, out_width, filters).
    strides, dilation_rate: an int or 3 ints. padding and groups: as in conv2d.
    """
    return _conv_nd("conv3d", 3, x, kernel, bias, strides, padding, dilation_rate, groups)


def _depthwise_conv(caller, rank, x, kernel, bias, strides, padding, dilation_rate):
    """depthwise_conv1d / depthwise_conv2d: check the arguments in `caller`'s name, then
    `_conv` with one group per input channel."""
    check_padding(padding, caller)
    kernel, bias = _weights(kernel, bias)
    strides = as_tuple(strides, rank, "strides", caller)
    dilation = as_tuple(dilation_rate, rank, "dilation_rate", caller)
    x = tensor(x, like=kernel)
    _check_rank(caller, "x", x, rank + 2, INPUT_LAYOUTS[rank])
    _check_rank(caller, "kernel", kernel, rank + 2,
                f"({_KERNEL_AXES[rank]}, in_channels, depth_multiplier)")
    *kernel_size, c, multiplier = kernel.shape
    if x.shape[-1] != c:
        raise ValueError(f"{caller}: the input has {x.shape[-1]} channels (last axis), the "
                         f"kernel expects {c} (kernel.shape[{rank}]); kernel shape {kernel.shape}")
    grouped = reshape(kernel, (*kernel_size, 1, c * multiplier))  # filter c*multiplier + m: group c
    return _conv(x, grouped, bias, strides, padding, dilation, caller, groups=c)


def depthwise_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """Each input channel convolved on its own with `depth_multiplier` filters, plus `bias`.

    x: (batch, height, width, channels); kernel: (kh, kw, channels, depth_multiplier);
    bias: (channels * depth_multiplier,) or None -> (batch, out_height, out_width,
    channels * depth_multiplier), output channel c * depth_multiplier + m from input channel c
    and kernel[..., c, m] (Keras' order). conv2d with groups=channels.
    """
    return _depthwise_conv("depthwise_conv2d", 2, x, kernel, bias, strides, padding,
                           dilation_rate)


def depthwise_conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """depthwise_conv2d over the steps of sequences.

    x: (batch, steps, channels); kernel: (kernel_size, channels, depth_multiplier); bias:
    (channels * depth_multiplier,) or None -> (batch, out_steps, channels * depth_multiplier).
    padding: 'valid' or 'same'.
    """
    return _depthwise_conv("depthwise_conv1d", 1, x, kernel, bias, strides, padding,
                           dilation_rate)


def _separable_conv(caller, rank, x, depthwise_kernel, pointwise_kernel, bias, strides, padding,
                    dilation_rate):
    """separable_conv1d / separable_conv2d, their arguments checked in `caller`'s name."""
    pointwise_kernel = tensor(pointwise_kernel)
    depth = _depthwise_conv(caller, rank, x, depthwise_kernel, None, strides, padding,
                            dilation_rate)
    channels = depth.shape[-1]                             # channels * depth_multiplier
    if pointwise_kernel.shape[:-1] != (1,) * rank + (channels,):
        expected = ", ".join(["1"] * rank + [str(channels), "filters"])
        raise ValueError(f"{caller}: expected pointwise_kernel of shape ({expected}) "
                         f"({channels} = channels * depth_multiplier), received shape "
                         f"{pointwise_kernel.shape}")
    mix = reshape(pointwise_kernel, pointwise_kernel.shape[-2:])  # (channels*multiplier, filters)
    return linear(depth, mix, None if bias is None else tensor(bias, like=mix))


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1,
                     padding="valid", dilation_rate=1):
    """depthwise_conv2d (without bias), then a 1x1 convolution that mixes its channels, + `bias`.

    x: (batch, height, width, channels); depthwise_kernel: (kh, kw, channels, depth_multiplier);
    pointwise_kernel: (1, 1, channels * depth_multiplier, filters); bias: (filters,) or None
    -> (batch, out_height, out_width, filters).
    """
    return _separable_conv("separable_conv2d", 2, x, depthwise_kernel, pointwise_kernel, bias,
                           strides, padding, dilation_rate)


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1,
                     padding="valid", dilation_rate=1):
    """depthwise_conv1d (without bias), then a size-1 convolution that mixes its channels,
    plus `bias`.

    x: (batch, steps, channels); depthwise_kernel: (kernel_size, channels, depth_multiplier);
    pointwise_kernel: (1, channels * depth_multiplier, filters); bias: (filters,) or None
    -> (batch, out_steps, filters).
    """
    return _separable_conv("separable_conv1d", 1, x, depthwise_kernel, pointwise_kernel, bias,
                           strides, padding, dilation_rate)


def conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1):
    """1-D cross-correlation over the steps axis, plus `bias`.

    x: (batch, steps, channels); kernel: (k, channels / groups, filters); bias: (filters,) or
    None -> (batch, out_steps, filters). padding: 'valid', 'same' or 'causal' (left padding
    only, so that output t depends on inputs up to t). groups: as in conv2d.
    """
    check_padding(padding, "conv1d", PADDINGS + ("causal",))
    stride = as_tuple(strides, 1, "strides", "conv1d")[0]
    dilation = as_tuple(dilation_rate, 1, "dilation_rate", "conv1d")[0]
    groups = _check_groups_argument("conv1d", groups)
    kernel, bias = _weights(kernel, bias)
    x = tensor(x, like=kernel)
    _check_rank("conv1d", "x", x, 3, "(batch, steps, channels)")
    _check_rank("conv1d", "kernel", kernel, 3, "(kernel_size, in_channels / groups, filters)")
    n, steps, c = x.shape
    size = kernel.shape[0]
    out_steps = conv_output_length(steps, size, stride, padding, dilation)
    check_output_size("conv1d", (steps,), (out_steps,), ((size - 1) * dilation + 1,), padding)
    pads = ((0, 0), padding_amounts(steps, size, stride, padding, dilation))
    out = _conv(reshape(x, (n, 1, steps, c)), reshape(kernel, (1,) + kernel.shape), bias,
                  (1, stride), pads, (1, dilation), "conv1d", groups)   # a height-1 image
    return reshape(out, (n, out.shape[2], out.shape[3]))


def _transpose_geometry(caller, in_size, kernel_size, strides, padding, output_padding, dilation):
    """(pads, out_size) of a transposed convolution: its output size (Keras' rule), and the
    padding of the convolution it transposes, which maps an input of out_size back onto
    in_size."""
    out_size = tuple(conv_transpose_output_length(n, k, s, padding, p, d) for n, k, s, p, d in
                     zip(in_size, kernel_size, strides,
                         output_padding or (None,) * len(in_size), dilation))
    pads, conv_out = window_geometry(caller, out_size, kernel_size, strides, padding, dilation)
    if conv_out != tuple(in_size):
        raise ValueError(f"{caller}: with kernel {kernel_size}, strides {strides}, "
                         f"padding={padding!r} and output_padding={output_padding} the output "
                         f"size {out_size} does not map back to the input size {in_size}; "
                         "choose another output_padding")
    return pads, out_size


def _conv_transpose(caller, rank, x, kernel, bias, strides, padding, output_padding,
                    dilation_rate):
    """A transposed convolution over `rank` spatial axes, its arguments checked in `caller`'s
    name (shared by conv_transpose1d, 2d and 3d). Shapes shown for images."""
    check_padding(padding, caller)
    strides = as_tuple(strides, rank, "strides", caller)
    dilation = as_tuple(dilation_rate, rank, "dilation_rate", caller)
    if output_padding is not None:
        output_padding = as_tuple(output_padding, rank, "output_padding", caller, allow_zero=True)
        if not all(p < s for p, s in zip(output_padding, strides)):
            raise ValueError(f"{caller}: expected output_padding smaller than the "
                             f"strides {strides}, received output_padding={output_padding!r}")
    kernel, bias = _weights(kernel, bias)
    x = tensor(x, like=kernel)
    _check_rank(caller, "x", x, rank + 2, INPUT_LAYOUTS[rank])
    _check_rank(caller, "kernel", kernel, rank + 2, f"({_KERNEL_AXES[rank]}, filters, in_channels)")
    kernel_size, (f, c) = kernel.shape[:-2], kernel.shape[-2:]
    if x.shape[-1] != c:
        raise ValueError(f"{caller}: the input has {x.shape[-1]} channels (last axis), the kernel "
                         f"expects {c} (kernel.shape[{rank + 1}]); kernel shape {kernel.shape}")
    n, in_size = x.shape[0], x.shape[1:-1]
    pads, out_size = _transpose_geometry(caller, in_size, kernel_size, strides, padding,
                                         output_padding, dilation)
    padded_shape = (n, *(size + before + after for size, (before, after) in zip(out_size, pads)),
                    f)
    x2 = x.data.reshape(-1, c)                             # (n*h*w, c)
    k2 = kernel.data.reshape(-1, c)                        # (kh*kw*f, c)
    out = crop_array(_scatter(x2, kernel.data, padded_shape, strides, dilation, in_size), pads)
    if bias is not None:
        out = out + bias.data                              # (n, out_h, out_w, f), a fresh array
    else:
        out = np.ascontiguousarray(out)
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, out_h, out_w, f)
        cols = _im2col(pad_array(g, pads), kernel_size, strides, dilation, in_size)
        # cols: (n*h*w, kh*kw*f)
        gx = (cols @ k2).reshape(x.shape) if x.requires_grad else None
        gk = (cols.T @ x2).reshape(kernel.shape) if kernel.requires_grad else None
        if bias is None:
            return gx, gk
        return gx, gk, sum_rows(g.reshape(-1, f))
    return Tensor.from_op(out, parents, backward)


def conv_transpose2d(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                     dilation_rate=1):
    """Transposed 2-D convolution: the gradient of conv2d with respect to its input.

    x: (batch, height, width, in_channels); kernel: (kh, kw, filters, in_channels) as in
    Keras' Conv2DTranspose; bias: (filters,) or None -> (batch, out_h, out_w, filters), the
    output size following Keras (see `conv_transpose_output_length`).
    output_padding: None, an int or a pair, each smaller than its stride.
    """
    return _conv_transpose("conv_transpose2d", 2, x, kernel, bias, strides, padding,
                           output_padding, dilation_rate)


def conv_transpose1d(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                     dilation_rate=1):
    """Transposed 1-D convolution: the gradient of a 1-D convolution with respect to its input.

    x: (batch, steps, in_channels); kernel: (kernel_size, filters, in_channels) as in Keras'
    Conv1DTranspose; bias: (filters,) or None -> (batch, out_steps, filters), out_steps as in
    `conv_transpose_output_length`. output_padding: None or an int smaller than the stride.
    """
    return _conv_transpose("conv_transpose1d", 1, x, kernel, bias, strides, padding,
                           output_padding, dilation_rate)


def conv_transpose3d(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                     dilation_rate=1):
    """Transposed 3-D convolution: the gradient of conv3d with respect to its input.

    x: (batch, depth, height, width, in_channels); kernel: (kd, kh, kw, filters, in_channels)
    as in Keras' Conv3DTranspose; bias: (filters,) or None -> (batch, out_d, out_h, out_w,
    filters), each size as in `conv_transpose_output_length`.
    output_padding: None, an int or 3 ints, each smaller than its stride.
    """
    return _conv_transpose("conv_transpose3d", 3, x, kernel, bias, strides, padding,
                           output_padding, dilation_rate)


# --- zero padding and cropping (each the other's adjoint) -----------------------------------

_PAIRS = {1: "((start, end),)", 2: "((top, bottom), (left, right))",
          3: "((front, back), (top, bottom), (left, right))"}


def _padded_input(caller, name, x, pads, rank):
    """x as a Tensor with `rank` spatial axes (None: as many as it has), and `pads` as one
    (before, after) pair of non-negative ints per spatial axis; a ValueError otherwise."""
    x = tensor(x)
    rank = max(x.ndim - 2, 1) if rank is None else rank
    try:
        pairs = tuple(as_tuple(pair, 2, name, caller, allow_zero=True) for pair in pads)
    except (TypeError, ValueError):
        pairs = ()
    if len(pairs) != rank:
        layout = _PAIRS.get(rank, f"of {rank} (before, after) pairs")
        raise ValueError(f"{caller}: expected {name} {layout} of non-negative ints, received "
                         f"{name}={pads!r}")
    _check_rank(caller, "x", x, rank + 2, INPUT_LAYOUTS.get(rank, "(batch, *spatial, channels)"))
    return x, pairs


def _zero_pad(caller, x, padding, rank=None):
    x, pads = _padded_input(caller, "padding", x, padding, rank)
    return Tensor.from_op(pad_array(x.data, pads), (x,), lambda g: (crop_array(g, pads),))


def _crop(caller, x, cropping, rank=None):
    x, pads = _padded_input(caller, "cropping", x, cropping, rank)
    spatial = x.shape[1:-1]
    if any(before + after >= size for size, (before, after) in zip(spatial, pads)):
        raise ValueError(f"{caller}: cropping {pads} removes everything from an input of "
                         f"spatial size {spatial}")
    return Tensor.from_op(crop_array(x.data, pads), (x,), lambda g: (pad_array(g, pads),))


def zero_pad(x, padding):
    """x (batch, *spatial, channels) with zeros added before and after each spatial axis:
    padding holds one (before, after) pair per spatial axis, e.g. ((top, bottom),
    (left, right)) for images, ((front, back), (top, bottom), (left, right)) for volumes."""
    return _zero_pad("zero_pad", x, padding)


def crop(x, cropping):
    """x (batch, *spatial, channels) without its borders: cropping holds one (before, after)
    pair per spatial axis, as zero_pad's padding. Something of every axis must remain."""
    return _crop("crop", x, cropping)


def zero_pad2d(x, padding):
    """zero_pad on images: x (batch, h, w, c), padding ((top, bottom), (left, right))."""
    return _zero_pad("zero_pad2d", x, padding, rank=2)


def crop2d(x, cropping):
    """crop on images: x (batch, h, w, c), cropping ((top, bottom), (left, right))."""
    return _crop("crop2d", x, cropping, rank=2)
