"""Saving and loading models in Keras 3's formats.

    model.save("model.keras")                     # architecture + weights + optimizer state
    model = neuronet.models.load_model("model.keras")
    model.save_weights("model.weights.h5")        # weights (and optimizer state) only
    model.load_weights("model.weights.h5")
    json_string = model.to_json()                 # architecture only

`.keras` and `.weights.h5` files follow Keras 3's internal layout, so files written by
Keras 3 load here and files written here load in Keras 3, for the layers both have.

Custom classes and functions are found on loading when registered with
`@register_keras_serializable()`, inside `with custom_object_scope({...}):`, or when
passed as `load_model(..., custom_objects={...})`.
"""
from .json import model_from_json, to_json
from .keras_file import load_model, save_model
from .object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                  get_registered_name, get_registered_object,
                                  register_keras_serializable)
from .serialization import deserialize_keras_object, serialize_keras_object
from .weights_file import load_weights, save_weights

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "to_json",
           "model_from_json", "serialize_keras_object", "deserialize_keras_object",
           "register_keras_serializable", "get_registered_name", "get_registered_object",
           "custom_object_scope", "CustomObjectScope", "get_custom_objects"]
