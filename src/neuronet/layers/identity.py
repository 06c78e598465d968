"""Identity: returns its inputs unchanged (a placeholder, e.g. for an optional block)."""
from .base import Layer


class Identity(Layer):
    """out = inputs. Input shape: any (also a list of inputs). Output shape: the input's.
    The mask, if any, passes through."""

    supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
