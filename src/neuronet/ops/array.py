"""Array ops of keras.ops: creation, comparison and logic, sorting, and shape/index ops.

Creation, comparison, logic, rounding and index-returning ops have no gradient: they
return plain Tensors (outside any graph). The shape/index ops that move values around
(tile, repeat, split, flip, pad, take_along_axis, sort, top_k, broadcast_to, tril, diagonal,
segment_sum, ...) are differentiable: each backward pass sends the gradient back to where a
value was read. linspace and meshgrid are differentiable in their inputs too.
Integer results (argmax, argsort, top_k indices, count_nonzero) are int32, as in Keras.
"""
import builtins
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from .math import cast, getitem, reshape, tensor, transpose, unbroadcast

__all__ = [
    "shape", "array", "convert_to_tensor", "convert_to_numpy", "stop_gradient",
    "ones", "zeros", "full", "ones_like", "zeros_like", "full_like", "arange", "eye", "one_hot",
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "any", "all", "count_nonzero",
    "isnan", "isinf", "isfinite", "sign", "round", "floor", "ceil", "mod", "floor_divide",
    "argmax", "argmin", "argsort", "sort", "top_k", "take_along_axis",
    "tile", "repeat", "split", "flip", "pad", "broadcast_to", "swapaxes", "moveaxis",
    "tril", "triu", "diagonal", "diag", "linspace", "meshgrid", "multi_hot",
    "segment_sum", "segment_max", "segment_min", "segment_prod",
]

INDEX_DTYPE = np.int32


# --- argument checks (shared with neuronet.random) ------------------------------------------

def check_shape(shape, caller):
    """`shape` (an int or a sequence of non-negative ints) as a tuple of ints."""
    dims = (shape,) if isinstance(shape, (numbers.Integral, np.integer)) else shape
    try:
        dims = tuple(dims)
    except TypeError:
        dims = None
    if dims is None or not builtins.all(isinstance(n, (numbers.Integral, np.integer))
                                        and not isinstance(n, bool) and n >= 0 for n in dims):
        raise TypeError(f"{caller}: expected shape to be a tuple of non-negative ints, "
                        f"received shape={shape!r}")
    return tuple(int(n) for n in dims)


