"""Arranging tensors, ops of keras.ops: facts about a tensor (size, ndim, dtype), creation
(tri, identity, empty, geomspace, logspace, vander), stacking and splitting, rolling,
flipping and rotating, differences and the trapezoid rule, products of tensors
(tensordot, inner, vdot, kron, cross), choosing (select, switch), and reading and writing
regions (slice, slice_update, scatter, scatter_update, get_item).

Ops that move values differentiate by sending each gradient back to where its value came
from; most are compositions of the ops of `math` and `array` (ravel is a reshape, kron a
broadcast product, tensordot an einsum), with a dedicated backward pass where composing
would be wasteful (roll, rot90, diff, vander, slice_update, scatter, scatter_update).
Operands of several tensors share one dtype first (see `elementwise.promote`).
"""
import builtins
import numbers
import string

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from .array import (_filled, _filled_like, _index_array, check_dtype, check_shape, diag, flip,
                    linspace, moveaxis, normalize_axis, shape, split)
from .elementwise import check_whole, promote, promote_float
from .math import (abs, add, cast, concatenate, einsum, exp, getitem, log, multiply,
                   negative, power, reshape, stack, subtract, sum, tensor, where)

__all__ = [
    "size", "ndim", "dtype", "is_tensor",
    "tri", "identity", "empty", "empty_like", "diagflat", "geomspace", "logspace", "vander",
    "ravel", "unstack", "hstack", "vstack", "dstack", "append",
    "hsplit", "vsplit", "dsplit", "array_split",
    "roll", "fliplr", "flipud", "rot90", "diff", "trapezoid",
    "tensordot", "inner", "vdot", "kron", "cross",
    "select", "switch",
    "slice", "slice_update", "scatter", "scatter_update", "get_item",
]


def _check_rank(x, rank, caller):
    if x.ndim < rank:
        raise ValueError(f"{caller}: expected an input of rank >= {rank}, received shape "
                         f"{x.shape}")


# --- facts about a tensor (plain Python values, readable from symbolic tensors too) -------

def size(x):
    """The number of elements of x, as an int."""
    dims = shape(x)
    if None in dims:
        raise ValueError(f"size: the shape {dims} has axes of unknown length")
    return int(np.prod(dims, dtype=np.int64))


def ndim(x):
    """The number of axes of x, as an int."""
    return len(shape(x))


def dtype(x):
    """The name of x's dtype, as Keras writes it ('float32', 'int32', ...)."""
    return backend.standardize_dtype(x.dtype if hasattr(x, "dtype") else as_array(x).dtype)


def is_tensor(x):
    """Whether x is a Tensor (a NumPy array or a Python number is not)."""
    return isinstance(x, Tensor)


# --- creation -----------------------------------------------------------------------------

def tri(N, M=None, k=0, dtype=None):
    """An N x M matrix with ones at and below diagonal `k`, zeros above; floatx() unless given."""
    rows = check_whole(N, "N", "tri", minimum=0)
    cols = rows if M is None else check_whole(M, "M", "tri", minimum=0)
    return Tensor(np.tri(rows, cols, check_whole(k, "k", "tri"),
                         dtype=check_dtype(dtype, "tri", backend.floatx())))


def identity(n, dtype=None):
    """The n x n identity matrix, of dtype floatx() unless given."""
    size_ = check_whole(n, "n", "identity", minimum=0)
    return Tensor(np.identity(size_, dtype=check_dtype(dtype, "identity", backend.floatx())))


def empty(shape, dtype=None):
    """A Tensor of `shape` (its values are zeros here), of dtype floatx() unless given."""
    return _filled(shape, 0, dtype, "empty")


def empty_like(x, dtype=None):
    """A Tensor of x's shape (its values are zeros here), of x's dtype unless given."""
    return _filled_like(x, 0, dtype, "empty_like")


def diagflat(x, k=0):
    """The square matrix with the flattened x on diagonal `k`, zeros elsewhere."""
    return diag(ravel(x), k)


