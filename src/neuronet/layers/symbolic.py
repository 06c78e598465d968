"""SymbolicTensor: a placeholder that records how it is computed (Keras' KerasTensor).

Calling a layer on a SymbolicTensor computes no values: it infers the outputs' shapes and
records a `Node` (layer, arguments, outputs), so that `Model(inputs, outputs)` can replay
the graph later. An op of `neuronet.ops` or an operator (`a + b`, `x[:, :2]`, `x > 0`) on
a SymbolicTensor records a node too, whose layer is an `OpLayer` that applies the op.

Shapes are inferred by dry runs: the call runs twice on zeros, every unknown (None) axis
of its inputs given a stand-in size, 16 in the first run and 17 in the second; an output
axis whose size differs between the runs is unknown (None). A SymbolicTensor whose values
will carry a mask knows the mask's shape; its `_keras_mask` is a SymbolicTensor of that
mask (a node reading it at run time), and the dry runs give the layer an all-True mask.
"""
import numpy as np

from .. import backend, ops
from ..autograd import Tensor, no_grad
from ..backend import snake_case, unique_name
from ..ops.array import (equal, floor_divide, greater, greater_equal, less, less_equal,
                         logical_and, logical_not, logical_or, mod, not_equal)
from ..ops import math as m
from ..ops.math import SymbolicValue
from .base import Layer

STAND_IN_SIZES = (16, 17)


class SymbolicTensor(SymbolicValue):
    """A shape (batch axis usually None) and dtype, and the Node that produced it."""

    def __init__(self, shape, dtype="float32", name=None, node=None, mask_shape=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name
        self.node = node            # None for a model input
        self._mask_shape = None if mask_shape is None else tuple(mask_shape)
        self._mask = None

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def _keras_mask(self):
        """The mask the values will carry, as a SymbolicTensor (None without a mask)."""
        if self._mask_shape is not None and self._mask is None:
            self._mask = record(keras_mask, (self,), {}, op_class="KerasMask")
        return self._mask

    def __repr__(self):
        origin = f", name={self.name}" if self.name else ""
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}{origin}>"

    @staticmethod
    def record_op(function, args, kwargs):
        return record(function, args, kwargs)

    # --- operators: each records the op as a graph node ---------------------------------------
    def __add__(self, other): return record(m.add, (self, other), {})
    def __radd__(self, other): return record(m.add, (other, self), {})
    def __sub__(self, other): return record(m.subtract, (self, other), {})
    def __rsub__(self, other): return record(m.subtract, (other, self), {})
    def __mul__(self, other): return record(m.multiply, (self, other), {})
    def __rmul__(self, other): return record(m.multiply, (other, self), {})
    def __truediv__(self, other): return record(m.divide, (self, other), {})
    def __rtruediv__(self, other): return record(m.divide, (other, self), {})
    def __floordiv__(self, other): return record(floor_divide, (self, other), {})
    def __rfloordiv__(self, other): return record(floor_divide, (other, self), {})
    def __mod__(self, other): return record(mod, (self, other), {})
    def __rmod__(self, other): return record(mod, (other, self), {})
    def __pow__(self, other): return record(m.power, (self, other), {})
    def __rpow__(self, other): return record(m.power, (other, self), {})
    def __matmul__(self, other): return record(m.matmul, (self, other), {})
    def __rmatmul__(self, other): return record(m.matmul, (other, self), {})
    def __neg__(self): return record(m.negative, (self,), {})
    def __abs__(self): return record(m.abs, (self,), {})
    def __invert__(self): return record(logical_not, (self,), {})
    def __and__(self, other): return record(logical_and, (self, other), {})
    def __rand__(self, other): return record(logical_and, (other, self), {})
    def __or__(self, other): return record(logical_or, (self, other), {})
    def __ror__(self, other): return record(logical_or, (other, self), {})
    def __lt__(self, other): return record(less, (self, other), {})
    def __le__(self, other): return record(less_equal, (self, other), {})
    def __gt__(self, other): return record(greater, (self, other), {})
    def __ge__(self, other): return record(greater_equal, (self, other), {})
    def __eq__(self, other): return record(equal, (self, other), {})
    def __ne__(self, other): return record(not_equal, (self, other), {})
    __hash__ = object.__hash__          # by identity: SymbolicTensors stay dict and set keys

    def __getitem__(self, key):
        return record(get_item, (self, key), {}, op_class="GetItem")

    __array_ufunc__ = None              # `ndarray + SymbolicTensor` calls __radd__

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"{self} has no values yet: it is a placeholder of the functional "
                        "API; use keras.ops on it, or compute in a layer's call()")

    def __iter__(self):
        raise TypeError(f"{self} cannot be iterated over (its values are not known yet); "
                        "index it instead, e.g. x[:, 0]")

    def __bool__(self):
        raise TypeError(f"{self} has no truth value: its values are not known yet (for a "
                        "condition on values, use keras.ops.where or a layer)")


