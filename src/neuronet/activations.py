"""Activation functions by Keras name, as in `keras.activations`.

    from neuronet import activations
    activations.relu(x, max_value=6.0)
    activations.get("gelu")            # the function named by a layer's `activation=`
    activations.serialize(fn)          # -> "gelu", stored in a layer config

Every function takes a Tensor or an array-like and returns a Tensor; the computing
ops, each with its backward pass, are in `neuronet.ops.activations`.
"""
from .ops.activations import (crelu, elu, exponential, gelu, hard_sigmoid, hard_silu,
                              leaky_relu, log_softmax, mish, relu, relu6, selu, sigmoid,
                              silu, softmax, softplus, softsign, tanh)
from .ops.math import tensor

__all__ = [
    "relu", "leaky_relu", "relu6", "elu", "selu", "softplus", "softsign", "silu", "swish",
    "gelu", "tanh", "sigmoid", "exponential", "hard_sigmoid", "hard_silu", "hard_swish",
    "linear", "mish", "softmax", "log_softmax", "crelu",
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
    sigmoid, exponential, hard_sigmoid, hard_silu, linear, mish, log_softmax, crelu)}
_BY_NAME.update(swish=silu, hard_swish=hard_silu)


def _valid_names():
    return ", ".join(sorted(_BY_NAME))


def get(identifier):
    """The activation function for `identifier`.

    None gives `linear`, a callable is returned as is, a name (or a serialized dict)
    gives the built-in function; anything else raises ValueError.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"activations.get: could not interpret activation identifier "
                     f"{identifier!r}; expected None, a callable or one of the names: "
                     f"{_valid_names()}")


def serialize(activation):
    """The name under which `activation` is stored in a config (Keras name for built-ins).

    A user-defined function serializes to its `__name__`; pass it back through
    `deserialize(name, custom_objects={name: fn})`.
    """
    name = getattr(activation, "__name__", None)
    if not callable(activation) or name is None or name == "<lambda>":
        raise ValueError(f"activations.serialize: expected a named activation function, "
                         f"received {activation!r}")
    return name


def deserialize(config, custom_objects=None):
    """The function named by `config`: a name, or a dict {'class_name': 'function',
    'config': name}; `custom_objects` maps names of user-defined functions to them."""
    name = config
    if isinstance(config, dict):
        name = config.get("config") if config.get("class_name") == "function" else None
        if not isinstance(name, str):
            raise ValueError(f"activations.deserialize: expected a dict like "
                             f"{{'class_name': 'function', 'config': 'relu'}}, received {config!r}")
    if not isinstance(name, str):
        raise ValueError(f"activations.deserialize: expected an activation name, "
                         f"received {config!r}")
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name not in _BY_NAME:
        raise ValueError(f"Unknown activation {name!r}. Valid names: {_valid_names()}")
    return _BY_NAME[name]
