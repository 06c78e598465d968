"""Pipeline: a plain layer that applies a list of layers in order (Keras 3 semantics), e.g.
a data-augmentation pipeline."""
from ..saving.serialization import deserialize_keras_object, serialize_keras_object
from .base import Layer, _accepts


class Pipeline(Layer):
    """Applies `layers` one after the other: each one's output is the next one's input.

    Unlike a Sequential model it is a layer, not a Model. Called without `training` (and
    outside a model's fit or predict), it runs its layers in training mode, as Keras does:
    `Pipeline([RandomFlip(), RandomZoom(0.2)])(images)` augments. The mask of each output
    goes to the next layer.
    """

    def __init__(self, layers, name=None):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise ValueError(f"Pipeline: expected a list of Layer instances for argument "
                             f"'layers', received layers={layers!r}")
        super().__init__(name=name)
        self.layers = list(layers)           # the name Keras' files give the list, too

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self.layers:
            kwargs = {}
            if mask is not None and _accepts(type(layer).call, "mask"):
                kwargs["mask"] = mask
            if training is not None and _accepts(type(layer).call, "training"):
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs, mask = outputs, getattr(outputs, "_keras_mask", None)
        return outputs

    def get_config(self):
        return {"layers": serialize_keras_object(self.layers), "name": self.name}

    @classmethod
    def from_config(cls, config):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"Pipeline.from_config: expected a config with 'layers', a list of "
                             f"serialized layers; received layers={layers!r}")
        return cls(**{**config, "layers": [deserialize_keras_object(x) for x in layers]})