class Node:
    """One call in a graph: `outputs = layer(*args, **kwargs)`.

    `args` and `kwargs` are the call's arguments as given: SymbolicTensors (alone or in
    lists, tuples and dicts) and plain values. `input_tensors` are the SymbolicTensors
    among them; `outputs` the SymbolicTensors the call returned, flat.
    """

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args, self.kwargs = tuple(args), dict(kwargs)
        self.input_tensors = flatten((self.args, self.kwargs), SymbolicTensor)
        self.outputs = outputs
        for tensor in outputs:
            tensor.node = self
        # the common call `layer(x, **options)`: its arguments are found without a walk
        self._one_input = (len(self.args) == 1 and isinstance(self.args[0], SymbolicTensor)
                           and len(self.input_tensors) == 1)

    @property
    def inputs(self):
        """The first argument of the call (the inputs of a layer)."""
        return self.args[0]

    def arguments(self, values):
        """(args, kwargs) of the call with every SymbolicTensor `t` replaced by
        `values[id(t)]`."""
        if self._one_input:
            return (values[id(self.args[0])],), self.kwargs

        def value(tensor):
            return values[id(tensor)]
        return map_symbolic(value, self.args), map_symbolic(value, self.kwargs)


def is_keras_tensor(x):
    """Whether `x` is a symbolic tensor of the functional API (a `keras.Input` or a layer's
    output on one), as `keras.utils.is_keras_tensor`."""
    return isinstance(x, SymbolicTensor)


def get_source_inputs(tensor):
    """The `keras.Input` tensors that `tensor` is computed from, in the order met walking
    the graph back from it (`tensor` itself when it is an input)."""
    if not isinstance(tensor, SymbolicTensor):
        raise ValueError(f"get_source_inputs: expected a symbolic tensor (a keras.Input or a "
                         f"layer output on one), received {type(tensor).__name__}")
    sources, seen, stack = [], set(), [tensor]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.node is None:
            sources.append(current)
        else:
            stack.extend(reversed(current.node.input_tensors))
    return sources


# --- nested structures (lists, tuples and dicts of tensors) ----------------------------------

