"""The config of a functional model in Keras 3's layout: its layers, and for each layer
the calls ("inbound nodes") that connect it to the tensors of other layers.

A tensor is named by its "keras history" [layer name, node index, tensor index]: the
layer that made it, which call of that layer, and which of the call's outputs.

An op applied to symbolic tensors (`a + b`, `keras.ops.mean(x, axis=1)`, `x[:, :2]`) is
written as Keras 3 writes its op classes: {"module": "keras.src.ops.numpy", "class_name":
"Mean", "config": {"name": "mean", "axis": 1}}, its keyword options in the config and its
positional arguments in its inbound node. Files of Keras with such nodes load when
neuronet has the op.
"""
from ..autograd import Tensor, Variable
from .serialization import deserialize_keras_object, loading_scope, serialize_keras_object


def _is_input(tensor, model):
    return any(tensor is t for t in model.inputs)


def layer_order(model):
    """The model's layers (InputLayers included, op nodes not) in Keras' order."""
    from ..layers.symbolic import OpLayer
    return [layer for layer in operation_order(model) if not isinstance(layer, OpLayer)]


def operation_order(model):
    """The model's layers and op nodes' layers (InputLayers included) in Keras' order.

    Keras sorts by depth (the longest path to an output, deepest first), and layers of
    the same depth by when a depth-first walk from the outputs first meets them. The same
    graph gives the same order in both libraries, and the order names the weight groups.
    """
    first_seen, finished, post_order = {}, set(), []

    def key(tensor):
        return id(tensor) if _is_input(tensor, model) else id(tensor.node)

    def walk(tensor):
        if key(tensor) in finished:
            return
        operation = tensor if _is_input(tensor, model) else tensor.node.layer
        first_seen.setdefault(id(operation), (len(first_seen), operation))
        if not _is_input(tensor, model):
            for parent in tensor.node.input_tensors:
                walk(parent)
        finished.add(key(tensor))
        post_order.append(tensor)

    for output in model.outputs:
        walk(output)
    node_depth, operation_depth = {}, {}
    for tensor in reversed(post_order):                 # outputs first
        operation = first_seen[id(tensor if _is_input(tensor, model) else tensor.node.layer)][1]
        depth = max(node_depth.setdefault(key(tensor), 0), operation_depth.get(id(operation), 0))
        operation_depth[id(operation)] = node_depth[key(tensor)] = depth
        if not _is_input(tensor, model):
            for parent in tensor.node.input_tensors:
                node_depth[key(parent)] = max(depth + 1, node_depth.get(key(parent), 0))
    for tensor in model.inputs:                         # inputs that reach no output
        if id(tensor) not in first_seen:
            first_seen[id(tensor)] = (-1, tensor)
            operation_depth[id(tensor)] = 0
    ranked = sorted(first_seen.items(), key=lambda item: (-operation_depth[item[0]], item[1][0]))
    input_layers = {id(layer.output): layer for layer in model._input_layers}
    return [input_layers.get(id(operation), operation) for _, (_, operation) in ranked]


def _map_tensors(structure, function):
    """`structure` (a tensor, or lists/tuples/dicts of them and other values) with every
    tensor replaced by `function(tensor)` and the other values serialized (a Tensor as its
    array, a slice and `...` as Keras writes them)."""
    from ..layers.symbolic import SymbolicTensor
    if isinstance(structure, SymbolicTensor):
        return function(structure)
    if isinstance(structure, (list, tuple)):
        return [_map_tensors(item, function) for item in structure]
    if isinstance(structure, dict):
        return {key: _map_tensors(value, function) for key, value in structure.items()}
    if isinstance(structure, slice):
        return {"class_name": "__slice__", "config": {
            "start": structure.start, "stop": structure.stop, "step": structure.step}}
    if structure is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(structure, Variable):
        raise TypeError(f"an argument is a Variable of shape {structure.shape} (a weight, "
                        "which a file holds only inside a layer)")
    if isinstance(structure, Tensor):
        return serialize_keras_object(structure.data)
    return serialize_keras_object(structure)


