"""Adaptive pooling: an input pooled to a given output size, whatever its own size.

    adaptive_average_pool(x, 7)                      # x (n, h, w, c) -> (n, 7, 7, c)
    adaptive_max_pool(x, 4, "channels_first")        # x (n, c, steps) -> (n, c, 4)

Along an axis of length L pooled to O bins, bin i covers the positions
[floor(i * L / O), ceil((i + 1) * L / O)) (the rule of PyTorch and Keras): the bins tile
the axis when O divides L; otherwise neighbouring bins may share a position, and with
O > L several bins repeat the same positions. A window over several axes is the product
of one bin per axis, and its mean (or max) is the mean (or max) along one axis of the
means (or maxima) along the next, so both poolings run one axis at a time.

Average pooling along an axis multiplies by an (O, L) matrix whose row i holds
1 / size_i over bin i; its backward pass multiplies by the transpose. Max pooling walks
the offsets inside the bins (as many as the longest bin has), offset k of every bin being
one gather along the axis (a shorter bin repeats its last position, which cannot change a
max), and keeps a running max and where it was first found; its backward pass sends each
bin's gradient to that position. Pooling the last axis first sends a window's gradient
to its first maximum in C order, as PyTorch does.
"""
import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from .conv import as_tuple
from .math import tensor

__all__ = ["adaptive_average_pool", "adaptive_max_pool"]


def _setup(caller, inputs, output_size, data_format):
    """inputs as a float Tensor, its spatial axes, and output_size as one int per axis."""
    data_format = backend.standardize_data_format(data_format, caller)
    x = tensor(inputs)
    if x.ndim not in (3, 4, 5):
        layout = ("(batch, *spatial, channels)" if data_format == "channels_last"
                  else "(batch, channels, *spatial)")
        raise ValueError(f"{caller}: expected inputs of rank 3, 4 or 5 {layout} with 1, 2 or 3 "
                         f"spatial axes, received shape {x.shape}")
    rank = x.ndim - 2
    sizes = as_tuple(output_size, rank, "output_size", caller)
    first = 1 if data_format == "channels_last" else 2
    axes = tuple(range(first, first + rank))
    if any(x.shape[axis] == 0 for axis in axes):
        raise ValueError(f"{caller}: cannot pool an empty spatial axis, received inputs of shape "
                         f"{x.shape} ({data_format})")
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(backend.floatx()))        # integer images: no gradient
    return x, axes, sizes


def _bins(length, size):
    """(starts, stops): bin i of `size` bins along an axis of `length` is [starts[i], stops[i])."""
    i = np.arange(size)
    return (i * length) // size, -(-(i + 1) * length // size)     # floor and ceil


# --- average pooling: one matrix per axis ----------------------------------------------------

def _mean_matrix(length, size, dtype):
    """(size, length): row i averages bin i, holding 1 / (bin i's size) inside it, 0 outside."""
    starts, stops = _bins(length, size)
    positions = np.arange(length)
    inside = (positions >= starts[:, None]) & (positions < stops[:, None])
    return (inside / (stops - starts)[:, None]).astype(dtype)


def _along(matrix, a, axis):
    """`matrix` (rows, a.shape[axis]) applied to the vectors of `a` along `axis`, whose length
    becomes rows: out[..., i, ...] = sum_j matrix[i, j] * a[..., j, ...]."""
    return np.moveaxis(np.tensordot(a, matrix, axes=(axis, 1)), -1, axis)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """The mean of each of output_size bins per spatial axis (the bins as described above).

    inputs: (batch, *spatial, channels), or (batch, channels, *spatial) with
    data_format='channels_first', with 1, 2 or 3 spatial axes; output_size: an int or one
    int per spatial axis -> (batch, *output_size, channels) (or channels first).
    """
    x, axes, sizes = _setup("adaptive_average_pool", inputs, output_size, data_format)
    matrices = [_mean_matrix(x.shape[axis], size, x.dtype) for axis, size in zip(axes, sizes)]
    out = x.data
    for axis, matrix in zip(axes, matrices):               # (n, h, w, c) -> (n, oh, w, c) -> ...
        out = _along(matrix, out, axis)

    def backward(g):                                       # d out/d x: the matrices transposed
        for axis, matrix in zip(axes, matrices):           # (n, oh, ow, c) -> (n, h, ow, c) -> ...
            g = _along(matrix.T, g, axis)
        return (g,)
    return Tensor.from_op(np.ascontiguousarray(out), (x,), backward)


# --- max pooling: one gather per offset inside the bins, per axis -------------------------------

def _max_along(a, axis, size):
    """The max of each of `size` bins along `axis` of `a`, and the position (along `axis`) of
    each bin's first max; both shaped as `a` with `size` along `axis`."""
    starts, stops = _bins(a.shape[axis], size)
    last = stops - starts - 1                              # each bin's last offset
    out = np.take(a, starts, axis=axis)                    # offset 0 of every bin
    first = np.zeros(out.shape, np.intp)                   # the offset of the max so far
    for k in range(1, int(last.max()) + 1):                # offset k of every bin, a shorter
        value = np.take(a, starts + np.minimum(k, last), axis=axis)   # one at its last offset
        np.copyto(first, k, where=value > out)             # a tie keeps the first max
        np.maximum(out, value, out=out)
    along = [1] * a.ndim
    along[axis] = size
    return out, first + starts.reshape(along)


def _max_along_backward(g, positions, axis, length):
    """d max/d a for `_max_along`: the gradient g of each bin (along `axis`) sent to its
    max's position, summed where bins share it; `length`: a's length along `axis`."""
    starts, stops = _bins(length, g.shape[axis])
    points = np.arange(length)
    first = np.searchsorted(stops, points, side="right")   # the first bin holding each point
    last = np.searchsorted(starts, points, side="right") - 1   # the last one
    along = [1] * g.ndim
    along[axis] = length
    grad = np.zeros(g.shape[:axis] + (length,) + g.shape[axis + 1:], g.dtype)
    for k in range(int((last - first).max()) + 1):         # k-th bin holding a point: <= 2 bins
        held = first + k <= last                           # hold a point when size <= length
        bins = np.where(held, first + k, last)
        won = np.take(positions, bins, axis=axis) == points.reshape(along)
        won &= held.reshape(along)
        grad += np.where(won, np.take(g, bins, axis=axis), 0)
    return grad


def adaptive_max_pool(inputs, output_size, data_format=None):
    """The largest value of each of output_size bins per spatial axis (the bins as described
    above); the gradient goes to each window's first maximum.

    inputs: (batch, *spatial, channels), or (batch, channels, *spatial) with
    data_format='channels_first', with 1, 2 or 3 spatial axes; output_size: an int or one
    int per spatial axis -> (batch, *output_size, channels) (or channels first).
    """
    x, axes, sizes = _setup("adaptive_max_pool", inputs, output_size, data_format)
    out, steps = x.data, []
    for axis, size in reversed(list(zip(axes, sizes))):   # (n, h, w, c) -> (n, h, ow, c) -> ...
        length = out.shape[axis]
        out, positions = _max_along(out, axis, size)
        steps.append((axis, length, positions))

    def backward(g):                                       # d max/d x = 1 at the max, else 0
        for axis, length, positions in reversed(steps):    # (n, oh, ow, c) -> (n, h, ow, c) -> ...
            g = _max_along_backward(g, positions, axis, length)
        return (g,)
    return Tensor.from_op(out, (x,), backward)
