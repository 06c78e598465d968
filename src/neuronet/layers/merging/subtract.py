"""Subtract: the elementwise difference of exactly two inputs."""
from ...ops import math as m
from .base_merge import Merge


class Subtract(Merge):
    """`Subtract()([x1, x2])` is `x1 - x2`.

    Input: a list of exactly 2 tensors of broadcastable shapes. Output: the broadcast shape.
    """

    num_inputs = 2

    def _merge_function(self, inputs):
        return m.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`."""
    return Subtract(**kwargs)(inputs)
