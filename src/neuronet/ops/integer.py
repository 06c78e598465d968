"""Integer-valued ops of keras.ops: bitwise logic and shifts, gcd and lcm, searching sorted
values (searchsorted, digitize), counting (bincount, histogram, unique), positions
(nonzero, unravel_index, argpartition), membership (isin) and in_top_k.

They return plain Tensors without gradient, except bincount, which is differentiable in
its weights. Index and position results are int32, as in Keras.
"""
import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array
from .array import INDEX_DTYPE, _elementwise, _index_array, check_shape, normalize_axis
from .elementwise import check_whole, result_dtype
from .math import cast, tensor

__all__ = [
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_invert", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift", "gcd", "lcm",
    "searchsorted", "digitize", "bincount", "histogram", "unique", "nonzero",
    "unravel_index", "argpartition", "isin", "in_top_k",
]


# --- bits, divisors -----------------------------------------------------------------------

def _integer_op(np_fn, caller, *values, kinds="biu"):
    """np_fn on integer (or, with kinds 'biu', boolean) values; a TypeError for others."""
    for value in values:
        kind = "f" if isinstance(value, float) else as_array(value).dtype.kind
        if kind not in kinds:
            expected = "integer or boolean" if "b" in kinds else "integer"
            raise TypeError(f"{caller}: expected {expected} values, received "
                            f"{as_array(value).dtype} values")
    return _elementwise(np_fn, *values)


def bitwise_and(x, y):
    return _integer_op(np.bitwise_and, "bitwise_and", x, y)


def bitwise_or(x, y):
    return _integer_op(np.bitwise_or, "bitwise_or", x, y)


def bitwise_xor(x, y):
    return _integer_op(np.bitwise_xor, "bitwise_xor", x, y)


def bitwise_invert(x):
    """Every bit flipped (logical not for booleans): ~x."""
    return _integer_op(np.invert, "bitwise_invert", x)


def bitwise_not(x):
    """Every bit flipped: the same as bitwise_invert."""
    return _integer_op(np.invert, "bitwise_not", x)


def bitwise_left_shift(x, y):
    """x shifted left by y bits: x * 2**y."""
    return _integer_op(np.left_shift, "bitwise_left_shift", x, y, kinds="iu")


def bitwise_right_shift(x, y):
    """x shifted right by y bits: floor(x / 2**y)."""
    return _integer_op(np.right_shift, "bitwise_right_shift", x, y, kinds="iu")


def left_shift(x, y):
    """x shifted left by y bits (the same as bitwise_left_shift)."""
    return _integer_op(np.left_shift, "left_shift", x, y, kinds="iu")


def right_shift(x, y):
    """x shifted right by y bits (the same as bitwise_right_shift)."""
    return _integer_op(np.right_shift, "right_shift", x, y, kinds="iu")


def gcd(x1, x2):
    """The greatest common divisor of |x1| and |x2| (0 for two zeros)."""
    return _integer_op(np.gcd, "gcd", x1, x2, kinds="iu")


def lcm(x1, x2):
    """The least common multiple of |x1| and |x2| (0 if either is 0)."""
    return _integer_op(np.lcm, "lcm", x1, x2, kinds="iu")


# --- searching sorted values --------------------------------------------------------------

def _vector(values, name, caller):
    array = as_array(values)
    if array.ndim != 1:
        raise ValueError(f"{caller}: expected {name} to be a vector (rank 1), received shape "
                         f"{array.shape}")
    return array


SEARCH_SIDES = ("left", "right")


def searchsorted(sorted_sequence, values, side="left"):
    """For each value, the index at which inserting it keeps the ascending vector
    `sorted_sequence` sorted: before equal entries ('left') or after them ('right')."""
    backend.check_choice("searchsorted", "side", side, SEARCH_SIDES)
    sequence = _vector(sorted_sequence, "sorted_sequence", "searchsorted")
    return Tensor(np.searchsorted(sequence, as_array(values), side=side).astype(INDEX_DTYPE))


