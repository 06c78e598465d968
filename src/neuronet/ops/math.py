"""Fine-grained differentiable ops: elementwise math, reductions, shapes, indexing.

Each op computes its forward on the arrays and returns `Tensor.from_op(out, parents,
backward)`, where `backward(g)` maps the output gradient `g` (shape of `out`) to one
gradient per parent. Broadcasting ops sum their gradient back with `unbroadcast`.
"""
import builtins
import string

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor, as_array

__all__ = [
    "tensor", "unbroadcast",
    "add", "subtract", "multiply", "divide", "power", "negative", "square", "exp", "log",
    "sqrt", "abs", "absolute", "clip", "where", "maximum", "minimum", "cast",
    "log1p", "expm1", "sin", "cos", "rsqrt", "reciprocal",
    "sum", "mean", "max", "min", "logsumexp", "var", "std", "moments", "norm", "cdist", "cumsum",
    "matmul", "dot", "outer", "einsum",
    "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack",
    "getitem", "take", "slogdet", "logdet",
]


class SymbolicValue:
    """Base of the functional API's symbolic tensors (`neuronet.layers.SymbolicTensor`): a
    shape and a dtype, no values yet. An op of the `neuronet.ops` namespace given one
    records the call with its `record_op(function, args, kwargs)` (a node of the model's
    graph) instead of computing. Defined here so that the ops need not import the layers."""


def tensor(value, like=None):
    """`value` as a Tensor; a non-Tensor takes the float dtype of `like` (no upcast)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, SymbolicValue):
        raise TypeError(f"{value} has no values: it is a placeholder of the functional API "
                        "(from keras.Input or a layer call). Apply ops to it through "
                        "keras.ops or its operators (+, *, [...]), which add them to the "
                        "model's graph, or wrap the computation in a Lambda layer")
    dtype = getattr(like, "dtype", None)
    if dtype is not None and dtype.kind != "f":
        dtype = None
    return Tensor(as_array(value, dtype))


def _pair(a, b):
    like = a if isinstance(a, Tensor) else b
    return tensor(a, like), tensor(b, like)


def _floating(x):
    """`x` as a Tensor of a float dtype: integers and booleans become floatx() (no gradient)."""
    x = tensor(x)
    return x if x.dtype.kind == "f" else Tensor(x.data.astype(backend.floatx()))


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


def where(condition, x1=None, x2=None):
    """Elements of `x1` where `condition` holds, else of `x2` (condition gets no gradient).
    Given neither, the indices where condition holds, as `nonzero(condition)`."""
    if x1 is None and x2 is None:
        from .integer import nonzero             # integer.py builds on this module
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: expected both x1 and x2 or neither, received "
                         f"x1={'None' if x1 is None else 'a value'} and "
                         f"x2={'None' if x2 is None else 'a value'}")
    a, b = _pair(x1, x2)
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


absolute = abs


def log1p(x):
    """log(1 + x), accurate for small x."""
    x = _floating(x)
    return Tensor.from_op(np.log1p(x.data), (x,), lambda g: (g / (1 + x.data),))  # 1/(1+x)


def expm1(x):
    """exp(x) - 1, accurate for small x."""
    x = _floating(x)
    out = np.expm1(x.data)
    return Tensor.from_op(out, (x,), lambda g: (g * (out + 1),))       # d(e^x - 1)/dx = e^x


def sin(x):
    x = _floating(x)
    return Tensor.from_op(np.sin(x.data), (x,), lambda g: (g * np.cos(x.data),))  # sin' = cos


def cos(x):
    x = _floating(x)
    return Tensor.from_op(np.cos(x.data), (x,), lambda g: (-g * np.sin(x.data),))  # cos' = -sin


def rsqrt(x):
    """1 / sqrt(x)."""
    return divide(1.0, sqrt(_floating(x)))


def reciprocal(x):
    """1 / x."""
    return divide(1.0, _floating(x))


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


def _axes(axis):
    """`axis` with a list turned into a tuple (NumPy takes an int, a tuple or None)."""
    return tuple(axis) if isinstance(axis, list) else axis


def sum(x, axis=None, keepdims=False):
    x, axis = tensor(x), _axes(axis)

    def backward(g):                                   # every summed element gets g
        return (_spread(_expand_reduced(g, x.shape, axis, keepdims), x.shape),)
    return Tensor.from_op(x.data.sum(axis=axis, keepdims=keepdims), (x,), backward)


def mean(x, axis=None, keepdims=False):
    x, axis = tensor(x), _axes(axis)
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


def _extremum(x, axis, keepdims, reduce, initial, bound):
    """reduce(x) over `axis`, then bound(., initial) when `initial` is given (the value of
    an empty reduction)."""
    x, axis = tensor(x), _axes(axis)
    if initial is not None and x.size == 0:
        return tensor(reduce(x.data, axis=axis, keepdims=keepdims, initial=initial), like=x)
    out = reduce(x.data, axis=axis, keepdims=keepdims)

    def backward(g):                                   # ties share the gradient equally
        hit = (x.data == _expand_reduced(out, x.shape, axis, keepdims)).astype(g.dtype)
        share = hit / hit.sum(axis=axis, keepdims=True)
        return (share * _expand_reduced(g, x.shape, axis, keepdims),)
    result = Tensor.from_op(out, (x,), backward)
    return result if initial is None else bound(result, initial)


def max(x, axis=None, keepdims=False, initial=None):
    """The largest value over `axis` (all axes when None), at least `initial` when given."""
    return _extremum(x, axis, keepdims, np.max, initial, maximum)


def min(x, axis=None, keepdims=False, initial=None):
    """The smallest value over `axis` (all axes when None), at most `initial` when given."""
    return _extremum(x, axis, keepdims, np.min, initial, minimum)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) computed without overflow; -inf (gradient 0) where every x is -inf."""
    x, axis = tensor(x), _axes(axis)
    peak = np.max(x.data, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)
    shifted = np.exp(x.data - peak)
    total = np.sum(shifted, axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        out = np.log(total) + peak
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())

    def backward(g):                                   # d lse / dx = softmax(x)
        share = np.divide(shifted, total, out=np.zeros_like(shifted), where=total > 0)
        return (_expand_reduced(g, x.shape, axis, keepdims) * share,)
    return Tensor.from_op(out, (x,), backward)


