"""Multiply: the elementwise product of a list of inputs."""
import functools

from ...ops import math as m
from .base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs elementwise: `Multiply()([x1, x2])` is `x1 * x2`.

    Input: a list of tensors of broadcastable shapes. Output: the broadcast shape.
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.multiply, inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`."""
    return Multiply(**kwargs)(inputs)
