"""Convolutions on channels-last arrays, each one op with a hand-written backward pass.

    conv2d(x, kernel, bias, strides=2, padding="same")   # x (n, h, w, c), kernel (kh, kw, c, f)
    depthwise_conv2d(x, kernel)                          # kernel (kh, kw, c, depth_multiplier)

conv2d copies every receptive field of the (padded) input into one row of a matrix, the
"im2col" matrix (n*oh*ow, kh*kw*c), and multiplies it by the kernel seen as a
(kh*kw*c, f) matrix: one GEMM. The backward pass: the output gradient times the im2col
matrix gives the kernel gradient (one GEMM); the output gradient times the kernel
gives the input gradient, one GEMM and one strided add per kernel offset (`_scatter`).
conv_transpose2d runs the same steps the other way round: its forward pass is conv2d's
input gradient.

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
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.tensor import Tensor
from .math import reshape, sum_rows, tensor
from .nn import linear

__all__ = ["conv1d", "conv2d", "conv_transpose2d", "depthwise_conv2d", "separable_conv2d",
           "zero_pad2d", "crop2d", "conv_output_length", "conv_transpose_output_length"]

PADDINGS = ("valid", "same")


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

def pad_array(a, pads, value=0):
    """a (n, h, w, c) with `value` added around it: pads = ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return a
    n, h, w, c = a.shape
    out = np.full((n, h + top + bottom, w + left + right, c), value, a.dtype)
    out[:, top:top + h, left:left + w] = a
    return out


def crop_array(a, pads):
    """The inverse of `pad_array`: a (n, h, w, c) without its borders (a view)."""
    (top, bottom), (left, right) = pads
    return a[:, top:a.shape[1] - bottom, left:a.shape[2] - right]


def window_slice(offset, dilation, stride, count):
    """The slice that picks, along one axis, element `offset` of each of `count` windows."""
    start = offset * dilation
    return slice(start, start + (count - 1) * stride + 1, stride)


def _im2col(xp, kernel_size, strides, dilation, out_size, ones=False):
    """Every receptive field of xp (n, hp, wp, c) as one row: (n*oh*ow, kh*kw*c), a copy.
    With `ones`, a last column of ones follows, so that a bias can ride in the GEMM.

    With few channels (images) the matrix is stored column by column (it is the transpose
    of a C-ordered array): each kernel offset then fills whole columns, and the kernel
    gradient's GEMM (cols.T @ g) reads cols.T in its native order, both faster there."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_size, strides, dilation, out_size
    n, _, _, c = xp.shape
    k = kh * kw * c
    width = k + 1 if ones else k
    if c >= 8:                                             # copy a 6-D strided view at once
        cols = np.empty((n * oh * ow, width), xp.dtype)
        fields = cols[:, :k].reshape(n, oh, ow, kh, kw, c)  # a view: each row one field
        bn, bh, bw, bc = xp.strides
        np.copyto(fields, as_strided(xp, (n, oh, ow, kh, kw, c),
                                     (bn, bh * sh, bw * sw, bh * dh, bw * dw, bc),
                                     writeable=False))
    else:                                                  # one strided copy per kernel offset
        cols = np.empty((width, n * oh * ow), xp.dtype).T
        offsets = cols[:, :k].T.reshape(kh, kw, c, n, oh, ow)  # a view: [i, j] one offset
        for i in range(kh):
            rows = window_slice(i, dh, sh, oh)
            for j in range(kw):
                window = xp[:, rows, window_slice(j, dw, sw, ow)]       # (n, oh, ow, c)
                offsets[i, j] = np.moveaxis(window, 3, 0)
    if ones:
        cols[:, k] = 1
    return cols


def _scatter(g2, kernel, padded_shape, strides, dilation, out_size):
    """The adjoint of conv2d's forward pass with respect to its (padded) input.

    g2 (n*oh*ow, f) and kernel (kh, kw, c, f) -> (n, hp, wp, c): for each kernel offset
    (i, j), g2 @ kernel[i, j].T is added onto the strided slice that the offset reads.
    """
    kh, kw = kernel.shape[:2]
    (sh, sw), (dh, dw), (oh, ow) = strides, dilation, out_size
    n, _, _, c = padded_shape
    out = np.zeros(padded_shape, g2.dtype)
    for i in range(kh):
        rows = window_slice(i, dh, sh, oh)
        for j in range(kw):
            part = g2 @ kernel[i, j].T                     # (n*oh*ow, c)
            out[:, rows, window_slice(j, dw, sw, ow)] += part.reshape(n, oh, ow, c)
    return out


# --- grouped im2col: the columns ordered group by group -------------------------------------

def _grouped_im2col(xp, kernel_size, strides, dilation, out_size, groups):
    """Every receptive field of xp (n, hp, wp, c) as one row, its columns ordered group by
    group: (n*oh*ow, groups*kh*kw*c_g), c_g = c/groups, columns [k*kh*kw*c_g, ...) group k's
    channels at every kernel offset. One strided copy per kernel offset."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_size, strides, dilation, out_size
    n, _, _, c = xp.shape
    per_group = c // groups
    fields = np.empty((n, oh, ow, groups, kh, kw, per_group), xp.dtype)
    for i in range(kh):
        rows = window_slice(i, dh, sh, oh)
        for j in range(kw):
            window = xp[:, rows, window_slice(j, dw, sw, ow)]       # (n, oh, ow, c)
            fields[:, :, :, :, i, j] = window.reshape(n, oh, ow, groups, per_group)
    return fields.reshape(n * oh * ow, groups * kh * kw * per_group)