def var(x, axis=None, keepdims=False):
    """Population variance (divides by the count, like NumPy's default)."""
    x, axis = _floating(x), _axes(axis)
    centered = subtract(x, mean(x, axis=axis, keepdims=True))
    return mean(square(centered), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation: sqrt(var(x))."""
    return sqrt(var(x, axis=axis, keepdims=keepdims))


def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of `x` over `axes`; `synchronized` (multi-device) has nothing to do here."""
    x = _floating(x)
    return mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norm over one axis (ord None/2, 1, inf, -inf, 0: the count of nonzeros, or any
    other number p: (sum |x|^p)^(1/p)) or matrix norm over two axes (ord None/'fro', 'nuc':
    the sum of the singular values, 2 / -2: the largest / smallest one, 1, -1, inf, -inf).
    With axis None: the 2-norm of the flattened x when ord is None, else the vector or
    matrix norm of a 1-D or 2-D x (NumPy's rule)."""
    x, axis = _floating(x), _axes(axis)
    if axis is None:
        if ord is None:
            return sqrt(sum(square(x), keepdims=keepdims))
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: with ord={ord!r} and axis=None, expected an input of rank 1 "
                             f"or 2, received shape {x.shape}")
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: expected axis to be an int or a pair of ints, received axis={axis!r}")


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return sqrt(sum(square(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise ValueError(f"norm (a vector norm over axis {axis}): invalid ord={ord!r}; expected "
                         "None or a number (inf and -inf included)")
    if ord == 0:                                       # a count: no gradient
        return Tensor(np.sum(x.data != 0, axis=axis, keepdims=keepdims).astype(x.dtype))
    if ord == 1:
        return sum(abs(x), axis=axis, keepdims=keepdims)
    if np.isinf(ord):
        return (max if ord > 0 else min)(abs(x), axis=axis, keepdims=keepdims)
    return power(sum(power(abs(x), ord), axis=axis, keepdims=keepdims), 1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    backend.check_choice(f"norm (a matrix norm over axes {axes})", "ord", ord, _MATRIX_ORDS)
    if ord is None or ord == "fro":
        return sqrt(sum(square(x), axis=axes, keepdims=keepdims))
    if ord in ("nuc", 2, -2):                          # from the singular values
        from .linalg import svd                        # (linalg builds on this module)
        rows, cols = (a % x.ndim for a in axes)
        others = [a for a in range(x.ndim) if a not in (rows, cols)]
        values = svd(transpose(x, others + [rows, cols]), compute_uv=False)   # (..., K)
        out = sum(values, axis=-1) if ord == "nuc" else (max if ord == 2 else min)(values,
                                                                                     axis=-1)
        if keepdims:
            for a in sorted((rows, cols)):
                out = expand_dims(out, a)
        return out
    rows, cols = axes
    summed, over = (rows, cols) if builtins.abs(ord) == 1 else (cols, rows)  # 1: column sums
    extreme = max if ord > 0 else min
    out = extreme(sum(abs(x), axis=summed, keepdims=True), axis=over, keepdims=True)
    return out if keepdims else squeeze(out, axis=axes)


def cdist(x, y):
    """The Euclidean distance between each row of x (..., m, d) and each row of y (..., n, d):
    (..., m, n). Its gradient is undefined where two rows coincide (distance 0)."""
    x, y = _pair(x, y)
    if x.ndim < 2 or y.ndim < 2 or x.shape[-1] != y.shape[-1]:
        raise ValueError(f"cdist: expected x (..., m, d) and y (..., n, d) with the same d, "
                         f"received shapes {x.shape} and {y.shape}")
    difference = subtract(expand_dims(x, -2), expand_dims(y, -3))      # (..., m, n, d)
    return sqrt(sum(square(difference), axis=-1))


def cumsum(x, axis=None, dtype=None):
    """Running sum along `axis` (over the flattened x when axis is None)."""
    x = tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if dtype is None:
        dtype = x.dtype if x.dtype != bool else np.int32   # no widening of small integers
    if x.dtype != np.dtype(dtype):
        x = cast(x, dtype)

    def backward(g):              # out[i] = sum_{j<=i} x[j], so dx[j] = sum_{i>=j} g[i]
        return (np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis),)
    return Tensor.from_op(np.cumsum(x.data, axis=axis, dtype=x.dtype), (x,), backward)


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


def dot(x1, x2):
    """NumPy's dot: a product with a scalar, a matrix product for operands up to 2-D, and for
    an N-D x2 a sum over the last axis of x1 and the second-to-last axis of x2."""
    a, b = _pair(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim <= 2:
        return matmul(a, b)
    letters = iter(string.ascii_letters)
    a_free = "".join(next(letters) for _ in range(a.ndim - 1))
    b_free = "".join(next(letters) for _ in range(b.ndim - 2))
    summed, last = next(letters), next(letters)
    return einsum(f"{a_free}{summed},{b_free}{summed}{last}->{a_free}{b_free}{last}", a, b)


def outer(x1, x2):
    """Outer product of the flattened x1 and x2: shape (x1.size, x2.size)."""
    a, b = _pair(x1, x2)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def _einsum_subscripts(subscripts, arrays):
    """One explicit subscript string per operand and one for the output, '...' spelled out
    with letters of their own (right-aligned, as NumPy broadcasts them)."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: expected a string of subscripts, received {subscripts!r}")
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(arrays):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(inputs)} operand(s), "
                         f"received {len(arrays)}")
    unused = iter(c for c in string.ascii_letters if c not in spec)
    ranks = [a.ndim - (len(s) - 3) for s, a in zip(inputs, arrays) if "..." in s]
    ellipsis = "".join(next(unused) for _ in range(builtins.max(ranks, default=0)))

    def spelled(s, rank):
        return s.replace("...", ellipsis[len(ellipsis) - rank:])
    inputs = [spelled(s, a.ndim - (len(s) - 3)) for s, a in zip(inputs, arrays)]
    if arrow:
        output = spelled(output, len(ellipsis))
    else:                          # implicit output: '...' then the letters used once, sorted
        joined = "".join(inputs)
        output = ellipsis + "".join(sorted(c for c in set(joined)
                                           if joined.count(c) == 1 and c not in ellipsis))
    return inputs, output


def einsum(subscripts, *operands):
    """Einstein summation (NumPy's einsum), e.g. einsum('bij,bjk->bik', a, b).

    The gradient of each operand is the einsum of the output gradient with the other
    operands, summed back over broadcast axes and written onto repeated-letter diagonals.
    """
    like = next((o for o in operands if isinstance(o, Tensor) and o.dtype.kind == "f"), None)
    operands = [tensor(o, like) for o in operands]
    inputs, output = _einsum_subscripts(subscripts, operands)
    explicit = ",".join(inputs) + "->" + output
    optimize = len(operands) > 2
    try:
        out = np.einsum(explicit, *[o.data for o in operands], optimize=optimize)
    except ValueError as error:
        shapes = [o.shape for o in operands]
        raise ValueError(f"einsum: subscripts {subscripts!r} do not fit the operand shapes "
                         f"{shapes}: {error}") from None

    def operand_grad(k, g):
        x, letters = operands[k], inputs[k]
        sizes = dict(zip(letters, x.shape))
        kept = "".join(dict.fromkeys(letters))                 # letters of x, each once
        others = [(s, o.data) for j, (s, o) in enumerate(zip(inputs, operands)) if j != k]
        reachable = set(output).union(*[s for s, _ in others])
        made = "".join(c for c in kept if c in reachable)      # letters the einsum can produce
        grad = np.einsum(",".join([output] + [s for s, _ in others]) + "->" + made,
                         g, *[o for _, o in others], optimize=optimize)
        stretched = tuple(i for i, c in enumerate(made) if sizes[c] == 1 and grad.shape[i] != 1)
        grad = grad.sum(axis=stretched, keepdims=True)          # x was broadcast along these
        # letters of x alone were summed in the forward pass: every element gets the same g
        grad = np.broadcast_to(grad.reshape([grad.shape[made.index(c)] if c in made else 1
                                             for c in kept]), [sizes[c] for c in kept])
        if kept == letters:
            return np.ascontiguousarray(grad)
        full = np.zeros(x.shape, grad.dtype)                   # a repeated letter: a diagonal
        np.einsum(f"{letters}->{kept}", full)[...] = grad
        return full

    def backward(g):
        return tuple(operand_grad(k, g) if o.requires_grad else None
                     for k, o in enumerate(operands))
    return Tensor.from_op(out, operands, backward)


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


# --- determinants --------------------------------------------------------------------------

def slogdet(x):
    """(sign, log|det|) of the square matrices in the last two axes of `x`: the sign of each
    determinant (no gradient) and the logarithm of its absolute value (differentiable)."""
    x = _floating(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"slogdet: expected square matrices in the last two axes, received "
                         f"shape {x.shape}")
    sign, log_abs = np.linalg.slogdet(x.data)

    def backward(g):                                   # d log|det X| / dX = X^-T
        return (g[..., None, None] * np.swapaxes(np.linalg.inv(x.data), -1, -2),)
    return Tensor(np.asarray(sign, x.dtype)), Tensor.from_op(np.asarray(log_abs, x.dtype),
                                                             (x,), backward)


def logdet(x):
    """log|det(x)| of the square matrices in the last two axes of `x`, as Keras computes it
    (through slogdet: the sign is dropped)."""
    return slogdet(x)[1]
