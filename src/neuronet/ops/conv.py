"""Convolutions on channels-last arrays, each one op with a hand-written backward pass.

    conv2d(x, kernel, bias, strides=2, padding="same")   # x (n, h, w, c), kernel (kh, kw, c, f)

conv2d copies every receptive field of the (padded) input into one row of a matrix, the
"im2col" matrix (n*oh*ow, kh*kw*c), and multiplies it by the kernel seen as a
(kh*kw*c, f) matrix: one GEMM. The backward pass: the output gradient times the im2col
matrix gives the kernel gradient (one GEMM); the output gradient times the kernel
gives the input gradient, one GEMM and one strided add per kernel offset (`_scatter`).
conv_transpose2d runs the same steps the other way round: its forward pass is conv2d's
input gradient.

Padding follows TensorFlow/Keras: 'valid' adds none; 'same' makes the output length
ceil(length / stride), and when the padding is odd the extra row/column goes to the
bottom/right; Conv1D's 'causal' pads on the left only.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.tensor import Tensor
from .math import reshape, sum_rows, tensor

__all__ = ["conv1d", "conv2d", "conv_transpose2d", "zero_pad2d", "crop2d",
           "conv_output_length", "conv_transpose_output_length"]

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


# --- convolution ---------------------------------------------------------------------------

def _weights(kernel, bias):
    kernel = tensor(kernel)
    return kernel, None if bias is None else tensor(bias, like=kernel)


def _conv2d(x, kernel, bias, strides, pads, dilation, caller):
    """conv2d with explicit padding pairs (shared by conv2d and conv1d)."""
    x = tensor(x, like=kernel)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(kernel.dtype))            # integer images: no gradient
    _check_rank(caller, "x", x, 4, "(batch, height, width, channels)")
    kh, kw, c, f = kernel.shape
    if x.shape[3] != c:
        raise ValueError(f"{caller}: the input has {x.shape[3]} channels (last axis), the kernel "
                         f"expects {c} (kernel.shape[2]); kernel shape {kernel.shape}")
    n, h, w, _ = x.shape
    pads, out_size = window_geometry(caller, (h, w), (kh, kw), strides, pads, dilation)
    oh, ow = out_size
    xp = pad_array(x.data, pads)                                # (n, hp, wp, c)
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


def conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """2-D cross-correlation (what deep learning calls convolution), plus `bias`.

    x: (batch, height, width, channels); kernel: (kh, kw, channels, filters);
    bias: (filters,) or None -> (batch, out_height, out_width, filters).
    strides, dilation_rate: an int or a pair. padding: 'valid' or 'same' (TensorFlow's rule).
    """
    check_padding(padding, "conv2d")
    kernel, bias = _weights(kernel, bias)
    strides = as_tuple(strides, 2, "strides", "conv2d")
    dilation = as_tuple(dilation_rate, 2, "dilation_rate", "conv2d")
    _check_rank("conv2d", "kernel", kernel, 4, "(kh, kw, in_channels, filters)")
    return _conv2d(x, kernel, bias, strides, padding, dilation, "conv2d")


def conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """1-D cross-correlation over the steps axis, plus `bias`.

    x: (batch, steps, channels); kernel: (k, channels, filters); bias: (filters,) or None
    -> (batch, out_steps, filters). padding: 'valid', 'same' or 'causal' (left padding only,
    so that output t depends on inputs up to t).
    """
    check_padding(padding, "conv1d", PADDINGS + ("causal",))
    stride = as_tuple(strides, 1, "strides", "conv1d")[0]
    dilation = as_tuple(dilation_rate, 1, "dilation_rate", "conv1d")[0]
    kernel, bias = _weights(kernel, bias)
    x = tensor(x, like=kernel)
    _check_rank("conv1d", "x", x, 3, "(batch, steps, channels)")
    _check_rank("conv1d", "kernel", kernel, 3, "(kernel_size, in_channels, filters)")
    n, steps, c = x.shape
    size = kernel.shape[0]
    out_steps = conv_output_length(steps, size, stride, padding, dilation)
    check_output_size("conv1d", (steps,), (out_steps,), ((size - 1) * dilation + 1,), padding)
    pads = ((0, 0), padding_amounts(steps, size, stride, padding, dilation))
    out = _conv2d(reshape(x, (n, 1, steps, c)), reshape(kernel, (1,) + kernel.shape), bias,
                  (1, stride), pads, (1, dilation), "conv1d")   # a height-1 image
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
