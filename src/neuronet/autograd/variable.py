"""Variable: a named, mutable Tensor that holds a weight of a layer or an optimizer."""
import numpy as np

from .tensor import Tensor, as_array


class Variable(Tensor):
    """A weight: a Tensor with a name, a `trainable` flag and in-place `assign`.

    Trainable variables require grad; non-trainable ones (moving statistics, optimizer
    slots) never enter the graph as differentiable leaves.
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, name=None):
        if isinstance(initializer, str):           # a name, as Keras takes: Variable("ones", ...)
            from .. import initializers            # (the initializers are built on this class)
            initializer = initializers.get(initializer)
        if callable(initializer) and shape is None:
            raise ValueError(f"Variable {name!r}: when `initializer` is a function or a name, "
                             "the `shape` argument should be specified")
        value = initializer(shape, dtype) if callable(initializer) else initializer
        super().__init__(value, dtype=dtype, requires_grad=trainable, name=name)
        self.data = np.array(self.data)    # a copy: `assign` never writes into the caller's array
        if shape is not None and tuple(self.shape) != tuple(shape):
            raise ValueError(f"Variable {name!r}: expected shape {tuple(shape)}, "
                             f"received initial value of shape {self.shape}")
        self.trainable = bool(trainable)
        self.path = name

    @property
    def value(self):
        return Tensor(self.data)

    def numpy(self):
        """The values as a new ndarray: a snapshot that later assigns and training leave
        as it is (as in Keras)."""
        return self.data.copy()

    def assign(self, value):
        """Overwrite the values in place; the shape must not change."""
        value = as_array(value)
        if value.shape != self.shape:
            raise ValueError(f"Variable {self.name!r}: cannot assign a value of shape "
                             f"{value.shape} to a variable of shape {self.shape}")
        np.copyto(self.data, value, casting="same_kind")
        return self

    def assign_add(self, delta):
        self.data += as_array(delta, self.dtype)
        return self

    def assign_sub(self, delta):
        self.data -= as_array(delta, self.dtype)
        return self

    def __repr__(self):
        return f"<Variable path={self.name}, shape={self.shape}, dtype={self.dtype}>"
