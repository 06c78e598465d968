"""Wrapper: the base of layers that wrap another layer (TimeDistributed), and the
(class name, config) form in which a wrapped layer is stored in a config."""
from .base import Layer


def serialize_layer(layer):
    """{'class_name': ..., 'config': ...} for a layer."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config, custom_objects=None):
    """The layer described by `serialize_layer`'s dict; `custom_objects` maps class names
    of user-defined layers to their classes."""
    from .. import layers                         # the package's layers, by class name
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize_layer: expected a dict with 'class_name' and 'config', "
                         f"received {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or getattr(layers, name, None)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(f"deserialize_layer: unknown layer class {name!r}; pass it in "
                         f"custom_objects={{{name!r}: ...}}")
    return cls.from_config(dict(config.get("config") or {}))


class Wrapper(Layer):
    """A layer that applies another layer, `self.layer`, in some way."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: expected a Layer instance for argument "
                             f"'layer', received {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
