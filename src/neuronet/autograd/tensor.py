"""Tensor: an N-D NumPy array that remembers the op that made it.

    x = Tensor([[1., 2.]], requires_grad=True)
    y = (x * x).sum()          # builds the graph
    y.backward()               # x.grad == 2 * x
"""
import itertools

import numpy as np

from .. import backend
from . import graph


def as_array(value, dtype=None):
    """The ndarray behind a value; Python floats and lists default to floatx()."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.generic):
        value = np.asarray(value)                      # a NumPy scalar becomes a 0-D array
    if isinstance(value, np.ndarray):
        return value if dtype is None else value.astype(dtype, copy=False)
    array = np.asarray(value, dtype=dtype)
    if dtype is None and array.dtype == np.float64:
        array = array.astype(backend.floatx())
    return array


_creation_order = itertools.count()  # ops run after their inputs: a topological order


def _defers_to_placeholders(operator):
    """`operator` (a binary one of Tensor) that gives way to a functional-API placeholder
    (`keras.Input`, a layer's symbolic output) on its other side: NotImplemented makes
    Python call the placeholder's reflected operator, which records the op in the graph."""
    def method(self, other):
        if isinstance(other, _m.SymbolicValue):
            return NotImplemented
        return operator(self, other)
    method.__name__ = operator.__name__
    return method


class Tensor:
    """An N-D array (0-D scalar up) with reverse-mode autodiff.

    `data` is the ndarray, `grad` the accumulated gradient (an ndarray, after
    `backward()`), `requires_grad` whether gradients flow to it.
    """

    __array_priority__ = 100  # `ndarray + Tensor` calls Tensor.__radd__

    # What a fresh Tensor holds until set: no gradient, no name, not part of a graph.
    grad = None
    name = None
    requires_grad = False
    _parents = ()
    _backward = None

    def __init__(self, data, dtype=None, requires_grad=False, name=None):
        self.data = as_array(data, dtype)
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._order = next(_creation_order)

    @classmethod
    def from_op(cls, data, parents, backward):
        """The output of an op: records `parents` and `backward(g) -> grads` when needed."""
        out = cls.__new__(cls)
        out.data = np.asarray(data)
        out._order = next(_creation_order)
        if graph._grad_enabled:
            for parent in parents:
                if parent.requires_grad:
                    out.requires_grad = True
                    out._parents, out._backward = tuple(parents), backward
                    if graph._recorded is not None:
                        graph._recorded.append(out)
                    break
        return out

    # --- array facts -----------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    def __len__(self):
        return len(self.data)

    def numpy(self):
        """The values as an ndarray (shared, not copied)."""
        return self.data

    def item(self):
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return array.copy() if copy else array

    def __float__(self):
        return float(self.data)

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, precision=4)}, dtype={self.dtype}{grad})"

    # --- autodiff ----------------------------------------------------------------------
    def backward(self, grad=None):
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires grad."""
        for leaf, g in graph.backpropagate(self, grad).items():
            leaf.grad = g if leaf.grad is None else leaf.grad + g

    def detach(self):
        """The same values, cut from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    # --- operators (the ops live in neuronet.ops.math) ---------------------------------
    @_defers_to_placeholders
    def __add__(self, other): return _m.add(self, other)
    @_defers_to_placeholders
    def __radd__(self, other): return _m.add(other, self)
    @_defers_to_placeholders
    def __sub__(self, other): return _m.subtract(self, other)
    @_defers_to_placeholders
    def __rsub__(self, other): return _m.subtract(other, self)
    @_defers_to_placeholders
    def __mul__(self, other): return _m.multiply(self, other)
    @_defers_to_placeholders
    def __rmul__(self, other): return _m.multiply(other, self)
    @_defers_to_placeholders
    def __truediv__(self, other): return _m.divide(self, other)
    @_defers_to_placeholders
    def __rtruediv__(self, other): return _m.divide(other, self)
    @_defers_to_placeholders
    def __pow__(self, other): return _m.power(self, other)
    @_defers_to_placeholders
    def __rpow__(self, other): return _m.power(other, self)
    @_defers_to_placeholders
    def __matmul__(self, other): return _m.matmul(self, other)
    @_defers_to_placeholders
    def __rmatmul__(self, other): return _m.matmul(other, self)
    def __neg__(self): return _m.negative(self)
    def __abs__(self): return _m.abs(self)
    def __getitem__(self, index): return _m.getitem(self, index)

    @_defers_to_placeholders
    def __lt__(self, other): return Tensor(self.data < as_array(other))
    @_defers_to_placeholders
    def __le__(self, other): return Tensor(self.data <= as_array(other))
    @_defers_to_placeholders
    def __gt__(self, other): return Tensor(self.data > as_array(other))
    @_defers_to_placeholders
    def __ge__(self, other): return Tensor(self.data >= as_array(other))
    # Element-wise, as in NumPy and Keras; hashing stays by identity, so that Tensors
    # remain keys of dicts and sets (compare lists of Tensors with `is`, not `==` or `in`).
    @_defers_to_placeholders
    def __eq__(self, other): return Tensor(self.data == as_array(other))
    @_defers_to_placeholders
    def __ne__(self, other): return Tensor(self.data != as_array(other))
    __hash__ = object.__hash__

    def sum(self, axis=None, keepdims=False): return _m.sum(self, axis, keepdims)
    def mean(self, axis=None, keepdims=False): return _m.mean(self, axis, keepdims)
    def max(self, axis=None, keepdims=False): return _m.max(self, axis, keepdims)
    def min(self, axis=None, keepdims=False): return _m.min(self, axis, keepdims)
    def reshape(self, *shape): return _m.reshape(self, shape[0] if len(shape) == 1 else shape)
    def transpose(self, *axes):
        return _m.transpose(self, axes[0] if len(axes) == 1 else axes or None)
    def exp(self): return _m.exp(self)
    def log(self): return _m.log(self)

    @property
    def T(self):
        return _m.transpose(self)

    def astype(self, dtype): return _m.cast(self, dtype)


from ..ops import math as _m  # noqa: E402  (operators dispatch to the ops defined on Tensor)
