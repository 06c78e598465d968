"""Wrapper: the base of layers that wrap another layer (e.g. TimeDistributed)."""
from ..saving.serialization import (deserialize_keras_object, layer_arguments,
                                    serialize_keras_object)
from .base import Layer


class Wrapper(Layer):
    """A layer that applies another layer, `self.layer`, in some way.

    The config stores the wrapped layer in Keras 3's serialized layout.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: expected a Layer instance for argument "
                             f"'layer', received {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def get_config(self):
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        return cls(layer, **layer_arguments(cls, config))
