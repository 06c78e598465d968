"""Average: the elementwise mean of a list of inputs."""
import functools

from ...ops import math as m
from .base_merge import Merge


class Average(Merge):
    """The elementwise mean of a list of inputs: `(x1 + ... + xn) / n`.

    Input: a list of tensors of broadcastable shapes. Output: the broadcast shape.
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.add, inputs) / len(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`."""
    return Average(**kwargs)(inputs)