def _count(num, caller):
    return check_whole(num, "num", caller, minimum=0)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values from `start` to `stop` spaced evenly on a log scale (a geometric
    progression); start and stop are non-zero and of one sign. Of the float dtype of
    start and stop (floatx() for numbers) unless given; differentiable in start and stop."""
    lo, hi = promote_float(start, stop)
    if (lo.data == 0).any() or (hi.data == 0).any() or \
            (np.sign(lo.data) != np.sign(hi.data)).any():
        raise ValueError(f"geomspace: expected non-zero start and stop of the same sign, "
                         f"received start={as_array(start).tolist()}, "
                         f"stop={as_array(stop).tolist()}")
    bounds_shape = np.broadcast_shapes(lo.shape, hi.shape)
    axis = normalize_axis(axis, len(bounds_shape) + 1, "geomspace")
    sign = np.expand_dims(np.broadcast_to(np.sign(lo.data), bounds_shape), axis)
    exponents = linspace(log(abs(lo)), log(abs(hi)), _count(num, "geomspace"), endpoint,
                         axis=axis)
    out = multiply(exp(exponents), sign)
    return out if dtype is None else cast(out, check_dtype(dtype, "geomspace", None))


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """base ** e for `num` exponents e evenly spaced from `start` to `stop`. Of the float
    dtype of start and stop (floatx() for numbers) unless given; differentiable in start and
    stop."""
    lo, hi = promote_float(start, stop)
    if as_array(base).size != 1:
        raise ValueError(f"logspace: expected a single number for argument 'base', received "
                         f"base={as_array(base).tolist()}")
    exponents = linspace(lo, hi, _count(num, "logspace"), endpoint, axis=axis)
    out = power(float(as_array(base).reshape(())), exponents)
    return out if dtype is None else cast(out, check_dtype(dtype, "logspace", None))


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the vector x: column j holds x ** (N - 1 - j), or x ** j
    when `increasing`; N columns (len(x) when None)."""
    x = tensor(x)
    if x.ndim != 1:
        raise ValueError(f"vander: expected a vector, received shape {x.shape}")
    columns = len(x) if N is None else check_whole(N, "N", "vander", minimum=0)
    if not isinstance(increasing, bool):
        raise TypeError(f"vander: expected a bool for argument 'increasing', received "
                        f"increasing={increasing!r}")
    powers = np.arange(columns) if increasing else np.arange(columns - 1, -1, -1)
    powers = powers.astype(x.dtype) if x.dtype.kind == "f" else powers
    out = (x.data[:, None] ** powers).astype(x.dtype)

    def backward(g):              # d x^p / dx = p x^(p-1), 0 for p = 0
        slope = np.where(powers > 0, powers * x.data[:, None] ** np.maximum(powers - 1, 0), 0)
        return ((g * slope).sum(axis=1),)
    return Tensor.from_op(out, (x,), backward)


# --- reshaping, stacking and splitting ----------------------------------------------------

def ravel(x):
    """x flattened to a vector."""
    return reshape(x, (-1,))


def unstack(x, num=None, axis=0):
    """The list of the slices of x along `axis` (that axis removed)."""
    x = tensor(x)
    axis = normalize_axis(axis, x.ndim, "unstack")
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"unstack: expected num={num!r} to equal the length of axis {axis} "
                         f"of the input of shape {x.shape}")
    before = (builtins.slice(None),) * axis
    return [getitem(x, before + (i,)) for i in range(x.shape[axis])]


def _sequence(xs, caller):
    """The tensors of the sequence `xs`, of one dtype."""
    if not isinstance(xs, (list, tuple)) or not xs:
        raise ValueError(f"{caller}: expected a non-empty list or tuple of tensors, "
                         f"received {xs!r}")
    return promote(*xs)


def _at_least(x, rank):
    """x with axes of length 1 added up to `rank` (NumPy's atleast_2d, atleast_3d: a vector
    (n,) becomes (1, n), or (1, n, 1); a matrix (m, n) becomes (m, n, 1))."""
    if x.ndim >= rank:
        return x
    if rank == 3 and x.ndim >= 1:
        return reshape(x, (1,) * (2 - x.ndim) + x.shape + (1,))
    return reshape(x, (1,) * (rank - x.ndim) + x.shape)