def map_symbolic(function, structure):
    """`structure` with every SymbolicTensor `t` in it replaced by `function(t)`."""
    if isinstance(structure, SymbolicTensor):
        return function(structure)
    if isinstance(structure, list):
        return [map_symbolic(function, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_symbolic(function, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_symbolic(function, value) for key, value in structure.items()}
    return structure


def flatten(structure, kinds):
    """The items of type `kinds` in `structure`, in order (a dict's by sorted key, as Keras
    orders a layer's outputs)."""
    if isinstance(structure, kinds):
        return [structure]
    if isinstance(structure, dict):
        items = [structure[key] for key in sorted(structure)]
    elif isinstance(structure, (list, tuple)):
        items = structure
    else:
        return []
    return [leaf for item in items for leaf in flatten(item, kinds)]


VALUES = (Tensor, np.ndarray)           # what a call returns where a SymbolicTensor stood


def from_shapes(shapes, dtype):
    """SymbolicTensors for `shapes` (a shape, or a list, tuple or dict of shapes)."""
    if isinstance(shapes, dict):
        return {key: from_shapes(shape, dtype) for key, shape in shapes.items()}
    if _is_shape(shapes):
        return SymbolicTensor(shapes, dtype)
    return [from_shapes(shape, dtype) for shape in shapes]


def shapes_of(structure):
    """The shape of each SymbolicTensor in `structure`; a list of shapes for a list or a
    tuple, a shape alone for one tensor."""
    if isinstance(structure, dict):
        return {key: shapes_of(value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [shapes_of(item) for item in structure]
    return getattr(structure, "shape", None)


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(
        n is None or isinstance(n, (int, np.integer)) for n in value)


# --- dry runs ------------------------------------------------------------------------------

def infer_outputs(call, args, kwargs):
    """The result of `call(*args, **kwargs)` with SymbolicTensors (not yet in a node) in
    place of its tensors, from two runs on zeros (see the module docstring)."""
    runs = []
    for size in STAND_IN_SIZES:
        def probe(tensor):
            return _probe(tensor, size)
        with no_grad(), np.errstate(all="ignore"):     # zeros may divide by zero: no matter
            runs.append(call(*map_symbolic(probe, args), **map_symbolic(probe, kwargs)))
    return _describe(*runs)


def _stand_in(shape, size):
    return tuple(size if n is None else n for n in shape)


def _probe(tensor, size):
    """Zeros in place of `tensor`, with an all-True mask if its values carry one."""
    shape = _stand_in(tensor.shape, size)
    value = Tensor(np.full(shape, "", object) if tensor.dtype == "string"
                   else np.zeros(shape, tensor.dtype))
    if tensor._mask_shape is not None:
        value._keras_mask = np.ones(_stand_in(tensor._mask_shape, size), bool)
    return value


def _describe(first, second):
    """The results of the two dry runs as one structure of SymbolicTensors."""
    if isinstance(first, VALUES):
        mask = getattr(first, "_keras_mask", None)
        mask_shape = None if mask is None else _merged(np.shape(mask),
                                                       np.shape(second._keras_mask))
        return SymbolicTensor(_merged(first.shape, second.shape),
                              backend.standardize_dtype(first.dtype),
                              mask_shape=mask_shape)
    if isinstance(first, dict):
        return {key: _describe(value, second[key]) for key, value in first.items()}
    if isinstance(first, (list, tuple)):
        return type(first)(_describe(x, y) for x, y in zip(first, second))
    return first


def _merged(first, second):
    """A shape from the shapes of two dry runs: None where they differ."""
    if len(first) != len(second):
        raise ValueError(f"the output's rank depends on the input's size: shapes {first} "
                         f"and {second} from inputs of two sizes; give the layer a "
                         "compute_output_shape()")
    return tuple(int(x) if x == y else None for x, y in zip(first, second))


# --- op nodes --------------------------------------------------------------------------------

class OpLayer(Layer):
    """The layer of a node that applies an op to symbolic tensors (`keras.ops.mean(x,
    axis=1)`, `a + b`, `x[:, :2]`), as Keras' op classes do (`Mean`, `Add`, `GetItem`).

    function: the op. options: the keyword arguments of the call that hold no tensor (the
    op's config); the node holds the other arguments. op_class: the name of the op's Keras
    class, which names the node in summaries and files (CamelCase of the function's name
    by default).
    """

    def __init__(self, function, options=None, op_class=None, name=None):
        self.op_class = op_class or "".join(part.capitalize()
                                            for part in function.__name__.split("_"))
        super().__init__(name=name or unique_name(snake_case(self.op_class)))
        self.function = function
        self.options = dict(options or {})
        self.built = True

    def __call__(self, *args, training=None, **kwargs):
        if flatten((args, kwargs), SymbolicTensor):
            return self._call_symbolic(*args, **kwargs)
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self.function(*args, **self.options, **kwargs)

    def get_config(self):
        return {"name": self.name, "op": self.op_class, **self.options}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        op_class, name = config.pop("op"), config.pop("name", None)
        function = find_op(op_class)
        if function is None:
            raise ValueError(f"OpLayer.from_config: unknown op {op_class!r}: neuronet.ops "
                             f"has no op of that name (its ops: {', '.join(op_names())})")
        return cls(function, config, op_class=op_class, name=name)


def record(function, args, kwargs, op_class=None):
    """The symbolic result of `function(*args, **kwargs)`, recorded as a graph node."""
    options = {key: value for key, value in kwargs.items()
               if not flatten(value, SymbolicTensor)}
    tensors = {key: value for key, value in kwargs.items() if key not in options}
    return OpLayer(function, options, op_class)._call_symbolic(*args, **tensors)


def get_item(x, key):
    """`x[key]`, as Keras' GetItem op reads it: a list key (a tuple, as files store one)
    indexes several axes."""
    return m.getitem(x, tuple(key) if isinstance(key, list) else key)


def keras_mask(x):
    """The mask that the values of `x` carry (their `_keras_mask`)."""
    return x._keras_mask


def _normal(name):
    return name.replace("_", "").lower()


def _graph_ops():
    """(name, op) of the graph-aware ops: those of `neuronet.ops`, then of `ops.image`."""
    from ..ops import image                        # imported late: it builds on `ops`
    for namespace, names in ((ops, ops.__all__), (image, image.KERAS_OPS)):
        for name in names:
            op = getattr(namespace, name)
            if hasattr(op, "__wrapped__"):
                yield name, op


def op_names():
    """The names of the ops of `neuronet.ops` and `neuronet.ops.image` that record graph
    nodes."""
    return [name for name, _ in _graph_ops()]


def find_op(op_class):
    """The op a Keras op class names ('NotEqual', 'Mean', 'GetItem', 'ReLU',
    'RGBToGrayscale', ...) among the graph-aware ops, or None."""
    if _normal(op_class) == "getitem":
        return get_item
    for name, op in _graph_ops():
        if _normal(name) == _normal(op_class):
            return op.__wrapped__
    return None