def _grouped_col2im(cols, padded_shape, kernel_size, strides, dilation, out_size, groups):
    """The adjoint of `_grouped_im2col`: cols (n*oh*ow, groups*kh*kw*c_g) -> (n, hp, wp, c),
    each entry added onto the input pixel it was copied from, one strided add per offset."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_size, strides, dilation, out_size
    n, hp, wp, c = padded_shape
    per_group = c // groups
    out = np.zeros(padded_shape, cols.dtype)
    pixels = out.reshape(n, hp, wp, groups, per_group)  # a view: the channels by group
    fields = cols.reshape(n, oh, ow, groups, kh, kw, per_group)
    for i in range(kh):
        rows = window_slice(i, dh, sh, oh)
        for j in range(kw):
            pixels[:, rows, window_slice(j, dw, sw, ow)] += fields[:, :, :, :, i, j]
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
    c, f = kernel_shape[2:]
    if f % groups:
        raise ValueError(f"{caller}: expected the kernel's filters (kernel.shape[3]) divisible "
                         f"by groups={groups}, received kernel shape {kernel_shape}")
    if in_channels != c * groups:
        where = "kernel.shape[2]" if groups == 1 else f"kernel.shape[2] * groups = {c} * {groups}"
        raise ValueError(f"{caller}: the input has {in_channels} channels (last axis), the kernel "
                         f"expects {c * groups} ({where}); kernel shape {kernel_shape}")


def _conv2d(x, kernel, bias, strides, pads, dilation, caller, groups=1):
    """conv2d with explicit padding pairs (shared by conv2d, conv1d and depthwise_conv2d)."""
    x = tensor(x, like=kernel)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(kernel.dtype))            # integer images: no gradient
    _check_rank(caller, "x", x, 4, "(batch, height, width, channels)")
    kh, kw, c, f = kernel.shape
    _check_groups(caller, x.shape[3], kernel.shape, groups)
    n, h, w, _ = x.shape
    pads, out_size = window_geometry(caller, (h, w), (kh, kw), strides, pads, dilation)
    oh, ow = out_size
    xp = pad_array(x.data, pads)                                # (n, hp, wp, c)
    if groups > 1 and c == 1:                                  # depthwise: one channel a group
        return _channelwise_conv2d(x, xp, kernel, bias, pads, out_size, strides, dilation)
    if groups > 1:
        return _grouped_conv2d(x, xp, kernel, bias, pads, out_size, strides, dilation, groups)
    # (n*oh*ow, kh*kw*c [+ 1]): with a bias, a column of ones meets it as the last kernel row
    cols = _im2col(xp, (kh, kw), strides, dilation, out_size, ones=bias is not None)
    k2 = kernel.data.reshape(kh * kw * c, f)
    if bias is not None:
        k2 = np.concatenate([k2, bias.data.reshape(1, f)])
    out = cols @ k2                                        # (n*oh*ow, f): the one GEMM
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, oh, ow, f)
        g2 = g.reshape(n * oh * ow, f)
        gx = gk = gb = None
        if x.requires_grad:                                # d out/d cols = k2^T, per offset
            gxp = _scatter(g2, kernel.data, xp.shape, strides, dilation, out_size)
            gx = crop_array(gxp, pads)                     # (n, h, w, c)
        if kernel.requires_grad or (bias is not None and bias.requires_grad):
            gk2 = cols.T @ g2                              # d out/d k2 = cols^T: (kh*kw*c [+ 1], f)
            gk = gk2[:kh * kw * c].reshape(kernel.shape)   # (kh, kw, c, f)
            gb = None if bias is None else gk2[-1]         # (f,): the column sums of g2
        return (gx, gk) if bias is None else (gx, gk, gb)
    return Tensor.from_op(out.reshape(n, oh, ow, f), parents, backward)


def _grouped_conv2d(x, xp, kernel, bias, pads, out_size, strides, dilation, groups):
    """_conv2d's forward and backward passes for groups > 1, on the padded input xp."""
    kh, kw, c, f = kernel.shape                            # c: the input channels of a group
    n, (oh, ow) = x.shape[0], out_size
    cols = _grouped_im2col(xp, (kh, kw), strides, dilation, out_size, groups)
    cols3 = _by_group(cols, groups)                        # (g, n*oh*ow, kh*kw*c): a view
    k3 = _by_group(kernel.data.reshape(kh * kw * c, f), groups)   # (g, kh*kw*c, f/g)
    out = _group_matmul(cols3, k3)                         # (n*oh*ow, f): one GEMM per group
    if bias is not None:
        out += bias.data
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, oh, ow, f)
        g2 = g.reshape(n * oh * ow, f)
        g3 = _by_group(g2, groups)                         # (g, n*oh*ow, f/g)
        gx = gk = gb = None
        if x.requires_grad:                                # d out/d cols3 = k3^T, per group
            gcols = _group_matmul(g3, k3.transpose(0, 2, 1))   # (n*oh*ow, g*kh*kw*c)
            gxp = _grouped_col2im(gcols, xp.shape, (kh, kw), strides, dilation, out_size, groups)
            gx = crop_array(gxp, pads)                     # (n, h, w, g*c)
        if kernel.requires_grad:                           # d out/d k3 = cols3^T, per group
            gk3 = _group_matmul(cols3.transpose(0, 2, 1), g3)   # (kh*kw*c, f)
            gk = gk3.reshape(kernel.shape)                 # (kh, kw, c, f)
        if bias is not None and bias.requires_grad:
            gb = sum_rows(g2)                              # (f,)
        return (gx, gk) if bias is None else (gx, gk, gb)
    return Tensor.from_op(out.reshape(n, oh, ow, f), parents, backward)