def hstack(xs):
    """The tensors joined along axis 1 (axis 0 for vectors)."""
    xs = [_at_least(x, 1) for x in _sequence(xs, "hstack")]
    return concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    """The tensors joined along axis 0, vectors taken as rows."""
    return concatenate([_at_least(x, 2) for x in _sequence(xs, "vstack")], axis=0)


def dstack(xs):
    """The tensors joined along axis 2 (depth), vectors and matrices extended to rank 3."""
    return concatenate([_at_least(x, 3) for x in _sequence(xs, "dstack")], axis=2)


def append(x1, x2, axis=None):
    """x2 appended to x1 along `axis` (both flattened when axis is None)."""
    a, b = promote(x1, x2)
    if axis is None:
        return concatenate([ravel(a), ravel(b)], axis=0)
    return concatenate([a, b], axis=normalize_axis(axis, a.ndim, "append"))


def _split_along(x, indices_or_sections, axis, rank, caller):
    x = tensor(x)
    _check_rank(x, rank, caller)
    return split(x, indices_or_sections, axis=axis if x.ndim > 1 else 0)


def hsplit(x, indices_or_sections):
    """split along axis 1 (axis 0 for a vector)."""
    return _split_along(x, indices_or_sections, 1, 1, "hsplit")


def vsplit(x, indices_or_sections):
    """split along axis 0 of an input of rank >= 2."""
    return _split_along(x, indices_or_sections, 0, 2, "vsplit")


def dsplit(x, indices_or_sections):
    """split along axis 2 of an input of rank >= 3."""
    return _split_along(x, indices_or_sections, 2, 3, "dsplit")


def array_split(x, indices_or_sections, axis=0):
    """x cut into `indices_or_sections` pieces along `axis`, of lengths that differ by at
    most one (the longer ones first)."""
    x = tensor(x)
    sections = check_whole(indices_or_sections, "indices_or_sections", "array_split", minimum=1)
    axis = normalize_axis(axis, x.ndim, "array_split")
    size_, extra = divmod(x.shape[axis], sections)
    lengths = [size_ + 1] * extra + [size_] * (sections - extra)
    return split(x, [int(b) for b in np.cumsum(lengths)[:-1]], axis=axis)


# --- rolling, flipping, rotating and differences ------------------------------------------

def roll(x, shift, axis=None):
    """x with its values shifted by `shift` places along `axis` (of the flattened x when
    None), those pushed past the end coming back at the start."""
    x = tensor(x)
    shifts = _index_array(shift, "roll")
    shifts = int(shifts) if shifts.ndim == 0 else tuple(int(s) for s in shifts)
    back = -shifts if isinstance(shifts, int) else tuple(-s for s in shifts)
    if isinstance(axis, (list, tuple)):
        axis = tuple(normalize_axis(a, x.ndim, "roll") for a in axis)
    elif axis is not None:
        axis = normalize_axis(axis, x.ndim, "roll")
    return Tensor.from_op(np.roll(x.data, shifts, axis), (x,),
                          lambda g: (np.roll(g, back, axis),))           # roll back


def fliplr(x):
    """x reversed along axis 1 (left to right)."""
    x = tensor(x)
    _check_rank(x, 2, "fliplr")
    return flip(x, 1)


def flipud(x):
    """x reversed along axis 0 (up to down)."""
    x = tensor(x)
    _check_rank(x, 1, "flipud")
    return flip(x, 0)


def rot90(array, k=1, axes=(0, 1)):
    """x rotated by k quarter turns in the plane of `axes`, from the first axis toward the
    second."""
    x = tensor(array)
    _check_rank(x, 2, "rot90")
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError(f"rot90: expected two axes, received axes={axes!r}")
    plane = tuple(normalize_axis(a, x.ndim, "rot90") for a in axes)
    if plane[0] == plane[1]:
        raise ValueError(f"rot90: expected two different axes, received axes={axes!r}")
    turns = check_whole(k, "k", "rot90")
    return Tensor.from_op(np.rot90(x.data, turns, plane), (x,),
                          lambda g: (np.rot90(g, -turns, plane),))      # turn back


