"""keras.layers.serialize / deserialize: a layer as Keras 3's config dict, and back."""
from ..saving.serialization import deserialize_keras_object, serialize_keras_object
from .base import Layer


def serialize(layer):
    """The layer as a Keras 3 config dict: {'module', 'class_name', 'config',
    'registered_name'} (and 'build_config' once built)."""
    if not isinstance(layer, Layer):
        raise TypeError(f"layers.serialize: expected a Layer instance, received {layer!r}")
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """The layer a config dict describes (from `serialize`, Keras 3 or Keras 2);
    `custom_objects` maps names to custom classes and functions."""
    layer = deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(layer, Layer):
        raise ValueError(f"layers.deserialize: the config does not describe a Layer (it gives "
                         f"a {type(layer).__name__}); received config={config!r}")
    return layer
