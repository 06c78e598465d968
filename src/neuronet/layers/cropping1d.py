"""Cropping1D: removes steps at the start and the end of sequences."""
from ..ops import math as m
from ..ops.conv import as_tuple
from .base import Layer
from .input_spec import InputSpec


class Cropping1D(Layer):
    """Removes `cropping` steps at the start and the end of the steps axis (axis 1).

    cropping: an int (the same at both ends) or (start, end).
    Input shape: (batch, steps, features). Output shape: (batch, steps - start - end, features).
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = as_tuple(cropping, 2, "cropping", "Cropping1D", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)          # cropping everything fails here

    def call(self, inputs):
        start, end = self.cropping
        self.compute_output_shape(inputs.shape)
        return m.getitem(inputs, (slice(None), slice(start, inputs.shape[1] - end)))

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        if steps is not None and sum(self.cropping) >= steps:
            raise ValueError(f"Cropping1D layer '{self.name}': cropping {self.cropping} must "
                             f"leave some of the input's {steps} steps (input shape "
                             f"{tuple(input_shape)})")
        return (input_shape[0], None if steps is None else steps - sum(self.cropping),
                input_shape[2])

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}
