"""SymbolicTensor: a placeholder that records which layer call made it (Keras' KerasTensor).

Calling a layer on a SymbolicTensor computes no values: it infers the output shape and
records a `Node` (layer, inputs, outputs), so that `Model(inputs, outputs)` can replay
the graph later.
"""


class Node:
    """One call of a layer in a graph: `outputs = layer(inputs, **kwargs)`."""

    def __init__(self, layer, inputs, kwargs):
        self.layer = layer
        self.inputs = inputs        # a SymbolicTensor or a list of them, as the call got them
        self.kwargs = kwargs
        self.outputs = []

    @property
    def input_tensors(self):
        return list(self.inputs) if isinstance(self.inputs, (list, tuple)) else [self.inputs]


class SymbolicTensor:
    """A shape (batch axis usually None) and dtype, and the Node that produced it."""

    def __init__(self, shape, dtype="float32", name=None, node=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name
        self.node = node            # None for a model input

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        origin = f", name={self.name}" if self.name else ""
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}{origin}>"
