"""Fine-grained differentiable ops: elementwise math, reductions, shapes, indexing.

Each op computes its forward on the arrays and returns `Tensor.from_op(out, parents,
backward)`, where `backward(g)` maps the output gradient `g` (shape of `out`) to one
gradient per parent. Broadcasting ops sum their gradient back with `unbroadcast`.
"""
import builtins

import numpy as np

from ..autograd.tensor import Tensor, as_array

__all__ = [
    "tensor", "unbroadcast",
    "add", "subtract", "multiply", "divide", "power", "negative", "square", "exp", "log",
    "sqrt", "abs", "clip", "where", "maximum", "minimum", "cast",
    "sum", "mean", "max", "min", "logsumexp",
    "matmul", "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack",
    "getitem", "take",
]


def tensor(value, like=None):
    """`value` as a Tensor; a non-Tensor takes the float dtype of `like` (no upcast)."""
    if isinstance(value, Tensor):
        return value
    dtype = getattr(like, "dtype", None)
    if dtype is not None and dtype.kind != "f":
        dtype = None
    return Tensor(as_array(value, dtype))


def _pair(a, b):
    like = a if isinstance(a, Tensor) else b
    return tensor(a, like), tensor(b, like)


def unbroadcast(grad, shape):
    """Sum `grad` over the axes that broadcasting added or stretched, back to `shape`."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    return grad.sum(axis=tuple(range(extra)) + stretched).reshape(shape)


def _needs(t):
    return t.requires_grad


# --- elementwise, two operands -------------------------------------------------------------

def add(a, b):
    a, b = _pair(a, b)

    def backward(g):                                   # d(a+b)/da = 1, d(a+b)/db = 1
        return unbroadcast(g, a.shape), unbroadcast(g, b.shape)
    return Tensor.from_op(a.data + b.data, (a, b), backward)


def subtract(a, b):
    a, b = _pair(a, b)

    def backward(g):                                   # d(a-b)/da = 1, d(a-b)/db = -1
        return unbroadcast(g, a.shape), unbroadcast(-g, b.shape)
    return Tensor.from_op(a.data - b.data, (a, b), backward)


def multiply(a, b):
    a, b = _pair(a, b)

    def backward(g):                                   # d(ab)/da = b, d(ab)/db = a
        return (unbroadcast(g * b.data, a.shape) if _needs(a) else None,
                unbroadcast(g * a.data, b.shape) if _needs(b) else None)
    return Tensor.from_op(a.data * b.data, (a, b), backward)


def divide(a, b):
    a, b = _pair(a, b)
    out = a.data / b.data

    def backward(g):                                   # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        return (unbroadcast(g / b.data, a.shape) if _needs(a) else None,
                unbroadcast(-g * out / b.data, b.shape) if _needs(b) else None)
    return Tensor.from_op(out, (a, b), backward)


def power(a, b):
    a, b = _pair(a, b)
    out = a.data ** b.data

    def backward(g):                                   # d(a^b)/da = b a^(b-1), d/db = a^b ln a
        ga = gb = None
        if _needs(a):
            ga = unbroadcast(g * b.data * a.data ** (b.data - 1), a.shape)
        if _needs(b):
            safe_log = np.log(np.where(a.data > 0, a.data, 1))
            gb = unbroadcast(g * out * safe_log, b.shape)
        return ga, gb
    return Tensor.from_op(out, (a, b), backward)


def maximum(a, b):
    a, b = _pair(a, b)
    a_wins = a.data >= b.data

    def backward(g):                                   # the gradient goes to the larger one
        return unbroadcast(g * a_wins, a.shape), unbroadcast(g * ~a_wins, b.shape)
    return Tensor.from_op(np.maximum(a.data, b.data), (a, b), backward)


def minimum(a, b):
    a, b = _pair(a, b)
    a_wins = a.data <= b.data

    def backward(g):                                   # the gradient goes to the smaller one
        return unbroadcast(g * a_wins, a.shape), unbroadcast(g * ~a_wins, b.shape)
    return Tensor.from_op(np.minimum(a.data, b.data), (a, b), backward)


def where(condition, a, b):
    """Elements of `a` where `condition` holds, else of `b` (condition gets no gradient)."""
    a, b = _pair(a, b)
    cond = as_array(condition).astype(bool)

    def backward(g):
        zero = np.zeros((), g.dtype)
        return unbroadcast(np.where(cond, g, zero), a.shape), unbroadcast(np.where(cond, zero, g), b.shape)
    return Tensor.from_op(np.where(cond, a.data, b.data), (a, b), backward)


# --- elementwise, one operand --------------------------------------------------------------

def negative(x):
    x = tensor(x)
    return Tensor.from_op(-x.data, (x,), lambda g: (-g,))          # d(-x)/dx = -1


def square(x):
    x = tensor(x)
    return Tensor.from_op(x.data * x.data, (x,), lambda g: (2 * g * x.data,))


def exp(x):
    x = tensor(x)
    out = np.exp(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g * out,))           # d(e^x)/dx = e^x


def log(x):
    x = tensor(x)
    return Tensor.from_op(np.log(x.data), (x,), lambda g: (g / x.data,))  # d(ln x)/dx = 1/x


def sqrt(x):
    x = tensor(x)
    out = np.sqrt(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g / (2 * out),))     # d(sqrt x)/dx = 1/(2 sqrt x)


def abs(x):
    x = tensor(x)
    return Tensor.from_op(np.abs(x.data), (x,), lambda g: (g * np.sign(x.data),))


def clip(x, min_value, max_value):
    """Values limited to [min_value, max_value]; the gradient passes inside the range."""
    x = tensor(x)
    lo, hi = as_array(min_value, x.dtype), as_array(max_value, x.dtype)
    inside = (x.data >= lo) & (x.data <= hi)
    return Tensor.from_op(np.clip(x.data, lo, hi), (x,), lambda g: (g * inside,))


def cast(x, dtype):
    """`x` converted to `dtype`; the gradient is converted back."""
    x = tensor(x)
    source = x.dtype
    return Tensor.from_op(x.data.astype(dtype), (x,), lambda g: (g.astype(source),))


# --- reductions ----------------------------------------------------------------------------

def _expand_reduced(g, shape, axis, keepdims):
    """Reshape a reduced gradient so it broadcasts against the input of `shape`."""
    if axis is None or keepdims:
        return g if keepdims or axis is not None else g.reshape((1,) * len(shape))
    axes = {a % len(shape) for a in ((axis,) if isinstance(axis, (int, np.integer)) else axis)}
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _spread(g, shape):
    """`g` repeated over the axes it was reduced from: a fresh array of `shape`."""
    out = np.empty(shape, g.dtype)
    out[...] = g
    return out


def sum_rows(a2):
    """a2 (m, k) summed over its rows, an array (k,) (a bias gradient): from a hundred rows
    or so as a GEMV (ones @ a2), several times faster there than a2.sum(axis=0), which
    fewer rows take."""
    if len(a2) < 128:
        return np.add.reduce(a2, axis=0)
    return np.ones(len(a2), a2.dtype) @ a2


def sum(x, axis=None, keepdims=False):
    x = tensor(x)

    def backward(g):                                   # every summed element gets g
        return (_spread(_expand_reduced(g, x.shape, axis, keepdims), x.shape),)
    return Tensor.from_op(x.data.sum(axis=axis, keepdims=keepdims), (x,), backward)


def mean(x, axis=None, keepdims=False):
    x = tensor(x)
    if type(axis) is int and -x.ndim <= axis < x.ndim and x.shape[axis] == 1 \
            and x.dtype.kind == "f":                       # over an axis of length 1: a reshape
        dropped = axis % x.ndim
        return reshape(x, x.shape if keepdims else x.shape[:dropped] + x.shape[dropped + 1:])
    total = x.data.sum(axis=axis, keepdims=keepdims)
    count = x.data.size // builtins.max(total.size, 1) if x.data.size else 1
    out = total / count if x.data.size else np.mean(x.data, axis=axis, keepdims=keepdims)

    def backward(g):                                   # every averaged element gets g / count
        return (_spread(_expand_reduced(g, x.shape, axis, keepdims) / count, x.shape),)
    return Tensor.from_op(out, (x,), backward)


def _extremum(x, axis, keepdims, reduce):
    x = tensor(x)
    out = reduce(x.data, axis=axis, keepdims=keepdims)

    def backward(g):                                   # ties share the gradient equally
        hit = (x.data == _expand_reduced(out, x.shape, axis, keepdims)).astype(g.dtype)
        share = hit / hit.sum(axis=axis, keepdims=True)
        return (share * _expand_reduced(g, x.shape, axis, keepdims),)
    return Tensor.from_op(out, (x,), backward)


def max(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, np.max)


def min(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, np.min)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) computed without overflow."""
    x = tensor(x)
    peak = np.max(x.data, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)
    shifted = np.exp(x.data - peak)
    total = np.sum(shifted, axis=axis, keepdims=True)
    out = np.log(total) + peak
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())

    def backward(g):                                   # d lse / dx = softmax(x)
        return (_expand_reduced(g, x.shape, axis, keepdims) * (shifted / total),)
    return Tensor.from_op(out, (x,), backward)


