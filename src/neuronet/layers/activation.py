"""Activation: applies an activation function, given by name or as a callable."""
from .. import activations
from .base import Layer


class Activation(Layer):
    """Applies `activation` (a name such as 'relu' or a callable) to its input.

    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
