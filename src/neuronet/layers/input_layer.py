"""InputLayer and Input: the entry point of a model's graph."""
import numpy as np

from .. import backend
from .base import Layer
from .symbolic import SymbolicTensor


class InputLayer(Layer):
    """Declares the shape of a model's input; its output is a SymbolicTensor."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 name=None, input_shape=None, batch_input_shape=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            batch_shape = batch_input_shape
        if batch_shape is None:
            shape = shape if shape is not None else input_shape
            if shape is None:
                raise ValueError(f"InputLayer '{self.name}': pass `shape` (without the batch axis)")
            batch_shape = (batch_size,) + tuple(_as_tuple(shape))
        self.batch_shape = tuple(batch_shape)
        self.built = True
        self.output = SymbolicTensor(self.batch_shape, self.dtype, name=self.name)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": False,
                "name": self.name}


def _as_tuple(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def Input(shape=None, batch_size=None, dtype=None, batch_shape=None, name=None):
    """A symbolic input of `shape` (batch axis excluded), to build a model on."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype or backend.floatx(),
                       batch_shape=batch_shape, name=name)
    return layer.output
