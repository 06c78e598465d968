"""Sequential: a plain stack of layers, each feeding the next."""
from ..layers.base import Layer, unique_name
from ..layers.input_layer import InputLayer
from ..layers.symbolic import SymbolicTensor
from ..saving.serialization import (deserialize_keras_object, dtype_policy, loading_scope,
                                     serialize_keras_object)
from .model import Model, conform_rank


class Sequential(Model):
    """A linear stack of layers: `Sequential([Input((784,)), Dense(64), Dense(10)])`."""

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(name=name or unique_name("sequential"), trainable=trainable)
        self._layers = []
        self._input_shape = None
        self._input_dtype = None          # an Input's dtype ('string' for raw text)
        self._input_name = "input_layer"  # an Input's name
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer (or an Input, which fixes the input shape)."""
        if isinstance(layer, SymbolicTensor) and layer.node is None:
            self._set_input(layer.shape, layer.dtype, layer.name)
            return
        if isinstance(layer, InputLayer):
            self._set_input(layer.batch_shape, layer.dtype, layer.name)
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: expected a Layer, received {type(layer).__name__}")
        if any(other.name == layer.name for other in self._layers):
            raise ValueError("All layers added to a Sequential model should have unique names. "
                             f"Name '{layer.name}' is already the name of a layer in model "
                             f"'{self.name}'. Update the `name` argument to pass a unique name.")
        if not self._layers and self._input_shape is None:
            self._input_shape = _declared_input_shape(layer)
        self._layers.append(layer)
        self.built = False
        if self._input_shape is not None:
            self.build(self._input_shape)

    def pop(self, rebuild=True):
        """Remove and return the last layer; with `rebuild`, build the rest again."""
        if not self._layers:
            raise TypeError(f"Sequential '{self.name}' has no layers to pop")
        layer = self._layers.pop()
        self.built = False
        if rebuild and self._layers and self._input_shape is not None:
            self.build(self._input_shape)
        return layer

    def _set_input(self, shape, dtype, name):
        if self._layers:
            raise ValueError(f"Sequential '{self.name}': an Input must come before every layer")
        if self._input_shape is not None:
            raise ValueError(f"Sequential model '{self.name}' has already been configured to use "
                             f"input shape {self._input_shape}: it takes one Input, received "
                             f"another of shape {tuple(shape)}")
        self._input_shape, self._input_dtype, self._input_name = tuple(shape), dtype, name

    @property
    def layers(self):
        return list(self._layers)

    def _sublayers(self):
        return list(self._layers)

    def _outputs_known(self):
        return True

    @property
    def output_names(self):
        return [self._layers[-1].name] if self._layers else ["output"]

    def build(self, input_shape=None):
        """Build every layer by passing a symbolic input of `input_shape` (by default the
        shape of the model's Input) through the stack."""
        if not self._layers:
            raise ValueError(f"Sequential '{self.name}' has no layers to build")
        if input_shape is None:
            input_shape = self._input_shape
            if input_shape is None:
                raise ValueError(f"Sequential '{self.name}': build() needs an `input_shape` "
                                 "when the model has no Input (received input_shape=None)")
        input_shape = tuple(input_shape)
        if self.built and tuple(input_shape[1:]) != tuple(self._input_shape[1:]):
            raise ValueError(f"Sequential model '{self.name}' has already been configured to use "
                             f"input shape {self._input_shape}. You cannot build it with "
                             f"input_shape {input_shape}")
        x = SymbolicTensor(input_shape, self._input_dtype or self.dtype, name=self._input_name)
        inputs = [x]
        for layer in self._layers:
            x = layer(x)
        # set once every layer took the shape (a batch size given stays)
        self._input_shape = self._build_input_shape = input_shape
        self.inputs, self.outputs = inputs, [x]
        self.built = True

    def call(self, inputs, training=None):
        """The stack applied in turn; an input one trailing axis of size 1 short of (or
        beyond) the model's Input is fitted to it, as in Keras."""
        x = inputs
        if self._input_shape is not None and hasattr(x, "ndim") and \
                not isinstance(x, SymbolicTensor):
            x = conform_rank(x, self._input_shape)
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape):
        if not self.built:
            self.build(input_shape)
        return (input_shape[0],) + self.outputs[0].shape[1:]

    def get_config(self):
        """Keras 3's layout: the layers serialized, an InputLayer first when the input
        shape is known."""
        layers = [serialize_keras_object(layer) for layer in self._layers]
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policy(self.dtype), "layers": layers}
        if self._input_shape is not None:
            input_layer = InputLayer(batch_shape=self._input_shape,
                                     dtype=self._input_dtype or self.dtype,
                                     name=self._input_name)
            layers.insert(0, serialize_keras_object(input_layer))
            config["build_input_shape"] = list(self._input_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        with loading_scope(custom_objects):
            model = cls(name=config.get("name"), trainable=config.get("trainable", True))
            for layer_config in config["layers"]:
                model.add(deserialize_keras_object(layer_config))
        if not model.built and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model


def _declared_input_shape(layer):
    """The input shape a layer declares (input_shape=...) or a built model already has."""
    if layer._input_shape_arg is not None:
        return layer._input_shape_arg
    inputs = getattr(layer, "inputs", None) if layer.built else None
    return tuple(inputs[0].shape) if inputs and len(inputs) == 1 else None
