"""Add: the elementwise sum of a list of inputs."""
import functools

from ...ops import math as m
from .base_merge import Merge


class Add(Merge):
    """Adds a list of inputs elementwise: `Add()([x1, x2])` is `x1 + x2`.

    Input: a list of tensors of broadcastable shapes, e.g. [(batch, 8), (batch, 8)].
    Output: one tensor of the broadcast shape.
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.add, inputs)


def add(inputs, **kwargs):
    """Functional form of `Add`: `add([x1, x2])` is `Add()([x1, x2])`."""
    return Add(**kwargs)(inputs)