def check_dtype(dtype, caller, default, kinds="biuf"):
    """`dtype` as a NumPy dtype (`default` when None); its kind must be one of `kinds`."""
    try:
        resolved = np.dtype(default if dtype is None else dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.kind not in kinds:
        expected = {"f": "a float dtype", "iu": "an integer dtype"}.get(kinds, "a numeric dtype")
        raise ValueError(f"{caller}: expected {expected} for argument 'dtype', "
                         f"received dtype={dtype!r}")
    return resolved


def normalize_axis(axis, ndim, caller):
    """`axis` as an int in [0, ndim), or a ValueError naming `caller`."""
    if isinstance(axis, bool) or not isinstance(axis, (numbers.Integral, np.integer)) \
            or not -ndim <= axis < ndim:
        raise ValueError(f"{caller}: expected axis to be an int in [{-ndim}, {ndim}) for an "
                         f"input of rank {ndim}, received axis={axis!r}")
    return int(axis) % ndim


def _axes(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _index_array(values, caller):
    """`values` as an integer array (whole floats are accepted), else a TypeError."""
    array = as_array(values)
    if array.dtype.kind == "f" and np.array_equal(array, np.trunc(array)):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{caller}: expected integer indices, received an array of dtype "
                        f"{array.dtype}")
    return array


def _operand(value):
    """The array behind a Tensor or array-like; a Python scalar stays a Python scalar, so
    NumPy treats it as a weak type (float32 > 0.5 stays float32)."""
    if isinstance(value, (bool, int, float)):
        return value
    return as_array(value)


# --- tensors in and out -------------------------------------------------------------------

def shape(x):
    """The shape of `x` as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a Tensor; a Tensor of another dtype is cast (and keeps its graph)."""
    if sparse or ragged:
        raise ValueError("convert_to_tensor: sparse and ragged tensors are not supported, "
                         f"received sparse={sparse!r}, ragged={ragged!r}")
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == np.dtype(dtype) else cast(x, dtype)
    return Tensor(as_array(x, dtype))


def array(x, dtype=None):
    """`x` as a new Tensor (a copy, no gradient), of `dtype` when given (keras.ops.array)."""
    return Tensor(np.array(as_array(x), dtype=dtype))


def convert_to_numpy(x):
    """The values of `x` as a new NumPy array."""
    return np.array(as_array(x))


def stop_gradient(variable):
    """The same values, outside the graph: no gradient flows back through it."""
    return Tensor(as_array(variable))


# --- creation -----------------------------------------------------------------------------

def _filled(shape, fill_value, dtype, caller):
    dims = check_shape(shape, caller)
    return Tensor(np.full(dims, as_array(fill_value), check_dtype(dtype, caller, backend.floatx())))


def _filled_like(x, fill_value, dtype, caller):
    x = as_array(x)
    return Tensor(np.full(x.shape, as_array(fill_value), check_dtype(dtype, caller, x.dtype)))


def ones(shape, dtype=None):
    """A Tensor of `shape` filled with ones, of dtype floatx() unless given."""
    return _filled(shape, 1, dtype, "ones")


def zeros(shape, dtype=None):
    """A Tensor of `shape` filled with zeros, of dtype floatx() unless given."""
    return _filled(shape, 0, dtype, "zeros")


def full(shape, fill_value, dtype=None):
    """A Tensor of `shape` filled with `fill_value`, of dtype floatx() unless given."""
    return _filled(shape, fill_value, dtype, "full")


def ones_like(x, dtype=None):
    """Ones of x's shape, of x's dtype unless given."""
    return _filled_like(x, 1, dtype, "ones_like")


def zeros_like(x, dtype=None):
    """Zeros of x's shape, of x's dtype unless given."""
    return _filled_like(x, 0, dtype, "zeros_like")


def full_like(x, fill_value, dtype=None):
    """`fill_value` in x's shape, of x's dtype unless given."""
    return _filled_like(x, fill_value, dtype, "full_like")


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in [start, stop); int32 when every bound is an int, else floatx()."""
    bounds = [b for b in (start, stop, step) if b is not None]
    whole = builtins.all(isinstance(b, (numbers.Integral, np.integer)) for b in bounds)
    dtype = check_dtype(dtype, "arange", INDEX_DTYPE if whole else backend.floatx())
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: expected a non-zero step, received step=0")
    return Tensor(np.arange(start, stop, 1 if step is None else step, dtype=dtype))


def eye(N, M=None, k=0, dtype=None):
    """An N x M matrix with ones on diagonal `k`, of dtype floatx() unless given."""
    return Tensor(np.eye(N, M, k, dtype=check_dtype(dtype, "eye", backend.floatx())))


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Class indices `x` (...) -> one-hot vectors, a new axis of length `num_classes` at
    `axis` (last by default). An index outside [0, num_classes) gives a row of zeros."""
    return Tensor(_one_hot_array(x, num_classes, axis, dtype, sparse, "one_hot"))


def _one_hot_array(x, num_classes, axis, dtype, sparse, caller):
    """one_hot's values as an array, its arguments checked in the name of `caller`."""
    if sparse:
        raise ValueError(f"{caller}: sparse tensors are not supported, received sparse=True")
    whole = isinstance(num_classes, (numbers.Integral, np.integer))
    if isinstance(num_classes, bool) or not whole or num_classes < 1:
        raise ValueError(f"{caller}: expected a positive int for argument 'num_classes', "
                         f"received num_classes={num_classes!r}")
    indices = _index_array(x, caller)
    axis = normalize_axis(axis, indices.ndim + 1, caller)
    hot = indices[..., None] == np.arange(num_classes)      # (..., num_classes)
    dtype = check_dtype(dtype, caller, backend.floatx())
    return np.moveaxis(hot, -1, axis).astype(dtype)


# --- comparison, logic and elementwise ops without a gradient -----------------------------

def _elementwise(np_fn, *values):
    """np_fn on the values, as a Tensor; float64 only when an input array is float64."""
    arrays = [_operand(v) for v in values]
    out = np.asarray(np_fn(*arrays))
    if out.dtype == np.float64 and not builtins.any(getattr(a, "dtype", None) == np.float64
                                                    for a in arrays):
        out = out.astype(backend.floatx())                 # int32 // 2.0 gives floatx()
    return Tensor(out)


def equal(x1, x2):
    return _elementwise(np.equal, x1, x2)


def not_equal(x1, x2):
    return _elementwise(np.not_equal, x1, x2)


def greater(x1, x2):
    return _elementwise(np.greater, x1, x2)


def greater_equal(x1, x2):
    return _elementwise(np.greater_equal, x1, x2)


def less(x1, x2):
    return _elementwise(np.less, x1, x2)


def less_equal(x1, x2):
    return _elementwise(np.less_equal, x1, x2)


def logical_and(x1, x2):
    return _elementwise(np.logical_and, x1, x2)


def logical_or(x1, x2):
    return _elementwise(np.logical_or, x1, x2)


def logical_xor(x1, x2):
    return _elementwise(np.logical_xor, x1, x2)


def logical_not(x):
    return _elementwise(np.logical_not, x)


def mod(x1, x2):
    """The remainder of x1 / x2, with the sign of x2 (no gradient)."""
    return _elementwise(np.mod, x1, x2)


def floor_divide(x1, x2):
    """floor(x1 / x2) (no gradient)."""
    return _elementwise(np.floor_divide, x1, x2)


def isnan(x):
    return _elementwise(np.isnan, x)


def isinf(x):
    return _elementwise(np.isinf, x)


def isfinite(x):
    return _elementwise(np.isfinite, x)


def sign(x):
    """-1, 0 or 1 by the sign of each value, in x's dtype (no gradient)."""
    return _elementwise(np.sign, x)


def round(x, decimals=0):
    """Values rounded half to even to `decimals` places (no gradient)."""
    return Tensor(np.round(as_array(x), decimals))


def _float_values(x):
    x = as_array(x)
    return x if x.dtype.kind == "f" else x.astype(backend.floatx())


def floor(x):
    """The largest whole number <= x, as a float (no gradient)."""
    return Tensor(np.floor(_float_values(x)))


def ceil(x):
    """The smallest whole number >= x, as a float (no gradient)."""
    return Tensor(np.ceil(_float_values(x)))


def any(x, axis=None, keepdims=False):
    return Tensor(np.any(as_array(x), axis=_axes(axis), keepdims=keepdims))


def all(x, axis=None, keepdims=False):
    return Tensor(np.all(as_array(x), axis=_axes(axis), keepdims=keepdims))


def count_nonzero(x, axis=None):
    """The number of non-zero values (over `axis`), as int32."""
    return Tensor(np.asarray(np.count_nonzero(as_array(x), axis=_axes(axis)), INDEX_DTYPE))


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (first on ties) over `axis`, or of the flattened x."""
    return Tensor(np.argmax(as_array(x), axis=axis, keepdims=keepdims).astype(INDEX_DTYPE))


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value (first on ties) over `axis`, or of the flattened x."""
    return Tensor(np.argmin(as_array(x), axis=axis, keepdims=keepdims).astype(INDEX_DTYPE))


def argsort(x, axis=-1):
    """The indices that sort `x` along `axis` (stable: ties keep their order)."""
    return Tensor(np.argsort(as_array(x), axis=axis, kind="stable").astype(INDEX_DTYPE))


# --- gathering along an axis --------------------------------------------------------------

def _scatter_along_axis(g, indices, axis, target_shape, unique):
    """Sum each value of `g` into the element of a zero array of `target_shape` it was read
    from: indices (g's shape) give the position along `axis`.

    With `unique` (no index repeats along the axis: a sort, a single gathered position) a
    plain write does it; otherwise repeated positions must accumulate, which np.bincount does
    over the flat positions (np.put_along_axis would keep only one of the repeated values).
    """
    if unique:
        full = np.zeros(target_shape, g.dtype)
        np.put_along_axis(full, indices, g, axis)
        return full
    coords = list(np.indices(indices.shape, sparse=True))
    coords[axis] = indices
    flat = np.ravel_multi_index(coords, target_shape)
    size = int(np.prod(target_shape))
    sums = np.bincount(flat.ravel(), weights=g.ravel(), minlength=size)
    return sums.astype(g.dtype).reshape(target_shape)


def _take_along(x, indices, axis, unique):
    """x gathered by non-negative `indices` along `axis` (np.take_along_axis), with its gradient."""
    out = np.take_along_axis(x.data, indices, axis)

    def backward(g):        # x broadcast to the indices' other axes, then summed back
        target = g.shape[:axis] + (x.shape[axis],) + g.shape[axis + 1:]
        scattered = _scatter_along_axis(g, np.broadcast_to(indices, g.shape), axis, target, unique)
        return (unbroadcast(scattered, x.shape),)
    return Tensor.from_op(out, (x,), backward)


def take_along_axis(x, indices, axis=None):
    """Values of `x` at `indices` along `axis` (NumPy's take_along_axis; axis None: of the
    flattened x). indices has x's rank; its other axes broadcast against x's."""
    x = tensor(x)
    indices = _index_array(indices, "take_along_axis")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim, "take_along_axis")
    if indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis: expected indices of rank {x.ndim} (the rank of x), "
                         f"received indices of shape {indices.shape}")
    length = x.shape[axis]
    if indices.size and (indices.min() < -length or indices.max() >= length):
        raise IndexError(f"take_along_axis: indices must lie in [{-length}, {length}) for "
                         f"axis {axis} of length {length}, received values from "
                         f"{indices.min()} to {indices.max()}")
    indices = np.where(indices < 0, indices + length, indices)
    return _take_along(x, indices, axis, unique=indices.shape[axis] == 1)