def _op_entry(layer, model):
    """An op node's layer as Keras 3 writes its op classes; a ValueError for an op that
    cannot be written (not an op of keras.ops, or holding a weight)."""
    from ..layers.symbolic import find_op
    problem = None
    if find_op(layer.op_class) is not layer.function:
        problem = "it is not an op of keras.ops"
    else:
        try:
            config = {"name": layer.name, **_map_tensors(layer.options, None)}
        except TypeError as error:
            problem = str(error)
    if problem:
        raise ValueError(_unsaveable_op(model, layer, problem))
    numpy_like = layer.function.__module__.endswith((".math", ".array", ".symbolic"))
    return {"module": "keras.src.ops.numpy" if numpy_like else "keras.src.ops.nn",
            "class_name": layer.op_class, "config": config, "registered_name": layer.op_class}


def _unsaveable_op(model, layer, problem):
    return (f"Model '{model.name}' uses the op {layer.op_class} ('{layer.name}') on symbolic "
            f"tensors, which cannot be saved: {problem}. Wrap it in a Lambda layer or a "
            "custom layer to save it")


def functional_config(model):
    """{'name', 'trainable', 'layers', 'input_layers', 'output_layers'} of a functional model."""
    from ..layers.symbolic import OpLayer
    nodes_of = {}
    node_index = {}
    for node in model._nodes:
        calls = nodes_of.setdefault(id(node.layer), [])
        node_index[id(node)] = len(calls)
        calls.append(node)

    def history(tensor):
        if _is_input(tensor, model):
            return [tensor.name, 0, 0]
        node = tensor.node
        position = next(i for i, out in enumerate(node.outputs) if out is tensor)
        return [node.layer.name, node_index[id(node)], position]

    def model_history(tensor):
        """A history in input_layers / output_layers, where Keras counts a nested functional
        model's nodes from 1 (its node 0 is the one that made it)."""
        name, index, position = history(tensor)
        if not _is_input(tensor, model) and _starts_with_a_node(tensor.node.layer):
            index += 1
        return [name, index, position]

    def keras_tensor(tensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                           "keras_history": history(tensor)}}

    def inbound_node(node):
        return {"args": _map_tensors(list(node.args), keras_tensor),
                "kwargs": _map_tensors(node.kwargs, keras_tensor)}

    layers = []
    for layer in operation_order(model):
        if isinstance(layer, OpLayer):
            entry = _op_entry(layer, model)
            try:
                entry["inbound_nodes"] = [inbound_node(node) for node in nodes_of[id(layer)]]
            except TypeError as error:
                raise ValueError(_unsaveable_op(model, layer, error)) from None
        else:
            entry = serialize_keras_object(layer)
            entry["inbound_nodes"] = [inbound_node(node) for node in nodes_of.get(id(layer), [])]
        entry["name"] = layer.name
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": _map_tensors(model._input_structure, model_history),
            "output_layers": _map_tensors(model._output_structure, model_history)}


def _starts_with_a_node(layer):
    """Whether Keras gives `layer` a node of its own before any call: a functional model."""
    return getattr(layer, "_functional", False)


def _is_history(value):
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) for v in value[1:]))


