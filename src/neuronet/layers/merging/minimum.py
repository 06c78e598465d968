"""Minimum: the elementwise minimum of a list of inputs."""
import functools

from ...ops import math as m
from .base_merge import Merge


class Minimum(Merge):
    """The elementwise minimum of a list of inputs (the gradient goes to the smallest).

    Input: a list of tensors of broadcastable shapes. Output: the broadcast shape.
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.minimum, inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`."""
    return Minimum(**kwargs)(inputs)