def digitize(x, bins):
    """For each value, the index of the bin it falls in: i with bins[i-1] <= x < bins[i]
    for increasing bins (bins[i-1] > x >= bins[i] for decreasing ones)."""
    edges = _vector(bins, "bins", "digitize")
    steps = np.diff(edges)
    if not ((steps >= 0).all() or (steps <= 0).all()):
        raise ValueError(f"digitize: expected monotonic bins, received bins={edges.tolist()}")
    return Tensor(np.digitize(as_array(x), edges).astype(INDEX_DTYPE))


# --- counting -----------------------------------------------------------------------------

def bincount(x, weights=None, minlength=0, sparse=False):
    """The number of occurrences of each value 0, 1, ... in the non-negative integers x
    (a vector, or a batch of vectors counted row by row), or the sum of their `weights`.
    Length max(x) + 1, at least `minlength`. int32 counts; weighted sums are of the
    weights' dtype and differentiable in the weights."""
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported, received sparse=True")
    values = _index_array(x, "bincount")
    if values.ndim not in (1, 2):
        raise ValueError(f"bincount: expected a vector or a batch of vectors (rank 1 or 2), "
                         f"received shape {values.shape}")
    if values.size and values.min() < 0:
        raise ValueError(f"bincount: expected non-negative values, received {values.min()}")
    length = max(int(values.max()) + 1 if values.size else 0,
                 check_whole(minlength, "minlength", "bincount", minimum=0))
    rows = values.shape[0] if values.ndim == 2 else 1
    offsets = np.arange(rows).reshape(-1, 1) * length if values.ndim == 2 else 0
    flat = (values + offsets).reshape(-1)               # each row counts in its own block
    out_shape = (rows, length) if values.ndim == 2 else (length,)
    if weights is None:
        return Tensor(np.bincount(flat, minlength=rows * length).astype(INDEX_DTYPE)
                      .reshape(out_shape))
    w = tensor(weights)
    if w.shape != values.shape:
        raise ValueError(f"bincount: expected weights of the shape of x {values.shape}, "
                         f"received {w.shape}")
    dtype = result_dtype(values, w)
    w = w if w.dtype == dtype else cast(w, dtype)
    sums = np.bincount(flat, weights=w.data.reshape(-1), minlength=rows * length)

    def backward(g):              # each weight gets the gradient of its bin
        return (g.reshape(-1)[flat].reshape(w.shape),)
    return Tensor.from_op(sums.astype(dtype).reshape(out_shape), (w,), backward)


def histogram(x, bins=10, range=None):
    """(counts, edges): the number of values of the vector x in each of `bins` equal bins
    spanning `range` (min, max) (x's smallest and largest values when None); the last bin
    includes its right edge. Both of x's float dtype (floatx() for integers)."""
    bins = check_whole(bins, "bins", "histogram", minimum=1)
    if range is not None and (len(range) != 2 or range[1] < range[0]):
        raise ValueError(f"histogram: expected range to be a pair (min, max) with min <= max, "
                         f"received range={range!r}")
    values = as_array(x)
    if values.ndim != 1:
        raise ValueError(f"histogram: expected a vector, received shape {values.shape}")
    dtype = values.dtype if values.dtype.kind == "f" else np.dtype(backend.floatx())
    counts, edges = np.histogram(values.astype(dtype), bins=bins, range=range)
    return Tensor(counts.astype(dtype)), Tensor(edges.astype(dtype))