def _neighbours(ndim, axis):
    """The indices of x[1:] and x[:-1] along `axis` of an array of rank `ndim`."""
    def along(part):
        return tuple(part if a == axis else builtins.slice(None) for a in range(ndim))
    return along(builtins.slice(1, None)), along(builtins.slice(None, -1))


def _difference(x, axis):
    """x[1:] - x[:-1] along `axis` (True where neighbours differ, for booleans)."""
    later, earlier = _neighbours(x.ndim, axis)
    if x.dtype == bool:
        return Tensor(x.data[later] != x.data[earlier])

    def backward(g):              # out[i] = x[i+1] - x[i]: x[j] gets g[j-1] - g[j]
        zero = np.zeros((), g.dtype)
        return (-np.diff(g, axis=axis, prepend=zero, append=zero),)
    return Tensor.from_op(x.data[later] - x.data[earlier], (x,), backward)


def diff(a, n=1, axis=-1):
    """The n-th differences of `a` along `axis`: out[i] = a[i+1] - a[i], n times."""
    x = tensor(a)
    _check_rank(x, 1, "diff")
    times = check_whole(n, "n", "diff", minimum=0)
    axis = normalize_axis(axis, x.ndim, "diff")
    for _ in range(times):
        x = _difference(x, axis)
    return x


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along `axis` by the trapezoid rule: the sum of the widths times
    the means of neighbouring values. Widths come from the sample points x (a vector along
    the axis, or of y's shape) or are `dx`."""
    y, spacing = promote_float(y, dx if x is None else x)
    _check_rank(y, 1, "trapezoid")
    axis = normalize_axis(axis, y.ndim, "trapezoid")
    if x is None:
        widths = spacing
    elif spacing.ndim == 1:
        if spacing.shape[0] != y.shape[axis]:
            raise ValueError(f"trapezoid: expected x of length {y.shape[axis]} (axis {axis} of "
                             f"y), received x of shape {spacing.shape}")
        widths = reshape(diff(spacing), [-1 if a == axis else 1 for a in range(y.ndim)])
    else:
        widths = diff(spacing, axis=axis)
    later, earlier = _neighbours(y.ndim, axis)
    heights = add(getitem(y, later), getitem(y, earlier))
    return multiply(sum(multiply(heights, widths), axis=axis), 0.5)


# --- products of tensors ------------------------------------------------------------------

def _axis_list(axes, ndim, caller):
    axes = [axes] if isinstance(axes, (numbers.Integral, np.integer)) else list(axes)
    return [normalize_axis(a, ndim, caller) for a in axes]


def tensordot(x1, x2, axes=2):
    """The sum of products over pairs of axes: `axes` an int N (the last N axes of x1
    with the first N of x2) or a pair of axis lists. Shape: x1's other axes, then x2's."""
    a, b = promote(x1, x2)
    if isinstance(axes, (numbers.Integral, np.integer)):
        if not 0 <= axes <= builtins.min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: expected axes in [0, {builtins.min(a.ndim, b.ndim)}] "
                             f"for inputs of shapes {a.shape} and {b.shape}, received "
                             f"axes={axes!r}")
        a_axes, b_axes = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        if len(axes) != 2:
            raise ValueError(f"tensordot: expected axes to be an int or a pair of axis lists, "
                             f"received axes={axes!r}")
        a_axes = _axis_list(axes[0], a.ndim, "tensordot")
        b_axes = _axis_list(axes[1], b.ndim, "tensordot")
    if [a.shape[i] for i in a_axes] != [b.shape[i] for i in b_axes]:
        raise ValueError(f"tensordot: the summed axes differ in length: axes {a_axes} of "
                         f"shape {a.shape} and axes {b_axes} of shape {b.shape}")
    letters = iter(string.ascii_letters)
    a_letters = [next(letters) for _ in range(a.ndim)]
    b_letters = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        b_letters[j] = a_letters[i]                    # a summed pair shares a letter
    free = [c for i, c in enumerate(a_letters) if i not in a_axes] + \
        [c for j, c in enumerate(b_letters) if j not in b_axes]
    return einsum(f"{''.join(a_letters)},{''.join(b_letters)}->{''.join(free)}", a, b)