# --- linear algebra and shapes -------------------------------------------------------------

def matmul(a, b):
    """Matrix product with NumPy's rules (1-D operands, broadcast batch axes)."""
    a, b = _pair(a, b)

    def backward(g):                                   # dA = g B^T, dB = A^T g
        a2 = a.data if a.ndim > 1 else a.data[None, :]
        b2 = b.data if b.ndim > 1 else b.data[:, None]
        if b.ndim == 1:
            g = g[..., None]
        if a.ndim == 1:
            g = g[..., None, :]
        ga = unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if _needs(a) else None
        gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape) if _needs(b) else None
        return ga, gb
    return Tensor.from_op(a.data @ b.data, (a, b), backward)


def reshape(x, shape):
    x = tensor(x)
    return Tensor.from_op(x.data.reshape(shape), (x,), lambda g: (g.reshape(x.shape),))


def transpose(x, axes=None):
    x = tensor(x)
    inverse = None if axes is None else np.argsort([a % x.ndim for a in axes])
    return Tensor.from_op(np.transpose(x.data, axes), (x,), lambda g: (np.transpose(g, inverse),))


def expand_dims(x, axis):
    x = tensor(x)
    return Tensor.from_op(np.expand_dims(x.data, axis), (x,), lambda g: (g.reshape(x.shape),))


