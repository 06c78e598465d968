"""Models: Model (functional and subclassed), Sequential, and their training loop."""
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]

import inspect

from ..layers.input_layer import Input
from ..layers.symbolic import SymbolicTensor
from ..saving import load_model, model_from_json, save_model
from ..saving.object_registration import custom_object_scope
from ..saving.serialization import deserialize_keras_object, serialize_keras_object
from .model import _flatten, _map


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False):
    """A new model with the same architecture as `model` and freshly initialized weights.

    input_tensors: Input tensors to build the clone on (new ones by default).
    clone_function: `fn(layer)` -> the layer to use in the clone; by default
        `layer.__class__.from_config(layer.get_config())`. A layer used several times is
        cloned once.
    call_function: `fn(layer, inputs, **kwargs)` -> outputs, used instead of calling each
        cloned layer (functional models only).
    recursive: clone the Sequential and functional models found among the layers with
        clone_model (and these arguments) instead of `clone_function`.
    A subclassed model is rebuilt from its config; it takes none of these arguments.
    A compiled model gives a clone compiled with the same arguments (a new optimizer).
    The model's own classes and functions (its layers, their activations, ...) are found
    as they are, registered or not.
    """
    if not isinstance(model, Model):
        raise TypeError(f"clone_model: expected a Model or Sequential, received "
                        f"{type(model).__name__}")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(f"clone_model: `clone_function` must be a callable fn(layer), "
                         f"received clone_function={clone_function!r}")
    graph_model = _is_graph_model(model)
    if not graph_model and (clone_function is not None or input_tensors is not None
                            or call_function is not None):
        raise ValueError(f"clone_model: `clone_function`, `call_function` and `input_tensors` "
                         f"apply to Sequential and functional models only; model "
                         f"'{model.name}' is a subclassed {type(model).__name__}")
    if isinstance(model, Sequential) and call_function is not None:
        raise ValueError("clone_model: `call_function` applies to functional models only; a "
                         "Sequential model does not call its layers when it is built. "
                         f"Received the Sequential model '{model.name}'")
    with custom_object_scope(_user_objects(model)):
        clone_layer = _cached_clone(clone_function, call_function, recursive)
        if not graph_model:
            clone = deserialize_keras_object(serialize_keras_object(model)
                                             | {"compile_config": None})
        elif isinstance(model, Sequential):
            clone = _clone_sequential(model, clone_layer, input_tensors)
        else:
            clone = _clone_functional(model, clone_layer, call_function, input_tensors)
        if model.compiled:                  # as Keras: compiled alike, with a new optimizer
            clone.compile_from_config(model.get_compile_config())
    return clone


def _is_graph_model(layer):
    """Whether `layer` is a Sequential or functional model (a graph of layers to clone)."""
    return isinstance(layer, Sequential) or isinstance(layer, Model) and layer._functional


def _user_objects(model):
    """{name: object} of the user-defined classes and functions in `model`: the classes of
    the model and of every layer in it, and the functions and objects with a config that
    the layers hold (activations, initializers, ...), under the names their configs use."""
    found, seen, stack = {}, set(), [model]
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        for value in [layer, *vars(layer).values()]:
            if inspect.isfunction(value):
                user_object = value
            elif hasattr(value, "get_config") and not inspect.isclass(value):
                user_object = type(value)
            else:
                continue
            if not user_object.__module__.startswith("neuronet."):
                found.setdefault(user_object.__name__, user_object)
        stack.extend(layer._sublayers())
    return found


def _cached_clone(clone_function, call_function, recursive):
    """`clone_function` (default: from the layer's config) with one clone per layer."""
    clones = {}

    def clone(layer):
        if id(layer) not in clones:
            if recursive and _is_graph_model(layer):
                clones[id(layer)] = clone_model(
                    layer, clone_function=clone_function, recursive=True,
                    call_function=None if isinstance(layer, Sequential) else call_function)
            elif clone_function is None:
                clones[id(layer)] = layer.__class__.from_config(layer.get_config())
            else:
                clones[id(layer)] = clone_function(layer)
        return clones[id(layer)]

    return clone


def _check_input_tensors(model, input_tensors):
    """`input_tensors` as a flat list of model inputs, one per input of `model`."""
    flat = _flatten(input_tensors)
    if len(flat) != len(model.inputs) or not all(
            isinstance(t, SymbolicTensor) and t.node is None for t in flat):
        raise ValueError(f"clone_model: `input_tensors` must be {len(model.inputs)} tensor(s) "
                         f"made by keras.Input, like the model's inputs {model.inputs}; "
                         f"received input_tensors={input_tensors!r}")
    return flat


def _clone_sequential(model, clone_layer, input_tensors):
    layers = [clone_layer(layer) for layer in model.layers]
    clone = Sequential(name=model.name, trainable=model.trainable)
    if input_tensors is not None:
        clone.add(_check_input_tensors(model, input_tensors)[0])
    elif model._input_shape is not None:
        clone.add(Input(batch_shape=model._input_shape, dtype=model.dtype))
    for layer in layers:
        clone.add(layer)
    return clone


def _clone_functional(model, clone_layer, call_function, input_tensors):
    if input_tensors is None:
        inputs = [Input(batch_shape=t.shape, dtype=t.dtype, name=t.name) for t in model.inputs]
    else:
        inputs = _check_input_tensors(model, input_tensors)
    tensors = {id(old): new for old, new in zip(model.inputs, inputs)}
    call = call_function or (lambda layer, *args, **kwargs: layer(*args, **kwargs))
    for node in model._nodes:
        args, kwargs = node.arguments(tensors)
        outputs = call(clone_layer(node.layer), *args, **kwargs)
        for old, new in zip(node.outputs, _flatten(outputs)):
            tensors[id(old)] = new
    new_inputs = _map(lambda t: tensors[id(t)], model._input_structure)
    new_outputs = _map(lambda t: tensors[id(t)], model._output_structure)
    cls = type(model) if _takes_inputs_and_outputs(type(model)) else Model
    return cls(new_inputs, new_outputs, name=model.name)


def _takes_inputs_and_outputs(cls):
    """Whether `cls(inputs, outputs, name=...)` makes a functional model of class `cls`."""
    parameters = list(inspect.signature(cls.__init__).parameters)[1:3]
    return parameters == ["inputs", "outputs"]


__all__ += ["load_model", "save_model", "model_from_json", "clone_model"]
