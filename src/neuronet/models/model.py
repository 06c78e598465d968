"""Model: layers grouped into one trainable object.

Three ways to make one, as in Keras:
- functional: `Model(inputs, outputs)` over a graph of layer calls on `Input`s;
- subclassing: `class MyModel(Model)` with layers set in `__init__` and a `call()`;
- `Sequential` (see sequential.py), a plain stack.

A functional model replays its graph on every call: each recorded layer call (a Node)
runs once, in topological order, on the values of its input tensors. An op applied to
symbolic tensors (`x + inputs`, `keras.ops.mean(x, axis=1)`, `x[:, :2]`) is a node too,
whose layer (an OpLayer, see layers/symbolic.py) applies the op; `layers` leaves those
out, as in Keras. A layer called at several places (a shared layer) runs at each of them
with the same weights, so backpropagation adds up the gradients of all its uses. A model
is itself a layer: called on new tensors it becomes one node of a bigger graph.
"""
import inspect

import numpy as np

from .. import saving
from ..autograd import no_grad
from ..layers.base import Layer, snake_case, unique_name
from ..layers.input_layer import InputLayer
from ..layers.symbolic import VALUES, OpLayer, SymbolicTensor, flatten, shapes_of
from ..ops import math as m
from ..saving.functional import functional_config, functional_from_config, operation_order
from ..saving.serialization import as_shape, compile_config, compile_from_config
from .summary import print_summary
from .trainer import Trainer


def conform_rank(value, shape):
    """`value` fitted to an Input of `shape` as Keras fits it: a missing trailing axis of
    size 1 is added, an extra one removed; any other rank is left as it is."""
    if value.ndim == len(shape) - 1 and shape[-1] == 1:
        return m.expand_dims(value, -1)
    if value.ndim == len(shape) + 1 and value.shape[-1] == 1:
        return m.squeeze(value, -1)
    return value