def _padded(array, size, axis, fill):
    """`array` cut or padded to `size` along `axis`, padding with `fill` (an array that
    broadcasts to one slice)."""
    length = array.shape[axis]
    if length >= size:
        return np.take(array, np.arange(size), axis=axis)
    block = list(array.shape)
    block[axis] = size - length
    return np.concatenate([array, np.broadcast_to(fill, block).astype(array.dtype)], axis=axis)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The distinct values of x in ascending order (of the flattened x, or the distinct
    slices along `axis`), with on request the index of each one's first occurrence, the
    index of each element's value among them (inverse) and each one's count. With `size`
    the results are cut or padded to that length: values with `fill_value` (default, the
    smallest value), first indices with the first one, counts with zeros. The values come
    out sorted whatever `sorted` says."""
    values = as_array(x)
    along = 0 if axis is None else normalize_axis(axis, values.ndim, "unique")
    found, first, inverse, counts = np.unique(values, return_index=True, return_inverse=True,
                                              return_counts=True, axis=axis, equal_nan=False)
    if size is not None:
        size = check_whole(size, "size", "unique", minimum=0)
        smallest = np.take(found, [0], axis=along) if found.shape[along] else 0
        found = _padded(found, size, along, smallest if fill_value is None else fill_value)
        first = _padded(first, size, 0, first[0] if len(first) else 0)
        counts = _padded(counts, size, 0, 0)
    results = [Tensor(found)]
    for wanted, array in ((return_index, first), (return_inverse, inverse),
                          (return_counts, counts)):
        if wanted:
            results.append(Tensor(array.astype(INDEX_DTYPE)))
    return results[0] if len(results) == 1 else tuple(results)


# --- positions ----------------------------------------------------------------------------

def nonzero(x):
    """The indices of the non-zero values of x: a tuple of int32 vectors, one per axis."""
    values = as_array(x)
    if values.ndim == 0:
        raise ValueError("nonzero: expected an input of rank >= 1, received a scalar")
    return tuple(Tensor(i.astype(INDEX_DTYPE)) for i in np.nonzero(values))


def unravel_index(indices, shape):
    """The coordinates in an array of `shape` of the flat `indices`: a tuple of arrays,
    one per axis, of the indices' integer dtype."""
    flat = _index_array(indices, "unravel_index")
    dims = check_shape(shape, "unravel_index")
    total = int(np.prod(dims, dtype=np.int64))
    if flat.size and (flat.min() < 0 or flat.max() >= total):
        raise ValueError(f"unravel_index: expected indices in [0, {total}) for the shape "
                         f"{dims}, received values from {flat.min()} to {flat.max()}")
    return tuple(Tensor(c.astype(flat.dtype)) for c in np.unravel_index(flat, dims))


def argpartition(x, kth, axis=-1):
    """Indices that partition x along `axis` (of the flattened x when None): the kth of
    them points at the value that would be kth in sorted order, those before at values no
    larger, those after at values no smaller (in no particular order within each side)."""
    values = as_array(x)
    if axis is None:
        values, axis = values.reshape(-1), 0
    axis = normalize_axis(axis, values.ndim, "argpartition")
    length = values.shape[axis]
    kths = as_array(kth).reshape(-1)
    if kths.dtype.kind not in "iu" or isinstance(kth, bool) or \
            ((kths < -length) | (kths >= length)).any():
        raise ValueError(f"argpartition: expected kth to be an int (or ints) in [{-length}, "
                         f"{length}) for axis {axis} of length {length}, received kth={kth!r}")
    return Tensor(np.argpartition(values, kth, axis=axis).astype(INDEX_DTYPE))


# --- membership and ranks -----------------------------------------------------------------

def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of x1 occurs in x2 (does not, with `invert`)."""
    return Tensor(np.isin(as_array(x1), as_array(x2), assume_unique=assume_unique,
                          invert=invert))


def in_top_k(targets, predictions, k):
    """Whether each target class is among the k largest predictions of its row: targets
    (batch,) of class indices, predictions (batch, classes). Ties count in the target's
    favour; a NaN prediction for the target ranks last."""
    labels = _index_array(targets, "in_top_k")
    scores = as_array(predictions)
    if scores.ndim != 2 or labels.shape != scores.shape[:1]:
        raise ValueError(f"in_top_k: expected targets (batch,) and predictions (batch, "
                         f"classes), received shapes {labels.shape} and {scores.shape}")
    k = check_whole(k, "k", "in_top_k")
    classes = scores.shape[1]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"in_top_k: expected targets in [0, {classes}), received values from "
                         f"{labels.min()} to {labels.max()}")
    at_target = np.take_along_axis(scores, labels[:, None], axis=1)
    at_target = np.where(np.isnan(at_target), -np.inf, at_target)
    rank = 1 + np.sum(scores > at_target, axis=1)     # 1 + the classes ahead of the target
    return Tensor(rank <= k)