def functional_from_config(cls, config, custom_objects=None):
    """A functional model of class `cls` from `functional_config`'s dict (or Keras 3's)."""
    from ..layers import Input
    with loading_scope(custom_objects):
        tensors = {}                      # (layer name, node index, tensor index) -> tensor
        pending = []                      # (layer, name, node index, call) not made yet
        nested = set()                    # the names of the functional models among the layers
        for entry in config["layers"]:
            name = entry.get("name") or entry["config"]["name"]
            if entry["class_name"] == "InputLayer":
                inner = entry["config"]
                tensors[(name, 0, 0)] = Input(
                    batch_shape=inner.get("batch_shape") or inner.get("batch_input_shape"),
                    dtype=inner.get("dtype"), name=name)
                continue
            layer = (_op_layer(entry, name) if is_op_entry(entry)
                     else deserialize_keras_object(entry))
            if _starts_with_a_node(layer):
                nested.add(name)
            for index, call in enumerate(entry.get("inbound_nodes", [])):
                if not isinstance(call, dict):
                    raise ValueError(f"load_model: layer {name!r} has inbound nodes in the "
                                     "Keras 2 layout, which is not supported; save the model "
                                     "again with Keras 3")
                pending.append((layer, name, index, call))
        while pending:
            ready = [item for item in pending if _available(item[3], tensors)]
            if not ready:
                missing = sorted({h[0] for item in pending for h in _histories(item[3])
                                  if tuple(h) not in tensors})
                raise ValueError(f"load_model: model {config.get('name')!r} is not connected: "
                                 f"no layer makes the inputs named {missing}")
            for layer, name, index, call in ready:
                args = [_resolve(arg, tensors) for arg in call.get("args", [])]
                kwargs = {k: _resolve(v, tensors) for k, v in call.get("kwargs", {}).items()
                          if not (k == "mask" and v is None)}
                outputs = layer(*args, **kwargs)
                for position, output in enumerate(outputs if isinstance(outputs, (list, tuple))
                                                  else [outputs]):
                    tensors[(name, index, position)] = output
            pending = [item for item in pending if not any(item is r for r in ready)]
        inputs = _resolve_layers(config["input_layers"], tensors, nested)
        outputs = _resolve_layers(config["output_layers"], tensors, nested)
        return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
                   trainable=config.get("trainable", True))


def is_op_entry(entry):
    """Whether a layer entry is an op node's (Keras' op classes live in these modules)."""
    return (entry.get("module") or "").startswith(("keras.src.ops.", "keras.src.activations."))


def _op_layer(entry, name):
    """The layer of an op node from its entry: the op named by its class, the config's
    other keys as its options."""
    from ..layers.symbolic import OpLayer, find_op, op_names
    options = {key: value for key, value in (entry.get("config") or {}).items() if key != "name"}
    function = find_op(entry["class_name"])
    if function is None:
        raise ValueError(f"load_model: the op node {name!r} applies the op "
                         f"{entry['class_name']!r}, which neuronet does not have (its ops: "
                         f"{', '.join(op_names())})")
    return OpLayer(function, _resolve(options, {}), op_class=entry["class_name"], name=name)


def _histories(structure):
    """Every keras history inside a call's args and kwargs."""
    if isinstance(structure, dict):
        if structure.get("class_name") == "__keras_tensor__":
            return [structure["config"]["keras_history"]]
        return [h for value in structure.values() for h in _histories(value)]
    if isinstance(structure, list):
        return [h for item in structure for h in _histories(item)]
    return []


def _available(call, tensors):
    return all(tuple(h) in tensors for h in _histories(call))


def _resolve(structure, tensors):
    """A call's argument with its keras tensors replaced by the tensors made so far."""
    if isinstance(structure, dict):
        class_name = structure.get("class_name")
        if class_name == "__keras_tensor__":
            return tensors[tuple(structure["config"]["keras_history"])]
        if class_name == "__slice__":
            return slice(*(_resolve(structure["config"].get(key), tensors)
                           for key in ("start", "stop", "step")))
        if class_name == "__ellipsis__":
            return Ellipsis
        if "class_name" in structure:
            return deserialize_keras_object(structure)
        return {key: _resolve(value, tensors) for key, value in structure.items()}
    if isinstance(structure, list):
        return [_resolve(item, tensors) for item in structure]
    return structure


def _resolve_layers(structure, tensors, nested):
    """input_layers / output_layers: a history, or lists / dicts of them, as tensors; the
    node indices of the functional models named in `nested` count from 1 there (Keras)."""
    if _is_history(structure):
        name, index, position = structure
        if name in nested and index > 0:       # (a 0 is from a file of an earlier neuronet,
            index -= 1                          # which counted them from 0 too)
        return tensors[(name, index, position)]
    if isinstance(structure, dict):
        return {key: _resolve_layers(value, tensors, nested) for key, value in structure.items()}
    return [_resolve_layers(item, tensors, nested) for item in structure]