class Model(Trainer, Layer):
    """A network of layers with Keras' training API (compile, fit, evaluate, predict).

    Functional: `Model(inputs, outputs, name=None)`, where `inputs` and `outputs` are a
    tensor, a list or a dict of tensors from `neuronet.Input` and layer calls.
    Subclassed: create the layers in `__init__` (after `super().__init__()`; attributes
    holding layers are tracked) and compute in `call(inputs, training=None)`.
    """

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        default = "functional" if inputs is not None else snake_case(type(self).__name__)
        super().__init__(name=name or unique_name(default), trainable=trainable, **kwargs)
        self._functional = inputs is not None
        self.inputs = self.outputs = None
        if self._functional:
            if outputs is None:
                raise ValueError(f"Model '{self.name}': pass both `inputs` and `outputs`")
            self._init_graph(inputs, outputs)

    # --- the functional graph ---------------------------------------------------------------------
    def _init_graph(self, inputs, outputs):
        for tensor in _flatten(inputs) + _flatten(outputs):
            if not isinstance(tensor, SymbolicTensor):
                raise TypeError(f"Model '{self.name}': inputs and outputs must come from "
                                f"neuronet.Input and layer calls, received {type(tensor).__name__}")
        if any(tensor.node is not None for tensor in _flatten(inputs)):
            inputs, outputs = _cut_at(inputs, outputs, self.name)
        self._input_structure, self._output_structure = inputs, outputs
        self.inputs, self.outputs = _flatten(inputs), _flatten(outputs)
        self._nodes = _nodes_in_order(self.outputs, self.inputs, self.name)
        self._input_layers = []
        for tensor in self.inputs:
            layer = InputLayer(batch_shape=tensor.shape, dtype=tensor.dtype, name=tensor.name)
            layer.output = tensor
            self._input_layers.append(layer)
        # Keras' order (by depth, inputs first); the layers exclude the nodes' op layers
        self._operations = operation_order(self)
        names = [operation.name for operation in self._operations]
        for name in names:        # nodes are saved by their layers' names: they must differ
            if names.count(name) > 1:
                raise ValueError(f'Model {self.name!r}: the name "{name}" is used '
                                 f"{names.count(name)} times in the model. All operation "
                                 "names should be unique.")
        self._layers = [layer for layer in self._operations if not isinstance(layer, OpLayer)]
        self.built = True

    def _flat_inputs(self, inputs):
        """The values for `self.inputs`, in order, from one value, a list or a dict (keyed
        like the `inputs` given to Model(), or by the Input names)."""
        if isinstance(inputs, dict):
            keys = (sorted(self._input_structure) if isinstance(self._input_structure, dict)
                    else [t.name for t in self.inputs])
            missing = [key for key in keys if key not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}': no value for input(s) {missing}; the "
                                 f"model's inputs are {keys}, received keys {sorted(inputs)}")
            return [inputs[key] for key in keys]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                             f"{[t.name for t in self.inputs]}, received {len(flat)}")
        return flat

    def _run_graph(self, inputs, training):
        values = {}
        for index, (tensor, value) in enumerate(zip(self.inputs, self._flat_inputs(inputs))):
            values[id(tensor)] = self._conform_input(index, tensor, value)
        for node in self._nodes:
            args, kwargs = node.arguments(values)
            # A training= given at build holds unless the call gives one (Keras 3).
            if training is not None or "training" not in kwargs:
                kwargs = {**kwargs, "training": training}
            result = node.layer(*args, **kwargs)
            for tensor, value in zip(node.outputs, flatten(result, VALUES)):
                values[id(tensor)] = value
        structure = self._output_structure
        if isinstance(structure, dict):
            return {key: values[id(tensor)] for key, tensor in structure.items()}
        results = [values[id(t)] for t in self.outputs]
        if isinstance(structure, (list, tuple)) and len(structure) > 1:
            return type(structure)(results)
        return results[0]                              # outputs=[y] gives y, as in Keras

    def _conform_input(self, index, expected, value):
        """`value` for input `index`, checked against its Input's shape. As in Keras, a
        missing trailing axis of size 1 is added and an extra one removed."""
        shape, rank = tuple(value.shape), len(expected.shape)
        value = conform_rank(value, expected.shape)
        if value.ndim != rank or any(e is not None and e != s
                                     for e, s in zip(expected.shape, value.shape)):
            raise ValueError(f"Input {index} of model '{self.name}' is incompatible with it: "
                             f"input '{expected.name}' expects shape {expected.shape}, "
                             f"received an input of shape {shape}")
        return value

    def __call__(self, inputs, *args, **kwargs):
        if self._functional and isinstance(inputs, dict):
            inputs = self._flat_inputs(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, training=None):
        if not self._functional:
            raise NotImplementedError(f"Model subclass {type(self).__name__} must implement call()")
        return self._run_graph(inputs, training)

    def build(self, input_shape):
        """Create the weights of a subclassed model by running `call` on inputs of
        `input_shape` (a shape, or a list of shapes for several inputs).

        The run is symbolic when `call` only calls layers (the layers then know their
        output shapes, for `summary`), else on zeros, without recording gradients.
        """
        if self._functional:
            return
        self._build_input_shape = _without_batch(input_shape)
        shapes = input_shape if _is_shape_list(input_shape) else [tuple(input_shape)]
        symbolic = [SymbolicTensor((None,) + tuple(s[1:]), self.dtype) for s in shapes]
        kwargs = {"training": False} if "training" in inspect.signature(self.call).parameters \
            else {}
        try:
            outputs = self.call(symbolic if len(shapes) > 1 else symbolic[0], **kwargs)
            self.inputs, self.outputs = symbolic, _flatten(outputs)
            self._output_structure = outputs
        except Exception:      # an op in call() that needs values: run it on zeros instead
            zeros = [np.zeros((s[0] or 1,) + tuple(s[1:]), self.dtype) for s in shapes]
            with no_grad():
                self.call(self._as_tensors(zeros if len(shapes) > 1 else zeros[0]), **kwargs)
        self.built = True

    _build_input_shape = None       # the input shape a subclassed model was built for

    def _ensure_built(self, input_shapes):
        if not self.built and not self._functional:
            self._build_input_shape = _without_batch(input_shapes)    # for get_build_config
            if type(self).build is Model.build:
                self.built = True  # no dry run: the layers build themselves on this first call
                return
        super()._ensure_built(input_shapes)

    def compute_output_shape(self, input_shape):
        """The output shape(s), in the structure of the outputs."""
        if self._functional:
            structure = self._output_structure
            if isinstance(structure, (list, tuple)) and len(structure) == 1:
                structure = structure[0]                 # outputs=[y] gives y, as in Keras
            return shapes_of(structure)
        return super().compute_output_shape(input_shape)

    # --- structure ---------------------------------------------------------------------------------
    @property
    def layers(self):
        """The model's layers; for a functional model its InputLayers first, as in Keras."""
        return list(self._layers) if self._functional else _unique(self._sublayers())

    def _sublayers(self):
        return list(self._layers) if self._functional else super()._sublayers()

    @property
    def weights(self):
        return _unique(super().weights)        # a layer reached twice counts once

    @property
    def trainable_weights(self):
        return _unique(super().trainable_weights)

    trainable_variables = trainable_weights
    variables = weights

    @property
    def input(self):
        """The model's input tensor(s), as given to Model(), or of its latest symbolic call."""
        if self._functional:
            return self._input_structure
        return self._endpoint(self.inputs, "_called_input", "input")

    @input.setter
    def input(self, value):            # set by Layer._call_symbolic when used as a layer
        self.__dict__["_called_input"] = value

    @property
    def output(self):
        """The model's output tensor(s), as given to Model(), or of its latest symbolic call."""
        if self._functional:
            return self._output_structure
        return self._endpoint(self.outputs, "_called_output", "output")

    @output.setter
    def output(self, value):
        self.__dict__["_called_output"] = value

    @property
    def input_shape(self):
        """The shape(s) of `input` (batch axis None), in its structure."""
        return _map(lambda tensor: tensor.shape, self.input)

    @property
    def output_shape(self):
        """The shape(s) of `output`, in its structure (one shape for a single output)."""
        output = self.output
        if isinstance(output, (list, tuple)) and len(output) == 1:
            output = output[0]
        return _map(lambda tensor: tensor.shape, output)

    def _endpoint(self, graph_tensors, called_key, what):
        if graph_tensors:
            return graph_tensors[0] if len(graph_tensors) == 1 else list(graph_tensors)
        if called_key in self.__dict__:
            return self.__dict__[called_key]
        raise AttributeError(f"Model '{self.name}' has no {what} yet: it was never built on "
                             "symbolic inputs (call build(input_shape) or use it on an Input)")

    @property
    def output_names(self):
        """The names of the outputs, in the order of `outputs`: the sorted keys of dict
        outputs, else the names of the layers that produce them."""
        if isinstance(getattr(self, "_output_structure", None), dict):
            return sorted(self._output_structure)
        if self.outputs:
            return [t.node.layer.name if t.node else t.name for t in self.outputs]
        return ["output"]

    def _outputs_known(self):
        """Whether the outputs (and their names) are known before the model runs: not for
        a subclassed model that was not built."""
        return self._functional or bool(self.outputs)

    def get_layer(self, name=None, index=None):
        """The layer with this name, or at this index of `layers` (one of the two)."""
        if (name is None) == (index is None):
            raise ValueError("get_layer: provide either a layer name or a layer index, not "
                             f"{'both' if name is not None else 'neither'}. Received: "
                             f"name={name!r}, index={index!r}")
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
                show_trainable=False, layer_range=None):
        """Print Keras' table: layer (type), output shape, param # (and, for a functional
        model that is not a plain chain, what each layer is connected to); then the totals.
        `line_length` and `positions` (where the columns end, as fractions of it) lay it
        out; `layer_range`: two regular expressions, the first and the last layer listed."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    # --- saving (Keras 3 formats, see neuronet.saving) ----------------------------------------
    def save(self, filepath, overwrite=True):
        """Save the architecture, weights and optimizer state to a `.keras` file."""
        saving.save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath, overwrite=True):
        """Save the weights (and optimizer state) to a `.weights.h5` file."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False):
        """Load weights from a `.weights.h5`, `.keras` or legacy `.h5` file into this (built)
        model; by_name (legacy files only): match layers by name, not position."""
        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def to_json(self, **kwargs):
        """The architecture (no weights) as a JSON string; see `models.model_from_json`."""
        return saving.to_json(self, **kwargs)

    def get_config(self):
        """A functional model's graph; a subclassed model's `__init__` arguments (plain
        data only: implement get_config for others), as a layer subclass records them."""
        if self._functional:
            return functional_config(self)
        config = super().get_config()
        if type(self).get_config is Model.get_config and type(self) is not Model:
            config = {**self._init_config(), **config}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "input_layers" in config:
            return functional_from_config(cls, config, custom_objects)
        return cls(**config)

    def get_build_config(self):
        """{'input_shape': ...} to build the model again: the shape given to `build` or of
        the first call's inputs (batch axis None); None when the graph holds the shapes
        (functional) or the model is not built."""
        shape = self._build_input_shape
        if self._functional or not self.built or shape is None:
            return None
        return {"input_shape": [list(s) for s in shape] if _is_shape_list(shape) else list(shape)}

    def build_from_config(self, config):
        shape = (config or {}).get("input_shape")
        if not self.built and shape is not None:
            self.build(as_shape(shape))

    def get_compile_config(self):
        """The arguments of `compile`, serialized (an empty dict if not compiled)."""
        return compile_config(self)

    def compile_from_config(self, config):
        """Compile from `get_compile_config()`'s dict."""
        compile_from_config(self, config)