def sort(x, axis=-1):
    """`x` sorted in ascending order along `axis` (None: `x` flattened first); the gradient
    follows each value."""
    x = tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim, "sort")
    return _take_along(x, np.argsort(x.data, axis=axis, kind="stable"), axis, unique=True)


def top_k(x, k, sorted=True):
    """(values, indices) of the k largest values along the last axis, largest first (ties:
    the lower index first; NaN counts as larger than any number, as in Keras); values carry
    the gradient, indices are int32."""
    x = tensor(x)
    if x.ndim == 0:
        raise ValueError("top_k: expected an input of rank >= 1, received a scalar")
    length = x.shape[-1]
    if isinstance(k, bool) or not isinstance(k, (numbers.Integral, np.integer)) \
            or not 0 <= k <= length:
        raise ValueError(f"top_k: expected k to be an int in [0, {length}] (the size of the last "
                         f"axis), received k={k!r}")
    descending = -x.data if x.dtype.kind in "fi" else -x.data.astype(np.int64)
    nan = np.isnan(x.data) if x.dtype.kind == "f" else None
    if nan is not None and nan.any():                  # NaN first, then the numbers
        order = np.lexsort((descending, ~nan), axis=-1)[..., :k]
    else:
        order = np.argsort(descending, axis=-1, kind="stable")[..., :k]
    return _take_along(x, order, x.ndim - 1, unique=True), Tensor(order.astype(INDEX_DTYPE))