def inner(x1, x2):
    """The sum of products over the last axes of x1 and x2 (a product with a scalar)."""
    a, b = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def vdot(x1, x2):
    """The dot product of the flattened x1 and x2."""
    a, b = promote(x1, x2)
    if a.size != b.size:
        raise ValueError(f"vdot: expected inputs with as many elements, received shapes "
                         f"{a.shape} and {b.shape}")
    return einsum("i,i->", ravel(a), ravel(b))


def kron(x1, x2):
    """The Kronecker product: block (i, j, ...) is x1[i, j, ...] * x2."""
    a, b = promote(x1, x2)
    rank = builtins.max(a.ndim, b.ndim)
    a_dims = (1,) * (rank - a.ndim) + a.shape
    b_dims = (1,) * (rank - b.ndim) + b.shape
    # a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...): entry (i0, j0, i1, j1, ...)
    spread_a = reshape(a, [n for dim in a_dims for n in (dim, 1)])
    spread_b = reshape(b, [n for dim in b_dims for n in (1, dim)])
    return reshape(multiply(spread_a, spread_b), [p * q for p, q in zip(a_dims, b_dims)])


def _times_minus(p, q, r, s):
    """p q - r s, where a missing (None) factor makes its product zero."""
    left = multiply(p, q) if p is not None and q is not None else None
    right = multiply(r, s) if r is not None and s is not None else None
    if right is None:
        return left
    return negative(right) if left is None else subtract(left, right)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of the vectors of length 3 (or 2, z taken as 0) along `axisa` of x1
    and `axisb` of x2, placed along `axisc` (`axis` sets all three). Two vectors of length
    2 give the z component alone."""
    a, b = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, normalize_axis(axisa, a.ndim, "cross"), -1)
    b = moveaxis(b, normalize_axis(axisb, b.ndim, "cross"), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError(f"cross: expected vectors of length 2 or 3, received lengths "
                         f"{a.shape[-1]} and {b.shape[-1]}")

    def parts(t):
        return [getitem(t, (Ellipsis, i)) for i in range(t.shape[-1])] + [None] * (3 - t.shape[-1])
    (ax, ay, az), (bx, by, bz) = parts(a), parts(b)
    z = _times_minus(ax, by, ay, bx)
    if az is None and bz is None:
        return z
    out = stack([_times_minus(ay, bz, az, by), _times_minus(az, bx, ax, bz), z], axis=-1)
    return moveaxis(out, -1, normalize_axis(axisc, out.ndim, "cross"))


# --- choosing -----------------------------------------------------------------------------

def select(condlist, choicelist, default=0):
    """Each element from the choice of the first condition that holds there, else `default`."""
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError(f"select: expected condlist and choicelist to be lists, received "
                         f"{type(condlist).__name__} and {type(choicelist).__name__}")
    if not condlist or len(condlist) != len(choicelist):
        raise ValueError(f"select: expected non-empty condlist and choicelist of one length, "
                         f"received {len(condlist)} conditions and {len(choicelist)} choices")
    *choices, out = promote(*choicelist, default)
    for condition, choice in zip(reversed(condlist), reversed(choices)):   # first one wins
        out = where(as_array(condition).astype(bool), choice, out)
    return out


def switch(index, branches, *operands):
    """branches[index](*operands), index clipped to the valid range (as Keras does)."""
    if not isinstance(branches, (list, tuple)) or not branches \
            or not builtins.all(callable(b) for b in branches):
        raise TypeError(f"switch: expected a non-empty list of callables for argument "
                        f"'branches', received branches={branches!r}")
    chosen = builtins.min(builtins.max(check_whole(index, "index", "switch"), 0), len(branches) - 1)
    return branches[chosen](*operands)


# --- reading and writing regions ----------------------------------------------------------

def get_item(x, key):
    """x[key] (NumPy's indexing: ints, slices, None, Ellipsis, integer and boolean arrays)."""
    return getitem(x, key)


def _region(dims, start_indices, lengths, caller):
    """The slices of the box starting at `start_indices` with `lengths` (-1: to the end)."""
    starts = _index_array(start_indices, caller).reshape(-1)
    if len(starts) != len(dims) or len(lengths) != len(dims):
        raise ValueError(f"{caller}: expected start indices and a shape with one entry per "
                         f"axis of the input of shape {dims}, received "
                         f"start_indices={starts.tolist()} and shape {tuple(lengths)}")
    region = []
    for axis, (start, length, dim) in enumerate(zip(starts.tolist(), lengths, dims)):
        stop = dim if length == -1 else start + length
        if not 0 <= start <= stop <= dim:
            raise ValueError(f"{caller}: the region [{start}:{stop}] of axis {axis} lies "
                             f"outside its length {dim} (input shape {dims})")
        region.append(builtins.slice(start, stop))
    return tuple(region)


def slice(inputs, start_indices, shape):
    """The box of `inputs` starting at `start_indices` with the given `shape` (a -1 in it:
    to the end of that axis)."""
    x = tensor(inputs)
    lengths = [check_whole(n, "shape", "slice", minimum=-1) for n in shape]
    return getitem(x, _region(x.shape, start_indices, lengths, "slice"))


def slice_update(inputs, start_indices, updates):
    """`inputs` with the box starting at `start_indices` replaced by `updates` (cast to
    the inputs' dtype)."""
    x = tensor(inputs)
    patch = tensor(updates)
    patch = patch if patch.dtype == x.dtype else cast(patch, x.dtype)
    if patch.ndim != x.ndim:
        raise ValueError(f"slice_update: expected updates of rank {x.ndim} (the rank of the "
                         f"inputs), received shape {patch.shape}")
    region = _region(x.shape, start_indices, patch.shape, "slice_update")
    out = x.data.copy()
    out[region] = patch.data

    def backward(g):              # the box came from updates, the rest from inputs
        rest = g.copy()
        rest[region] = 0
        return rest, g[region]
    return Tensor.from_op(out, (x, patch), backward)


def _flat_positions(indices, dims, caller):
    """The rows of `indices` (..., r), each the coordinates of an entry of the first r axes
    of `dims` (negative ones counting from the end), as flat positions (N,)."""
    rank = indices.shape[-1] if indices.ndim else 0
    if indices.ndim == 0 or not 1 <= rank <= len(dims):
        raise ValueError(f"{caller}: expected indices of shape (..., r) with 1 <= r <= "
                         f"{len(dims)} (coordinates into the shape {dims}), received indices of "
                         f"shape {indices.shape}")
    coords = indices.reshape(-1, rank)
    limits = np.array(dims[:rank])
    if coords.size and ((coords < -limits) | (coords >= limits)).any():
        raise IndexError(f"{caller}: indices out of range for the shape {dims}: received "
                         f"values from {coords.min()} to {coords.max()}")
    coords = np.where(coords < 0, coords + limits, coords)
    return np.ravel_multi_index(tuple(coords.T), dims[:rank]).reshape(-1)


def _runs(positions):
    """Groups of equal positions: (order, starts, targets, run) where `order` sorts the
    positions stably, the runs of equal ones begin at `starts` of that order, `targets`
    holds each run's position and `run` the run of each position."""
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    starts = np.flatnonzero(np.diff(ordered, prepend=-1))
    targets = ordered[starts]
    return order, starts, targets, np.searchsorted(targets, positions)


def scatter(indices, values, shape):
    """A zero Tensor of `shape` with `values` added at `indices` (..., r): each index row
    names an entry (r = len(shape)) or a slice of the trailing axes, and values has shape
    indices.shape[:-1] + shape[r:]. Repeated indices add up."""
    dims = check_shape(shape, "scatter")
    values = tensor(values)
    indices = _index_array(indices, "scatter")
    positions = _flat_positions(indices, dims, "scatter")
    rank = indices.shape[-1]
    expected = indices.shape[:-1] + dims[rank:]
    if values.shape != expected:
        raise ValueError(f"scatter: expected values of shape {expected} for indices of shape "
                         f"{indices.shape} into the shape {dims}, received {values.shape}")
    cells = int(np.prod(dims[:rank], dtype=np.int64))
    entries = int(np.prod(dims[rank:], dtype=np.int64))            # per cell
    rows = values.data.reshape(len(positions), entries)
    out = np.zeros((cells, entries), values.dtype)
    if len(positions):
        order, starts, targets, _ = _runs(positions)
        out[targets] = np.add.reduceat(rows[order], starts, axis=0)

    def backward(g):              # each value gets the gradient of the cell it went to
        return (g.reshape(cells, entries)[positions].reshape(values.shape),)
    return Tensor.from_op(out.reshape(dims), (values,), backward)


SCATTER_REDUCTIONS = (None, "add", "max", "min", "mul")
_REDUCERS = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def _others_in_run(rows, order, starts, run):
    """For each row of `rows`, the product of the other rows of its run: the product of
    the run's non-zero rows, divided by the row itself when it is not zero, and zero when
    another row of the run is zero."""
    zero = rows == 0
    safe = np.where(zero, np.ones((), rows.dtype), rows)
    zeros = np.add.reduceat(zero[order].astype(np.int64), starts, axis=0)[run]
    product = np.multiply.reduceat(safe[order], starts, axis=0)[run]
    return np.where(zero, np.where(zeros == 1, product, 0), np.where(zeros == 0, product / safe, 0))


def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with entries (or trailing slices) at `indices` (N, r) set to `updates`
    (N, *inputs.shape[r:]), or combined with them by `reduction` ('add', 'max', 'min',
    'mul'). Without a reduction, the last of repeated indices wins."""
    if isinstance(reduction, str):
        reduction = reduction.lower()
    backend.check_choice("scatter_update", "reduction", reduction, SCATTER_REDUCTIONS)
    x = tensor(inputs)
    patch = tensor(updates)
    patch = patch if patch.dtype == x.dtype else cast(patch, x.dtype)
    indices = _index_array(indices, "scatter_update")
    if indices.ndim != 2:
        raise ValueError(f"scatter_update: expected indices of shape (N, r), received shape "
                         f"{indices.shape}")
    positions = _flat_positions(indices, x.shape, "scatter_update")
    rank = indices.shape[1]
    expected = (len(positions),) + x.shape[rank:]
    if patch.shape != expected:
        raise ValueError(f"scatter_update: expected updates of shape {expected}, received "
                         f"{patch.shape}")
    cells = int(np.prod(x.shape[:rank], dtype=np.int64))
    entries = int(np.prod(x.shape[rank:], dtype=np.int64))         # per cell
    base = x.data.reshape(cells, entries)
    rows = patch.data.reshape(len(positions), entries)
    out = base.copy()
    if not len(positions):
        return Tensor.from_op(out.reshape(x.shape), (x, patch),
                              lambda g: (g, np.zeros(patch.shape, g.dtype)))
    order, starts, targets, run = _runs(positions)
    last = order[np.append(starts[1:], len(positions)) - 1]       # the last row of each run
    if reduction is None:
        out[targets] = rows[last]
    else:
        combined = _REDUCERS[reduction].reduceat(rows[order], starts, axis=0)
        out[targets] = _REDUCERS[reduction](base[targets], combined)

    def backward(g):
        g = g.reshape(cells, entries)
        grad_x = g.copy()
        if reduction is None:     # the cells written lose their inputs; each writer gets g
            grad_x[targets] = 0
            grad_rows = np.zeros(rows.shape, g.dtype)
            grad_rows[last] = g[targets]
        elif reduction == "add":
            grad_rows = g[positions]
        elif reduction == "mul":  # cell = input * product of the run's rows
            grad_x[targets] *= combined
            grad_rows = g[positions] * base[positions] * _others_in_run(rows, order, starts, run)
        else:                     # max / min: the winners share the gradient equally
            input_wins = base[targets] == out[targets]
            row_wins = rows == out[positions]
            winners = input_wins + np.add.reduceat(row_wins[order].astype(np.int64), starts,
                                                   axis=0)
            grad_x[targets] *= (input_wins / winners).astype(g.dtype)
            grad_rows = g[positions] * (row_wins / winners[run]).astype(g.dtype)
        return grad_x.reshape(x.shape), grad_rows.reshape(patch.shape)
    return Tensor.from_op(out.reshape(x.shape), (x, patch), backward)