def _flatten(structure):
    """The tensors of a tensor, a list/tuple or a dict (by sorted key, as Keras flattens)."""
    if isinstance(structure, dict):
        return [structure[key] for key in sorted(structure)]
    return list(structure) if isinstance(structure, (list, tuple)) else [structure]


def _map(fn, structure):
    """`fn` applied to every tensor of a tensor, a list/tuple or a dict of tensors."""
    if isinstance(structure, dict):
        return {key: fn(value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [fn(value) for value in structure]
    return fn(structure)


def _unique(items):
    """`items` without repeats (by identity), in order."""
    seen = set()
    return [item for item in items if not (id(item) in seen or seen.add(id(item)))]


def _is_shape_list(shape):
    return isinstance(shape, list) and all(isinstance(s, (tuple, list)) for s in shape)


def _without_batch(shape):
    """`shape` (or each of a list of shapes) with the batch axis None."""
    if _is_shape_list(shape):
        return [_without_batch(s) for s in shape]
    return (None,) + tuple(shape[1:])


def _cut_at(inputs, outputs, model_name):
    """(inputs, outputs) of a graph that starts at `inputs` when some of them are layer
    outputs, as Keras allows: each such input is replaced by a new `Input` of its shape and
    dtype, and the layer calls from the inputs to the outputs are made again on them."""
    from ..layers.input_layer import Input
    flat = _flatten(inputs)
    fresh = {id(t): t if t.node is None else Input(batch_shape=t.shape, dtype=t.dtype)
             for t in flat}
    values = dict(fresh)
    for node in _nodes_in_order(_flatten(outputs), flat, model_name):
        args, kwargs = node.arguments(values)
        for tensor, value in zip(node.outputs, flatten(node.layer(*args, **kwargs),
                                                       SymbolicTensor)):
            values[id(tensor)] = value
    return _map(lambda t: fresh[id(t)], inputs), _map(lambda t: values[id(t)], outputs)


def _nodes_in_order(outputs, inputs, model_name):
    """The layer calls between `inputs` and `outputs`, each after those it depends on."""
    input_ids = {id(t) for t in inputs}
    order, visited = [], set()
    stack = [(t, False, index) for index, t in reversed(list(enumerate(outputs)))]
    while stack:
        tensor, expanded, output_index = stack.pop()
        if id(tensor) in input_ids:
            continue
        node = tensor.node
        if node is None:
            raise ValueError(
                f"Model '{model_name}': output {output_index} ({outputs[output_index]}) is not "
                f"connected to the inputs: it depends on Input '{tensor.name}' of shape "
                f"{tensor.shape}, which is not among the model's inputs "
                f"{[t.name for t in inputs]}")
        if expanded:
            if id(node) not in visited:
                visited.add(id(node))
                order.append(node)
            continue
        stack.append((tensor, True, output_index))
        stack.extend((t, False, output_index) for t in reversed(node.input_tensors)
                     if id(t.node) not in visited)
    return order