def _channelwise_conv2d(x, xp, kernel, bias, pads, out_size, strides, dilation):
    """_conv2d's passes for one input channel per group (a depthwise convolution): the sum,
    over the kernel offsets, of the shifted input times each channel's weight at that
    offset. Elementwise work on whole arrays, no im2col (which here would feed thousands of
    one-column GEMMs)."""
    kh, kw, _, f = kernel.shape
    n, c, (oh, ow) = x.shape[0], x.shape[3], out_size
    m = f // c                                             # filters per input channel
    weights = kernel.data.reshape(kh, kw, c, m)            # output c*m + k: input c, filter k

    def window(a, i, j):                                   # offset (i, j) of every field
        return a[:, window_slice(i, dilation[0], strides[0], oh),
                 window_slice(j, dilation[1], strides[1], ow)]      # (n, oh, ow, c)

    out = np.zeros((n, oh, ow, c, m), xp.dtype)
    for i in range(kh):
        for j in range(kw):
            out += window(xp, i, j)[..., None] * weights[i, j]     # (n, oh, ow, c, m)
    out = out.reshape(n, oh, ow, f)
    if bias is not None:
        out += bias.data
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, oh, ow, f)
        g5 = g.reshape(n, oh, ow, c, m)
        gx = gk = gb = None
        if x.requires_grad:                                # d out/d window(i, j) = weights[i, j]
            gxp = np.zeros(xp.shape, g.dtype)
            for i in range(kh):
                for j in range(kw):
                    window(gxp, i, j)[...] += (g5 * weights[i, j]).sum(axis=-1)
            gx = crop_array(gxp, pads)                     # (n, h, w, c)
        if kernel.requires_grad:                           # d out/d weights[i, j] = window(i, j)
            gk = np.empty((kh, kw, c, m), g.dtype)
            for i in range(kh):
                for j in range(kw):
                    gk[i, j] = np.einsum("nhwc,nhwcm->cm", window(xp, i, j), g5)
            gk = gk.reshape(kernel.shape)                  # (kh, kw, 1, f)
        if bias is not None and bias.requires_grad:
            gb = sum_rows(g.reshape(n * oh * ow, f))       # (f,)
        return (gx, gk) if bias is None else (gx, gk, gb)
    return Tensor.from_op(out, parents, backward)


def conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1):
    """2-D cross-correlation (what deep learning calls convolution), plus `bias`.

    x: (batch, height, width, channels); kernel: (kh, kw, channels / groups, filters);
    bias: (filters,) or None -> (batch, out_height, out_width, filters).
    strides, dilation_rate: an int or a pair. padding: 'valid' or 'same' (TensorFlow's rule).
    groups: the channels and the filters split into this many groups; output group k (filters
    k*filters/groups onwards) sees input group k only. Both counts must divide by it.
    """
    check_padding(padding, "conv2d")
    kernel, bias = _weights(kernel, bias)
    strides = as_tuple(strides, 2, "strides", "conv2d")
    dilation = as_tuple(dilation_rate, 2, "dilation_rate", "conv2d")
    groups = _check_groups_argument("conv2d", groups)
    _check_rank("conv2d", "kernel", kernel, 4, "(kh, kw, in_channels / groups, filters)")
    return _conv2d(x, kernel, bias, strides, padding, dilation, "conv2d", groups)


def depthwise_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """Each input channel convolved on its own with `depth_multiplier` filters, plus `bias`.

    x: (batch, height, width, channels); kernel: (kh, kw, channels, depth_multiplier);
    bias: (channels * depth_multiplier,) or None -> (batch, out_height, out_width,
    channels * depth_multiplier), output channel c * depth_multiplier + m from input channel c
    and kernel[..., c, m] (Keras' order). conv2d with groups=channels.
    """
    check_padding(padding, "depthwise_conv2d")
    kernel, bias = _weights(kernel, bias)
    strides = as_tuple(strides, 2, "strides", "depthwise_conv2d")
    dilation = as_tuple(dilation_rate, 2, "dilation_rate", "depthwise_conv2d")
    x = tensor(x, like=kernel)
    _check_rank("depthwise_conv2d", "x", x, 4, "(batch, height, width, channels)")
    _check_rank("depthwise_conv2d", "kernel", kernel, 4,
                "(kh, kw, in_channels, depth_multiplier)")
    kh, kw, c, multiplier = kernel.shape
    if x.shape[3] != c:
        raise ValueError(f"depthwise_conv2d: the input has {x.shape[3]} channels (last axis), the "
                         f"kernel expects {c} (kernel.shape[2]); kernel shape {kernel.shape}")
    grouped = reshape(kernel, (kh, kw, 1, c * multiplier))   # filter c*multiplier + m: group c
    return _conv2d(x, grouped, bias, strides, padding, dilation, "depthwise_conv2d", groups=c)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1,
                     padding="valid", dilation_rate=1):
    """depthwise_conv2d (without bias), then a 1x1 convolution that mixes its channels, + `bias`.

    x: (batch, height, width, channels); depthwise_kernel: (kh, kw, channels, depth_multiplier);
    pointwise_kernel: (1, 1, channels * depth_multiplier, filters); bias: (filters,) or None
    -> (batch, out_height, out_width, filters).
    """
    pointwise_kernel = tensor(pointwise_kernel)
    depth = depthwise_conv2d(x, depthwise_kernel, None, strides, padding, dilation_rate)
    if pointwise_kernel.ndim != 4 or pointwise_kernel.shape[:3] != (1, 1, depth.shape[3]):
        raise ValueError(f"separable_conv2d: expected pointwise_kernel of shape (1, 1, "
                         f"{depth.shape[3]}, filters) ({depth.shape[3]} = channels * "
                         f"depth_multiplier), received shape {pointwise_kernel.shape}")
    mix = reshape(pointwise_kernel, pointwise_kernel.shape[2:])   # (channels*multiplier, filters)
    return linear(depth, mix, None if bias is None else tensor(bias, like=mix))


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
    out = _conv2d(reshape(x, (n, 1, steps, c)), reshape(kernel, (1,) + kernel.shape), bias,
                  (1, stride), pads, (1, dilation), "conv1d", groups)   # a height-1 image
    return reshape(out, (n, out.shape[2], out.shape[3]))


def _transpose_geometry(in_size, kernel_size, strides, padding, output_padding, dilation):
    """(pads, out_size) of conv_transpose2d: its output size (Keras' rule), and the padding of
    the convolution it transposes, which maps an input of out_size back onto in_size."""
    out_size = tuple(conv_transpose_output_length(n, k, s, padding, p, d) for n, k, s, p, d in
                     zip(in_size, kernel_size, strides, output_padding or (None, None), dilation))
    pads, conv_out = window_geometry("conv_transpose2d", out_size, kernel_size, strides, padding,
                                     dilation)
    if conv_out != tuple(in_size):
        raise ValueError(f"conv_transpose2d: with kernel {kernel_size}, strides {strides}, "
                         f"padding={padding!r} and output_padding={output_padding} the output "
                         f"size {out_size} does not map back to the input size {in_size}; "
                         "choose another output_padding")
    return pads, out_size


