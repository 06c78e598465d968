"""Activation functions by Keras name, as in `keras.activations`.

    from neuronet import activations
    activations.relu(x, max_value=6.0)
    activations.get("gelu")            # the function named by a layer's `activation=`
    activations.serialize(fn)          # -> "gelu", stored in a layer config

A user function is found by name when registered with
`keras.saving.register_keras_serializable` (as "package>name"), inside a
`keras.saving.custom_object_scope`, or while `load_model(..., custom_objects=...)` runs.

Every function takes a Tensor or an array-like and returns a Tensor; the computing
ops, each with its backward pass, are in `neuronet.ops.activations`.
"""
import inspect

from .ops.activations import (celu, crelu, elu, exponential, gelu, glu, hard_shrink,
                              hard_sigmoid, hard_silu, hard_tanh, leaky_relu, log_sigmoid,
                              log_softmax, mish, relu, relu6, selu, sigmoid, silu,
                              soft_shrink, softmax, softplus, softsign, sparse_plus,
                              sparse_sigmoid, sparsemax, squareplus, tanh, tanh_shrink,
                              threshold)
from .ops.math import tensor
from .saving.object_registration import find_registered
from .saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = [
    "relu", "leaky_relu", "relu6", "elu", "selu", "softplus", "softsign", "silu", "swish",
    "gelu", "tanh", "sigmoid", "exponential", "hard_sigmoid", "hard_silu", "hard_swish",
    "linear", "mish", "softmax", "log_softmax", "crelu", "celu", "glu", "hard_tanh",
    "hard_shrink", "soft_shrink", "tanh_shrink", "squareplus", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "log_sigmoid", "threshold",
    "get", "serialize", "deserialize",
]

swish = silu
hard_swish = hard_silu


def linear(x):
    """The identity: returns `x` unchanged (as a Tensor)."""
    return tensor(x)


# Keras names -> functions; an alias maps to the same function, which serializes under
# its own name (swish -> "silu", as in Keras 3).
_BY_NAME = {fn.__name__: fn for fn in (
    relu, leaky_relu, relu6, softmax, elu, selu, softplus, softsign, silu, gelu, tanh,
    sigmoid, exponential, hard_sigmoid, hard_silu, linear, mish, log_softmax, crelu, celu,
    glu, hard_tanh, hard_shrink, soft_shrink, tanh_shrink, squareplus, sparse_plus,
    sparse_sigmoid, sparsemax, log_sigmoid, threshold)}
_BY_NAME.update(swish=silu, hard_swish=hard_silu)


def _valid_names():
    return ", ".join(sorted(_BY_NAME))


def get(identifier):
    """The activation function for `identifier`.

    None gives `linear`, a callable is returned as is, a name (or a serialized dict)
    gives the built-in or custom function (see `deserialize`); anything else raises
    ValueError.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return getattr(identifier, "__wrapped__", identifier)   # keras.ops.relu: the op itself
    raise ValueError(f"activations.get: could not interpret activation identifier "
                     f"{identifier!r}; expected None, a callable or one of the names: "
                     f"{_valid_names()}")


def serialize(activation):
    """How `activation` is stored in a config, as in Keras 3: the name of a built-in; for a
    user function, {'module', 'class_name': 'function', 'config': its registered name
    ("package>name" if registered, else its `__name__`), 'registered_name'}; for a callable
    object such as a layer (`LeakyReLU(0.2)`), its config dict."""
    activation = getattr(activation, "__wrapped__", activation)   # keras.ops.relu: relu
    name = getattr(activation, "__name__", None)
    if _BY_NAME.get(name) is activation:
        return name
    named_function = inspect.isfunction(activation) and name != "<lambda>"
    callable_object = (callable(activation) and not inspect.isclass(activation)
                       and hasattr(activation, "get_config"))
    if not (named_function or callable_object):
        raise ValueError(f"activations.serialize: expected a named activation function or "
                         f"a layer, received {activation!r}")
    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    """The activation `config` describes: a name, a dict {'class_name': 'function',
    'config': name}, or the Keras 3 dict of an object such as a layer.

    A name is looked up in the active custom_object_scope, the registry of
    `register_keras_serializable`, `custom_objects`, then the built-in names (see
    `keras.saving.get_registered_object`).
    """
    if isinstance(config, dict) and config.get("class_name") != "function":
        if "module" not in config:
            raise ValueError(f"activations.deserialize: expected a dict like "
                             f"{{'class_name': 'function', 'config': 'relu'}} or a Keras 3 "
                             f"object config with 'module', 'class_name' and 'config', "
                             f"received {config!r}")
        return deserialize_keras_object(config, custom_objects)
    name = config.get("config") if isinstance(config, dict) else config
    registered = config.get("registered_name") if isinstance(config, dict) else name
    if not isinstance(name, str) or not isinstance(registered, (str, type(None))):
        raise ValueError(f"activations.deserialize: expected an activation name, "
                         f"received {config!r}")
    found = find_registered((registered, name), custom_objects, _BY_NAME)
    if found is None:
        raise ValueError(f"Unknown activation {name!r}. Valid names: {_valid_names()}")
    return found