# --- copying, slicing and padding ---------------------------------------------------------

def tile(x, repeats):
    """`x` repeated `repeats[i]` times along axis i (NumPy's tile)."""
    x = tensor(x)
    reps = check_shape(repeats, "tile")
    rank = builtins.max(x.ndim, len(reps))
    reps = (1,) * (rank - len(reps)) + reps
    dims = (1,) * (rank - x.ndim) + x.shape

    def backward(g):        # g viewed as (r0, n0, r1, n1, ...): sum over every copy r_i
        copies = g.reshape([n for pair in zip(reps, dims) for n in pair])
        return (copies.sum(axis=tuple(range(0, 2 * rank, 2))).reshape(x.shape),)
    return Tensor.from_op(np.tile(x.data, reps), (x,), backward)


def repeat(x, repeats, axis=None):
    """Each element of `x` repeated along `axis` (of the flattened x when axis is None);
    repeats is an int or one count per element along the axis."""
    x = tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim, "repeat")
    length = x.shape[axis]
    counts = as_array(repeats)
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or counts.size not in (1, length) \
            or (counts < 0).any():
        raise ValueError(f"repeat: expected repeats to be a non-negative int or {length} of them "
                         f"(the length of axis {axis}), received repeats={repeats!r}")
    counts = np.broadcast_to(counts.reshape(-1), (length,))
    starts = (np.cumsum(counts) - counts)[counts > 0]        # where each element's copies begin
    copied = tuple(slice(None) if a != axis else counts > 0 for a in range(x.ndim))

    def backward(g):        # each element gets the sum of g over its copies
        grad = np.zeros(x.shape, g.dtype)
        if starts.size:
            grad[copied] = np.add.reduceat(g, starts, axis=axis)
        return (grad,)
    return Tensor.from_op(np.repeat(x.data, counts, axis=axis), (x,), backward)


