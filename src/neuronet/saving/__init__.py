"""Saving and loading models in Keras 3's formats.

    model.save("model.keras")                     # architecture + weights + optimizer state
    model = neuronet.models.load_model("model.keras")
    model.save_weights("model.weights.h5")        # weights (and optimizer state) only
    model.load_weights("model.weights.h5")
    json_string = model.to_json()                 # architecture only
    model.save("model.h5")                        # the legacy HDF5 format (also `.hdf5`)
    model.save_weights("weights.h5")              # weights alone in Keras 2's layout

`.keras` and `.weights.h5` files follow Keras 3's internal layout, `.h5` / `.hdf5` files
the legacy layout Keras 2 and 3 write, so files written by Keras load here and files
written here load in Keras, for the layers both have.

Custom classes and functions are found on loading when registered with
`@register_keras_serializable()`, inside `with custom_object_scope({...}):`, or when
passed as `load_model(..., custom_objects={...})`.
"""
from .api import load_model, load_weights, save_model, save_weights
from .json import model_from_json, to_json
from .object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                  get_registered_name, get_registered_object,
                                  register_keras_serializable)
from .serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "to_json",
           "model_from_json", "serialize_keras_object", "deserialize_keras_object",
           "register_keras_serializable", "get_registered_name", "get_registered_object",
           "custom_object_scope", "CustomObjectScope", "get_custom_objects"]
