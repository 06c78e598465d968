"""Models: Model (functional and subclassed), Sequential, and their training loop."""
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]

from ..saving import load_model, model_from_json
from ..saving.serialization import deserialize_keras_object, serialize_keras_object


def clone_model(model):
    """A new model with the same architecture as `model` and freshly initialized weights."""
    return deserialize_keras_object(serialize_keras_object(model) | {"compile_config": None})


__all__ += ["load_model", "model_from_json", "clone_model"]