def split(x, indices_or_sections, axis=0):
    """A list of pieces of `x` along `axis`: `sections` equal pieces, or the pieces between
    the given split indices (NumPy's split)."""
    x = tensor(x)
    axis = normalize_axis(axis, x.ndim, "split")
    length = x.shape[axis]
    if isinstance(indices_or_sections, (numbers.Integral, np.integer)):
        sections = int(indices_or_sections)
        if sections < 1 or length % sections:
            raise ValueError(f"split: cannot split axis {axis} of length {length} into "
                             f"{indices_or_sections!r} equal sections")
        bounds = [i * (length // sections) for i in range(sections + 1)]
    else:
        bounds = [0] + [int(i) for i in as_array(indices_or_sections).reshape(-1)] + [length]
    before = (slice(None),) * axis
    return [getitem(x, before + (slice(lo, hi),)) for lo, hi in zip(bounds[:-1], bounds[1:])]


def flip(x, axis=None):
    """`x` with the order of its values reversed along `axis` (every axis when None)."""
    x = tensor(x)
    axis = _axes(axis)
    return Tensor.from_op(np.flip(x.data, axis), (x,), lambda g: (np.flip(g, axis),))


# Besides 'constant', the modes whose padding copies input entries: out[i] = x[source[i]]
# along each axis, source = np.pad(np.arange(n), widths, mode)
COPY_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")
PAD_MODES = ("constant",) + COPY_PAD_MODES


def pad(x, pad_width, mode="constant", constant_values=None):
    """`x` padded: pad_width gives (before, after) for every axis, or one pair (or int) for
    all axes. mode 'constant' pads with `constant_values` (0 when None); 'edge', 'reflect',
    'symmetric' and 'wrap' with copies of x's own entries, as np.pad does."""
    x = tensor(x)
    backend.check_choice("pad", "mode", mode, PAD_MODES)
    widths = as_array(pad_width)
    try:
        widths = np.broadcast_to(widths, (x.ndim, 2))
    except ValueError:
        widths = None
    if widths is None or widths.dtype.kind not in "iu" or (widths < 0).any():
        raise ValueError(f"pad: expected pad_width to be non-negative ints, one (before, after) "
                         f"pair per axis of the input of shape {x.shape}, received "
                         f"pad_width={pad_width!r}")
    inner = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
    if mode == "constant":
        value = 0 if constant_values is None else as_array(constant_values)
        out = np.pad(x.data, widths, constant_values=value)
        return Tensor.from_op(out, (x,), lambda g: (g[inner],))   # the input's region of g
    if constant_values is not None:
        raise ValueError(f"pad: constant_values can only be given with mode='constant', "
                         f"received mode={mode!r} and constant_values={constant_values!r}")
    if ((np.array(x.shape) == 0) & (widths.sum(axis=1) > 0)).any():  # an empty axis padded
        raise ValueError(f"pad: mode={mode!r} cannot pad an empty axis; input shape {x.shape}")
    out = np.pad(x.data, widths, mode=mode)

    def backward(g):                # each padded entry's gradient goes to the entry it copies
        for axis, ((before, after), n) in enumerate(zip(widths, x.shape)):
            source = np.pad(np.arange(n), (before, after), mode=mode)
            g = np.moveaxis(g, axis, 0)
            grad = g[before:before + n].copy()                   # (n, ...): the copied-from
            for position in (*range(before), *range(before + n, before + n + after)):
                grad[source[position]] += g[position]
            g = np.moveaxis(grad, 0, axis)
        return (g,)
    return Tensor.from_op(out, (x,), backward)


def broadcast_to(x, shape):
    """`x` broadcast to `shape` (NumPy's rules); the gradient is summed back."""
    x = tensor(x)
    out = np.broadcast_to(x.data, check_shape(shape, "broadcast_to")).copy()
    return Tensor.from_op(out, (x,), lambda g: (unbroadcast(g, x.shape),))


def swapaxes(x, axis1, axis2):
    """`x` with axes `axis1` and `axis2` exchanged."""
    x = tensor(x)
    order = list(range(x.ndim))
    first = normalize_axis(axis1, x.ndim, "swapaxes")
    second = normalize_axis(axis2, x.ndim, "swapaxes")
    order[first], order[second] = second, first
    return transpose(x, order)


def moveaxis(x, source, destination):
    """`x` with the axes `source` moved to the positions `destination` (the rest keep order)."""
    x = tensor(x)
    source = [source] if isinstance(source, (numbers.Integral, np.integer)) else list(source)
    destination = ([destination] if isinstance(destination, (numbers.Integral, np.integer))
                   else list(destination))
    if len(source) != len(destination):
        raise ValueError(f"moveaxis: source and destination must have the same number of axes, "
                         f"received source={source!r}, destination={destination!r}")
    source = [normalize_axis(a, x.ndim, "moveaxis") for a in source]
    destination = [normalize_axis(a, x.ndim, "moveaxis") for a in destination]
    order = [a for a in range(x.ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(x, order)


# --- triangles and diagonals --------------------------------------------------------------

def _check_int(value, name, caller):
    """`value` as an int, or a TypeError naming `caller` and the argument."""
    if not backend.is_int(value):
        raise TypeError(f"{caller}: expected an int for argument '{name}', "
                        f"received {name}={value!r}")
    return int(value)


def _keep_where(x, keep):
    """`x` with its values outside the boolean array `keep` (broadcast to x) set to zero."""
    zero = np.zeros((), x.dtype)
    return Tensor.from_op(np.where(keep, x.data, zero), (x,),
                          lambda g: (np.where(keep, g, np.zeros((), g.dtype)),))


def _matrices(x, caller):
    """`x` as a Tensor of rank >= 2 (a stack of matrices in its last two axes)."""
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"{caller}: expected an input of rank >= 2 (matrices in the last two "
                         f"axes), received shape {x.shape}")
    return x


def tril(x, k=0):
    """The lower triangle of the matrices in the last two axes of `x`: entry (i, j) is kept
    where j <= i + k and set to zero above. tril(ones((T, T))) is a causal attention mask."""
    x = _matrices(x, "tril")
    rows, cols = x.shape[-2:]
    return _keep_where(x, np.tri(rows, cols, _check_int(k, "k", "tril"), dtype=bool))


def triu(x, k=0):
    """The upper triangle of the matrices in the last two axes of `x`: entry (i, j) is kept
    where j >= i + k and set to zero below."""
    x = _matrices(x, "triu")
    rows, cols = x.shape[-2:]
    return _keep_where(x, ~np.tri(rows, cols, _check_int(k, "k", "triu") - 1, dtype=bool))


def _diagonal_positions(rows, cols, offset):
    """(row indices, column indices) of diagonal `offset` of a rows x cols matrix (above the
    main diagonal for offset > 0, below it for offset < 0)."""
    first_row, first_col = builtins.max(-offset, 0), builtins.max(offset, 0)
    length = builtins.max(builtins.min(rows - first_row, cols - first_col), 0)
    return np.arange(length) + first_row, np.arange(length) + first_col


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal `offset` of the matrices spanned by axes `axis1` and `axis2` of `x`: the
    other axes, in order, then the diagonal as the last axis (NumPy's diagonal)."""
    x = _matrices(x, "diagonal")
    offset = _check_int(offset, "offset", "diagonal")
    first = normalize_axis(axis1, x.ndim, "diagonal")
    second = normalize_axis(axis2, x.ndim, "diagonal")
    if first == second:
        raise ValueError(f"diagonal: expected two different axes, received axis1={axis1!r} "
                         f"and axis2={axis2!r}")
    moved = np.moveaxis(x.data, (first, second), (-2, -1))     # (..., rows, cols)
    rows, cols = _diagonal_positions(moved.shape[-2], moved.shape[-1], offset)

    def backward(g):                                   # g goes back onto the diagonal
        full = np.zeros(moved.shape, g.dtype)
        full[..., rows, cols] = g
        return (np.moveaxis(full, (-2, -1), (first, second)),)
    return Tensor.from_op(moved[..., rows, cols], (x,), backward)


def diag(x, k=0):
    """For a vector `x`, the square matrix with `x` on diagonal `k` and zeros elsewhere; for
    a matrix, its diagonal `k` as a vector (NumPy's diag)."""
    x = tensor(x)
    k = _check_int(k, "k", "diag")
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag: expected a vector or a matrix, received shape {x.shape}")
    size = x.shape[0] + builtins.abs(k)
    rows, cols = _diagonal_positions(size, size, k)
    out = np.zeros((size, size), x.dtype)
    out[rows, cols] = x.data
    return Tensor.from_op(out, (x,), lambda g: (g[rows, cols],))   # the diagonal of g


# --- grids of values ----------------------------------------------------------------------

def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` (included when `endpoint`); array
    bounds give one sequence per element, along a new axis `axis`. With retstep, returns
    (values, step). Of dtype floatx() unless given or start or stop is a float array of
    another dtype; the values and the step are differentiable in start and stop."""
    if isinstance(num, bool) or not isinstance(num, (numbers.Integral, np.integer)) or num < 0:
        raise ValueError(f"linspace: expected a non-negative int for argument 'num', "
                         f"received num={num!r}")
    bounds = [tensor(b) for b in (start, stop)]
    floats = [b.dtype for b in bounds if b.dtype.kind == "f"]
    default = np.result_type(*floats) if floats else np.dtype(backend.floatx())
    dtype = check_dtype(dtype, "linspace", default)
    work = dtype if dtype.kind == "f" else default     # the float dtype of the arithmetic
    lo, hi = [b if b.dtype == work else cast(b, work) for b in bounds]
    shape = np.broadcast_shapes(lo.shape, hi.shape)
    axis = normalize_axis(axis, len(shape) + 1, "linspace")
    out = np.linspace(lo.data, hi.data, int(num), endpoint=endpoint, axis=axis)
    fraction = np.linspace(0.0, 1.0, int(num), endpoint=endpoint).astype(work)  # of the way
    fraction = fraction.reshape([-1 if a == axis else 1 for a in range(len(shape) + 1)])

    def backward(g):               # out = lo (1 - fraction) + hi fraction, along `axis`
        return (unbroadcast(np.sum(g * (1 - fraction), axis=axis), lo.shape),
                unbroadcast(np.sum(g * fraction, axis=axis), hi.shape))
    values = Tensor.from_op(out.astype(dtype), (lo, hi), backward)
    if not retstep:
        return values
    steps = int(num) - 1 if endpoint else int(num)
    if steps < 1:                                      # no step between fewer than 2 values
        return values, Tensor(np.full(shape, np.nan, work))
    return values, (hi - lo) / steps


MESHGRID_INDEXING = ("xy", "ij")


def meshgrid(*x, indexing="xy"):
    """Coordinate grids of the vectors x0, x1, ...: a list of Tensors of one shape, the i-th
    holding x_i along axis i ('ij', matrix indexing); 'xy' (Cartesian) swaps the first two
    axes, so that grids of (xs, ys) have shape (len(ys), len(xs))."""
    backend.check_choice("meshgrid", "indexing", indexing, MESHGRID_INDEXING)
    vectors = [reshape(tensor(v), (-1,)) for v in x]
    axes = list(range(len(vectors)))
    if indexing == "xy" and len(vectors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(vectors)
    for vector, axis in zip(vectors, axes):
        shape[axis] = vector.shape[0]
    return [broadcast_to(reshape(vector, [-1 if a == axis else 1 for a in range(len(shape))]),
                         shape)
            for vector, axis in zip(vectors, axes)]


# --- encodings and segments ---------------------------------------------------------------

def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Sets of class indices -> multi-hot vectors, 1 for every class present: a vector of
    indices gives (num_classes,), a batch (batch, n) gives (batch, num_classes). The one-hot
    encodings (classes at `axis`) are reduced by max over axis 1, or 0 for a vector, as
    Keras does. Keras' older name for num_classes, num_tokens, is accepted."""
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword arguments {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("multi_hot: argument 'num_classes' is required, received None")
    hot = _one_hot_array(inputs, num_classes, axis, dtype, sparse, "multi_hot")
    return Tensor(np.max(hot, axis=1 if hot.ndim > 2 else 0, initial=0))


def _segments(data, segment_ids, num_segments, sorted, caller):
    """The checked arguments of a segment op, and the rows of `data` that count grouped by
    segment: (data, num_segments, rows, ids, starts, groups) where data[rows] lists them
    with their segment `ids` in ascending order, `starts` gives where each segment's run
    begins and `groups` its segment id. Rows whose id is outside [0, num_segments) drop out."""
    data = tensor(data)
    ids = _index_array(segment_ids, caller)
    if ids.ndim != 1 or data.ndim == 0 or len(ids) != data.shape[0]:
        raise ValueError(f"{caller}: expected segment_ids to be a vector with one id per row "
                         f"of data (the length of axis 0), received segment_ids of shape "
                         f"{ids.shape} for data of shape {data.shape}")
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    elif isinstance(num_segments, bool) or not isinstance(
            num_segments, (numbers.Integral, np.integer)) or num_segments < 0:
        raise ValueError(f"{caller}: expected a non-negative int or None for argument "
                         f"'num_segments', received num_segments={num_segments!r}")
    rows = np.flatnonzero((ids >= 0) & (ids < num_segments))
    ids = ids[rows]
    ascending = bool(np.all(ids[:-1] <= ids[1:]))
    if sorted and not ascending:
        raise ValueError(f"{caller}: sorted=True promises segment ids in ascending order, "
                         f"received segment_ids={as_array(segment_ids)!r}")
    if not ascending:
        order = np.argsort(ids, kind="stable")
        rows, ids = rows[order], ids[order]
    starts = np.flatnonzero(np.diff(ids, prepend=-1))          # where the id changes
    return data, int(num_segments), rows, ids, starts, ids[starts]


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """The sum of the rows of `data` (along axis 0) in each segment: output row s adds the
    rows whose id is s (zero for an empty segment). Shape (num_segments, *data.shape[1:]),
    num_segments defaulting to the largest id + 1; ids outside [0, num_segments) are dropped.
    sorted=True promises ascending ids (checked)."""
    data, count, rows, ids, starts, groups = _segments(data, segment_ids, num_segments,
                                                       sorted, "segment_sum")
    out = np.zeros((count,) + data.shape[1:], data.dtype)
    if rows.size:
        out[groups] = np.add.reduceat(data.data[rows], starts, axis=0)

    def backward(g):                                   # each row gets its segment's g
        grad = np.zeros(data.shape, g.dtype)
        grad[rows] = g[ids]
        return (grad,)
    return Tensor.from_op(out, (data,), backward)


def _segment_extremum(caller, reduce, data, segment_ids, num_segments, sorted):
    """segment_max (reduce np.maximum) or segment_min (np.minimum); an empty segment gets
    the identity of `reduce`: -inf / inf (the integer type's limits for integer data,
    False / True for booleans)."""
    data, count, rows, ids, starts, groups = _segments(data, segment_ids, num_segments,
                                                       sorted, caller)
    kind, largest = data.dtype.kind, reduce is np.maximum
    if kind == "f":
        empty = -np.inf if largest else np.inf
    elif kind == "b":
        empty = not largest
    else:
        empty = np.iinfo(data.dtype).min if largest else np.iinfo(data.dtype).max
    out = np.full((count,) + data.shape[1:], empty, data.dtype)
    picked = data.data[rows]
    if rows.size:
        out[groups] = reduce.reduceat(picked, starts, axis=0)

    def backward(g):                                   # the extreme values share g equally
        hit = (picked == out[ids]).astype(g.dtype)             # the rows that won
        winners = np.ones(out.shape, g.dtype)
        if rows.size:
            winners[groups] = np.add.reduceat(hit, starts, axis=0)
        grad = np.zeros(data.shape, g.dtype)
        grad[rows] = hit * g[ids] / winners[ids]
        return (grad,)
    return Tensor.from_op(out, (data,), backward)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """The largest of the rows of `data` in each segment, elementwise (see segment_sum for
    the arguments); an empty segment gives -inf (the smallest integer for integer data)."""
    return _segment_extremum("segment_max", np.maximum, data, segment_ids, num_segments, sorted)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """The smallest of the rows of `data` in each segment, elementwise (see segment_sum for
    the arguments); an empty segment gives inf (the largest integer for integer data)."""
    return _segment_extremum("segment_min", np.minimum, data, segment_ids, num_segments, sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """The product of the rows of `data` in each segment, elementwise (see segment_sum for
    the arguments); an empty segment gives 1."""
    data, count, rows, ids, starts, groups = _segments(data, segment_ids, num_segments,
                                                       sorted, "segment_prod")
    picked = data.data[rows]
    zero = picked == 0
    out = np.ones((count,) + data.shape[1:], data.dtype)
    others = np.ones_like(out)                         # the product of the nonzero rows
    zeros = np.zeros(out.shape, np.int64)              # how many rows are 0
    if rows.size:
        out[groups] = np.multiply.reduceat(picked, starts, axis=0)
        others[groups] = np.multiply.reduceat(np.where(zero, 1, picked), starts, axis=0)
        zeros[groups] = np.add.reduceat(zero.astype(np.int64), starts, axis=0)

    def backward(g):          # d prod/d x_i = the product of the other rows of its segment
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(zeros[ids] == 0, out[ids] / np.where(zero, 1, picked),
                            np.where(zero & (zeros[ids] == 1), others[ids], 0))
        grad = np.zeros(data.shape, g.dtype)
        grad[rows] = g[ids] * rest
        return (grad,)
    return Tensor.from_op(out, (data,), backward)
