"""Model: layers grouped into one trainable object.

Three ways to make one, as in Keras:
- functional: `Model(inputs, outputs)` over a graph of layer calls on `Input`s;
- subclassing: `class MyModel(Model)` with layers set in `__init__` and a `call()`;
- `Sequential` (see sequential.py), a plain stack.
"""
from ..layers.base import Layer, unique_name
from ..layers.input_layer import InputLayer
from ..layers.symbolic import SymbolicTensor
from .summary import print_summary
from .trainer import Trainer


class Model(Trainer, Layer):
    """A network of layers with Keras' training API (compile, fit, evaluate, predict)."""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name or unique_name("functional" if inputs is not None else "model"),
                         trainable=trainable, **kwargs)
        self._functional = inputs is not None
        if self._functional:
            if outputs is None:
                raise ValueError(f"Model '{self.name}': pass both `inputs` and `outputs`")
            self._init_graph(inputs, outputs)

    # --- the functional graph ---------------------------------------------------------------------
    def _init_graph(self, inputs, outputs):
        self._input_structure, self._output_structure = inputs, outputs
        self.inputs = _as_list(inputs)
        self.outputs = _as_list(outputs)
        for tensor in self.inputs + self.outputs:
            if not isinstance(tensor, SymbolicTensor):
                raise TypeError(f"Model '{self.name}': inputs and outputs must come from "
                                f"neuronet.Input and layer calls, received {type(tensor).__name__}")
        self._nodes = _nodes_in_order(self.outputs, self.inputs, self.name)
        self._layers = []
        for node in self._nodes:
            if node.layer not in self._layers:
                self._layers.append(node.layer)
        self.built = True

    def _run_graph(self, inputs, training):
        flat = _as_list(inputs) if not isinstance(inputs, dict) else \
            [inputs[t.name] for t in self.inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input(s), "
                             f"received {len(flat)}")
        values = {}
        for tensor, value in zip(self.inputs, flat):
            _check_input_shape(self.name, tensor, value)
            values[id(tensor)] = value
        for node in self._nodes:
            args = ([values[id(t)] for t in node.inputs] if isinstance(node.inputs, (list, tuple))
                    else values[id(node.inputs)])
            result = node.layer(args, training=training, **node.kwargs)
            for tensor, value in zip(node.outputs, _as_list(result)):
                values[id(tensor)] = value
        results = [values[id(t)] for t in self.outputs]
        if isinstance(self._output_structure, dict):
            return dict(zip(self._output_structure, results))
        return results if isinstance(self._output_structure, (list, tuple)) else results[0]

    def call(self, inputs, training=None):
        if not self._functional:
            raise NotImplementedError(f"Model subclass {type(self).__name__} must implement call()")
        return self._run_graph(inputs, training)

    def compute_output_shape(self, input_shape):
        if self._functional:
            shapes = [t.shape for t in self.outputs]
            return shapes if len(shapes) > 1 else shapes[0]
        return super().compute_output_shape(input_shape)

    # --- structure ---------------------------------------------------------------------------------
    @property
    def layers(self):
        if self._functional:
            return [layer for layer in self._layers if not isinstance(layer, InputLayer)]
        return self._sublayers()

    @property
    def output_names(self):
        if self._functional:
            return [t.node.layer.name if t.node else t.name for t in self.outputs]
        return ["output"]

    def get_layer(self, name=None, index=None):
        """The layer with this name, or at this index of `layers`."""
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} out of range; model '{self.name}' "
                                 f"has {len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False):
        """Print Keras' table: layer (type), output shape, param #; then the totals."""
        print_summary(self, line_length=line_length, print_fn=print_fn)


def _as_list(structure):
    if isinstance(structure, dict):
        return list(structure.values())
    return list(structure) if isinstance(structure, (list, tuple)) else [structure]


def _nodes_in_order(outputs, inputs, model_name):
    """The layer calls between `inputs` and `outputs`, each after those it depends on."""
    input_ids = {id(t) for t in inputs}
    order, visited = [], set()
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        node = tensor.node
        if id(tensor) in input_ids:
            continue
        if node is None or isinstance(node.layer, InputLayer):
            raise ValueError(f"Model '{model_name}': output is not connected to the inputs; "
                             f"{tensor} depends on an input that was not passed to Model()")
        if expanded:
            if id(node) not in visited:
                visited.add(id(node))
                order.append(node)
            continue
        stack.append((tensor, True))
        stack.extend((t, False) for t in reversed(node.input_tensors) if id(t.node) not in visited)
    return order


def _check_input_shape(model_name, expected, value):
    shape = value.shape
    compatible = len(shape) == len(expected.shape) and all(
        e is None or e == s for e, s in zip(expected.shape[1:], shape[1:]))
    if not compatible:
        raise ValueError(f"Model '{model_name}': input '{expected.name}' expects shape "
                         f"{expected.shape}, received an input of shape {tuple(shape)}")