def conv_transpose2d(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                     dilation_rate=1):
    """Transposed 2-D convolution: the gradient of conv2d with respect to its input.

    x: (batch, height, width, in_channels); kernel: (kh, kw, filters, in_channels) as in
    Keras' Conv2DTranspose; bias: (filters,) or None -> (batch, out_h, out_w, filters), the
    output size following Keras (see `conv_transpose_output_length`).
    output_padding: None, an int or a pair, each smaller than its stride.
    """
    check_padding(padding, "conv_transpose2d")
    strides = as_tuple(strides, 2, "strides", "conv_transpose2d")
    dilation = as_tuple(dilation_rate, 2, "dilation_rate", "conv_transpose2d")
    if output_padding is not None:
        output_padding = as_tuple(output_padding, 2, "output_padding", "conv_transpose2d",
                                  allow_zero=True)
        if not all(p < s for p, s in zip(output_padding, strides)):
            raise ValueError(f"conv_transpose2d: expected output_padding smaller than the "
                             f"strides {strides}, received output_padding={output_padding!r}")
    kernel, bias = _weights(kernel, bias)
    x = tensor(x, like=kernel)
    _check_rank("conv_transpose2d", "x", x, 4, "(batch, height, width, channels)")
    _check_rank("conv_transpose2d", "kernel", kernel, 4, "(kh, kw, filters, in_channels)")
    kh, kw, f, c = kernel.shape
    if x.shape[3] != c:
        raise ValueError(f"conv_transpose2d: the input has {x.shape[3]} channels (last axis), "
                         f"the kernel expects {c} (kernel.shape[3]); kernel shape {kernel.shape}")
    n, h, w, _ = x.shape
    pads, out_hw = _transpose_geometry((h, w), (kh, kw), strides, padding, output_padding,
                                       dilation)
    (top, bottom), (left, right) = pads
    padded_shape = (n, out_hw[0] + top + bottom, out_hw[1] + left + right, f)
    x2 = x.data.reshape(n * h * w, c)
    k2 = kernel.data.reshape(kh * kw * f, c)
    out = crop_array(_scatter(x2, kernel.data, padded_shape, strides, dilation, (h, w)), pads)
    if bias is not None:
        out = out + bias.data                              # (n, out_h, out_w, f), a fresh array
    else:
        out = np.ascontiguousarray(out)
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (n, out_h, out_w, f)
        cols = _im2col(pad_array(g, pads), (kh, kw), strides, dilation, (h, w))  # (nhw, kh*kw*f)
        gx = (cols @ k2).reshape(x.shape) if x.requires_grad else None
        gk = (cols.T @ x2).reshape(kernel.shape) if kernel.requires_grad else None
        if bias is None:
            return gx, gk
        return gx, gk, sum_rows(g.reshape(-1, f))
    return Tensor.from_op(out, parents, backward)


# --- zero padding and cropping (each the other's adjoint) -----------------------------------

def _check_pads(caller, name, pads):
    """pads as ((top, bottom), (left, right)) of non-negative ints, or a ValueError."""
    try:
        pairs = tuple(as_tuple(pair, 2, name, caller, allow_zero=True) for pair in pads)
    except (TypeError, ValueError):
        pairs = ()
    if len(pairs) != 2:
        raise ValueError(f"{caller}: expected {name} ((top, bottom), (left, right)) of "
                         f"non-negative ints, received {name}={pads!r}")
    return pairs


def zero_pad2d(x, padding):
    """x (batch, h, w, c) with zero rows/columns added: padding ((top, bottom), (left, right))."""
    pads = _check_pads("zero_pad2d", "padding", padding)
    x = tensor(x)
    _check_rank("zero_pad2d", "x", x, 4, "(batch, height, width, channels)")
    return Tensor.from_op(pad_array(x.data, pads), (x,), lambda g: (crop_array(g, pads),))


def crop2d(x, cropping):
    """x (batch, h, w, c) without its borders: cropping ((top, bottom), (left, right))."""
    pads = _check_pads("crop2d", "cropping", cropping)
    x = tensor(x)
    _check_rank("crop2d", "x", x, 4, "(batch, height, width, channels)")
    (top, bottom), (left, right) = pads
    if top + bottom >= x.shape[1] or left + right >= x.shape[2]:
        raise ValueError(f"crop2d: cropping {pads} removes everything from an input of "
                         f"spatial size {x.shape[1:3]}")
    return Tensor.from_op(crop_array(x.data, pads), (x,), lambda g: (pad_array(g, pads),))