def squeeze(x, axis=None):
    x = tensor(x)
    return Tensor.from_op(np.squeeze(x.data, axis), (x,), lambda g: (g.reshape(x.shape),))


def concatenate(tensors, axis=-1):
    tensors = [tensor(t) for t in tensors]
    bounds = np.cumsum([t.shape[axis] for t in tensors])[:-1]

    def backward(g):                                   # each input gets its slice of g
        return tuple(np.split(g, bounds, axis=axis))
    return Tensor.from_op(np.concatenate([t.data for t in tensors], axis=axis), tensors, backward)


def stack(tensors, axis=0):
    tensors = [tensor(t) for t in tensors]

    def backward(g):                                   # each input gets its index along axis
        return tuple(np.moveaxis(g, axis, 0))
    return Tensor.from_op(np.stack([t.data for t in tensors], axis=axis), tensors, backward)


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice, type(None), type(Ellipsis))) for p in parts)


def getitem(x, index):
    """x[index] for slices, integers and integer/boolean arrays (NumPy semantics)."""
    x = tensor(x)
    if isinstance(index, Tensor):
        index = index.data
    elif isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
    basic = _is_basic_index(index)

    def backward(g):                                   # scatter g back to where it was read
        if basic:
            full = np.zeros(x.shape, g.dtype)
            full[index] = g
            return (full,)
        # advanced index: sum g per source element (repeated indices accumulate)
        source = np.arange(x.size).reshape(x.shape)[index]
        full = np.bincount(source.ravel(), weights=g.ravel(), minlength=x.size)
        return (full.astype(g.dtype, copy=False).reshape(x.shape),)
    return Tensor.from_op(x.data[index], (x,), backward)


def take(x, indices, axis=None):
    """Gather the entries `indices` along `axis` (np.take semantics)."""
    x = tensor(x)
    indices = as_array(indices)
    if axis is None:
        return getitem(reshape(x, (-1,)), indices)
    axis = axis % x.ndim
    return getitem(x, (slice(None),) * axis + (indices,))
